/**
 * InfluxDB 1.x line-protocol escaping.
 *
 * What InfluxDB 1.x does when it reads a name (measurement, tag key, tag value, field key): a
 * backslash makes the scanner skip the next character, then `\,` `\ ` `\=` `\"` become the plain
 * character and any other backslash stays as it is. So a name can carry a backslash only when the
 * character after it is an ordinary one: `a\b` survives, while a trailing backslash or one before
 * `,` ` ` `=` `"` `\` cannot be written so that InfluxDB reads it back. Such names are refused by
 * `nameProblem` rather than silently altered.
 */

export type NameKind = 'measurement' | 'tag key' | 'tag value' | 'field key';

const SPECIAL_AFTER_BACKSLASH = new Set([',', ' ', '=', '"', '\\']);

/** Why `name` cannot be written as a line-protocol name, or undefined when it can. */
export function nameProblem(name: string, kind: NameKind): string | undefined {
  if (name.length === 0) return `${kind} is empty`;
  if (kind === 'measurement' && name.startsWith('#')) return 'measurement starts with "#" (a comment line)';
  if ((kind === 'tag key' || kind === 'field key') && name === 'time') return `${kind} "time" is reserved`;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f)
      return `${kind} contains control character 0x${code.toString(16).padStart(2, '0')} at ${i}`;
    if (code === 0x5c /* \ */) {
      const next = name[i + 1];
      if (next === undefined) return `${kind} ends with a backslash`;
      if (SPECIAL_AFTER_BACKSLASH.has(next)) return `${kind} has a backslash before "${next}" at ${i}`;
    }
  }
  return undefined;
}

export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, '\\$&');
}

export function escapeKeyOrTagValue(name: string): string {
  return name.replace(/[, =]/g, '\\$&');
}

export function escapeStringField(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/** Inverse of the escaping of names, as InfluxDB 1.x applies it. */
export function unescapeName(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    const next = raw[i + 1];
    if (c === '\\' && (next === ',' || next === ' ' || next === '=' || next === '"')) {
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

export function unescapeStringField(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    const next = raw[i + 1];
    if (c === '\\' && (next === '"' || next === '\\')) {
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
