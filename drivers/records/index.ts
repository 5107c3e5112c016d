export { createMapper, type MapOutcome } from './map.js';
export {
  type BodyFormat,
  type ParsedBody,
  parseBody,
  parseCsvBody,
  parseJsonBody,
  type SourceRecord,
} from './parse.js';
export { type RecordSink, readRecords } from './read.js';
export { type CsvOptions, csvSchema, type JsonOptions, jsonSchema, type Mapping, mappingSchema } from './schema.js';
