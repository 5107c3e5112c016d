import { COMMON_TAGS, MEASUREMENTS, rollupFunctionsOf } from './index.js';
import type { MeasurementSpec, RollupFunction } from './types.js';

/**
 * The catalogue as the Markdown of docs/data.md: each generated block sits between
 * `<!-- catalogue NAME -->` and `<!-- end catalogue -->`, so the prose around it stays hand-written and
 * the tables cannot drift (wire/catalogue/docs.test.ts; `npx tsx wire/catalogue/update-docs.ts` rewrites them).
 */

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const code = (s: string) => `\`${s}\``;

export function measurementMarkdown(spec: MeasurementSpec): string {
  const rows = spec.fields.map((f) => [
    code(f.name),
    f.unit || '—',
    f.type,
    f.kind,
    f.description + (f.identifier ? ', as a keyed pseudonym' : ''),
  ]);
  const tags = spec.tags.map((t) => `${code(t.name)}: ${t.description}${t.identifier ? ', as a keyed pseudonym' : ''}`);
  return [
    table(['field', 'unit', 'type', 'kind', 'meaning'], rows),
    '',
    `Tags: ${tags.join('; ')}.`,
    '',
    `Shown first on a card: ${spec.keyFields.map(code).join(', ')}.`,
  ].join('\n');
}

export function commonTagsMarkdown(): string {
  return table(
    ['tag', 'on every point'],
    COMMON_TAGS.map((t) => [code(t.name), t.description]),
  );
}

const FUNCTIONS: readonly RollupFunction[] = ['mean', 'min', 'max', 'last', 'sum'];

export function rollupsMarkdown(): string {
  const rows: string[][] = [];
  for (const m of MEASUREMENTS) {
    for (const fn of FUNCTIONS) {
      const fields = m.fields.filter((f) => rollupFunctionsOf(f).includes(fn)).map((f) => code(f.name));
      if (fields.length) rows.push([code(m.name), m.rollup.levels.join(', '), m.rollup.source, fn, fields.join(', ')]);
    }
  }
  return table(['measurement', 'levels', 'from', 'function', 'fields'], rows);
}

/** Every generated block by its name. */
export function catalogueBlocks(): Map<string, string> {
  const blocks = new Map<string, string>([
    ['tags', commonTagsMarkdown()],
    ['rollups', rollupsMarkdown()],
  ]);
  for (const m of MEASUREMENTS) blocks.set(m.name, measurementMarkdown(m));
  return blocks;
}

const BLOCK = /<!-- catalogue ([a-z0-9_]+) -->\n[\s\S]*?<!-- end catalogue -->/g;

/** The document with every generated block rewritten; `missing` names blocks the document lacks. */
export function renderCatalogueBlocks(doc: string): { text: string; missing: string[]; unknown: string[] } {
  const blocks = catalogueBlocks();
  const seen = new Set<string>();
  const unknown: string[] = [];
  const text = doc.replace(BLOCK, (whole, name: string) => {
    const body = blocks.get(name);
    if (body === undefined) {
      unknown.push(name);
      return whole;
    }
    seen.add(name);
    return `<!-- catalogue ${name} -->\n${body}\n<!-- end catalogue -->`;
  });
  return { text, missing: [...blocks.keys()].filter((n) => !seen.has(n)), unknown };
}
