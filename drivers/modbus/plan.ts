import type { RegisterDef } from './options.js';
import type { PlanningSettings } from './profiles.js';
import { isBitTable, type ReadRequest, SPEC_LIMIT } from './protocol/pdu.js';
import { registerCount } from './values.js';

/** One request of a poll and the values it carries. */
export interface Block {
  request: ReadRequest;
  values: RegisterDef[];
}

/** Items (registers, or bits) a value occupies in its table. */
export function itemCount(def: RegisterDef): number {
  return isBitTable(def.table) ? 1 : registerCount(def.type, def.length);
}

/**
 * Request coalescing: values of the same table whose addresses are contiguous, overlap, or are at most
 * `maxGap` registers apart are read in one request, up to `maxRegistersPerRequest` registers (2000 bits
 * for coils and discrete inputs, whose gap is counted in bits × 16). With `singleValueReads`, one request
 * per value. Blocks come out ordered by table, then address.
 */
export function planRequests(registers: readonly RegisterDef[], settings: PlanningSettings): Block[] {
  const sorted = [...registers].sort(
    (a, b) => a.table.localeCompare(b.table) || a.address - b.address || itemCount(a) - itemCount(b),
  );
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const def of sorted) {
    const start = def.address;
    const end = start + itemCount(def);
    if (current && !settings.singleValueReads && current.request.table === def.table) {
      const bits = isBitTable(def.table);
      const limit = bits ? SPEC_LIMIT[def.table] : Math.min(settings.maxRegistersPerRequest, SPEC_LIMIT[def.table]);
      const gapLimit = bits ? settings.maxGap * 16 : settings.maxGap;
      const blockEnd = current.request.address + current.request.quantity;
      const newEnd = Math.max(blockEnd, end);
      if (start - blockEnd <= gapLimit && newEnd - current.request.address <= limit) {
        current.request.quantity = newEnd - current.request.address;
        current.values.push(def);
        continue;
      }
    }
    current = { request: { table: def.table, address: start, quantity: end - start }, values: [def] };
    blocks.push(current);
  }
  return blocks;
}

/** One block per value of `block`: what a poll falls back to when a block read gets an exception. */
export function splitBlock(block: Block): Block[] {
  return block.values.map((def) => ({
    request: { table: def.table, address: def.address, quantity: itemCount(def) },
    values: [def],
  }));
}
