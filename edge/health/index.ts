export { createLogger } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export { healthReport } from './report.js';
export { startHealthServer } from './server.js';
