/**
 * Renders charts/chaos-monkey with `helm template`. The renderer is, first found wins:
 * 1. `helm` on PATH (helm >= 3.14; what anyone working on charts has, and what CI installs);
 * 2. the command in the environment variable HELM_TEMPLATE (e.g. `HELM_TEMPLATE="/opt/helm template"`);
 * 3. the stand-in `<repo>/../shared/tools/helm-template/helm-template` (reproduces helm v3.14.4's
 *    `helm template`, see its README; used on machines without helm, like this project's).
 * With none of the three, rendering fails with a message naming all of them.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delimiter, join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';

/** Absolute path of the repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
/** Absolute path of the chart. */
export const CHART_DIR = join(REPO_ROOT, 'charts', 'chaos-monkey');
/** Release name used by every render in the tests. */
export const RELEASE = 'cm';

/** A rendered Kubernetes object (untyped: tests check the fields they rely on). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** Options of one render. */
export interface RenderOptions {
  /** Release name; default {@link RELEASE}. */
  release?: string;
  /** Release namespace (`-n`); default `chaosmonkey`. */
  namespace?: string;
  /** `--set` expressions. */
  set?: string[];
  /** Extra `.Capabilities.APIVersions` entries. */
  apiVersions?: string[];
  /** Print crds/ first (`--include-crds`). */
  includeCrds?: boolean;
}

/** Outcome of one render: the process's exit status and its two streams. */
export interface RenderResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Path of the stand-in renderer beside the repository. */
export const STAND_IN = join(REPO_ROOT, '..', 'shared', 'tools', 'helm-template', 'helm-template');

/** The first executable file called `name` in the directories of `path` (a PATH value), or undefined. */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // absent or not executable: keep looking
    }
  }
  return undefined;
}

/**
 * The command line to run, as [program, ...leading arguments], for the environment `env`
 * (process.env by default; tests pass their own). Throws when no renderer exists.
 */
export function helmTemplateCommand(env: NodeJS.ProcessEnv = process.env, standIn: string = STAND_IN): string[] {
  const helm = findOnPath('helm', env.PATH);
  if (helm !== undefined) return [helm, 'template'];
  const fromEnv = env.HELM_TEMPLATE?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv.split(/\s+/);
  if (existsSync(standIn)) return [standIn];
  throw new Error(`no chart renderer: no helm (>= 3.14) on PATH, HELM_TEMPLATE is not set (e.g. HELM_TEMPLATE="/opt/helm/helm template"), and the stand-in ${standIn} does not exist. Install helm, or set HELM_TEMPLATE.`);
}

/** Renders the chart; never throws on a failed render (the caller checks `status`). */
export function renderChart(options: RenderOptions = {}, env: NodeJS.ProcessEnv = process.env): RenderResult {
  const [program, ...lead] = helmTemplateCommand(env) as [string, ...string[]];
  const args = [...lead, options.release ?? RELEASE, CHART_DIR, '--namespace', options.namespace ?? 'chaosmonkey'];
  for (const s of options.set ?? []) args.push('--set', s);
  for (const a of options.apiVersions ?? []) args.push('--api-versions', a);
  if (options.includeCrds === true) args.push('--include-crds');
  // The first call may build the stand-in (about a minute on a cold machine): no short timeout here.
  const run = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Renders the chart and parses every document; throws with helm's message when the render fails. */
export function renderObjects(options: RenderOptions = {}): K8sObject[] {
  const result = renderChart(options);
  if (result.status !== 0) throw new Error(`render failed (${String(result.status)}): ${result.stderr}`);
  return parseDocuments(result.stdout);
}

/** Parses a YAML stream, dropping empty documents. */
export function parseDocuments(text: string): K8sObject[] {
  return loadAll(text).filter((d): d is K8sObject => d !== null && d !== undefined);
}

/** The one object of this kind and name; throws when absent or ambiguous. */
export function findOne(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const hits = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind}${name === undefined ? '' : ` ${name}`}, found ${hits.length}`);
  return hits[0] as K8sObject;
}

/** Reads a nested field by dotted path (array indexes as numbers), undefined when absent. */
export function field(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
