import type { SerialSettings } from '../driver.js';
import { type ModbusOptions, type ModbusOptionsInput, modbusOptionsSchema, type RegisterDef } from './options.js';
import { type Block, itemCount, planRequests } from './plan.js';
import { resolveRegisterMap } from './profiles.js';
import { responsePduLength } from './protocol/pdu.js';

export type LineShape = Pick<SerialSettings, 'parity' | 'stopBits' | 'dataBits'>;

/** Bits per character on the line: start, data, parity, stop (8N1: 10; the spec's 8E1 or 8N2: 11). */
export function bitsPerCharacter(line: LineShape = {}): number {
  return 1 + (line.dataBits ?? 8) + (line.parity && line.parity !== 'none' ? 1 : 0) + (line.stopBits ?? 1);
}

/** The 3.5-character silence that ends an RTU frame; fixed at 1.75 ms above 19200 baud (spec §2.5.1.1). */
export function silenceMs(baudRate: number, line: LineShape = {}): number {
  return baudRate > 19_200 ? 1.75 : (3.5 * bitsPerCharacter(line) * 1000) / baudRate;
}

/** Bytes on the line for one read: the 8-byte request and the reply (unit, PDU, CRC). */
export function blockBytes(block: Block): { request: number; reply: number } {
  return { request: 8, reply: 1 + responsePduLength(block.request) + 2 };
}

/** Line time of a list of requests: every frame's characters plus the silence after each frame. */
export function linetimeMs(blocks: readonly Block[], baudRate: number, line: LineShape = {}): number {
  const charMs = (bitsPerCharacter(line) * 1000) / baudRate;
  let ms = 0;
  for (const block of blocks) {
    const { request, reply } = blockBytes(block);
    ms += (request + reply) * charMs + 2 * silenceMs(baudRate, line);
  }
  return ms;
}

/**
 * The time a full poll of a device takes on a serial line at `baudRate`, in ms: the frames of its
 * planned requests and the 3.5-character silences between them (8N1 unless `line` says otherwise). It
 * leaves out the slave's own turnaround time (typically a few ms, up to 100 ms for some meters), so an
 * interval close to this figure cannot be honoured. `options` are the device's options as written in
 * the gateway config; throws when they are invalid.
 */
export function estimatePollMs(options: ModbusOptionsInput, baudRate: number, line: LineShape = {}): number {
  return estimateParsedPollMs(modbusOptionsSchema.parse(options), baudRate, line);
}

/** `estimatePollMs` for options the schema has already parsed (the driver contract's estimate). */
export function estimateParsedPollMs(options: ModbusOptions, baudRate: number, line: LineShape = {}): number {
  const map = resolveRegisterMap(options);
  return linetimeMs(planRequests(map.registers, map.planning), baudRate, line);
}

/**
 * A lower bound on a poll's line time: every register the map uses read exactly once (no gap read
 * through) in the fewest requests the device's limit allows. Unreachable when the values are scattered;
 * the ratio of a plan to it shows what gaps and request overheads cost.
 */
export function minimumLinetimeMs(
  registers: readonly RegisterDef[],
  maxRegistersPerRequest: number,
  baudRate: number,
  line: LineShape = {},
): number {
  const charMs = (bitsPerCharacter(line) * 1000) / baudRate;
  const used = new Map<string, Set<number>>();
  for (const def of registers) {
    const items = used.get(def.table) ?? new Set<number>();
    for (let i = 0; i < itemCount(def); i++) items.add(def.address + i);
    used.set(def.table, items);
  }
  let ms = 0;
  for (const [table, items] of used) {
    const bits = table === 'coil' || table === 'discrete';
    const limit = bits ? 2000 : Math.min(125, maxRegistersPerRequest);
    const requests = Math.ceil(items.size / limit);
    const dataBytes = bits ? Math.ceil(items.size / 8) : items.size * 2;
    ms += (requests * (8 + 5) + dataBytes) * charMs + requests * 2 * silenceMs(baudRate, line);
  }
  return ms;
}
