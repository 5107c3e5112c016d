import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The page's bundle, built in memory from `page/main.ts` (plain TypeScript, uPlot, mqtt.js, wire/). */
export interface DashboardAssets {
  js: Uint8Array;
  css: Uint8Array;
  /** The same, gzipped once at build time (the JavaScript is most of a megabyte, mostly mqtt.js and zod). */
  jsGzip: Uint8Array;
  cssGzip: Uint8Array;
  /** Milliseconds the build took, for the log. */
  buildMs: number;
}

// Compiled, this module sits in dist/ beside the compiled page (main.js); run from source, beside main.ts.
const ENTRY = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './page/main.ts' : './page/main.js', import.meta.url),
);

/**
 * Bundles the page with esbuild's JS API: a few hundred milliseconds once per process, nothing written
 * to disk, so a fresh clone serves the dashboard with no build step. Every dependency is bundled:
 * control rooms may have no internet, so the page loads nothing from a CDN.
 */
export async function buildDashboardAssets(): Promise<DashboardAssets> {
  const started = performance.now();
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    outdir: 'out',
    entryNames: 'dashboard',
    platform: 'browser',
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js || !css) throw new Error(`dashboard build of ${ENTRY} produced no ${js ? 'CSS' : 'JavaScript'}`);
  return {
    js: js.contents,
    css: css.contents,
    jsGzip: gzipSync(js.contents, { level: 9 }),
    cssGzip: gzipSync(css.contents, { level: 9 }),
    buildMs: Math.round(performance.now() - started),
  };
}
