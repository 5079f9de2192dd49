/**
 * Invariants of the Dockerfile and .dockerignore (there is no Docker engine on our machines, so the
 * image is checked by reading its recipe): multi-stage, pinned Node 24 bases, build with npm ci and
 * `npm run build` (type check, then the esbuild bundles of scripts/build.ts), the bundles alone in the
 * runtime stage (no node_modules), non-root numeric user, the operator by default
 * and the webhook by argument, and a build context that excludes what must not ship: production
 * code only (no embedded API server, no demo, no CRD file).
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { load } from 'js-yaml';
import { ENTRIES } from '../../../scripts/build.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Instruction { op: string; args: string }
interface Stage { from: string; name?: string; instructions: Instruction[] }

/** Instructions with line continuations joined and comments dropped. */
function instructions(source: string): Instruction[] {
  const joined = source.replace(/\\\r?\n/g, ' ');
  return joined.split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l) as RegExpExecArray;
      return { op: (m[1] as string).toUpperCase(), args: (m[2] ?? '').trim() };
    });
}

function stages(list: Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const ins of list) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args) as RegExpExecArray;
      const stage: Stage = { from: m[1] as string, instructions: [] };
      if (m[2] !== undefined) stage.name = m[2];
      out.push(stage);
    } else {
      out.at(-1)?.instructions.push(ins);
    }
  }
  return out;
}

