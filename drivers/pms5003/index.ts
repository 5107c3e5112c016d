import type { DriverDefinition } from '../driver.js';
import { driver as pms5003 } from './driver.js';

export { decoder } from './decoder.js';
export { simulator } from './simulator.js';

// The registry holds drivers of every option type; the agent gets options only from `driver.options`.
export const driver = pms5003 as DriverDefinition<never>;
