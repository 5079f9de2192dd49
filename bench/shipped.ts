/**
 * What ships, read from a tree's Dockerfile, so the benchmark runs the operator the way the image
 * does, for our tree and for an older ref alike (`npm run bench -- --compare <ref>`): the build
 * commands of the stage the runtime copies its code from (`npm ci` left out: node_modules is
 * prepared beforehand), the image's NODE_OPTIONS plus the flags its ENTRYPOINT gives `node`, and the
 * script with its arguments (ENTRYPOINT + CMD).
 * This is the one place that decides which entry the bench starts; a tree without a Dockerfile
 * (or one we cannot read) runs `operator/src/main.ts` unbuilt.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How to build and start the shipped operator of one tree (paths relative to the tree). */
export interface Shipped {
  /** Shell commands, run in order in the tree (node_modules/.bin on the PATH). */
  build: string[];
  /** Arguments after `node` and its flags, e.g. `['dist/operator/src/main.js']`. */
  args: string[];
  /** The image's NODE_OPTIONS as separate flags, then the flags its ENTRYPOINT gives `node`. */
  nodeArgs: string[];
  /** Where this came from, for the printed header. */
  source: string;
}

interface Instruction { op: string; args: string }

function instructions(source: string): Instruction[] {
  return source
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l) as RegExpExecArray;
      return { op: (m[1] as string).toUpperCase(), args: (m[2] ?? '').trim() };
    });
}

function jsonArray(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A path inside the image's WORKDIR made relative to the tree (`/app/dist/x.js` -> `dist/x.js`). */
function relativeToWorkdir(path: string, workdir: string): string {
  const prefix = workdir.endsWith('/') ? workdir : `${workdir}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path.replace(/^\.\//, '');
}

/** Parses a Dockerfile; undefined when it does not start the operator with `node`. */
export function parseShipped(dockerfile: string): Shipped | undefined {
  const stages: { name?: string; body: Instruction[] }[] = [];
  for (const ins of instructions(dockerfile)) {
    if (ins.op === 'FROM') {
      const m = /\sAS\s+(\S+)\s*$/i.exec(ins.args);
      stages.push({ ...(m === null ? {} : { name: m[1] as string }), body: [] });
    } else stages.at(-1)?.body.push(ins);
  }
  const runtime = stages.at(-1);
  if (runtime === undefined) return undefined;
  const workdir = runtime.body.filter((i) => i.op === 'WORKDIR').at(-1)?.args ?? '/';
  const entrypoint = jsonArray(runtime.body.filter((i) => i.op === 'ENTRYPOINT').at(-1)?.args ?? '[]') ?? [];
  const cmd = jsonArray(runtime.body.filter((i) => i.op === 'CMD').at(-1)?.args ?? '[]') ?? [];
  // `node`, the V8 flags the ENTRYPOINT gives it (NODE_OPTIONS refuses some), then the script and its arguments.
  const all = [...entrypoint, ...cmd];
  const script = all.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  if (all[0] !== 'node' || script < 0) return undefined;
  const argv = ['node', ...all.slice(script)];
  const options = /NODE_OPTIONS="([^"]*)"/.exec(runtime.body.filter((i) => i.op === 'ENV').map((i) => i.args).join(' '));
  // The stages the runtime copies code (not node_modules) from, and their RUN commands without installs.
  const from = new Set<string>();
  for (const ins of runtime.body) {
    const m = /^--from=(\S+)\s+(\S+)/.exec(ins.op === 'COPY' ? ins.args : '');
    if (m !== null && !/node_modules/.test(m[2] as string)) from.add(m[1] as string);
  }
  const build = stages
    .filter((s, i) => s !== runtime && (from.has(s.name ?? '') || from.has(String(i))))
    .flatMap((s) => s.body.filter((i) => i.op === 'RUN'))
    .flatMap((i) => i.args.split(/\s*&&\s*/))
    .filter((c) => c !== '' && !/^npm\s+(ci|install|i|cache)\b/.test(c));
  return {
    build,
    args: argv.slice(1).map((a, i) => (i === 0 ? relativeToWorkdir(a, workdir) : a)),
    nodeArgs: [...(options === null ? [] : (options[1] as string).split(/\s+/).filter((a) => a !== '')), ...all.slice(1, script)],
    source: 'Dockerfile',
  };
}

/** What ships from the tree at `root` (see the file comment for the fallback). */
export function shippedOperator(root: string): Shipped {
  const file = join(root, 'Dockerfile');
  const parsed = existsSync(file) ? parseShipped(readFileSync(file, 'utf8')) : undefined;
  return parsed ?? { build: [], args: ['operator/src/main.ts'], nodeArgs: [], source: 'no usable Dockerfile: operator/src/main.ts' };
}
