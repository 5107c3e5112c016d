import { readFileSync } from 'node:fs';

/** tidegate's version, from package.json: it goes into every gateway status message. */
export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
