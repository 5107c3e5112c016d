#!/usr/bin/env node
// The `tidegate` command: runs the compiled JavaScript in dist/ (built by `npm install` / `npm run build`),
// with stack traces mapped back to the TypeScript sources. Nothing is transpiled at run time, which keeps
// the agent's memory small on a gateway. The commands themselves live in bin/cli.ts.
import { createRequire } from 'node:module';

// Built-ins through require(): an ES import of node:fs would read fs.promises, which loads readline too.
const require = createRequire(import.meta.url);
const { existsSync } = require('node:fs');

const compiled = new URL('../dist/bin/cli.js', import.meta.url);
// `tidegate edge` runs the minified bundle of the gateway's commands (scripts/bundle-edge.mjs): less memory.
const bundle = new URL('../dist/bundle/edge-cli.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write(
    'tidegate: dist/ is missing; run `npm run build` (npm install does it) in the tidegate folder\n',
  );
  process.exit(1);
}
const edge = process.argv[2] === 'edge' && existsSync(bundle);
if (edge) {
  // The gateway agent trades a little CPU for memory on a Raspberry Pi (docs/edge.md, "Memory"):
  // - a young generation of two 1 MiB semi-spaces (V8's default grows to 16 MiB each): more, cheap,
  //   scavenges. Set this late, V8 keeps the maximum it started with; a growth factor of 1 keeps the
  //   semi-spaces at their initial 1 MiB (without it they grew to 2 MiB during start-up: +2 MiB of RSS);
  // - no optimizing or baseline compiler: the agent's work is I/O, and compiling was most of its
  //   start-up peak (98 → 71 MiB VmHWM);
  // - V8's heap tuned for size (slower heap growth).
  // Set here, before any module is loaded, as Node-RED's node-red-pi sets its flags on the command line.
  // TIDEGATE_EDGE_V8_FLAGS replaces them (e.g. "" for V8's defaults); NODE_OPTIONS still applies.
  const flags =
    process.env.TIDEGATE_EDGE_V8_FLAGS ??
    '--max-semi-space-size=1 --semi-space-growth-factor=1 --no-opt --no-sparkplug --optimize-for-size';
  const v8 = require('node:v8');
  for (const flag of flags.split(/\s+/).filter(Boolean)) v8.setFlagsFromString(flag);
  // Source maps would keep the bundle's mappings in the heap: readable stack traces on request only.
  if (process.env.TIDEGATE_SOURCE_MAPS === '1') process.setSourceMapsEnabled(true);
} else process.setSourceMapsEnabled(true);
await import((edge ? bundle : compiled).href);
