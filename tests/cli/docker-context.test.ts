import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * A .dockerignore rule as Docker reads it (moby/patternmatcher): a path pattern from the context root,
 * `*` within a path segment, `**` across segments, `!` re-includes; the last matching rule wins, and a rule
 * that matches a folder matches everything in it.
 */
function ignoreRules(text: string): { exclude: boolean; regex: RegExp }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      const pattern = (exclude ? line : line.slice(1)).replace(/^\/+/, '').replace(/\/+$/, '');
      let source = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*' && pattern[i + 1] === '*') {
          source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += pattern[i + 2] === '/' ? 2 : 1;
        } else if (c === '*') source += '[^/]*';
        else if (c === '?') source += '[^/]';
        else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { exclude, regex: new RegExp(`^${source}(?:/.*)?$`) };
    });
}

function ignored(path: string, rules: { exclude: boolean; regex: RegExp }[]): boolean {
  let out = false;
  for (const rule of rules) if (rule.regex.test(path)) out = rule.exclude;
  return out;
}

/** The runtime stage's COPY --from=build sources (the build stage holds the context plus what RUN made). */
function runtimeCopies(dockerfile: string): string[] {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;
  return [...runtime.matchAll(/^COPY\s+--from=build\s+(?:--\S+\s+)*(\S+)\s+\S+\s*$/gm)].map((m) =>
    m[1]!.replace(/^\/app\/?/, ''),
  );
}

/** What a developer's checkout holds beside the tracked files: what must never reach an image. */
const HOST_LEFTOVERS = [
  '.git/HEAD',
  '.git/config',
  'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
  'dist/bin/cli.js',
  '.tidegate/demo/pseudonym.key',
  '.tidegate/demo/users.yaml',
  '.tidegate/demo/mqtt.secret',
  '.tidegate/influxdb/data/tidegate/raw/1/000000001-000000001.tsm',
  'config/mqtt.secret',
  'config/pseudonym.key',
  'edge/.env',
  'broker/server/server-key.pem',
];

const FORBIDDEN = [
  /^\.git(\/|$)/,
  /(^|\/)\.tidegate\//,
  /\.secret$/,
  /\.key$/,
  /\.pem$/,
  /(^|\/)\.env$/,
  /users.*\.yaml$/,
];

describe('the Docker image holds the runtime tree only (no Docker engine here: computed from the files)', () => {
  const rules = ignoreRules(readFileSync(`${ROOT}.dockerignore`, 'utf8'));
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const context = [...tracked, ...HOST_LEFTOVERS].filter((path) => !ignored(path, rules));

  it('sends no secret, key, .git, host node_modules or dist, demo data or test to the build', () => {
    for (const path of context) {
      expect(
        FORBIDDEN.some((re) => re.test(path)),
        path,
      ).toBe(false);
      expect(path, path).not.toMatch(/^(node_modules|dist)\//);
      expect(path, path).not.toMatch(/\.test\.ts$|(^|\/)(tests|testdata|testing)\//);
    }
    // ...but everything the build needs
    for (const needed of [
      'package.json',
      'package-lock.json',
      'tsconfig.build.json',
      'scripts/build.mjs',
      'scripts/bundle-edge.mjs',
      'bin/tidegate.js',
      'bin/cli.ts',
      'edge/cli.ts',
      'config/gateway.example.yaml',
      'drivers/modbus/profiles/sdm630.yaml',
    ])
      expect(context, needed).toContain(needed);
  });

  it('copies into the runtime stage only compiled code, production packages and the example configs', () => {
    const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
    const copies = runtimeCopies(dockerfile);
    expect(copies.sort()).toEqual(['bin/tidegate.js', 'config', 'dist', 'node_modules', 'package.json']);
    // node_modules and dist are made in the build stage (npm ci, npm run build, npm prune --omit=dev):
    expect(dockerfile).toMatch(/RUN npm ci .*&& npm run build && npm prune --omit=dev/);
    const fromContext = context.filter((path) => copies.some((c) => path === c || path.startsWith(`${c}/`)));
    for (const path of fromContext)
      expect(
        FORBIDDEN.some((re) => re.test(path)),
        path,
      ).toBe(false);
    expect(fromContext).toContain('config/gateway.example.yaml');
  });

  it('runs as a non-root user, with a health check and the listening ports declared', () => {
    const runtime = readFileSync(`${ROOT}Dockerfile`, 'utf8')
      .split(/^FROM /m)
      .at(-1)!;
    expect(runtime).toMatch(/^USER tidegate$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*CMD/m);
    expect(runtime).toMatch(/^EXPOSE 9102 1883 8883 8080$/m);
  });

  it('keeps test-only packages out of the production dependencies', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const testOnly of ['modbus-serial', 'tsx', 'vitest', 'typescript', 'playwright-core', 'fast-check'])
      expect(pkg.dependencies, testOnly).not.toHaveProperty(testOnly);
    expect(pkg.dependencies).not.toHaveProperty('influx'); // unused: the broker has its own InfluxDB client
  });
});
