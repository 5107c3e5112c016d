/**
 * Modbus TCP framing (Modbus Messaging on TCP/IP v1.0b, §3.1.3): the MBAP header (transaction id,
 * protocol id 0, length, unit id) then the PDU. The transaction id ties each reply to its request.
 */

export const MBAP_LENGTH = 7;

export function encodeTcpFrame(transactionId: number, unit: number, pdu: Uint8Array): Buffer {
  const frame = Buffer.alloc(MBAP_LENGTH + pdu.length);
  frame.writeUInt16BE(transactionId & 0xffff, 0);
  frame.writeUInt16BE(0, 2);
  frame.writeUInt16BE(pdu.length + 1, 4);
  frame[6] = unit;
  frame.set(pdu, MBAP_LENGTH);
  return frame;
}

export interface TcpFrame {
  transactionId: number;
  unit: number;
  pdu: Buffer;
}

/**
 * Splits complete frames off the front of `buffer`. A header that cannot be Modbus (protocol id not 0,
 * impossible length) makes the stream unusable: `corrupt` tells the caller to drop the connection.
 */
export function splitTcpFrames(buffer: Buffer): { frames: TcpFrame[]; rest: Buffer; corrupt: boolean } {
  const frames: TcpFrame[] = [];
  let offset = 0;
  while (buffer.length - offset >= MBAP_LENGTH) {
    const protocol = buffer.readUInt16BE(offset + 2);
    const length = buffer.readUInt16BE(offset + 4);
    if (protocol !== 0 || length < 2 || length > 254) return { frames, rest: Buffer.alloc(0), corrupt: true };
    const end = offset + 6 + length;
    if (end > buffer.length) break;
    frames.push({
      transactionId: buffer.readUInt16BE(offset),
      unit: buffer[offset + 6]!,
      pdu: Buffer.from(buffer.subarray(offset + MBAP_LENGTH, end)),
    });
    offset = end;
  }
  return { frames, rest: Buffer.from(buffer.subarray(offset)), corrupt: false };
}
