#!/usr/bin/env node
// Compiles the sources to dist/ (tsc, source maps) and copies what the compiled code reads beside it:
// YAML profiles, the dashboard's CSS, config/ and the package version; then bundles the gateway agent
// (bundle-edge.mjs). Plain JavaScript, so it runs on a fresh clone before anything is compiled.
//   node scripts/build.mjs             build (incremental)
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEdge } from './bundle-edge.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');
/** The folders compiled to dist/ (tsconfig.build.json includes the same). */
const SOURCES = ['wire', 'drivers', 'edge', 'broker', 'bin'];
/** Read by the compiled code through `new URL('../…', import.meta.url)`, so they sit at the same place in dist/. */
const BESIDE = ['config'];
const SKIPPED = /(\.test\.ts|\.md|\.d\.ts)$|^(tests|testdata|node_modules)$/;

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Newest modification time among the sources, the build settings and this script. */
function newestInput() {
  let newest = 0;
  const files = [...SOURCES, ...BESIDE].flatMap((d) => [...walk(join(ROOT, d))]);
  const settings = [
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
    'scripts/build.mjs',
    'scripts/bundle-edge.mjs',
    'scripts/bundle-lean.mjs',
  ];
  for (const f of settings) files.push(join(ROOT, f));
  for (const f of files) newest = Math.max(newest, statSync(f).mtimeMs);
  return newest;
}

function isStale() {
  return !existsSync(STAMP) || statSync(STAMP).mtimeMs < newestInput();
}

function copyAssets() {
  for (const dir of SOURCES) {
    for (const file of walk(join(ROOT, dir))) {
      if (file.endsWith('.ts') || file.endsWith('.js')) continue;
      const target = join(DIST, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
  }
  for (const dir of BESIDE) cpSync(join(ROOT, dir), join(DIST, dir), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const beside = { name: pkg.name, version: pkg.version, type: 'module', private: true };
  writeFileSync(join(DIST, 'package.json'), `${JSON.stringify(beside, null, 2)}\n`);
  // The demo starts `tidegate` children through the sibling of its own bin/ folder: the same entry.
  writeFileSync(join(DIST, 'bin', 'tidegate.js'), "await import('../../bin/tidegate.js');\n");
}

function compiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error('tidegate: cannot build dist/: typescript is not installed (npm ci without --omit=dev)');
  }
}

async function build() {
  const started = Date.now();
  const tsc = compiler();
  // Types are checked by `npm run check`; the build only emits, so a type error elsewhere never
  // leaves the CLI unrunnable.
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
  copyAssets();
  await bundleEdge();
  // Stamped with the start time: a source saved during the build makes the next check rebuild.
  writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
  utimesSync(STAMP, started / 1000, started / 1000);
  process.stderr.write(`tidegate: compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

export async function ensureBuilt() {
  if (isStale()) await build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale')) await ensureBuilt();
  else await build();
}

/** vitest's globalSetup: the tests that start `bin/tidegate.js` run the current sources, compiled. */
export const setup = ensureBuilt;
