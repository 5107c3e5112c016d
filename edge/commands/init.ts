import { copyFileSync, existsSync } from 'node:fs';

export const EXAMPLE_CONFIG = new URL('../../config/gateway.example.yaml', import.meta.url);

/** `tidegate init [FILE]`: writes the commented starter config (config/gateway.example.yaml). */
export function initCommand(file: string, force: boolean): number {
  if (existsSync(file) && !force) {
    process.stderr.write(`${file} exists; pass --force to overwrite it\n`);
    return 1;
  }
  copyFileSync(EXAMPLE_CONFIG, file);
  process.stdout.write(`wrote ${file}: edit it, then run tidegate check ${file}\n`);
  return 0;
}
