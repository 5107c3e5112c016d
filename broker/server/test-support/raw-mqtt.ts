import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { createWebSocketStream, WebSocket } from 'ws';

/**
 * MQTT 3.1.1 packets as raw bytes (OASIS mqtt-v3.1.1-os §2–3), for hostile tests: a client library
 * refuses to send most of what these tests need (bad UTF-8, lying lengths, stolen client ids).
 */
const str = (s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);

export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

export const packet = (first: number, body: Buffer) =>
  Buffer.concat([Buffer.from([first]), remainingLength(body.length), body]);

export interface ConnectOptions {
  clientId?: string | Buffer;
  clean?: boolean;
  keepalive?: number;
  username?: string;
  password?: string;
  will?: { topic: string | Buffer; payload: string; qos?: number; retain?: boolean };
}

export function connectPacket(o: ConnectOptions = {}): Buffer {
  let flags = o.clean === false ? 0 : 0x02;
  const payload = [str(o.clientId ?? '')];
  if (o.will) {
    flags |= 0x04 | ((o.will.qos ?? 0) << 3) | (o.will.retain ? 0x20 : 0);
    payload.push(str(o.will.topic), str(o.will.payload));
  }
  if (o.username !== undefined) {
    flags |= 0x80;
    payload.push(str(o.username));
  }
  if (o.password !== undefined) {
    flags |= 0x40;
    payload.push(str(o.password));
  }
  const header = Buffer.concat([str('MQTT'), Buffer.from([4, flags]), u16(o.keepalive ?? 60)]);
  return packet(0x10, Buffer.concat([header, ...payload]));
}

export const subscribePacket = (id: number, filters: [string, number][]) =>
  packet(0x82, Buffer.concat([u16(id), ...filters.map(([f, q]) => Buffer.concat([str(f), Buffer.from([q])]))]));

export const unsubscribePacket = (id: number, filters: string[]) =>
  packet(0xa2, Buffer.concat([u16(id), ...filters.map((f) => str(f))]));

export function publishPacket(
  topic: string,
  payload: string | Buffer,
  o: { qos?: number; id?: number; retain?: boolean } = {},
) {
  const qos = o.qos ?? 0;
  const body: Buffer[] = [str(topic)];
  if (qos > 0) body.push(u16(o.id ?? 1));
  body.push(typeof payload === 'string' ? Buffer.from(payload) : payload);
  return packet(0x30 | (qos << 1) | (o.retain ? 1 : 0), Buffer.concat(body));
}

export const pubackPacket = (id: number) => packet(0x40, u16(id));
export const disconnectPacket = () => Buffer.from([0xe0, 0]);

export interface Received {
  type: number;
  flags: number;
  body: Buffer;
  /** CONNACK return code */
  returnCode?: number;
  /** SUBACK grants */
  granted?: number[];
  topic?: string;
  payload?: string;
  qos?: number;
  id?: number;
}

function decode(type: number, flags: number, body: Buffer): Received {
  const p: Received = { type, flags, body };
  if (type === 2) p.returnCode = body[1];
  if (type === 9) p.granted = [...body.subarray(2)];
  if (type === 3) {
    const len = body.readUInt16BE(0);
    p.topic = body.subarray(2, 2 + len).toString('utf8');
    p.qos = (flags >> 1) & 3;
    let at = 2 + len;
    if (p.qos > 0) {
      p.id = body.readUInt16BE(at);
      at += 2;
    }
    p.payload = body.subarray(at).toString('utf8');
  }
  return p;
}

/** A raw MQTT connection: write bytes, await the packets the broker sends back. */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private readonly packets: Received[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  isClosed = false;

  private constructor(readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    stream.on('error', () => {});
    // A WebSocket stream only ends its readable side when the peer closes: count that as closed.
    stream.on('end', () => stream.destroy());
    this.closed = new Promise((resolve) =>
      stream.once('close', () => {
        this.isClosed = true;
        for (const w of this.waiters.splice(0)) w();
        resolve();
      }),
    );
  }

  /** mqtt://, mqtts:// (any certificate) or ws://; `localAddress` picks the source (127.0.0.x on loopback). */
  static open(url: string, localAddress?: string): Promise<RawClient> {
    const u = new URL(url);
    if (u.protocol === 'ws:') {
      const ws = new WebSocket(url, 'mqtt');
      return new Promise((resolve, reject) => {
        ws.once('open', () => resolve(new RawClient(createWebSocketStream(ws))));
        ws.once('error', reject);
      });
    }
    const port = Number(u.port);
    const socket =
      u.protocol === 'mqtts:'
        ? tlsConnect({ host: u.hostname, port, rejectUnauthorized: false })
        : netConnect({ port, host: u.hostname, localAddress });
    return new Promise((resolve, reject) => {
      socket.once(u.protocol === 'mqtts:' ? 'secureConnect' : 'connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private drain(): void {
    for (;;) {
      if (this.buffer.length < 2) return;
      let len = 0;
      let mult = 1;
      let i = 1;
      for (;;) {
        const b = this.buffer[i];
        if (b === undefined) return;
        len += (b & 0x7f) * mult;
        mult *= 128;
        i++;
        if (!(b & 0x80)) break;
      }
      if (this.buffer.length < i + len) return;
      const first = this.buffer[0] as number;
      this.packets.push(decode(first >> 4, first & 0x0f, this.buffer.subarray(i, i + len)));
      this.buffer = this.buffer.subarray(i + len);
      for (const w of this.waiters.splice(0)) w();
    }
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.isClosed || this.stream.destroyed) return resolve();
      this.stream.write(bytes, () => resolve());
    });
  }

  /** The next packet of this type (any type if omitted), or undefined if the connection closes first. */
  async next(type?: number, timeoutMs = 10_000): Promise<Received | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.packets.findIndex((p) => type === undefined || p.type === type);
      if (at >= 0) return this.packets.splice(at, 1)[0];
      if (this.isClosed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet of type ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Packets of a type received so far (without waiting). */
  received(type: number): Received[] {
    return this.packets.filter((p) => p.type === type);
  }

  /** Sends CONNECT and returns the CONNACK return code (undefined: closed without one). */
  async connect(o: ConnectOptions): Promise<number | undefined> {
    await this.write(connectPacket(o));
    return (await this.next(2))?.returnCode;
  }

  close(): void {
    this.stream.destroy();
  }
}

export async function rawConnect(
  url: string,
  o: ConnectOptions,
  localAddress?: string,
): Promise<{ client: RawClient; code: number | undefined }> {
  const client = await RawClient.open(url, localAddress);
  return { client, code: await client.connect(o) };
}
