import type { RegisterDef } from '../options.js';
import { itemCount } from '../plan.js';
import { isBitTable, type ReadRequest, responseDataBytes, type Table } from '../protocol/pdu.js';
import { encodeRaw } from '../values.js';
import { rawOf, type Signal, signalFor } from './signals.js';

interface TableImage {
  /** Addresses served: from the lowest to the highest the profile uses; outside, exception 02. */
  first: number;
  end: number;
  /** Registers as 16-bit words, or bits as 0/1. */
  items: Map<number, number>;
}

/**
 * The register tables of a simulated slave. Like most meters, it answers for every address between
 * the lowest and highest of each table the profile names (zeros in between) and refuses the others with
 * exception 02 (illegal data address).
 */
export class RegisterImage {
  private readonly tables = new Map<Table, TableImage>();
  private readonly signals: [RegisterDef, Signal][];

  constructor(readonly registers: readonly RegisterDef[]) {
    this.signals = registers.map((def, i) => [def, signalFor(def, i)]);
    for (const def of registers) {
      const table = this.tables.get(def.table) ?? { first: def.address, end: def.address, items: new Map() };
      table.first = Math.min(table.first, def.address);
      table.end = Math.max(table.end, def.address + itemCount(def));
      this.tables.set(def.table, table);
    }
    this.update(0);
  }

  /** Sets every register to its signal's value `seconds` into the simulation. */
  update(seconds: number): void {
    for (const [def, signal] of this.signals) this.set(def, rawOf(def, signal(seconds)));
  }

  /** Writes one value of the map (tests give known values this way). */
  set(def: RegisterDef, raw: number | bigint | boolean | string): void {
    const table = this.tables.get(def.table)!;
    if (isBitTable(def.table)) {
      table.items.set(def.address, raw ? 1 : 0);
      return;
    }
    const base = table.items.get(def.address) ?? 0;
    const bytes = encodeRaw(def.type, def.order, raw, def.length, def.bit, base);
    for (let i = 0; i < bytes.length / 2; i++) table.items.set(def.address + i, bytes.readUInt16BE(i * 2));
  }

  /** The data bytes answering `request`, or the exception code refusing it. */
  read(request: ReadRequest): Buffer | number {
    const bits = isBitTable(request.table);
    if (request.quantity < 1 || request.quantity > (bits ? 2000 : 125)) return 3;
    const table = this.tables.get(request.table);
    if (!table || request.address < table.first || request.address + request.quantity > table.end) return 2;
    const data = Buffer.alloc(responseDataBytes(request));
    for (let i = 0; i < request.quantity; i++) {
      const item = table.items.get(request.address + i) ?? 0;
      if (bits) data[i >> 3]! |= item << (i & 7);
      else data.writeUInt16BE(item, i * 2);
    }
    return data;
  }
}
