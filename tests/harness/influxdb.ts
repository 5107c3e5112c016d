import { afterAll, beforeAll } from 'vitest';
import { startManagedInflux } from '../../broker/influxdb/managed.js';
import { requireBinary } from './binaries.js';
import { removeTempDir, tempDir } from './cleanup.js';

export interface TestInflux {
  url: string;
  port: number;
  /** Runs InfluxQL; answers InfluxDB's JSON with nanosecond epochs as strings. */
  query(q: string, db?: string): Promise<InfluxQueryResult>;
  /** POSTs raw line protocol to /write; resolves with the HTTP status and body. */
  write(db: string, lines: string): Promise<{ status: number; body: string }>;
  createDatabase(db: string): Promise<void>;
  /** The rows of the first series of the first statement, as objects keyed by column. */
  rows(q: string, db?: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export interface InfluxQueryResult {
  results: {
    statement_id: number;
    error?: string;
    series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
  }[];
  error?: string;
}

export async function startInflux(options: { cqRunInterval?: string } = {}): Promise<TestInflux> {
  const binary = requireBinary('influxd', 'influxdb');
  const dir = tempDir('tidegate-influx-');
  const server = await startManagedInflux({ dir, influxdBinary: binary, cqRunInterval: options.cqRunInterval });
  const query = async (q: string, db?: string): Promise<InfluxQueryResult> => {
    const params = new URLSearchParams({ q, epoch: 'ns' });
    if (db) params.set('db', db);
    const res = await fetch(`${server.url}/query`, { method: 'POST', body: params });
    // Parse big nanosecond integers as strings so no precision is lost.
    const text = (await res.text()).replace(/([[,])(-?\d{16,})(?=[,\]])/g, '$1"$2"');
    return JSON.parse(text) as InfluxQueryResult;
  };
  return {
    url: server.url,
    port: server.port,
    query,
    async write(db, lines) {
      const res = await fetch(`${server.url}/write?db=${encodeURIComponent(db)}&precision=ns`, {
        method: 'POST',
        body: lines,
      });
      return { status: res.status, body: await res.text() };
    },
    async createDatabase(db) {
      const result = await query(`CREATE DATABASE "${db}"`);
      const error = result.error ?? result.results[0]?.error;
      if (error) throw new Error(error);
    },
    async rows(q, db) {
      const result = await query(q, db);
      const error = result.error ?? result.results[0]?.error;
      if (error) throw new Error(`${q}: ${error}`);
      const series = result.results[0]?.series?.[0];
      if (!series) return [];
      return series.values.map((values) => Object.fromEntries(series.columns.map((c, i) => [c, values[i]])));
    },
    async stop() {
      await server.stop();
      removeTempDir(dir);
    },
  };
}

/** An InfluxDB for the whole test file, stopped after it whatever happened. */
export function useInflux(options: { cqRunInterval?: string } = {}): () => TestInflux {
  let influx: TestInflux | undefined;
  beforeAll(async () => {
    influx = await startInflux(options);
  }, 60_000);
  afterAll(async () => {
    await influx?.stop();
  });
  return () => {
    if (!influx) throw new Error('InfluxDB did not start (see beforeAll)');
    return influx;
  };
}
