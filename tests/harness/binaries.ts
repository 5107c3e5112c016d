import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where `name` is on PATH (or the absolute path given), or undefined. */
export function findBinary(name: string): string | undefined {
  if (name.startsWith('/')) return canRun(name) ? name : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin']);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (canRun(candidate)) return candidate;
  }
  return undefined;
}

function canRun(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of `name`, or an error that names the Debian package to install. */
export function requireBinary(name: string, debianPackage: string): string {
  const found = findBinary(name);
  if (!found) {
    throw new Error(
      `"${name}" is not installed; this test needs the Debian package "${debianPackage}": ` +
        `sudo apt-get install -y ${debianPackage} (or run "npm test", which installs what is missing)`,
    );
  }
  return found;
}
