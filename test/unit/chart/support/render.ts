/**
 * Renders charts/chaos-monkey the way `helm template` does, with our stand-in
 * (`<repo>/../shared/tools/helm-template/helm-template`, see its README) or, when the environment
 * variable HELM_TEMPLATE is set, with that command (e.g. `HELM_TEMPLATE="helm template"` where a
 * real helm v3 exists, as in the GitHub workflow).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
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

/** The command line to run, as [program, ...leading arguments]. Throws when no renderer exists. */
export function helmTemplateCommand(): string[] {
  const fromEnv = process.env.HELM_TEMPLATE?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv.split(/\s+/);
  const stand = join(REPO_ROOT, '..', 'shared', 'tools', 'helm-template', 'helm-template');
  if (!existsSync(stand)) {
    throw new Error(`no chart renderer: ${stand} does not exist and HELM_TEMPLATE is not set (e.g. HELM_TEMPLATE="helm template")`);
  }
  return [stand];
}

/** Renders the chart; never throws on a failed render (the caller checks `status`). */
export function renderChart(options: RenderOptions = {}): RenderResult {
  const [program, ...lead] = helmTemplateCommand() as [string, ...string[]];
  const args = [...lead, RELEASE, CHART_DIR, '--namespace', options.namespace ?? 'chaosmonkey'];
  for (const s of options.set ?? []) args.push('--set', s);
  for (const a of options.apiVersions ?? []) args.push('--api-versions', a);
  if (options.includeCrds === true) args.push('--include-crds');
  // The first call may build the stand-in (about a minute on a cold machine): no short timeout here.
  const run = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
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
