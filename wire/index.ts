export * from './catalogue/index.js';
export * from './line-protocol/decode.js';
export * from './line-protocol/encode.js';
export { nameProblem } from './line-protocol/escape.js';
export * from './messages.js';
export * from './reading.js';
export * from './topics.js';
