import type { TestAedes } from '../harness/index.js';

/**
 * Keeps every byte a broker handles (topic and payload of each publish, from clients, wills,
 * retained messages and $SYS alike) and finds secrets in it, in the encodings a plain search
 * would find: as written, ASCII hex (lower and upper case), base64 and UTF-16LE.
 */
export class LeakScanner {
  private readonly chunks: Buffer[] = [];
  published = 0;

  constructor(aedes: TestAedes) {
    aedes.broker.on('publish', (packet) => {
      this.published++;
      this.chunks.push(Buffer.from(packet.topic, 'utf8'), Buffer.from(packet.payload));
    });
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }

  /** The forms of `secret` found (empty when none). */
  find(secret: string): string[] {
    const all = Buffer.concat(this.chunks);
    const hex = Buffer.from(secret, 'utf8').toString('hex');
    const forms: Record<string, Buffer> = {
      'as written': Buffer.from(secret, 'utf8'),
      'hex lower': Buffer.from(hex.toLowerCase()),
      'hex upper': Buffer.from(hex.toUpperCase()),
      base64: Buffer.from(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, '')),
      'utf-16le': Buffer.from(secret, 'utf16le'),
    };
    return Object.entries(forms)
      .filter(([, form]) => all.includes(form))
      .map(([name]) => `${secret} ${name}`);
  }
}
