import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Role } from '../../server/users.js';

/** The broker's accounts, as the dashboard's API needs them (UserDirectory and verifyPassword). */
export interface AccountCheck {
  get(name: string): { name: string; role: Role; password: string } | undefined;
  verify(password: string, hash: string): Promise<boolean>;
}

export type Verdict = { ok: true; user: string; role: Role } | { ok: false; status: 401 | 403; reason: string };

/** Roles that may read the fleet's history and events: the people watching it. */
const READERS: ReadonlySet<Role> = new Set(['operator', 'admin']);
const REMEMBER_MS = 10 * 60_000;

/**
 * HTTP Basic with the operator's broker account, the same credentials the page signed in with over
 * MQTT. A verified password is remembered for 10 minutes as a keyed hash (a per-process random key),
 * so the page's requests do not each cost a scrypt; a changed account (new hash) forgets it.
 */
export class OperatorAuth {
  private readonly key = randomBytes(32);
  private readonly remembered = new Map<string, { digest: Buffer; hash: string; until: number }>();

  constructor(
    private readonly accounts: AccountCheck,
    private readonly now: () => number = Date.now,
  ) {}

  async check(req: IncomingMessage): Promise<Verdict> {
    const header = req.headers.authorization ?? '';
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
    if (!match) return { ok: false, status: 401, reason: 'sign in with an operator account (HTTP Basic)' };
    const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { ok: false, status: 401, reason: 'malformed credentials' };
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const account = this.accounts.get(user);
    if (!account || !(await this.passwordMatches(user, password, account.password)))
      return { ok: false, status: 401, reason: 'unknown user or wrong password' };
    if (!READERS.has(account.role))
      return { ok: false, status: 403, reason: `a ${account.role} account cannot read the fleet's history` };
    return { ok: true, user, role: account.role };
  }

  private async passwordMatches(user: string, password: string, hash: string): Promise<boolean> {
    const digest = createHmac('sha256', this.key).update(`${user}\u0000${password}`).digest();
    const known = this.remembered.get(user);
    if (known && known.hash === hash && known.until > this.now() && timingSafeEqual(known.digest, digest)) return true;
    if (!(await this.accounts.verify(password, hash))) return false;
    if (this.remembered.size > 10_000) this.remembered.clear();
    this.remembered.set(user, { digest, hash, until: this.now() + REMEMBER_MS });
    return true;
  }
}
