/** The broker's programmatic API, used by the CLI, the demo and the dashboard's tests. */
export type { Ingestor, IngestStats } from '../ingest/ingestor.js';
export { startIngestor } from '../ingest/ingestor.js';
export { type RunningBroker, type StartBrokerOptions, startBroker } from './broker.js';
export { type BrokerConfig, type BrokerConfigInput, loadBrokerConfig, parseBrokerConfig } from './config.js';
export { addUser, generatePassword, ROLES, type Role, readUsersFile } from './users.js';
