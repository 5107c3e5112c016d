import { CredentialCache } from './credential-cache.js';
import { LoginThrottle } from './login-throttle.js';
import { type Account, generatePassword, hashGeneratedPassword, type UserDirectory, verifyPassword } from './users.js';

export interface CredentialLimits {
  /** Failed logins per account within `loginWindowMs` before that account's logins are throttled. */
  loginFailuresPerAccount: number;
  /** Failed logins per source address within `loginWindowMs` before that address is throttled. */
  loginFailuresPerAddress: number;
  loginWindowMs: number;
  /** Every refusal is answered this long after the CONNECT, whatever the cause (no timing oracle). */
  refusalDelayMs: number;
}

export type CredentialVerdict = { ok: true; account: Account } | { ok: false; reason: 'bad_credentials' | 'throttled' };

/**
 * Checks a user name and password. The honest case is cheap (a verified credential is remembered in
 * memory; generated passwords are HMAC-hashed), an unknown user costs the same work as a known one
 * and every refusal is answered after the same delay, and repeated failures are throttled per account
 * and per source address without running the password check.
 */
export class CredentialChecker {
  private readonly cache = new CredentialCache();
  private readonly throttle: { account: LoginThrottle; address: LoginThrottle };
  /** Checked against when the user is unknown, so that case costs what a known one does. */
  private readonly decoy = hashGeneratedPassword(generatePassword());

  constructor(
    private readonly users: UserDirectory,
    private readonly limits: CredentialLimits,
  ) {
    this.throttle = {
      account: new LoginThrottle(limits.loginFailuresPerAccount, limits.loginWindowMs),
      address: new LoginThrottle(limits.loginFailuresPerAddress, limits.loginWindowMs),
    };
  }

  async check(username: string, password: Buffer | undefined, address: string): Promise<CredentialVerdict> {
    const started = Date.now();
    const account = this.users.get(username);
    const secret = password ?? Buffer.alloc(0);
    // A person-chosen password (scrypt) is slow to check and can be guessed: it is remembered once verified,
    // and its account is throttled. A generated one (HMAC) costs what a cache lookup does, and cannot be
    // guessed, so throttling its account would only let a flood lock the gateway out.
    const personal = account?.password.startsWith('scrypt$') === true;
    if (account && personal && this.cache.has(account.name, secret, account.password)) return { ok: true, account };
    let reason: 'bad_credentials' | 'throttled' = 'bad_credentials';
    if ((personal && this.throttle.account.blocked(username)) || this.throttle.address.blocked(address))
      reason = 'throttled';
    else {
      const ok = await verifyPassword(secret.toString('utf8'), account?.password ?? this.decoy).catch(() => false);
      if (ok && account && password) {
        if (personal) this.cache.add(account.name, secret, account.password);
        this.throttle.account.succeed(username);
        return { ok: true, account };
      }
    }
    this.throttle.account.fail(username);
    this.throttle.address.fail(address);
    const wait = started + this.limits.refusalDelayMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return { ok: false, reason };
  }
}
