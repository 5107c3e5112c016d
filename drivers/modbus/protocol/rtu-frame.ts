import { crcMatches, withCrc } from './crc.js';
import { answers, type ReadRequest, responsePduLength } from './pdu.js';

/**
 * Modbus RTU framing (Modbus over Serial Line v1.02, §2.5): unit id, PDU, CRC-16 low byte first.
 * RTU has no transaction id, so a reply is recognised by its shape: the unit we asked, the function we
 * asked (or its exception), the byte count our request implies, and a good CRC. Anything else in the
 * receive buffer (a late reply to an earlier request, another slave's answer, line noise) is skipped.
 */

export function encodeRtuFrame(unit: number, pdu: Uint8Array): Buffer {
  return withCrc(Buffer.concat([Buffer.from([unit]), pdu]));
}

export type ReplyScan =
  /** A reply to our request: its PDU, and how many bytes before it were not ours. */
  | { kind: 'reply'; pdu: Buffer; skipped: number; end: number }
  /** No reply yet; bytes before `keepFrom` can never start one and may be dropped. */
  | { kind: 'partial'; keepFrom: number };

export function scanForReply(buffer: Buffer, unit: number, request: ReadRequest): ReplyScan {
  const normalLength = 1 + responsePduLength(request) + 2;
  let keepFrom = buffer.length;
  for (let start = 0; start < buffer.length; start++) {
    if (buffer[start] !== unit) continue;
    const fn = buffer[start + 1];
    if (fn === undefined) {
      keepFrom = Math.min(keepFrom, start);
      break;
    }
    const length = fn & 0x80 ? 5 : normalLength;
    const end = start + length;
    if (end > buffer.length) {
      // Could be the beginning of our reply: keep it, but a later complete frame may still be ours.
      keepFrom = Math.min(keepFrom, start);
      continue;
    }
    if (!crcMatches(buffer, start, end)) continue;
    const pdu = Buffer.from(buffer.subarray(start + 1, end - 2));
    if (answers(request, pdu)) return { kind: 'reply', pdu, skipped: start, end };
  }
  return { kind: 'partial', keepFrom };
}

/** Lengths of request frames a slave may receive, by function code (reads, single and multiple writes). */
function requestFrameLength(buffer: Buffer, start: number): number | undefined {
  const fn = buffer[start + 1];
  if (fn === undefined) return undefined;
  if (fn >= 1 && fn <= 6) return 8;
  if (fn === 15 || fn === 16) {
    const byteCount = buffer[start + 6];
    return byteCount === undefined ? undefined : 9 + byteCount;
  }
  return 4; // unknown function: unit, function, CRC at least
}

export type RequestScan =
  | { kind: 'request'; unit: number; pdu: Buffer; end: number }
  | { kind: 'partial'; keepFrom: number };

/** The slave's side: the first CRC-valid request frame in the buffer. */
export function scanForRequest(buffer: Buffer): RequestScan {
  let keepFrom = buffer.length;
  for (let start = 0; start < buffer.length; start++) {
    const length = requestFrameLength(buffer, start);
    if (length === undefined || start + length > buffer.length) {
      keepFrom = Math.min(keepFrom, start);
      continue;
    }
    if (!crcMatches(buffer, start, start + length)) continue;
    return {
      kind: 'request',
      unit: buffer[start]!,
      pdu: Buffer.from(buffer.subarray(start + 1, start + length - 2)),
      end: start + length,
    };
  }
  return { kind: 'partial', keepFrom };
}
