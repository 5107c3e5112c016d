import { readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { GatewayConfigSchema } from './schema.js';

/** config/gateway.schema.json: the gateway config's JSON Schema, for editors (YAML language server). */
export const SCHEMA_FILE = new URL('../../config/gateway.schema.json', import.meta.url);

export function gatewayJsonSchema(): string {
  const schema = z.toJSONSchema(GatewayConfigSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, $id: 'https://tidegate.example/gateway.schema.json', title: 'tidegate gateway config' }, null, 2)}\n`;
}

// `npx tsx edge/config/json-schema.ts --write` regenerates the file; without --write, it checks it.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/edge\//, '/edge/'))) {
  const fresh = gatewayJsonSchema();
  if (process.argv.includes('--write')) writeFileSync(SCHEMA_FILE, fresh);
  else if (readFileSync(SCHEMA_FILE, 'utf8') !== fresh) {
    process.stderr.write('config/gateway.schema.json is out of date: run npx tsx edge/config/json-schema.ts --write\n');
    process.exitCode = 1;
  }
}
