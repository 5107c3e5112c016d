import * as z from 'zod';
import { fieldProblem, measurementSpec, tagsOf } from '../../wire/catalogue/index.js';
import { isTimeZone } from './time.js';
import { conversionFactor } from './units.js';

/**
 * The declared mapping from a partner's records (CSV rows, JSON objects) to readings: one measurement,
 * tags and typed fields taken from named columns or keys, the timestamp, and the tags to pseudonymise.
 * `from` names a CSV column, or a JSON key; `a.b` reaches into nested objects.
 */

const NAME = /^[a-z][a-z0-9_]*$/;
const name = (what: string) => z.string().regex(NAME, `${what}: lower-case letters, digits and "_", e.g. mass_kg`);
const column = z.string().min(1).describe('a CSV column name, or a JSON key (a.b for nested keys)');

/** Rows whose columns hold one of these values (a value or a list). */
const condition = z
  .record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)]))
  .describe('column → value or list of values the record must have');

const tagSpec = z.union([
  column,
  z.strictObject({ from: column }),
  z.strictObject({ value: z.string().min(1).describe('the same value for every record') }),
]);

const fieldSpec = z.union([
  column,
  z.strictObject({
    from: column,
    type: z.enum(['float', 'integer', 'string', 'boolean']).default('float'),
    unit: z
      .string()
      .min(1)
      .optional()
      .describe('the unit the source uses (t, kWh...): converted to the field name unit'),
    optional: z
      .boolean()
      .default(false)
      .describe('an empty or missing value leaves the field out instead of rejecting the record'),
    when: condition.optional().describe('the field is set only on records that match'),
  }),
]);

export const timeSpec = z.strictObject({
  from: column,
  format: z
    .string()
    .min(1)
    .default('iso')
    .describe('iso, epoch_s, epoch_ms, or a Luxon format such as dd/MM/yyyy HH:mm'),
  timeZone: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'an IANA time zone such as Europe/Paris, or UTC')
    .describe('the zone of a timestamp written without offset'),
});

const mappingShape = z.strictObject({
  measurement: name('measurement'),
  tags: z.record(name('tag'), tagSpec).default({}),
  fields: z.record(name('field'), fieldSpec).refine((f) => Object.keys(f).length > 0, 'at least one field'),
  time: timeSpec,
  where: condition.optional().describe('records that do not match are skipped (counted, not rejected)'),
  pseudonymise: z
    .array(z.string())
    .default([])
    .describe('tags whose values leave the gateway only as keyed pseudonyms (company ids)'),
});

export const mappingSchema = mappingShape.superRefine((mapping, ctx) => {
  catalogueProblems(mapping, ctx);
  mapping.pseudonymise.forEach((tag, i) => {
    if (!(tag in mapping.tags))
      ctx.addIssue({ code: 'custom', path: ['pseudonymise', i], message: `"${tag}" is not a tag of this mapping` });
  });
  for (const [field, spec] of Object.entries(mapping.fields)) {
    if (typeof spec === 'string' || !spec.unit) continue;
    const conversion = conversionFactor(spec.unit, field);
    if ('problem' in conversion)
      ctx.addIssue({ code: 'custom', path: ['fields', field, 'unit'], message: conversion.problem });
    if (spec.type === 'string' || spec.type === 'boolean')
      ctx.addIssue({ code: 'custom', path: ['fields', field, 'unit'], message: `a ${spec.type} field has no unit` });
  }
});

export type Mapping = z.infer<typeof mappingSchema>;

/** Tags the ingestor sets from the MQTT topic: a record cannot set them. */
const TOPIC_TAGS = new Set(['gateway', 'device']);

/** The mapping writes what the measurement catalogue (wire/catalogue) declares, with its types. */
function catalogueProblems(mapping: z.infer<typeof mappingShape>, ctx: z.RefinementCtx): void {
  const spec = measurementSpec(mapping.measurement);
  if (!spec) {
    ctx.addIssue({
      code: 'custom',
      path: ['measurement'],
      message: `measurement "${mapping.measurement}" is not in the catalogue (wire/catalogue): material_flow, occupancy and partner_metric are for partner data`,
    });
    return;
  }
  const known = tagsOf(spec.name).map((t) => t.name);
  for (const tag of Object.keys(mapping.tags)) {
    if (TOPIC_TAGS.has(tag))
      ctx.addIssue({
        code: 'custom',
        path: ['tags', tag],
        message: `tag "${tag}" is set by the ingestor from the topic`,
      });
    else if (!known.includes(tag))
      ctx.addIssue({
        code: 'custom',
        path: ['tags', tag],
        message: `${spec.name} has no tag "${tag}" in the catalogue (its tags: ${known.filter((t) => !TOPIC_TAGS.has(t)).join(', ')})`,
      });
  }
  for (const [field, fieldSpec] of Object.entries(mapping.fields)) {
    const type = typeof fieldSpec === 'string' ? 'float' : fieldSpec.type;
    const problem = fieldProblem(spec.name, field, type);
    if (problem) ctx.addIssue({ code: 'custom', path: ['fields', field], message: problem });
  }
}

export const csvSchema = z
  .strictObject({
    delimiter: z.string().length(1).default(','),
    quote: z.string().length(1).default('"'),
    encoding: z.enum(['utf8', 'latin1']).default('utf8'),
    decimalComma: z
      .boolean()
      .default(false)
      .describe('numbers written 12,5 (French habit): the comma is the decimal mark'),
    skipLines: z.number().int().min(0).max(100).default(0).describe('lines before the header'),
    columns: z.array(z.string().min(1)).optional().describe('column names, for a file without header line'),
  })
  .default({ delimiter: ',', quote: '"', encoding: 'utf8', decimalComma: false, skipLines: 0 });

export const jsonSchema = z
  .strictObject({
    records: z.string().min(1).default('$[*]').describe('JSONPath of the records, e.g. $.data[*]'),
  })
  .default({ records: '$[*]' });

export type CsvOptions = z.infer<typeof csvSchema>;
export type JsonOptions = z.infer<typeof jsonSchema>;

/** The keys a driver that reads records adds to its options: format, csv, json, mapping. */
export const recordSourceKeys = {
  csv: csvSchema,
  json: jsonSchema,
  mapping: mappingSchema,
};
