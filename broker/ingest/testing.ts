import mqtt, { type IClientOptions } from 'mqtt';

/**
 * A gateway-like publisher for the ingest tests and benchmarks: `messages` QoS 1 messages of
 * `linesPerMessage` lines each, every point with its own timestamp (so InfluxDB keeps them all),
 * resolved once the broker acknowledged every message (mqtt.js resends unacknowledged ones after a
 * reconnect).
 */
export interface StreamOptions {
  url: string;
  gateway: string;
  device: string;
  messages: number;
  linesPerMessage: number;
  /** Nanoseconds of the first point; the next ones follow 1 µs apart. */
  startNs?: bigint;
  client?: IClientOptions;
  /** Called before message i is sent (e.g. to inject faults mid-stream). */
  before?: (i: number) => Promise<void> | void;
  measurement?: string;
  /** The messages, prepared beforehand (a benchmark's clock then times the path, not the generator). */
  payloads?: string[];
}

export function streamStartNs(): bigint {
  return (BigInt(Date.now()) - 3_600_000n) * 1_000_000n;
}

export function messagePayload(o: StreamOptions, i: number, startNs: bigint): string {
  const lines: string[] = [];
  for (let j = 0; j < o.linesPerMessage; j++) {
    const n = i * o.linesPerMessage + j;
    lines.push(
      `${o.measurement ?? 'air_quality'},sensor=sds011 pm2_5_ugm3=${n % 1000}.5 ${startNs + BigInt(n) * 1000n}`,
    );
  }
  return lines.join('\n');
}

export async function publishStream(o: StreamOptions): Promise<number> {
  const startNs = o.startNs ?? streamStartNs();
  const client = await mqtt.connectAsync(o.url, {
    clean: false,
    clientId: `${o.gateway}-pub`,
    reconnectPeriod: 200,
    ...o.client,
  });
  client.on('error', () => {});
  const acked: Promise<unknown>[] = [];
  const topic = `tidegate/${o.gateway}/data/${o.device}`;
  for (let i = 0; i < o.messages; i++) {
    await o.before?.(i);
    acked.push(client.publishAsync(topic, o.payloads?.[i] ?? messagePayload(o, i, startNs), { qos: 1 }));
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(acked);
  await client.endAsync();
  return o.messages * o.linesPerMessage;
}

/** `SELECT count(field)` over all time for one gateway, 0 when there is nothing. */
export async function countPoints(
  influxUrl: string,
  database: string,
  gateway: string,
  measurement = 'air_quality',
  field = 'pm2_5_ugm3',
): Promise<number> {
  const q = `SELECT count("${field}") FROM "${measurement}" WHERE "gateway" = '${gateway}'`;
  const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ db: database, q })}`);
  if (!res.ok) return 0;
  const body = (await res.json()) as { results?: { series?: { values: [string, number][] }[] }[] };
  return body.results?.[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}
