export { type Clock, systemClock, timedatectlSynced } from './clock.js';
export { ClockGuard } from './guard.js';
