// The gateway agent's bundle (run by `tidegate edge`): bin/edge-cli.ts bundled and minified by esbuild into
// dist/bundle/, split at every lazy import() so that the agent loads only its own chunks. On a gateway
// that keeps far less JavaScript source and bytecode in V8's heap than ~600 separate modules
// (docs/edge.md, "Memory"). Source maps beside it, without the sources (the agent enables them only on
// request). Packages with a native binding stay outside, loaded from node_modules as usual; so do what
// only some configurations load (bundle-lean.mjs).
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEAN_PLUGINS } from './bundle-lean.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
export const BUNDLE_DIR = join(DIST, 'bundle');

/** CommonJS packages inside an ES module bundle still call require() and may read __dirname. */
const BANNER = [
  "import { createRequire as __tgRequire } from 'node:module';",
  "import { fileURLToPath as __tgPath } from 'node:url';",
  "import { dirname as __tgDir } from 'node:path';",
  'const require = __tgRequire(import.meta.url);',
  'const __filename = __tgPath(import.meta.url);',
  'const __dirname = __tgDir(__filename);',
].join('');

/**
 * A source that reads a file beside itself (`new URL('../x', import.meta.url)`) keeps doing so from the
 * bundle: its import.meta.url becomes the URL of its compiled twin in dist/, beside which build.mjs
 * copied the files it reads.
 */
const compiledTwinUrls = {
  name: 'compiled-twin-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url') || args.path.includes('node_modules')) return undefined;
      const twin = relative(BUNDLE_DIR, join(DIST, relative(ROOT, args.path))).replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(twin)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

export async function bundleEdge() {
  const esbuild = await import(createRequire(import.meta.url).resolve('esbuild'));
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [join(ROOT, 'bin', 'edge-cli.ts')],
    outdir: BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    banner: { js: BANNER },
    plugins: [compiledTwinUrls, ...LEAN_PLUGINS],
    logLevel: 'warning',
  });
}
