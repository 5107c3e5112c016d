import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script, without types
import { PATCHES } from './bundle-lean.mjs';

const NODE_MODULES = new URL('../node_modules/', import.meta.url);

/** A text not found leaves the package as it is (a larger bundle, with a build warning): say it here. */
describe('bundle-lean patches', () => {
  it.each(PATCHES as [string, string, string][])('%s: the text to replace is found exactly once', (file, text) => {
    const source = readFileSync(new URL(file, NODE_MODULES), 'utf8');
    expect(source.split(text).length - 1).toBe(1);
  });
});
