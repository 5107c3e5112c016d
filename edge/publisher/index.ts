export { backoffDelay } from '../../wire/backoff.js';
export { toMessages } from './batches.js';
export { Publisher, type PublisherOptions, redactUrl } from './publisher.js';
