export type { ResolvedDevice } from './checks.js';
export { type LoadedConfig, type LoadResult, loadConfig, parseConfig } from './load.js';
export { ConfigError, type ConfigProblem, formatProblem } from './problems.js';
export { type BusConfig, type DeviceConfig, type GatewayConfig, GatewayConfigSchema } from './schema.js';
export { formatDuration, parseDuration, parseSize } from './units.js';
