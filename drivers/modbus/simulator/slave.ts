import { decodeReadRequest, encodeException, encodeReadResponse } from '../protocol/pdu.js';
import type { RegisterImage } from './image.js';

/** The reply PDU of a slave serving `image` to a request PDU: the data, or an exception. */
export function answerPdu(image: RegisterImage, pdu: Buffer): Buffer {
  const request = decodeReadRequest(pdu);
  if (!request) return encodeException(pdu[0] ?? 0, 1);
  const data = image.read(request);
  return typeof data === 'number' ? encodeException(pdu[0]!, data) : encodeReadResponse(request.table, data);
}
