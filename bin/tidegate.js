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
await import(entry.href);
