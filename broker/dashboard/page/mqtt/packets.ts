/**
 * The few MQTT 3.1.1 packets a read-only subscriber needs (OASIS MQTT 3.1.1, section 3), encoded and
 * decoded over plain Uint8Arrays: CONNECT/CONNACK, SUBSCRIBE/SUBACK, PUBLISH (received; PUBACK for
 * QoS 1), PINGREQ/PINGRESP, DISCONNECT. Small and allocation-light because the page reads thousands
 * of PUBLISH packets a second (see docs/operators.md for why not mqtt.js' browser build).
 */

export const CONNACK_REASONS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

export type Packet =
  | { type: 'connack'; sessionPresent: boolean; returnCode: number }
  | { type: 'suback'; id: number; granted: number[] }
  | { type: 'publish'; topic: string; payload: Uint8Array; qos: number; retain: boolean; id?: number }
  | { type: 'pingresp' }
  | { type: 'other'; code: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return bytes;
}

function packet(first: number, body: number[] | Uint8Array): Uint8Array {
  const length = remainingLength(body.length);
  const out = new Uint8Array(1 + length.length + body.length);
  out[0] = first;
  out.set(length, 1);
  out.set(body, 1 + length.length);
  return out;
}

function str(s: string): number[] {
  const bytes = encoder.encode(s);
  if (bytes.length > 0xffff) throw new Error('MQTT string longer than 65535 bytes');
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

export function connectPacket(o: { clientId: string; username?: string; password?: string; keepaliveS: number }) {
  let flags = 0x02; // clean session
  if (o.username !== undefined) flags |= 0x80;
  if (o.password !== undefined) flags |= 0x40;
  const body = [...str('MQTT'), 4, flags, o.keepaliveS >> 8, o.keepaliveS & 0xff, ...str(o.clientId)];
  if (o.username !== undefined) body.push(...str(o.username));
  if (o.password !== undefined) body.push(...str(o.password));
  return packet(0x10, body);
}

export function subscribePacket(id: number, filters: string[], qos = 0): Uint8Array {
  const body = [id >> 8, id & 0xff];
  for (const f of filters) body.push(...str(f), qos);
  return packet(0x82, body);
}

export const pingreqPacket = () => new Uint8Array([0xc0, 0]);
export const disconnectPacket = () => new Uint8Array([0xe0, 0]);
export const pubackPacket = (id: number) => new Uint8Array([0x40, 2, id >> 8, id & 0xff]);

/**
 * Splits a byte stream into packets: WebSocket messages need not align with MQTT packets (one
 * message may hold several, or part of one), so bytes are kept until a packet is whole.
 */
export class PacketReader {
  private buffer = new Uint8Array(0);

  /** Adds bytes and returns the packets now complete. Throws on a malformed length. */
  push(chunk: Uint8Array): Packet[] {
    let data = chunk;
    if (this.buffer.length > 0) {
      data = new Uint8Array(this.buffer.length + chunk.length);
      data.set(this.buffer);
      data.set(chunk, this.buffer.length);
    }
    const packets: Packet[] = [];
    let at = 0;
    while (at < data.length) {
      let length = 0;
      let multiplier = 1;
      let i = at + 1;
      let complete = false;
      while (i < data.length) {
        const b = data[i++] as number;
        length += (b & 0x7f) * multiplier;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
        multiplier *= 128;
        if (multiplier > 128 ** 3) throw new Error('malformed MQTT remaining length');
      }
      if (!complete || i + length > data.length) break;
      packets.push(decode(data[at] as number, data.subarray(i, i + length)));
      at = i + length;
    }
    this.buffer = at < data.length ? data.slice(at) : new Uint8Array(0);
    return packets;
  }
}

function decode(first: number, body: Uint8Array): Packet {
  const code = first >> 4;
  switch (code) {
    case 2:
      return { type: 'connack', sessionPresent: ((body[0] ?? 0) & 1) === 1, returnCode: body[1] ?? 255 };
    case 3: {
      const qos = (first >> 1) & 3;
      const topicLength = ((body[0] ?? 0) << 8) | (body[1] ?? 0);
      const topic = decoder.decode(body.subarray(2, 2 + topicLength));
      let at = 2 + topicLength;
      let id: number | undefined;
      if (qos > 0) {
        id = ((body[at] ?? 0) << 8) | (body[at + 1] ?? 0);
        at += 2;
      }
      return { type: 'publish', topic, payload: body.subarray(at), qos, retain: (first & 1) === 1, id };
    }
    case 9:
      return { type: 'suback', id: ((body[0] ?? 0) << 8) | (body[1] ?? 0), granted: [...body.subarray(2)] };
    case 13:
      return { type: 'pingresp' };
    default:
      return { type: 'other', code };
  }
}
