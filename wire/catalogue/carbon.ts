import type { MeasurementSpec } from './types.js';

/** Written by the carbon job (broker/carbon) into `hourly`, summed into `daily`. */
export const CARBON: MeasurementSpec = {
  name: 'carbon',
  description: 'Emissions computed hourly by the carbon job from energy indexes and vehicle counts.',
  writtenBy: 'broker',
  tags: [
    { name: 'sector', description: '`electricity` or `road_traffic`' },
    { name: 'tariff', description: 'electricity: `total`, or the tariff index when the meter has no total' },
  ],
  keyFields: ['co2e_kg', 'energy_wh', 'vehicle_km'],
  rollup: { source: 'hourly', levels: ['daily'] },
  fields: [
    { name: 'energy_wh', unit: 'Wh', type: 'float', kind: 'amount', description: 'electricity consumed in the hour' },
    {
      name: 'unattributed_wh',
      unit: 'Wh',
      type: 'float',
      kind: 'amount',
      description: 'consumed across a gap too long to place in time (see the method); not converted',
    },
    {
      name: 'resets',
      unit: '',
      type: 'integer',
      kind: 'amount',
      rollup: [],
      description: 'counter resets seen in the hour',
    },
    { name: 'vehicles', unit: '', type: 'integer', kind: 'amount', description: 'vehicles counted in the hour' },
    {
      name: 'vehicle_km',
      unit: 'km',
      type: 'float',
      kind: 'amount',
      description: '`vehicles` × the road length the counter stands for',
    },
    { name: 'co2e_kg', unit: 'kgCO2e', type: 'float', kind: 'amount', description: 'emissions' },
    {
      name: 'intensity_gco2e_kwh',
      unit: 'gCO2e/kWh',
      type: 'float',
      kind: 'gauge',
      rollup: [],
      description: 'electricity intensity used',
    },
    {
      name: 'factor_kgco2e_vkm',
      unit: 'kgCO2e/veh·km',
      type: 'float',
      kind: 'gauge',
      rollup: [],
      description: 'vehicle factor used',
    },
    { name: 'factor_source', unit: '', type: 'string', kind: 'text', description: 'where the factor came from' },
  ],
};
