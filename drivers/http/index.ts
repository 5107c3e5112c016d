import type { DriverDefinition } from '../driver.js';
import { driver as http } from './driver.js';

export { simulator } from './simulator.js';

// The registry holds drivers of every option type; the agent gets options only from `driver.options`.
export const driver = http as DriverDefinition<never>;
