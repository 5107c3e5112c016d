import AedesPacket from 'aedes-packet';

/** A stored packet: every field but the payload as JSON, the payload as a BLOB. */
export interface PacketRow {
  meta: string;
  payload: Buffer;
}

export type StoredPacket = Record<string, unknown> & { payload?: Buffer | string };

/** Key in the JSON recording the payload's type, so a packet comes back as it went in. */
const KIND = '_payload';

/** undefined is kept as null so a packet comes back with the same keys (aedes treats both alike). */
export function encodePacket(packet: object): PacketRow {
  const { payload, ...rest } = packet as { payload?: unknown };
  const kind = payload === undefined ? 'none' : typeof payload === 'string' ? 'string' : 'buffer';
  const body = Buffer.isBuffer(payload)
    ? payload
    : payload instanceof Uint8Array
      ? Buffer.from(payload)
      : Buffer.from(payload === undefined ? '' : String(payload));
  const meta = JSON.stringify({ ...rest, [KIND]: kind }, (_key, value) => (value === undefined ? null : value));
  return { meta, payload: body };
}

export function decodePacket(row: PacketRow): StoredPacket {
  const { [KIND]: kind, ...fields } = JSON.parse(row.meta) as Record<string, unknown>;
  if (kind === 'none') return fields;
  const payload = Buffer.from(row.payload);
  return { ...fields, payload: kind === 'string' ? payload.toString() : payload };
}

/** aedes' own packet copy (aedes-packet): the fields aedes keeps, a fresh `messageId` for QoS > 0. */
export function copyPacket(packet: object): StoredPacket {
  return new (AedesPacket as unknown as new (p: object) => StoredPacket)(packet);
}
