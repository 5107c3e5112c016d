import type { FieldSpec, MeasurementSpec } from './types.js';

/** A quantity measured in total and per phase: `voltage_v` and `voltage_l1_v`…`voltage_l3_v`. */
function phased(quantity: string, suffix: string, unit: string, description: string): FieldSpec[] {
  const end = suffix ? `_${suffix}` : '';
  return [
    { name: `${quantity}${end}`, unit, type: 'float', kind: 'gauge', description },
    {
      name: `${quantity}_l<n>${end}`,
      pattern: `${quantity}_l[1-3]${end}`,
      unit,
      type: 'float',
      kind: 'gauge',
      description: `${description}, phase n (1–3)`,
    },
  ];
}

export const ELECTRICITY: MeasurementSpec = {
  name: 'electricity',
  description:
    'Raw readings of meters (Linky teleinfo, Eastron SDM120/SDM630 over Modbus), or the aggregates of a ' +
    'self-data meter (tag granularity) at the granularity its owner consented to.',
  writtenBy: 'drivers',
  tags: [
    { name: 'meter', description: 'the meter address (ADCO/ADSC)', identifier: true },
    { name: 'sensor', description: 'meter model (Modbus profile)' },
    { name: 'granularity', description: 'self-data aggregates only: `daily` or `half-hourly`' },
  ],
  keyFields: ['active_power_w', 'apparent_power_va', 'energy_import_wh', 'energy_wh'],
  rollup: { source: 'raw', levels: ['hourly', 'daily'] },
  fields: [
    ...phased('active_power', 'w', 'W', 'instantaneous active power'),
    ...phased('apparent_power', 'va', 'VA', 'instantaneous apparent power'),
    ...phased('reactive_power', 'var', 'var', 'instantaneous reactive power'),
    ...phased('voltage', 'v', 'V', 'RMS voltage'),
    ...phased('current', 'a', 'A', 'RMS current'),
    ...phased('power_factor', '', '', 'power factor'),
    { name: 'frequency_hz', unit: 'Hz', type: 'float', kind: 'gauge', description: 'grid frequency' },
    {
      name: 'energy_import_wh',
      unit: 'Wh',
      type: 'float',
      kind: 'counter',
      description:
        "cumulative index of energy drawn from the grid (Linky BASE/EAST, or the sum of a historique meter's tariff indexes)",
    },
    {
      name: 'energy_export_wh',
      unit: 'Wh',
      type: 'float',
      kind: 'counter',
      description: 'cumulative index of energy sent to the grid (EAIT, SDM)',
    },
    {
      name: 'energy_<tariff>_wh',
      pattern: 'energy_[a-z0-9]+_wh',
      unit: 'Wh',
      type: 'float',
      kind: 'counter',
      description:
        'cumulative per-tariff indexes: historique `hchc`, `hchp`, `ejphn`, `ejphpm`, `bbrhcjb`…; standard supplier `easf01`…`easf10`, distributor `easd01`…`easd04`',
    },
    {
      name: 'prm',
      unit: '',
      type: 'string',
      kind: 'text',
      identifier: true,
      description: 'the delivery point number (PRM, teleinfo standard)',
    },
    {
      name: 'energy_wh',
      unit: 'Wh',
      type: 'integer',
      kind: 'amount',
      description: 'self-data aggregate: energy drawn in the period',
    },
    {
      name: 'period_energy_<index>_wh',
      pattern: 'period_energy_[a-z0-9]+_wh',
      unit: 'Wh',
      type: 'integer',
      kind: 'amount',
      description: 'self-data aggregate: energy of the period per index',
    },
    {
      name: 'energy_<index>_kwh',
      pattern: 'energy_[a-z0-9]+_kwh',
      unit: 'kWh',
      type: 'integer',
      kind: 'counter',
      description: "self-data aggregate: the index at the period's end",
    },
    {
      name: 'period_s',
      unit: 's',
      type: 'integer',
      kind: 'amount',
      description: 'self-data aggregate: length of the period',
    },
    {
      name: 'samples',
      unit: '',
      type: 'integer',
      kind: 'amount',
      description: 'self-data aggregate: readings the period was computed from',
    },
    {
      name: 'mean_power_w',
      unit: 'W',
      type: 'float',
      kind: 'gauge',
      rollup: ['mean'],
      description: 'self-data half-hourly aggregate: mean active power of the period',
    },
    {
      name: 'mean_apparent_power_va',
      unit: 'VA',
      type: 'float',
      kind: 'gauge',
      rollup: ['mean'],
      description: 'self-data half-hourly aggregate: mean apparent power of the period',
    },
  ],
};
