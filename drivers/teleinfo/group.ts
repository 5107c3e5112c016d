import { checksum, KNOWN_LABELS, SEPARATOR, type TeleinfoMode } from './protocol.js';

export interface Group {
  label: string;
  /** Standard mode only: the group's own date ("H240210110331"), when it has one. */
  horodate?: string;
  data: string;
}

export type GroupResult = { group: Group } | { reason: string; detail: string };

/**
 * How a rejected group is named in a rejection's detail: by its label when it has a plausible one,
 * and its length, never by its data. A group's data can be the meter's address or PRM, and rejection
 * details travel to logs and to the broker as events.
 */
function describe(content: Uint8Array, sep: number): string {
  const end = content.indexOf(sep);
  const label = Buffer.from(content.subarray(0, end < 0 ? Math.min(content.length, 9) : end)).toString('latin1');
  return /^[A-Z][A-Z0-9+-]{0,7}$/.test(label)
    ? `group ${label} (${content.length} bytes)`
    : `group of ${content.length} bytes`;
}

/**
 * Checks and splits one group, given the bytes between its LF and CR (both excluded). The checksum is
 * the last byte and the separator before it is part of the format, so nothing is trimmed: a checksum
 * that is a space, and data with spaces inside (standard mode's MSG1, LTARF), stay intact.
 */
export function parseGroup(mode: TeleinfoMode, content: Uint8Array): GroupResult {
  const sep = SEPARATOR[mode];
  const n = content.length;
  if (n < 4 || content[n - 2] !== sep)
    return { reason: 'malformed', detail: `${describe(content, sep)} has no separator before its checksum` };
  // historique sums "label SP data" (without the SP before the checksum); standard includes that HT.
  const end = mode === 'standard' ? n - 1 : n - 2;
  const expected = checksum(content, 0, end);
  if (content[n - 1] !== expected)
    return {
      reason: 'checksum',
      detail: `${describe(content, sep)}: checksum "${String.fromCharCode(content[n - 1] as number)}", computed "${String.fromCharCode(expected)}"`,
    };
  for (let i = 0; i < n - 1; i++) {
    const byte = content[i] as number;
    if ((byte < 0x20 || byte > 0x7e) && byte !== sep)
      return {
        reason: 'malformed',
        detail: `${describe(content, sep)} holds byte 0x${byte.toString(16).padStart(2, '0')}`,
      };
  }
  const parts = Buffer.from(content.subarray(0, n - 2))
    .toString('latin1')
    .split(String.fromCharCode(sep));
  const fields = mode === 'standard' ? parts : [parts[0] as string, parts.slice(1).join(' ')];
  if (fields.length < 2 || fields.length > 3 || fields[0] === '')
    return { reason: 'malformed', detail: `${describe(content, sep)}: expected label, [date,] data` };
  const [label, a, b] = fields as [string, string, string | undefined];
  if (!KNOWN_LABELS[mode].has(label))
    return {
      reason: 'unknown-label',
      detail: `${describe(content, sep)}: label not in the ${mode} mode specification`,
    };
  return { group: b === undefined ? { label, data: a } : { label, horodate: a, data: b } };
}
