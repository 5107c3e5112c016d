export { backoffDelay } from './backoff.js';
export { toMessages } from './batches.js';
export { Publisher, type PublisherOptions, redactUrl } from './publisher.js';
