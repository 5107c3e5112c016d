import type { MeasurementSpec } from './types.js';

export const TRAFFIC: MeasurementSpec = {
  name: 'traffic',
  description:
    'One point per counting period (6 minutes by default, SIREDO habit), lane, direction and vehicle class; ' +
    'the timestamp is the start of the period.',
  writtenBy: 'drivers',
  tags: [
    { name: 'lane', description: 'lane, as the counter numbers it' },
    { name: 'direction', description: '`forward`, or `reverse` for wrong-way vehicles' },
    {
      name: 'class',
      description: "the counter's class: a length bin number for per-vehicle radars, `all` for loop counters",
    },
  ],
  keyFields: ['count', 'flow_veh_h', 'mean_speed_kmh'],
  rollup: { source: 'raw', levels: ['hourly', 'daily'] },
  fields: [
    { name: 'count', unit: '', type: 'integer', kind: 'amount', description: 'vehicles counted in the period' },
    {
      name: 'flow_veh_h',
      unit: 'veh/h',
      type: 'float',
      kind: 'gauge',
      rollup: ['mean', 'max'],
      description: '`count` × 3600 / `period_s`',
    },
    {
      name: 'mean_speed_kmh',
      unit: 'km/h',
      type: 'float',
      kind: 'gauge',
      rollup: ['mean'],
      description: "mean speed of the period's vehicles",
    },
    {
      name: 'mean_length_m',
      unit: 'm',
      type: 'float',
      kind: 'gauge',
      rollup: ['mean'],
      description: 'mean vehicle length (per-vehicle radar)',
    },
    {
      name: 'occupancy_pct',
      unit: '%',
      type: 'float',
      kind: 'gauge',
      rollup: ['mean', 'max'],
      description: 'share of the period the detection zone was occupied',
    },
    { name: 'period_s', unit: 's', type: 'float', kind: 'amount', description: 'length of the period' },
  ],
};
