/**
 * `npm run build`: the shipped artefact (docs/adr/0007-bundle-production-entries.md). esbuild
 * bundles the two production entries, operator/src/main.ts and webhook/src/main.ts, with every
 * dependency into dist/ (ES modules, code the two share in one chunk): the image needs no
 * node_modules, and only the parts of client-node the operator reaches are loaded. Whitespace and
 * comments are stripped (client-node's sources carry non-ASCII comments that made V8 keep the whole
 * text as two-byte strings); identifiers are kept, so stack traces stay readable.
 * Type checking is separate (`tsc -p tsconfig.build.json --noEmit`, run first by `npm run build`).
 *
 *   node scripts/build.ts [--outdir dist] [--analyze]
 */
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeMetafile, build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');

/** The production entries, keyed by their path under the output directory (the Dockerfile and chart name them). */
export const ENTRIES: Readonly<Record<string, string>> = {
  'operator/src/main': 'operator/src/main.ts',
  'webhook/src/main': 'webhook/src/main.ts',
};

const BUILTINS = new Set(builtinModules);

/**
 * Node's built-in modules reached through `require` instead of an ES `import`. Node builds the ES
 * namespace of a built-in by reading every export, which runs lazy getters: `import ... from
 * 'node:http'` alone loads Node's internal undici for `http.WebSocket` (+8 MiB RSS, measured), and
 * `node:fs`, `node:util` and `node:process` load more internals the same way. Through `require`,
 * an export is read only when the code uses it.
 */
export const requireBuiltins: Plugin = {
  name: 'require-builtins',
  setup(b) {
    b.onResolve({ filter: /^[a-z0-9_/:]+$/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (!BUILTINS.has(bare) && !BUILTINS.has(args.path)) return undefined;
      // The stub's own require() is left to Node (the banner's createRequire).
      if (args.namespace === 'builtin') return { path: `node:${bare}`, external: true };
      return { path: bare, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`, loader: 'js' }));
  },
};

/** Packages whose modules esbuild may drop when nothing imported from them is used (see pureModules). */
export const PURE_PACKAGES: readonly string[] = ['@kubernetes/client-node'];

/**
 * Marks the modules of PURE_PACKAGES as free of import side effects (`sideEffects: false`, as a
 * package.json could say). client-node's entry re-exports every module of the package (exec,
 * attach, port-forward, cp, top, log, metrics, YAML, the OIDC and cloud auth providers, ~60 API
 * groups); without the mark esbuild keeps them all, because importing a module could do something.
 * The one module that does is polyfill.js, which sets `globalThis.File` on Node 18; Node 24 has it.
 */
export const pureModules: Plugin = {
  name: 'pure-modules',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === pureModules || args.kind === 'entry-point') return undefined;
      const inPackage = PURE_PACKAGES.some((name) => args.path === name || args.path.startsWith(`${name}/`) || args.importer.includes(`/node_modules/${name}/`));
      if (!inPackage) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: pureModules });
      if (resolved.errors.length > 0 || resolved.external === true) return undefined;
      if (!PURE_PACKAGES.some((name) => resolved.path.includes(`/node_modules/${name}/`))) return undefined;
      return { path: resolved.path, namespace: resolved.namespace, sideEffects: false };
    });
  },
};

/**
 * What client-node 2.x imports from undici (`fetch`, `Agent`, `ProxyAgent`), taken from undici's
 * own modules instead of its entry, which also loads the mock and snapshot agents, the HTTP cache
 * and its SQLite store, WebSocket, EventSource, cookies and every interceptor (idle RSS -8 MiB,
 * docs/operator.md "Memory at idle").
 */
export const UNDICI_USED: Readonly<Record<string, { module: string; property?: string }>> = {
  fetch: { module: 'undici/lib/web/fetch/index.js', property: 'fetch' },
  Agent: { module: 'undici/lib/dispatcher/agent.js' },
  ProxyAgent: { module: 'undici/lib/dispatcher/proxy-agent.js' },
};

/**
 * Points client-node's `import ... from 'undici'` at UNDICI_USED (undici is CommonJS: esbuild
 * cannot drop the unused rest of its entry by itself).
 */
export const undiciUsed: Plugin = {
  name: 'undici-used',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) => (args.importer.includes('/node_modules/@kubernetes/client-node/') ? { path: 'undici', namespace: 'undici-used' } : undefined));
    const contents = Object.entries(UNDICI_USED)
      .map(([name, { module, property }]) => `exports.${name} = require(${JSON.stringify(module)})${property === undefined ? '' : `.${property}`};`)
      .join('\n');
    b.onLoad({ filter: /.*/, namespace: 'undici-used' }, () => ({ contents, loader: 'js', resolveDir: ROOT }));
  },
};

/** esbuild options of the shipped build, writing into `outdir`. */
export function buildOptions(outdir: string): BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // Bundled CommonJS dependencies (winston, prom-client) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __cmCreateRequire } from 'node:module'; const require = __cmCreateRequire(import.meta.url);" },
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    legalComments: 'none',
    charset: 'ascii',
    plugins: [requireBuiltins, pureModules, undiciUsed],
    metafile: true,
    logLevel: 'warning',
  };
}

/** Empties `outdir` and bundles into it; returns esbuild's size analysis text. */
export async function buildDist(outdir: string = join(ROOT, 'dist')): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build(buildOptions(outdir));
  if (result.errors.length > 0) throw new Error(`esbuild failed: ${result.errors.map((e) => e.text).join('; ')}`);
  return analyzeMetafile(result.metafile ?? { inputs: {}, outputs: {} });
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' }, analyze: { type: 'boolean', default: false } } });
  const analysis = await buildDist(values.outdir !== undefined ? join(process.cwd(), values.outdir) : undefined);
  if (values.analyze) process.stdout.write(`${analysis}\n`);
}
