/** CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF), sent low byte first after an RTU frame. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Appends the CRC (low byte first) to an RTU frame body (unit id + PDU). */
export function withCrc(body: Uint8Array): Buffer {
  const frame = Buffer.alloc(body.length + 2);
  frame.set(body);
  frame.writeUInt16LE(crc16(body), body.length);
  return frame;
}

/** True when the last two bytes of `frame[start, end)` are the CRC of the bytes before them. */
export function crcMatches(frame: Uint8Array, start: number, end: number): boolean {
  if (end - start < 4) return false;
  const expected = crc16(frame, start, end - 2);
  return frame[end - 2] === (expected & 0xff) && frame[end - 1] === expected >>> 8;
}
