import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCatalogueBlocks } from './markdown.js';

describe('docs/data.md against the measurement catalogue', () => {
  const doc = readFileSync(new URL('../../docs/data.md', import.meta.url), 'utf8');
  const rendered = renderCatalogueBlocks(doc);

  it('has a block for every measurement, the common tags and the rollups, and none for anything else', () => {
    expect(rendered.missing).toEqual([]);
    expect(rendered.unknown).toEqual([]);
  });

  it('shows the catalogue as it is (run `npx tsx wire/catalogue/update-docs.ts` after changing it)', () => {
    expect(doc).toBe(rendered.text);
  });
});
