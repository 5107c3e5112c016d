/** The simulated fleet of bench/dashboard-load.ts: gateway ids and the ten devices each has. */
export const GATEWAYS = 200;
export const DEVICES = [
  'pm-1',
  'pm-2',
  'pm-3',
  'meter-1',
  'meter-2',
  'meter-3',
  'road-1',
  'road-2',
  'road-3',
  'road-4',
];
