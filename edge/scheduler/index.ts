export { type Poller, type PollerOptions, startPoller } from './poller.js';
