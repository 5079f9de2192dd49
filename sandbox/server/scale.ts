/**
 * The `scale` subresource of Deployments (autoscaling/v1 Scale): GET, PUT (409 on a stale rv) and PATCH.
 */
import type { KObject } from '../store/types.ts';
import type { ObjectService } from './objects.ts';
import { applyPatch, parsePatchBody } from './objects.ts';
import { ApiError, badRequest, conflict } from './status.ts';
import type { ResourceType } from './types.ts';

/** The autoscaling/v1 Scale view of a Deployment. */
export function scaleOf(dep: KObject): KObject {
  const spec = (dep.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } };
  const status = (dep.status ?? {}) as { replicas?: number };
  const sel = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of spec.selector?.matchExpressions ?? []) {
    if (e.operator === 'In') sel.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') sel.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') sel.push(e.key);
    else if (e.operator === 'DoesNotExist') sel.push(`!${e.key}`);
  }
  const m = dep.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: spec.replicas ? { replicas: spec.replicas } : {},
    status: { replicas: status.replicas ?? 0, selector: sel.sort().join(',') },
  };
}

/** A scale request: verb get/update/patch, the parsed body for update, or the raw patch and its content type. */
export interface ScaleRequest {
  verb: string;
  namespace: string;
  name: string;
  body?: unknown;
  contentType: string;
  raw: string;
}

/** Handles GET/PUT/PATCH on `<deployments>/<name>/scale`; returns the resulting Scale. */
export async function handleScale(objects: ObjectService, t: ResourceType, r: ScaleRequest): Promise<KObject> {
  const dep = await objects.read(t, r.namespace, r.name);
  const current = scaleOf(dep);
  if (r.verb === 'get') return current;
  let desired: KObject;
  if (r.verb === 'update') {
    if (typeof r.body !== 'object' || r.body === null || (r.body as KObject).kind !== 'Scale') throw badRequest('the object provided is unrecognized (must be of type Scale)');
    desired = r.body as KObject;
  } else {
    desired = applyPatch(r.contentType, current, parsePatchBody(r.contentType, r.raw)) as KObject;
  }
  const rv = desired.metadata?.resourceVersion;
  if (rv && rv !== dep.metadata.resourceVersion) throw conflict({ group: t.group, resource: t.resource }, r.name);
  const replicas = (desired.spec as { replicas?: unknown } | undefined)?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    const message = `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`;
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${r.name}" is invalid: spec.replicas: ${message}`, { name: r.name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.replicas' }] });
  }
  const next = structuredClone(dep);
  (next.spec as Record<string, unknown>).replicas = replicas;
  return scaleOf(await objects.update(t, r.namespace, r.name, next));
}
