export { type Poller, type PollerOptions, type PollerTimers, startPoller } from './poller.js';
