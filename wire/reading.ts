/**
 * A Reading is one measurement taken from one device at one instant: what a driver produces and
 * what travels, as one line of InfluxDB line protocol, from gateway to InfluxDB.
 *
 * Field value types map onto InfluxDB's: `number` is a float, `bigint` an integer (the `i` suffix),
 * `string` a string field, `boolean` a boolean field.
 */
export type FieldValue = number | bigint | string | boolean;

export interface Reading {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Nanoseconds since the Unix epoch, taken when the sensor was read (not when sent). */
  time: bigint;
  /**
   * Names of tags or fields that identify a person or a home (meter numbers, serials). Never put on
   * the wire: the gateway's privacy stage replaces each named value by a keyed pseudonym and then
   * drops this list.
   */
  identifiers?: readonly string[];
}

export const NS_PER_MS = 1_000_000n;

/** The current time as nanoseconds since the epoch (millisecond resolution, like Date). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms)) * NS_PER_MS;
}

export function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS);
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
