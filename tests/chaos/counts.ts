import type { EdgeHandle } from './stack.js';

/** Per device (`<gateway>/<device>`): a number. */
export type Tally = Map<string, number>;

const key = (gateway: string, device: string) => `${gateway}/${device}`;

/** An edge's /metrics: readings read and readings acknowledged by the broker, per device. */
export async function scrapeEdge(edge: EdgeHandle): Promise<{ read: Tally; published: Tally; backlog: number }> {
  const text = await (await fetch(`http://127.0.0.1:${edge.healthPort}/metrics`)).text();
  const read: Tally = new Map();
  const published: Tally = new Map();
  let backlog = 0;
  for (const line of text.split('\n')) {
    const m = /^tidegate_readings_(read|published)_total\{device="([^"]+)"\} (\d+)/.exec(line);
    if (m) (m[1] === 'read' ? read : published).set(key(edge.id, m[2]!), Number(m[3]));
    const b = /^tidegate_backlog_readings (\d+)/.exec(line);
    if (b) backlog = Number(b[1]);
  }
  return { read, published, backlog };
}

/**
 * Counters of edges that restart: a process's counters start again at 0, so what a process counted
 * before it stopped is kept here and added to what the next one counts.
 */
export class EdgeCounters {
  private readonly banked = { read: new Map(), published: new Map() } as { read: Tally; published: Tally };
  private readonly last = new Map<string, { read: Tally; published: Tally; backlog: number }>();

  /** Scrapes every running edge; answers the totals since the start. */
  async totals(edges: EdgeHandle[]): Promise<{ read: Tally; published: Tally; backlog: number }> {
    for (const edge of edges) if (edge.process) this.last.set(edge.id, await scrapeEdge(edge));
    const read = new Map(this.banked.read);
    const published = new Map(this.banked.published);
    let backlog = 0;
    for (const seen of this.last.values()) {
      add(read, seen.read);
      add(published, seen.published);
      backlog += seen.backlog;
    }
    return { read, published, backlog };
  }

  /** Call once an edge process is gone (after a last `totals` while it still answered). */
  bank(edge: EdgeHandle): void {
    const seen = this.last.get(edge.id);
    if (!seen) return;
    add(this.banked.read, seen.read);
    add(this.banked.published, seen.published);
    this.last.delete(edge.id);
  }
}

function add(into: Tally, from: Tally): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

type QueryBody = {
  results: { error?: string; series?: { tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
};

async function query(influxUrl: string, database: string, q: string): Promise<QueryBody['results'][number]> {
  const params = new URLSearchParams({ q, db: database });
  const body = (await (await fetch(`${influxUrl}/query`, { method: 'POST', body: params })).json()) as QueryBody;
  const result = body.results[0];
  if (result?.error) throw new Error(result.error);
  return result ?? {};
}

/**
 * Readings per device in InfluxDB: points of its series (each device here writes one measurement),
 * one per timestamp (a rewrite of the same reading overwrites it). `COUNT(*)` counts each field apart, so a device's largest field count is only a
 * floor: a Modbus reading whose second block timed out (its simulator frozen mid-poll) lacks those
 * fields, and with one reading lacking each block every field count is one short. Where the floor is
 * below `expected` (what the edges read), that device's points are counted one by one.
 */
export async function storedPerDevice(influxUrl: string, database: string, expected?: Tally): Promise<Tally> {
  const result = await query(influxUrl, database, 'SELECT COUNT(*) FROM /.*/ GROUP BY gateway, device');
  const stored: Tally = new Map();
  for (const s of result.series ?? []) {
    const k = key(s.tags?.gateway ?? '', s.tags?.device ?? '');
    const most = Math.max(0, ...((s.values[0]?.slice(1) ?? []) as (number | null)[]).map((n) => n ?? 0));
    stored.set(k, Math.max(stored.get(k) ?? 0, most));
  }
  for (const [k, n] of expected ?? [])
    if ((stored.get(k) ?? 0) < n) stored.set(k, await pointsOf(influxUrl, database, k));
  return stored;
}

/** Every point of one device's series, counted: rows of `SELECT *`, one per point whatever fields it has. */
async function pointsOf(influxUrl: string, database: string, device: string): Promise<number> {
  const [gateway, id] = device.split('/');
  const q = `SELECT * FROM /.*/ WHERE gateway = '${gateway}' AND device = '${id}'`;
  const result = await query(influxUrl, database, q);
  return Math.max(0, ...(result.series ?? []).map((s) => s.values.length));
}

export interface Balance {
  read: number;
  stored: number;
  /** Readings read and not in InfluxDB. */
  lost: number;
  /** Per device, where something is missing. */
  missing: Record<string, number>;
}

export function balance(read: Tally, stored: Tally): Balance {
  let r = 0;
  let s = 0;
  const missing: Record<string, number> = {};
  for (const [k, n] of read) {
    const got = stored.get(k) ?? 0;
    r += n;
    s += Math.min(got, n);
    if (got < n) missing[k] = n - got;
  }
  return { read: r, stored: s, lost: r - s, missing };
}

export function sum(tally: Tally): number {
  let n = 0;
  for (const v of tally.values()) n += v;
  return n;
}
