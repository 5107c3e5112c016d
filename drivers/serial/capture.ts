import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeLine } from '../../wire/line-protocol/encode.js';
import type { Reading } from '../../wire/reading.js';
import type { DecoderDefinition } from '../driver.js';

/**
 * Hex captures of serial traffic, as kept in each driver's testdata/: hex byte pairs separated by any
 * whitespace, `#` starts a comment to the end of the line. Throws naming the file, line and token.
 */
export function parseHexCapture(text: string, file = '<hex>'): Uint8Array {
  const bytes: number[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/#.*/, '');
    for (const token of line.split(/\s+/).filter(Boolean)) {
      if (!/^([0-9a-fA-F]{2})+$/.test(token))
        throw new Error(`${file}:${index + 1}: "${token}" is not hex bytes (pairs of 0-9 a-f)`);
      for (let i = 0; i < token.length; i += 2) bytes.push(Number.parseInt(token.slice(i, i + 2), 16));
    }
  });
  return Uint8Array.from(bytes);
}

export function toHexCapture(bytes: Uint8Array, perLine = 16): string {
  const pairs = [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase());
  const lines: string[] = [];
  for (let i = 0; i < pairs.length; i += perLine) lines.push(pairs.slice(i, i + perLine).join(' '));
  return `${lines.join('\n')}\n`;
}

/** One data-driven test case: `<name>.hex` input, `<name>.lp` expected lines, `<name>.err` expected rejection reasons. */
export interface CaptureCase {
  name: string;
  /** First line of the .hex file when it is a `#` comment: what the case shows. */
  title: string;
  bytes: Uint8Array;
  /** Expected line protocol, one line per reading (identifier values in clear, as the decoder emits them). */
  lines: string[];
  /** Expected rejection reasons, in order (empty when the .err file is absent). */
  rejections: string[];
  /** `<name>.mode` (optional): the decoder mode, e.g. teleinfo "standard". */
  mode?: string;
}

export function loadCaptureCases(dir: string): CaptureCase[] {
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const nonEmptyLines = (text = '') => text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return readdirSync(dir)
    .filter((file) => file.endsWith('.hex'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.hex'.length);
      const hex = read(file) ?? '';
      const lp = read(`${name}.lp`);
      if (lp === undefined) throw new Error(`${join(dir, file)}: no ${name}.lp beside it (expected line protocol)`);
      return {
        name,
        title: /^#\s*(.*)/.exec(hex)?.[1] ?? name,
        bytes: parseHexCapture(hex, join(dir, file)),
        lines: nonEmptyLines(lp),
        rejections: nonEmptyLines(read(`${name}.err`)),
        mode: read(`${name}.mode`)?.trim() || undefined,
      };
    });
}

/** The fixed clock of data-driven tests: every reading read "now" gets this time (2025-11-28T14:00:00Z). */
export const CAPTURE_TIME_NS = 1_764_338_400_000_000_000n;

export interface DecodedCapture {
  readings: Reading[];
  /** Encoded readings, identifiers in clear (as `tidegate decode` prints them). */
  lines: string[];
  rejections: { reason: string; detail?: string }[];
}

/** Runs a driver's stream decoder over bytes cut into chunks of `chunkSize` (Infinity: one chunk). */
export function decodeCapture(
  decoder: DecoderDefinition,
  bytes: Uint8Array,
  options: { mode?: string; chunkSize?: number } = {},
): DecodedCapture {
  const out: DecodedCapture = { readings: [], lines: [], rejections: [] };
  const stream = decoder.create(
    { mode: options.mode, deviceId: 'capture', now: () => CAPTURE_TIME_NS },
    {
      reading(reading) {
        out.readings.push(reading);
        out.lines.push(encodeLine({ ...reading, identifiers: undefined }));
      },
      rejected: (reason, detail) => out.rejections.push({ reason, detail }),
      state() {},
    },
  );
  const size = options.chunkSize ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < bytes.length; i += size) stream.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  stream.end();
  return out;
}
