/**
 * Minimal OpenAPI v3 documents: the `/openapi/v3` root listing every served group/version, and per
 * group/version a document whose PATCH operations carry `x-kubernetes-group-version-kind` and the
 * `fieldValidation`/`dryRun`/`fieldManager`/`force` query parameters. That is what kubectl's query-parameter
 * verifier reads to decide on server-side field validation (so kubectl 1.27+ validates on the server instead of
 * with a downloaded schema). Components: the `openAPIV3Schema` of each custom resource version (what
 * `kubectl explain` reads); no schemas for built-in kinds. The Swagger 2.0 document is in openapi-v2.ts.
 */
import { createHash } from 'node:crypto';
import type { Registry, ResourceType } from './types.ts';

/** `api/v1` or `apis/<group>/<version>`. */
export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Definition name kube uses for a custom resource: reversed group, version, kind (`io.github.x.cm.v1.Kind`). */
export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** All served group/versions, core first. */
function groupVersions(reg: Registry): { group: string; version: string }[] {
  const out: { group: string; version: string }[] = [{ group: '', version: 'v1' }];
  for (const g of reg.groups()) for (const v of reg.versionsOf(g)) out.push({ group: g, version: v });
  return out;
}

/** A PATCH operation a type serves: its path template and the kind it patches. */
export interface PatchOperation {
  path: string;
  gvk: { group: string; version: string; kind: string };
}

/** The PATCH operations of a type (main resource and subresources except eviction); none when read-only. */
export function patchOperations(t: ResourceType): PatchOperation[] {
  if (t.readOnly) return [];
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const base = `/${gvPath(t.group, t.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}/{name}`;
  const out: PatchOperation[] = [{ path: base, gvk }];
  for (const sub of t.subresources) {
    if (sub === 'eviction') continue;
    out.push({ path: `${base}/${sub}`, gvk: sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk });
  }
  return out;
}

/** Query parameters every PATCH operation declares (kubectl looks for `fieldValidation`). */
export const PATCH_QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];

const PARAMS = PATCH_QUERY_PARAMS.map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } }));

function operations(t: ResourceType): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const op of patchOperations(t)) paths[op.path] = { patch: { 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': op.gvk, parameters: PARAMS, responses: { '200': { description: 'OK' } } } };
  return paths;
}

/** The document of one group/version, or undefined when it is not served. */
export function openApiV3Doc(reg: Registry, group: string, version: string): object | undefined {
  const types = reg.typesOf(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    Object.assign(paths, operations(t));
    if (t.builtin || !t.openApiSchema || typeof t.openApiSchema !== 'object') continue;
    schemas[definitionName(t.group, t.version, t.kind)] = { ...t.openApiSchema, 'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.kind }] };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.28.7' }, paths, components: { schemas } };
}

/** The `/openapi/v3` root (paths → serverRelativeURL with a content hash). */
export function openApiV3Root(reg: Registry): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions(reg)) {
    const doc = openApiV3Doc(reg, group, version);
    if (!doc) continue;
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}
