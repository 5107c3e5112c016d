import { describe, expect, it } from 'vitest';
import { planHistory, shapeHistory } from './history-query.js';

describe('planHistory', () => {
  it('reads raw buckets for recent ranges and hourly rollups (plus the not yet rolled-up tail) for a week', () => {
    const hour = planHistory('gw-1', undefined, '1h');
    expect(hour.statements[0]).toBe(
      `SELECT mean(*) FROM "raw"./.*/ WHERE "gateway" = 'gw-1' AND time > now() - 1h GROUP BY time(10s), * fill(none)`,
    );
    expect(hour.statements.at(-1)).toMatch(/ORDER BY time DESC LIMIT 1$/);
    expect(planHistory('gw-1', 'pm-1', '24h').statements[0]).toMatch(/"device" = 'pm-1' .*GROUP BY time\(5m\)/);
    const week = planHistory('gw-1', undefined, '7d');
    expect(week.source).toBe('hourly');
    expect(week.statements[0]).toMatch(/FROM "hourly"\.\/\.\*\/ .*time < now\(\) - 3h/);
    expect(week.statements.some((s) => /sum\(.*FROM "raw"\."traffic"/.test(s))).toBe(true);
  });

  it('quotes what it is given', () => {
    expect(planHistory("gw'1", undefined, '1h').statements[0]).toContain(`"gateway" = 'gw\\'1'`);
  });
});

describe('shapeHistory', () => {
  it('merges statements per series, maps rollup columns back to fields, drops fields a series never had', () => {
    const plan = planHistory('gw-1', undefined, '7d');
    const tags = { gateway: 'gw-1', device: 'road-1', lane: '1', class: 'car', meter: '' };
    const shaped = shapeHistory('gw-1', plan, [
      {
        statement_id: 0,
        series: [
          {
            name: 'traffic',
            tags,
            columns: ['time', 'max_flow_veh_h', 'mean_flow_veh_h', 'sum_count', 'mean_active_power_w'],
            values: [[7_200_000, 600, 500, 40, null]],
          },
        ],
      },
      {
        statement_id: 1,
        series: [
          { name: 'traffic', tags, columns: ['time', 'mean_flow_veh_h', 'sum_count'], values: [[3_600_000, 400, 30]] },
        ],
      },
      {
        statement_id: 2,
        series: [
          {
            name: 'traffic',
            tags,
            columns: ['time', 'count', 'flow_veh_h', 'note'],
            values: [[7_300_000, '12', 480, 'x']],
          },
        ],
      },
    ]);
    expect(shaped.series).toEqual([
      {
        device: 'road-1',
        measurement: 'traffic',
        tags: { lane: '1', class: 'car' },
        times: [3_600_000, 7_200_000],
        fields: { flow_veh_h: [400, 500], count: [30, 40] },
      },
    ]);
    expect(shaped.last).toEqual([
      {
        device: 'road-1',
        measurement: 'traffic',
        tags: { lane: '1', class: 'car' },
        time: 7_300_000,
        fields: { count: 12, flow_veh_h: 480, note: 'x' },
      },
    ]);
  });
});
