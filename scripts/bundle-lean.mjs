// What keeps the gateway agent's bundle lean (scripts/bundle-edge.mjs; docs/edge.md, "Memory"). Every
// module the agent loads stays in its heap as source text, and every Node built-in it loads is compiled
// there too, for the life of the process. The agent's behaviour does not change: code that only some
// configurations need is loaded when they need it, not at start-up.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname } from 'node:path';

/**
 * Packages left out of the bundle and loaded from node_modules at run time: native bindings, and what
 * only an unusual configuration needs (MQTT over WebSocket or a SOCKS proxy, mqtt.js's browser timers,
 * pino's worker-thread transports), which PATCHES makes load on first use.
 */
export const EXTERNAL = [
  'better-sqlite3',
  'serialport',
  '@serialport/',
  'bindings',
  'node-gyp-build',
  'esbuild',
  'ws',
  'socks',
  'worker-timers',
  'thread-stream',
];

/**
 * Node built-ins and external packages through require(), as plain CommonJS would: an ES `import` of a
 * built-in reads every export, which loads what its lazy getters guard (`fs.promises` loads readline and
 * fs/promises, `crypto.webcrypto` all of WebCrypto), and an `import` of a CommonJS package loads Node's
 * CommonJS export lexer.
 */
export const requireBuiltinsAndExternals = {
  name: 'require-builtins-and-externals',
  setup(build) {
    const external = (path) => EXTERNAL.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (!isBuiltin(args.path) && !external(args.path)) return undefined;
      // The require() inside the stand-in below is Node's own. An import() stays Node's too: a CommonJS
      // stand-in split into its own chunk would only have a default export, no named ones.
      if (args.namespace === 'required' || args.kind === 'dynamic-import') return { path: args.path, external: true };
      return { path: args.path, namespace: 'required' };
    });
    build.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Packages' code that runs at start-up but serves only some configurations, made to run on first use (or
 * a package's own switch turned). Each is [file in node_modules, text, replacement]; a text that is not found (a package changed)
 * leaves that file as it is, with a build warning: the bundle is then larger, never wrong.
 */
export const PATCHES = [
  // mqtt.js builds its table of transports on the first connect, loading ws (and with it http, https,
  // tls, zlib) and TLS for every URL: each transport is now loaded when a URL of its kind is used.
  [
    'mqtt/build/lib/connect/index.js',
    "protocols.ws = require('./ws').streamBuilder;\n            protocols.wss = require('./ws').streamBuilder;",
    "protocols.ws = (c, o) => require('./ws').streamBuilder(c, o);\n            protocols.wss = protocols.ws;",
  ],
  [
    'mqtt/build/lib/connect/index.js',
    "protocols.ssl = require('./tls').default;",
    "protocols.ssl = (c, o) => require('./tls').default(c, o);",
  ],
  [
    'mqtt/build/lib/connect/index.js',
    "protocols.mqtts = require('./tls').default;",
    'protocols.mqtts = protocols.ssl;',
  ],
  // The SOCKS proxy (MQTTJS_SOCKS_PROXY) and its three packages, only when one is set.
  [
    'mqtt/build/lib/connect/tcp.js',
    'const socks_1 = __importDefault(require("./socks"));',
    'const socks_1 = { default: (...a) => require("./socks").default(...a) };',
  ],
  [
    'mqtt/build/lib/connect/tls.js',
    'const socks_1 = __importDefault(require("./socks"));',
    'const socks_1 = { default: (...a) => require("./socks").default(...a) };',
  ],
  // Timers in a Web Worker, for browsers (timerVariant 'worker').
  [
    'mqtt/build/lib/get-timer.js',
    'const workerTimer = {\n    set: worker_timers_1.setInterval,\n    clear: worker_timers_1.clearInterval,\n};',
    'const workerTimer = {\n    set: (f, t) => require("worker-timers").setInterval(f, t),\n    clear: (id) => require("worker-timers").clearInterval(id),\n};',
  ],
  ['mqtt/build/lib/get-timer.js', 'const worker_timers_1 = require("worker-timers");', ''],
  // MQTT 5 topic aliases (lru-cache, which loads perf_hooks), only when a broker grants them.
  [
    'mqtt/build/lib/handlers/connack.js',
    'const topic_alias_send_1 = __importDefault(require("../topic-alias-send"));',
    'const topic_alias_send_1 = { get default() { return require("../topic-alias-send").default; } };',
  ],
  // sonic-boom (pino's writer) checks one argument with assert, which loads five modules.
  ['sonic-boom/index.js', "const assert = require('assert')\n", "const assert = (v, m) => require('assert')(v, m)\n"],
  // pino's transports run in worker threads; the agent writes to a stream of its own.
  [
    'pino/lib/tools.js',
    "const transport = require('./transport')",
    "const transport = (o) => require('./transport')(o)",
  ],
  ['pino/lib/tools.js', "const { isMainThread } = require('worker_threads')\n", ''],
  [
    'pino/lib/tools.js',
    'if (!opts.sync && isMainThread) {',
    "if (!opts.sync && require('worker_threads').isMainThread) {",
  ],
  [
    'pino/pino.js',
    "module.exports.transport = require('./lib/transport')",
    "module.exports.transport = (o) => require('./lib/transport')(o)",
  ],
];

export const patches = {
  name: 'patches',
  setup(build) {
    const files = [...new Set(PATCHES.map(([file]) => file))];
    const filter = new RegExp(`node_modules/(${files.map((f) => f.replace(/[.]/g, '\\.')).join('|')})$`);
    build.onLoad({ filter }, (args) => {
      const file = files.find((f) => args.path.endsWith(`node_modules/${f}`));
      let contents = readFileSync(args.path, 'utf8');
      const warnings = [];
      for (const [, text, replacement] of PATCHES.filter(([f]) => f === file)) {
        if (contents.split(text).length === 2) contents = contents.replace(text, () => replacement);
        else warnings.push({ text: `patches: not found once in ${file}, left as is: ${text.split('\n')[0]}` });
      }
      return { contents, loader: 'js', resolveDir: dirname(args.path), warnings };
    });
  },
};

/**
 * zod's `z` namespace carries its error messages in 47 languages (260 KB once minified); zod itself uses
 * English unless told otherwise (`z.config(z.locales.xx())`, which tidegate never calls): English only.
 */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /node_modules\/zod\/v4\/locales\/index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

export const LEAN_PLUGINS = [requireBuiltinsAndExternals, patches, zodEnglishOnly];
