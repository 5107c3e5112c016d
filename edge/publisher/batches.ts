import type { BufferedLine } from '../buffer/buffer.js';

/**
 * Splits one device's ready rows into messages: few rows (a live stream) go one per message; a backlog
 * goes as many lines per message as fit in `maxBytes` (a single longer line still gets its own message).
 */
export function toMessages(rows: readonly BufferedLine[], maxBytes: number, liveMax: number): BufferedLine[][] {
  if (rows.length <= liveMax) return rows.map((row) => [row]);
  const messages: BufferedLine[][] = [];
  let current: BufferedLine[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(row.line) + 1;
    if (current.length && bytes + size > maxBytes) {
      messages.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length) messages.push(current);
  return messages;
}
