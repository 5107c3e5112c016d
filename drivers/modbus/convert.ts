import type { FieldValue } from '../../wire/index.js';
import type { RegisterDef } from './options.js';
import type { Block } from './plan.js';
import { isBitTable } from './protocol/pdu.js';
import { decodeRaw, type RawValue, registerCount, scaleValue, shortestFloat32 } from './values.js';

export type ValueResult = { def: RegisterDef; value: FieldValue } | { def: RegisterDef; problem: string };

/** The field value of a raw value: scale and offset applied, floats as floats, `as: integer` as integers. */
export function fieldValue(def: RegisterDef, raw: RawValue): FieldValue | { problem: string } {
  if (typeof raw === 'boolean' || typeof raw === 'string') return raw;
  if (def.as === 'integer' || def.as === 'time') return BigInt(raw) * BigInt(def.scale) + BigInt(def.offset);
  const number = def.type === 'float32' ? shortestFloat32(Number(raw)) : Number(raw);
  if (!Number.isFinite(number)) return { problem: `not a number (${number})` };
  return scaleValue(number, def.scale, def.offset);
}

/** Every value of a block, from the data bytes of its response. */
export function valuesOfBlock(block: Block, data: Buffer): ValueResult[] {
  const { table, address } = block.request;
  return block.values.map((def) => {
    const at = def.address - address;
    let raw: RawValue;
    if (isBitTable(table)) {
      raw = ((data[at >> 3]! >> (at & 7)) & 1) === 1;
    } else {
      const bytes = data.subarray(at * 2, (at + registerCount(def.type, def.length)) * 2);
      raw = decodeRaw(def.type, def.order, bytes, def.bit);
    }
    const value = fieldValue(def, raw);
    return typeof value === 'object' ? { def, problem: value.problem } : { def, value };
  });
}

/** Where a value is, for messages: `input 0x0048 (energy_import_wh)`. */
export function describeValue(def: RegisterDef): string {
  return `${def.table} 0x${def.address.toString(16).padStart(4, '0')} (${def.field})`;
}