const all = stages(instructions(text));
const runtime = all.at(-1) as Stage;
const runs = (s: Stage): string[] => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
const copies = (s: Stage): string[] => s.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
const stageNamed = (name: string): Stage => {
  const s = all.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stage ${name}`);
  return s;
};
const execForm = (op: string): string[] => {
  const ins = runtime.instructions.filter((i) => i.op === op);
  expect(ins).toHaveLength(1);
  return JSON.parse((ins[0] as Instruction).args) as string[];
};

describe('Dockerfile', () => {
  test('is multi-stage and every base image is Node 24 pinned by exact version or digest', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    for (const s of all.filter((x) => !all.some((y) => y.name === x.from))) {
      expect(s.from).toMatch(/^node:24\.\d+\.\d+(-[a-z0-9-]+)?(@sha256:[a-f0-9]{64})?$|^node@sha256:[a-f0-9]{64}$/);
      expect(s.from).not.toMatch(/latest/);
      // The image runs the Node version the project pins for development and CI.
      expect(s.from.startsWith(`node:${pkg.devDependencies.node}`)).toBe(true);
    }
    // A small runtime base: slim or distroless, never the full image.
    expect(runtime.from).toMatch(/-slim|distroless/);
  });

  test('the build stage installs from the lock file, type checks and bundles with npm run build', () => {
    const build = stageNamed('build');
    expect(runs(build).some((r) => /^npm ci\b/.test(r))).toBe(true);
    expect(runs(build)).toContain('npm run build');
    expect(copies(build).some((c) => /package-lock\.json/.test(c))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json --noEmit && node scripts/build.ts');
  });

  test('the runtime stage gets the bundles only: no node_modules, sources, tests or dev tools', () => {
    const fromStages = copies(runtime).map((c) => /--from=(\S+)\s+(\S+)/.exec(c)).filter((m) => m !== null);
    // scripts/build.ts bundles every dependency: nothing is loaded from node_modules at run time.
    expect(fromStages.filter((m) => (m[2] as string).includes('node_modules'))).toEqual([]);
    // From the build stage only the bundled output.
    expect(fromStages.map((m) => `${m[1]} ${m[2]}`)).toEqual(['build /app/dist']);
    for (const c of copies(runtime).filter((x) => !x.startsWith('--from='))) {
      expect(c).not.toMatch(/^\.\s|node_modules|\btest\b|\bbench\b|tsconfig|operator|webhook|\bapi\b/);
    }
    expect(runs(runtime)).toEqual([]);
  });

  test('the runtime has what the compiled code loads at run time (package.json for ESM) and nothing else from the context', () => {
    const plain = copies(runtime).filter((c) => !c.startsWith('--from='));
    expect(plain).toEqual(['package.json ./']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { type?: string };
    expect(pkg.type).toBe('module');
  });

  test('compiles production code only: no sandbox/, demo/ or crds/ in the build stage or tsconfig.build.json', () => {
    const sources = copies(stageNamed('build')).filter((c) => !c.startsWith('--from=')).flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(sources.sort()).toEqual(['api', 'operator/src', 'package-lock.json', 'package.json', 'scripts/build.ts', 'tsconfig.build.json', 'tsconfig.json', 'webhook/src']);
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    expect(build.include.sort()).toEqual(['api', 'operator/src', 'webhook/src']);
  });

  test('the two entry points import (transitively) only api/, operator/src/ and webhook/src/, so dist/ holds nothing else', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) visit(resolve(dirname(file), m[1] as string));
    };
    for (const main of ['operator/src/main.ts', 'webhook/src/main.ts']) visit(join(ROOT, main));
    const files = [...seen].map((f) => relative(ROOT, f));
    expect(files.length).toBeGreaterThan(30);
    expect(files.filter((f) => !/^(api|operator\/src|webhook\/src)\//.test(f))).toEqual([]);
  });

  test('production dependencies do not list what only the tests and the demo use', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies['js-yaml']).toBeUndefined();
    expect(pkg.devDependencies['js-yaml']).toBeDefined();
  });

  test('runs as a non-root numeric user', () => {
    const users = runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  test('runs the operator by default and the webhook when its entry point is given as argument', () => {
    const entry = execForm('ENTRYPOINT');
    const cmd = execForm('CMD');
    // node, then V8 flags only (NODE_OPTIONS refuses the Wasm tiering ones): nothing that picks a program.
    expect(entry[0]).toBe('node');
    for (const flag of entry.slice(1)) expect(flag).toMatch(/^--[a-z0-9-]+$/);
    expect(cmd).toEqual(['dist/operator/src/main.js']);
    // Both entry points are compiled from sources tsconfig.build.json includes.
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    expect(build.include).toEqual(expect.arrayContaining(['operator/src', 'webhook/src']));
    // The chart starts each program through the same image with that argument.
    // (charts/chaos-monkey/templates/deployment.yaml: the pod's second container, `webhook`.)
    const template = readFileSync(join(ROOT, 'charts', 'chaos-monkey', 'templates', 'deployment.yaml'), 'utf8');
    expect(template).toMatch(/- name: webhook\n(.*\n){1,4}\s*args:\s*\n\s*- dist\/webhook\/src\/main\.js/);
  });

  test('the bundled entry points map to existing sources, at the paths the image and the chart run', () => {
    expect(Object.entries(ENTRIES).sort()).toEqual([
      ['operator/src/main', 'operator/src/main.ts'],
      ['webhook/src/main', 'webhook/src/main.ts'],
    ]);
    for (const main of Object.values(ENTRIES)) expect(existsSync(join(ROOT, main))).toBe(true);
    // dist/<key>.js: the Dockerfile's CMD and the chart's webhook argument.
    expect(execForm('CMD')).toEqual(['dist/operator/src/main.js']);
  });

  test('exposes the metrics and webhook ports', () => {
    const exposed = runtime.instructions.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed.sort()).toEqual(['9000', '9443']);
  });

  test('every COPY from the build context names a path that exists and that .dockerignore lets through', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = all.flatMap((s) => copies(s)).filter((c) => !c.startsWith('--from=')).flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) {
      expect(existsSync(join(ROOT, src))).toBe(true);
      expect(allowed).toContain(src.replace(/\/$/, ''));
    }
  });
});

describe('.dockerignore', () => {
  test('keeps dependencies, build output, VCS data, tests and docs out of the context', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
    for (const pattern of ['**/node_modules', '**/dist']) expect(ignore).toContain(pattern);
    const allowed = ignore.split(/\r?\n/).filter((l) => l.startsWith('!'));
    for (const never of ['.git', 'test', 'bench', 'docs', 'charts', 'node_modules', '.github', 'sandbox', 'demo', 'crds']) {
      expect(allowed.some((l) => l.slice(1).replace(/\/$/, '') === never)).toBe(false);
    }
  });
});

describe('the chart and the image agree', () => {
  test('the chart runs the image as the Dockerfile USER', () => {
    const helpers = readFileSync(join(ROOT, 'charts', 'chaos-monkey', 'templates', '_helpers.tpl'), 'utf8');
    const user = (runtime.instructions.find((i) => i.op === 'USER') as Instruction).args.split(':')[0];
    expect(helpers).toContain(`runAsUser: ${user}`);
    const values = load(readFileSync(join(ROOT, 'charts', 'chaos-monkey', 'values.yaml'), 'utf8')) as { image: { repository: string } };
    expect(values.image.repository).toMatch(/^[a-z0-9.-]+\/[a-z0-9._/-]+$/);
  });
});
