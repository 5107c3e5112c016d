/** What `tidegate export` is asked for, once the command line is read. */
export interface ExportRequest {
  measurement: string;
  /** Retention policy to read (raw, hourly, daily); the database's default when omitted. */
  retentionPolicy?: string;
  /** Field keys; every field of the measurement when omitted. */
  fields?: string[];
  /** Tag filters: values of one tag are ORed, different tags ANDed. */
  where: { tag: string; value: string }[];
  fromNs: bigint;
  toNs: bigint;
  /** Aggregation step (InfluxQL duration); raw points when omitted. */
  every?: string;
  /** Aggregate function applied to every field when `every` is set. */
  fn: AggregateFunction;
  /** Tags to keep when aggregating; all of the measurement's tags when omitted, none when []. */
  groupBy?: string[];
  format: ExportFormat;
  /** Each query covers at most this much time (InfluxQL duration). */
  chunk: string;
}

export const AGGREGATE_FUNCTIONS = [
  'mean',
  'median',
  'sum',
  'count',
  'min',
  'max',
  'first',
  'last',
  'spread',
  'stddev',
] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

export const EXPORT_FORMATS = ['csv', 'jsonl', 'lp'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `tag=value` from --where. */
export function parseWhere(text: string): { tag: string; value: string } {
  const i = text.indexOf('=');
  if (i <= 0) throw new Error(`--where: "${text}" is not tag=value`);
  return { tag: text.slice(0, i), value: text.slice(i + 1) };
}
