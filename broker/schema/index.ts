/**
 * The InfluxDB schema tidegate writes into. `ensureSchema` is idempotent: the ingestor runs it at
 * start and `tidegate influx setup` runs it by hand.
 */
export interface SchemaOptions {
  /** InfluxDB base URL, e.g. http://127.0.0.1:8086 */
  url: string;
  database: string;
  username?: string;
  password?: string;
}

export async function ensureSchema(options: SchemaOptions): Promise<void> {
  await influxql(options, `CREATE DATABASE "${options.database.replace(/"/g, '\\"')}"`);
}

async function influxql(options: SchemaOptions, q: string): Promise<void> {
  const params = new URLSearchParams({ q });
  if (options.username) params.set('u', options.username);
  if (options.password) params.set('p', options.password);
  const res = await fetch(`${options.url}/query`, { method: 'POST', body: params });
  const body = (await res.json()) as { error?: string; results?: { error?: string }[] };
  const error = body.error ?? body.results?.find((r) => r.error)?.error;
  if (!res.ok || error) throw new Error(`InfluxDB refused "${q}": ${error ?? res.status}`);
}
