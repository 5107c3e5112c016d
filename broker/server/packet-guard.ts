import type { Duplex } from 'node:stream';

/**
 * Bounds what a connection may make the broker buffer, by reading MQTT fixed headers as bytes are
 * handed to aedes' parser (mqtt-packet keeps every chunk of a packet until its claimed length has
 * arrived: a CONNECT claiming 256 MB was buffered in full, before authentication).
 *
 * - The first packet must be a CONNECT of at most `maxConnectBytes` (before login, nothing else).
 * - A PUBLISH whose payload (remaining length minus topic and packet id) exceeds `maxPayloadBytes` is
 *   refused at its header, before its payload is buffered; other packets are bounded by `maxPacketBytes`.
 * - The CONNECT's client id, user name and will topic must be well-formed UTF-8 (MQTT-1.5.3-1); the
 *   parser would silently turn bad bytes into U+FFFD, so this is the only place they can be seen.
 */
export interface PacketLimits {
  maxConnectBytes: number;
  maxPayloadBytes: number;
}

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
function wellFormed(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** What the CONNECT's strings revealed: `badClientId` makes the broker answer CONNACK 2. */
export interface ConnectFacts {
  badClientId: boolean;
}

/** Reads the strings of a CONNECT variable header + payload (MQTT 3.1.1 §3.1.2, §3.1.3). */
export function inspectConnect(body: Buffer): { facts: ConnectFacts; problem?: string } {
  const facts: ConnectFacts = { badClientId: false };
  let at = 0;
  const field = (): Buffer | undefined => {
    if (at + 2 > body.length) return undefined;
    const len = body.readUInt16BE(at);
    const value = body.subarray(at + 2, at + 2 + len);
    at += 2 + len;
    return value.length === len ? value : undefined;
  };
  if (!field()) return { facts, problem: 'CONNECT without a protocol name' };
  const flags = body[at + 1];
  if (flags === undefined) return { facts, problem: 'truncated CONNECT' };
  at += 4; // level, flags, keep alive
  const clientId = field();
  if (!clientId) return { facts, problem: 'CONNECT without a client id' };
  facts.badClientId = !wellFormed(clientId) || clientId.includes(0);
  if (flags & 0x04) {
    const willTopic = field();
    if (!willTopic || !wellFormed(willTopic) || willTopic.includes(0))
      return { facts, problem: 'will topic is not well-formed UTF-8' };
    field(); // will payload: binary
  }
  if (flags & 0x80) {
    const user = field();
    if (!user || !wellFormed(user) || user.includes(0)) return { facts, problem: 'user name is not well-formed UTF-8' };
  }
  return { facts };
}

/** A byte-level scanner over one connection's inbound stream; feed it chunks in order. */
export class PacketScanner {
  private header: number[] = [];
  private remaining = 0;
  /** Bytes of the current packet still to skip. */
  private skip = 0;
  private packets = 0;
  private type = 0;
  private topicBytes: number[] | undefined;
  private connect: Buffer[] | undefined;
  facts: ConnectFacts | undefined;

  constructor(private readonly limits: PacketLimits) {}

  /** Why the stream must be closed, or undefined. */
  feed(chunk: Buffer): string | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        if (this.topicBytes) {
          const problem = this.publishTopicLength(chunk, i, n);
          if (problem) return problem;
        }
        if (this.connect) this.connect.push(chunk.subarray(i, i + n));
        this.skip -= n;
        i += n;
        if (this.skip === 0) {
          const problem = this.endOfPacket();
          if (problem) return problem;
        }
        continue;
      }
      this.header.push(chunk[i++] as number);
      const problem = this.headerByte();
      if (problem) return problem;
    }
    return undefined;
  }

  private headerByte(): string | undefined {
    const h = this.header;
    if (h.length < 2) return undefined;
    const last = h[h.length - 1] as number;
    if (last & 0x80) return h.length === 5 ? 'malformed remaining length' : undefined;
    let remaining = 0;
    for (let k = h.length - 1; k >= 1; k--) remaining = remaining * 128 + ((h[k] as number) & 0x7f);
    this.type = (h[0] as number) >> 4;
    this.remaining = remaining;
    const problem = this.startPacket((h[0] as number) & 0x0f);
    this.header = [];
    return problem;
  }

  private startPacket(flags: number): string | undefined {
    const { maxConnectBytes, maxPayloadBytes } = this.limits;
    const first = this.packets++ === 0;
    if (first && this.type !== 1) return 'the first packet is not a CONNECT';
    if (first && this.remaining > maxConnectBytes)
      return `CONNECT of ${this.remaining} bytes exceeds limits.maxConnectBytes (${maxConnectBytes})`;
    // Largest legitimate packet: a PUBLISH with the longest topic (65,535) and the largest payload.
    const maxPacket = maxPayloadBytes + 65_535 + 4;
    if (!first && this.remaining > maxPacket)
      return `packet of ${this.remaining} bytes exceeds what limits.maxPayloadBytes (${maxPayloadBytes}) allows`;
    this.topicBytes = this.type === 3 ? [] : undefined;
    this.connect = first ? [] : undefined;
    this.skip = this.remaining;
    this.publishQos = (flags >> 1) & 3;
    return this.skip === 0 ? this.endOfPacket() : undefined;
  }

  private publishQos = 0;

  private publishTopicLength(chunk: Buffer, at: number, n: number): string | undefined {
    const t = this.topicBytes as number[];
    for (let k = at; k < at + n && t.length < 2; k++) t.push(chunk[k] as number);
    if (t.length < 2) return undefined;
    this.topicBytes = undefined;
    const payload = this.remaining - 2 - ((t[0] as number) * 256 + (t[1] as number)) - (this.publishQos > 0 ? 2 : 0);
    if (payload > this.limits.maxPayloadBytes)
      return `PUBLISH payload of ${payload} bytes exceeds limits.maxPayloadBytes (${this.limits.maxPayloadBytes})`;
    return undefined;
  }

  private endOfPacket(): string | undefined {
    this.topicBytes = undefined;
    if (!this.connect) return undefined;
    const { facts, problem } = inspectConnect(Buffer.concat(this.connect));
    this.connect = undefined;
    this.facts = facts;
    return problem;
  }
}

/**
 * Installs the scanner on a stream aedes reads with `read()` (net/TLS sockets, the WebSocket duplex):
 * each chunk is checked before the parser sees it; a violation destroys the stream at once.
 */
export function guardStream(
  stream: Duplex,
  limits: PacketLimits,
  onViolation: (reason: string) => void,
): { facts(): ConnectFacts | undefined } {
  const scanner = new PacketScanner(limits);
  const read = stream.read.bind(stream);
  let closed = false;
  stream.read = (size?: number) => {
    if (closed) return null;
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || typeof chunk === 'string') return chunk;
    const problem = scanner.feed(chunk);
    if (!problem) return chunk;
    closed = true;
    onViolation(problem);
    stream.destroy();
    return null;
  };
  return { facts: () => scanner.facts };
}
