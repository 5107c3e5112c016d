/** Quoting for InfluxQL statements built from names that may hold any character. */

/** A double-quoted InfluxQL identifier (measurement, tag key, field key, database). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A single-quoted InfluxQL string literal (tag values in WHERE). */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
