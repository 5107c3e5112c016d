import { createHmac, randomBytes } from 'node:crypto';

/**
 * Credentials verified recently, remembered as an HMAC under a key that lives only in this process
 * (never the password). The stored hash is part of the key, so a changed password misses at once.
 * A hit skips the KDF: a gateway reconnecting costs microseconds instead of a scrypt run.
 */
export class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly ttlMs = 3_600_000,
    private readonly maxEntries = 50_000,
  ) {}

  private id(user: string, password: Buffer, storedHash: string): string {
    return createHmac('sha256', this.key).update(`${user}\0${storedHash}\0`).update(password).digest('base64');
  }

  has(user: string, password: Buffer, storedHash: string): boolean {
    const id = this.id(user, password, storedHash);
    const until = this.verified.get(id);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.verified.delete(id);
      return false;
    }
    return true;
  }

  add(user: string, password: Buffer, storedHash: string): void {
    if (this.verified.size >= this.maxEntries) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(this.id(user, password, storedHash), Date.now() + this.ttlMs);
  }

  clear(): void {
    this.verified.clear();
  }
}
