/** `{ bytesRead: 3 }` → `{ port_bytes_read: 3 }`: a driver part's counters as DeviceHandle.counters() names them. */
export function prefixed(prefix: string, counters: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(counters as Record<string, number>))
    out[`${prefix}_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`] = n;
  return out;
}
