import { beforeAll, expect, it } from 'vitest';
import { useInflux } from '../harness/index.js';
import { storedPerDevice } from './counts.js';

/**
 * The chaos count against a real InfluxDB. An SDM630 poll reads two register blocks (input 0+36 and
 * 52+24, drivers/modbus/plan.test.ts); a block that times out (its simulator frozen mid-poll by a
 * settle) leaves a reading with the other block's fields only. One reading lacking each block makes
 * every field's COUNT one short: the short chaos run once counted such a reading lost.
 */
const influx = useInflux();
const db = 'counts';
const base = 1_796_000_000_000_000_000n;
const block1 = 'voltage_l1_v=230.1,current_l1_a=1.5';
const block2 = 'frequency_hz=50.01,energy_import_wh=12500';
const at = (i: number) => base + BigInt(i) * 200_000_000n;
const line = (fields: string, i: number) => `electricity,sensor=sdm630,gateway=gw-a,device=meter-1 ${fields} ${at(i)}`;

beforeAll(async () => {
  await influx().createDatabase(db);
  const lines = [
    line(`${block1},${block2}`, 0),
    line(block1, 1), // block 2 timed out
    line(`${block1},${block2}`, 2),
    line(block2, 3), // block 1 timed out
    line(`${block1},${block2}`, 4),
    `air_quality,sensor=sds011,gateway=gw-a,device=pm-1 pm2_5_ugm3=3.1,pm10_ugm3=7.2 ${at(0)}`,
    `air_quality,sensor=sds011,gateway=gw-a,device=pm-1 pm2_5_ugm3=3.2,pm10_ugm3=7.3 ${at(0) + 1n}`,
  ];
  const written = await influx().write(db, lines.join('\n'));
  expect(written.status).toBe(204);
});

it('counts a reading that lacks fields, even when each field misses one', async () => {
  const read = new Map([
    ['gw-a/meter-1', 5],
    ['gw-a/pm-1', 2],
  ]);
  const stored = await storedPerDevice(influx().url, db, read);
  expect(Object.fromEntries(stored)).toEqual({ 'gw-a/meter-1': 5, 'gw-a/pm-1': 2 });
});

it('without what was read, answers the largest field count: a floor', async () => {
  const stored = await storedPerDevice(influx().url, db);
  expect(Object.fromEntries(stored)).toEqual({ 'gw-a/meter-1': 4, 'gw-a/pm-1': 2 });
});
