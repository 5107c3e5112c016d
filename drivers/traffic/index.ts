import type { DriverDefinition } from '../driver.js';
import { driver as traffic } from './driver.js';
import type { TrafficOptions } from './options.js';

export { decoder } from './decoder.js';
export { simulator } from './simulator.js';

// The registry holds drivers of every option type; the agent gets options only from `driver.options`.
// Silence: the counter prints a heartbeat line about every 10 s, which the decoder reports with
// `sink.alive()`; six missed heartbeats is a counter or a line gone, whatever the traffic.
const declared: DriverDefinition<TrafficOptions> = { ...traffic, silenceMs: () => 60_000 };
export const driver = declared as DriverDefinition<never>;
