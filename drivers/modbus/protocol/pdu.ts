/**
 * Modbus PDUs of the four read functions (Modbus Application Protocol v1.1b3, §6.1–6.4): building a
 * request, checking that a response answers it, and the exception responses (§7).
 */

export type Table = 'coil' | 'discrete' | 'holding' | 'input';

export const FUNCTION_OF: Record<Table, number> = { coil: 1, discrete: 2, holding: 3, input: 4 };
export const TABLE_OF: Record<number, Table> = { 1: 'coil', 2: 'discrete', 3: 'holding', 4: 'input' };

/** Largest quantity one request may ask for, by the spec. */
export const SPEC_LIMIT: Record<Table, number> = { coil: 2000, discrete: 2000, holding: 125, input: 125 };

export function isBitTable(table: Table): boolean {
  return table === 'coil' || table === 'discrete';
}

export interface ReadRequest {
  table: Table;
  /** Protocol address, 0-based (register 30001 or 40001 is address 0). */
  address: number;
  /** Registers, or bits for coils and discrete inputs. */
  quantity: number;
}

export const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** A Modbus exception response: the slave answered, and refused. */
export class ModbusException extends Error {
  constructor(
    readonly code: number,
    readonly functionCode: number,
  ) {
    super(`exception ${code.toString(16).padStart(2, '0')} (${EXCEPTION_NAMES[code] ?? 'unknown'})`);
    this.name = 'ModbusException';
  }
}

export function encodeReadRequest(request: ReadRequest): Buffer {
  const pdu = Buffer.alloc(5);
  pdu[0] = FUNCTION_OF[request.table];
  pdu.writeUInt16BE(request.address, 1);
  pdu.writeUInt16BE(request.quantity, 3);
  return pdu;
}

export function decodeReadRequest(pdu: Uint8Array): ReadRequest | undefined {
  const table = TABLE_OF[pdu[0]!];
  if (!table || pdu.length !== 5) return undefined;
  const view = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.length);
  return { table, address: view.readUInt16BE(1), quantity: view.readUInt16BE(3) };
}

/** Data bytes a response to `request` carries (the byte count field). */
export function responseDataBytes(request: ReadRequest): number {
  return isBitTable(request.table) ? Math.ceil(request.quantity / 8) : request.quantity * 2;
}

/** Length of the response PDU to `request`: function, byte count, data. */
export function responsePduLength(request: ReadRequest): number {
  return 2 + responseDataBytes(request);
}

/**
 * Whether `pdu` is a well-formed answer to `request`: the right function with the right byte count,
 * or that function's exception. A reply of another shape belongs to another request and is not ours.
 */
export function answers(request: ReadRequest, pdu: Uint8Array): boolean {
  const fn = FUNCTION_OF[request.table];
  if (pdu[0] === (fn | 0x80)) return pdu.length === 2;
  return pdu[0] === fn && pdu.length === responsePduLength(request) && pdu[1] === responseDataBytes(request);
}

/** The data bytes of a response, or throws the ModbusException it carries. */
export function responseData(pdu: Uint8Array): Buffer {
  const view = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.length);
  if (view[0]! & 0x80) throw new ModbusException(view[1]!, view[0]! & 0x7f);
  return view.subarray(2);
}

export function encodeReadResponse(table: Table, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([FUNCTION_OF[table], data.length]), data]);
}

export function encodeException(functionCode: number, code: number): Buffer {
  return Buffer.from([functionCode | 0x80, code]);
}
