#!/usr/bin/env node
// The `tidegate` command: runs the compiled JavaScript in dist/ (built by `npm install` / `npm run build`),
// with stack traces mapped back to the TypeScript sources. Nothing is transpiled at run time, which keeps
// the agent's memory small on a gateway. The commands themselves live in bin/cli.ts.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'tidegate: dist/ is missing; run `npm run build` (npm install does it) in the tidegate folder\n',
  );
  process.exit(1);
}
process.setSourceMapsEnabled(true);
if (process.argv[2] === 'edge') {
  // A gateway allocates little per second: a 1 MiB young generation (V8's default grows to 16 MiB per
  // semi-space) keeps about 11 MiB of a Raspberry Pi's memory for a few more, cheap, scavenges.
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--max-semi-space-size=1');
}
await import(entry.href);
