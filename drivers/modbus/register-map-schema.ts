import * as z from 'zod';
import { isBitTable, SPEC_LIMIT } from './protocol/pdu.js';
import { ORDERS, registerCount, VALUE_TYPES } from './values.js';

/** One value of a register map, as written in a profile or a device's inline `registers:` list. */
export const registerSchema = z
  .strictObject({
    /** The field name in the reading, `<quantity>[_<phase>]_<unit>` (docs/data.md). */
    field: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a field name: lower case, digits and _'),
    table: z.enum(['coil', 'discrete', 'holding', 'input']),
    /** Protocol address, 0-based: input register 30001 and holding register 40001 are address 0. */
    address: z.number().int().min(0).max(65535),
    type: z.enum(VALUE_TYPES).default('uint16'),
    order: z.enum(ORDERS).default('ABCD'),
    scale: z.number().finite().default(1),
    offset: z.number().finite().default(0),
    /** Registers of a `string`. */
    length: z.number().int().min(1).max(125).optional(),
    /** Bit of a holding or input register for `type: bit` (0 = least significant). */
    bit: z.number().int().min(0).max(15).optional(),
    /**
     * A float field (default), an integer field (integer types with integer scale and offset only), or
     * `time`: the reading's timestamp in Unix seconds (× scale + offset), not a field. A counter that
     * reports its last complete period gives the period's start this way, so polling it again rewrites
     * the same InfluxDB point instead of adding one.
     */
    as: z.enum(['float', 'integer', 'time']).default('float'),
    /** Tags of the reading this value belongs to (one reading per distinct tag set, e.g. per lane). */
    tags: z.record(z.string(), z.string()).default({}),
    /** For `tidegate simulate`: the range of plausible values, and whether it only grows (an index). */
    simulate: z.strictObject({ min: z.number(), max: z.number(), counter: z.boolean().default(false) }).optional(),
  })
  .superRefine((r, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (isBitTable(r.table) && r.type !== 'bit') problem('type', `a ${r.table} holds bits: type must be bit`);
    if (r.type === 'string' && r.length === undefined) problem('length', 'a string needs its length in registers');
    if (r.type !== 'string' && r.length !== undefined) problem('length', 'length applies to strings only');
    if (r.bit !== undefined && (r.type !== 'bit' || isBitTable(r.table)))
      problem('bit', 'bit applies to type bit in a holding or input register');
    if (r.as === 'integer' || r.as === 'time') {
      if (!/int/.test(r.type)) problem('as', `as: ${r.as} needs an integer type, not ${r.type}`);
      if (!Number.isInteger(r.scale) || !Number.isInteger(r.offset))
        problem('as', `as: ${r.as} needs an integer scale and offset`);
    }
    const count = isBitTable(r.table) ? 1 : registerCount(r.type, r.length);
    if (r.address + count > 65536) problem('address', `the value runs past address 65535`);
  });

export type RegisterInput = z.input<typeof registerSchema>;
export type RegisterDef = z.output<typeof registerSchema>;

/** How requests are built: shared by profiles and device options (a device's own setting wins). */
export const planningKeys = {
  /** Registers one request may read; 125 by the spec, less for some devices (Eastron: 80). */
  maxRegistersPerRequest: z.number().int().min(1).max(SPEC_LIMIT.holding).optional(),
  /** Unused registers a request may read through to join two values (coils and inputs: × 16 bits). */
  maxGap: z.number().int().min(0).max(124).optional(),
  /** One request per value, for devices that refuse block reads. */
  singleValueReads: z.boolean().optional(),
};

/** A register-map profile (profiles/*.yaml). */
export const profileSchema = z.strictObject({
  description: z.string().optional(),
  measurement: z.enum(['electricity', 'air_quality', 'traffic']).or(z.string().regex(/^[a-z][a-z0-9_]*$/)),
  tags: z.record(z.string(), z.string()).default({}),
  ...planningKeys,
  registers: z.array(registerSchema).min(1),
});
export type Profile = z.output<typeof profileSchema>;
