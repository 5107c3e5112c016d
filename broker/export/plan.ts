import { quoteIdent, quoteString } from '../influxdb/influxql.js';
import type { InfluxConnection } from '../schema/http.js';
import { durationNs } from '../schema/retention.js';
import type { ExportRequest } from './request.js';
import { queryValues } from './stream.js';

export type FieldType = 'float' | 'integer' | 'string' | 'boolean';

/** The columns of the output: time, then tags, then fields with the type each is written as. */
export interface ExportPlan {
  measurement: string;
  tags: string[];
  fields: { name: string; source: string; type: FieldType }[];
  /** One statement per time window, in time order. */
  windows: { fromNs: bigint; toNs: bigint; statement: string }[];
  aggregated: boolean;
}

/** Reads the measurement's tag and field keys and builds the windowed queries; errors name the wrong option. */
export async function planExport(connection: InfluxConnection, request: ExportRequest): Promise<ExportPlan> {
  if (request.toNs <= request.fromNs) throw new Error('--to must be after --from');
  const m = quoteIdent(request.measurement);
  const from = request.retentionPolicy ? `${quoteIdent(request.retentionPolicy)}.${m}` : m;

  // One request for both (an export is often short: a round trip less is worth it).
  const [fieldKeys, tagKeys] = await queryValues(connection, [
    `SHOW FIELD KEYS FROM ${from}`,
    `SHOW TAG KEYS FROM ${m}`,
  ]);
  const types = new Map<string, FieldType>();
  for (const [key, type] of fieldKeys!) {
    if (!types.has(String(key))) types.set(String(key), type as FieldType);
  }
  if (types.size === 0) {
    throw new Error(
      `--measurement: "${request.measurement}" has no fields in database "${connection.database}"` +
        (request.retentionPolicy ? `, retention policy "${request.retentionPolicy}"` : ''),
    );
  }
  const allTags = [...new Set(tagKeys!.map((v) => String(v[0])))];

  const wanted = request.fields ?? [...types.keys()];
  for (const f of wanted) {
    if (!types.has(f))
      throw new Error(
        `--fields: "${f}" is not a field of ${request.measurement} (it has ${[...types.keys()].join(', ')})`,
      );
  }
  for (const w of request.where) {
    if (!allTags.includes(w.tag))
      throw new Error(
        `--where: "${w.tag}" is not a tag of ${request.measurement} (it has ${allTags.join(', ') || 'none'})`,
      );
  }

  const aggregated = request.every !== undefined;
  const tags = aggregated ? (request.groupBy ?? allTags) : allTags;
  for (const t of tags)
    if (!allTags.includes(t)) throw new Error(`--group-by: "${t}" is not a tag of ${request.measurement}`);

  const fields = wanted.map((name) => {
    const type = types.get(name)!;
    if (!aggregated) return { name, source: name, type };
    const fn = request.fn;
    const numeric = type === 'float' || type === 'integer';
    if (!numeric && !['count', 'first', 'last'].includes(fn)) {
      throw new Error(
        `--fn ${fn}: field "${name}" holds ${type}s; use --fields to pick numeric fields, or --fn count|first|last`,
      );
    }
    const out: FieldType = fn === 'count' ? 'integer' : ['mean', 'median', 'stddev'].includes(fn) ? 'float' : type;
    return { name: `${fn}_${name}`, source: name, type: out };
  });

  const select = aggregated
    ? fields.map((f) => `${request.fn}(${quoteIdent(f.source)}) AS ${quoteIdent(f.name)}`).join(', ')
    : [...fields.map((f) => `${quoteIdent(f.name)}::field`), ...tags.map((t) => `${quoteIdent(t)}::tag`)].join(', ');
  const byTag = new Map<string, string[]>();
  for (const w of request.where) byTag.set(w.tag, [...(byTag.get(w.tag) ?? []), w.value]);
  const filters = [...byTag].map(
    ([tag, values]) => `(${values.map((v) => `${quoteIdent(tag)} = ${quoteString(v)}`).join(' OR ')})`,
  );
  const groupBy = aggregated
    ? ` GROUP BY time(${request.every})${tags.map((t) => `, ${quoteIdent(t)}`).join('')} fill(none)`
    : '';

  // Windows: whole multiples of the aggregation step, so no bucket is split between two queries.
  const chunkNs = durationNs(request.chunk, '--chunk');
  const stepNs = aggregated ? durationNs(request.every!, '--every') : 1n;
  if (chunkNs <= 0n) throw new Error('--chunk: must be a positive duration');
  const windowNs = chunkNs < stepNs ? stepNs : chunkNs - (chunkNs % stepNs);
  const start = aggregated ? request.fromNs - (((request.fromNs % stepNs) + stepNs) % stepNs) : request.fromNs;
  const windows: ExportPlan['windows'] = [];
  for (let a = start; a < request.toNs; a += windowNs) {
    const lo = later(a, request.fromNs);
    const hi = earlier(a + windowNs, request.toNs);
    const where = [...filters, `time >= ${lo}`, `time < ${hi}`].join(' AND ');
    windows.push({ fromNs: lo, toNs: hi, statement: `SELECT ${select} FROM ${from} WHERE ${where}${groupBy}` });
  }
  return { measurement: request.measurement, tags, fields, windows, aggregated };
}

// Math.min/max do not take bigints.
function earlier(x: bigint, y: bigint): bigint {
  return x < y ? x : y;
}
function later(x: bigint, y: bigint): bigint {
  return x > y ? x : y;
}
