import { readFileSync, writeFileSync } from 'node:fs';
import { renderCatalogueBlocks } from './markdown.js';

/** Rewrites the catalogue's tables in docs/data.md: `npx tsx wire/catalogue/update-docs.ts`. */
const path = new URL('../../docs/data.md', import.meta.url);
const { text, missing, unknown } = renderCatalogueBlocks(readFileSync(path, 'utf8'));
writeFileSync(path, text);
if (missing.length) console.error(`docs/data.md has no block for: ${missing.join(', ')}`);
if (unknown.length) console.error(`docs/data.md has blocks the catalogue does not know: ${unknown.join(', ')}`);
process.exitCode = missing.length || unknown.length ? 1 : 0;
