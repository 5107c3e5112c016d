#!/usr/bin/env node
// The `tidegate` command. Sources are TypeScript, run through tsx's loader (no build step to forget
// on a gateway); the commands themselves live in bin/cli.ts and the folders it dispatches to.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
