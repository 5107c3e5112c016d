import type { MeasurementSpec } from './types.js';

const PARTNER_TAG = { name: 'partner', description: 'the partner who reported it' } as const;

export const MATERIAL_FLOW: MeasurementSpec = {
  name: 'material_flow',
  description: 'Waste and material flows reported by companies (circular economy), one point per reported period.',
  writtenBy: 'partners',
  tags: [
    { name: 'stream', description: 'the flow (waste stream, by-product, input)' },
    { name: 'material', description: 'what it is made of (cardboard, wood, metal…)' },
    { name: 'partner', description: 'the reporting company (a pseudonym when the partner asks for it)' },
    { name: 'direction', description: '`in` (received) or `out` (sent away)' },
  ],
  keyFields: ['mass_kg'],
  rollup: { source: 'raw', levels: ['hourly', 'daily'] },
  fields: [{ name: 'mass_kg', unit: 'kg', type: 'float', kind: 'amount', description: 'mass of the period' }],
};

export const OCCUPANCY: MeasurementSpec = {
  name: 'occupancy',
  description: 'Accommodation occupancy from a booking platform, per area and period.',
  writtenBy: 'partners',
  tags: [{ name: 'area', description: 'the area the figures cover' }, PARTNER_TAG],
  keyFields: ['nights', 'beds_occupied'],
  rollup: { source: 'raw', levels: ['hourly', 'daily'] },
  fields: [
    { name: 'nights', unit: '', type: 'float', kind: 'amount', description: 'nights booked in the period' },
    { name: 'beds_occupied', unit: '', type: 'float', kind: 'gauge', description: 'beds occupied' },
  ],
};

export const PARTNER_METRIC: MeasurementSpec = {
  name: 'partner_metric',
  description:
    'Anything else a partner or an open-data source reports: one `value` per `metric`, its unit in the `unit` tag.',
  writtenBy: 'partners',
  tags: [
    { name: 'metric', description: 'what the value is (`<quantity>_<unit>` when it has a unit)' },
    { name: 'unit', description: "the value's unit, as the source states it" },
    PARTNER_TAG,
  ],
  keyFields: ['value'],
  rollup: { source: 'raw', levels: ['hourly', 'daily'] },
  fields: [{ name: 'value', unit: '', type: 'float', kind: 'gauge', description: 'the value; unit in tag `unit`' }],
};
