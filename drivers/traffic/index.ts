import type { DriverDefinition } from '../driver.js';
import { driver as traffic } from './driver.js';

export { decoder } from './decoder.js';
export { simulator } from './simulator.js';

// The registry holds drivers of every option type; the agent gets options only from `driver.options`.
export const driver = traffic as DriverDefinition<never>;
