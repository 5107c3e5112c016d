/** What the demo shows an analyst: readings of every driver, and one InfluxQL query with its answer. */

/** The devices of the demo gateway and the measurement each one writes. */
export const DEMO_DEVICES: Record<string, string> = {
  'pm-1': 'air_quality',
  'linky-h': 'electricity',
  'linky-s': 'electricity',
  'road-d937': 'traffic',
  'meter-1': 'electricity',
  'co2-1': 'air_quality',
  'occupancy-api': 'occupancy',
};

async function influxql(url: string, db: string, q: string): Promise<{ columns: string[]; values: unknown[][] }[]> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db, q })}`);
  const body = (await res.json()) as { results?: { series?: { columns: string[]; values: unknown[][] }[] }[] };
  return body.results?.[0]?.series ?? [];
}

/**
 * Devices with a point in InfluxDB since `sinceMs`: readings of this run only (the data folder keeps
 * those of earlier runs, which say nothing about whether this one works).
 */
export async function devicesWithData(url: string, db: string, sinceMs = 0): Promise<Set<string>> {
  const found = new Set<string>();
  const since = `${BigInt(sinceMs) * 1_000_000n}`;
  for (const measurement of new Set(Object.values(DEMO_DEVICES))) {
    const q = `SELECT count(*) FROM "${measurement}" WHERE time >= ${since} GROUP BY "device"`;
    const series = (await influxql(url, db, q).catch(() => [])) as { tags?: Record<string, string> }[];
    for (const s of series) if (s.tags?.device) found.add(s.tags.device);
  }
  return found;
}

export async function waitForEveryDriver(
  url: string,
  db: string,
  timeoutMs: number,
  sinceMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await devicesWithData(url, db, sinceMs);
    if (Object.keys(DEMO_DEVICES).every((d) => found.has(d))) return true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}

export async function printSampleQuery(url: string, db: string, say: (text: string) => void): Promise<void> {
  const q =
    'SELECT count("pm2_5_ugm3") AS readings, mean("pm2_5_ugm3") AS pm2_5_ugm3, mean("pm10_ugm3") AS pm10_ugm3 FROM "air_quality" WHERE time > now() - 5m GROUP BY "device"';
  say(
    `Readings of every driver are in InfluxDB. An analyst's query:\n\n  influx -host 127.0.0.1 -port ${new URL(url).port} -database ${db} -execute '${q}'\n`,
  );
  const series = (await influxql(url, db, q)) as {
    tags?: Record<string, string>;
    columns: string[];
    values: unknown[][];
  }[];
  // Aggregates over the whole range: the time column is the range's start, so it is left out.
  for (const s of series) {
    for (const row of s.values) {
      if (!row[1]) continue; // devices that measure no particulate matter
      const cells = s.columns
        .slice(1)
        .map(
          (c, i) => `${c}=${typeof row[i + 1] === 'number' ? Number((row[i + 1] as number).toFixed(2)) : row[i + 1]}`,
        );
      say(`  device=${s.tags?.device ?? '?'}  ${cells.join('  ')}`);
    }
  }
  say('');
}
