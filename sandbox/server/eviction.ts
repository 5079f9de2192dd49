/**
 * The `pods/<name>/eviction` subresource (policy/v1 Eviction), following kube-apiserver v1.28's EvictionREST:
 * terminal, Pending or terminating pods are deleted without looking at budgets; otherwise the one
 * PodDisruptionBudget selecting the pod must allow a disruption (429 TooManyRequests with a DisruptionBudget
 * cause naming it when not; 429 "still being processed" while its status lags its generation); more than one
 * budget is a 500 Status. An allowed eviction decrements disruptionsAllowed and records the pod in
 * status.disruptedPods, then marks the pod DisruptionTarget and deletes it with the pod's grace period.
 */
import type { Store } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import type { ObjectService } from './objects.ts';
import { kubeTime } from './objects.ts';
import { pdbSelects, pdbSpec, pdbStatus, podReady, withDisruptionAllowedCondition } from './pdb.ts';
import { ApiError, badRequest, conflict } from './status.ts';
import type { StatusBody, StatusDetails } from './status.ts';
import type { ResourceType } from './types.ts';

/** What the handler needs. */
export interface EvictionDeps {
  store: Store;
  objects: ObjectService;
  podType: ResourceType;
  pdbType: ResourceType;
  now: () => Date;
}

interface EvictionBody {
  kind?: string;
  metadata?: { name?: string };
  deleteOptions?: { gracePeriodSeconds?: number; dryRun?: string[]; preconditions?: { uid?: string; resourceVersion?: string } };
}

/** The Success Status an eviction answers with (HTTP 201). */
export const EVICTED: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

const BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget.";

/** kube's 429 for a budget that allows no disruption (`retryAfter` 0: no Retry-After). */
function tooManyRequests(cause: string, retryAfter: number): ApiError {
  // kube's cause has no `field` (omitted when empty), which StatusCause requires: hence the cast.
  const details = { causes: [{ reason: 'DisruptionBudget', message: cause }], ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) } as StatusDetails;
  return new ApiError(429, 'TooManyRequests', BLOCKED, details, retryAfter > 0 ? { 'Retry-After': String(retryAfter) } : {});
}

/** Validates the body and runs the eviction; returns the Status to answer with (201 or the 500 "more than one"). */
export async function evict(d: EvictionDeps, ns: string, name: string, parsed: unknown, dryRunQuery: boolean): Promise<StatusBody> {
  const body = parsed as EvictionBody | null;
  if (!body || typeof body !== 'object' || body.kind !== 'Eviction') throw badRequest('the object provided is unrecognized (must be of type Eviction)');
  if (body.metadata?.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  const opts = body.deleteOptions ?? {};
  const dryRun = dryRunQuery || (opts.dryRun ?? []).includes('All');
  const pod = await d.objects.read(d.podType, ns, name);
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  const ignorePdb = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
  if (!ignorePdb) {
    const pdbs = [...d.store.iterate(d.pdbType.storeKey, ns)].map((e) => JSON.parse(e.body) as KObject).filter((p) => pdbSelects(pdbSpec(p), pod.metadata.labels));
    if (pdbs.length > 1) {
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 };
    }
    const pdb = pdbs[0];
    if (pdb && !unhealthyMayGo(pdb, pod)) await checkAndDecrement(d, ns, name, pdb, dryRun);
  }
  if (dryRun) return EVICTED;
  await deletePod(d, ns, pod, opts);
  return EVICTED;
}

/** An unready pod may go without spending budget (AlwaysAllow, or IfHealthyBudget with the budget met). */
function unhealthyMayGo(pdb: KObject, pod: KObject): boolean {
  if (podReady(pod)) return false;
  if (pdbSpec(pdb).unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const st = pdbStatus(pdb);
  return st.currentHealthy >= st.desiredHealthy && st.desiredHealthy > 0;
}

async function checkAndDecrement(d: EvictionDeps, ns: string, podName: string, pdb: KObject, dryRun: boolean): Promise<void> {
  const name = pdb.metadata.name ?? '';
  const st = pdbStatus(pdb);
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);
  if (st.disruptionsAllowed < 0) throw forbidden(name, 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > 2000) throw forbidden(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (st.disruptionsAllowed === 0) throw tooManyRequests(`The disruption budget ${name} needs ${st.desiredHealthy} healthy pods and has ${st.currentHealthy} currently`, 0);
  let next = { ...st, disruptionsAllowed: st.disruptionsAllowed - 1 };
  const now = kubeTime(d.now());
  if (next.disruptionsAllowed === 0) next = withDisruptionAllowedCondition(next, now);
  if (dryRun) return;
  next.disruptedPods = { ...(next.disruptedPods ?? {}), [podName]: now };
  await d.objects.update(d.pdbType, ns, name, { ...pdb, apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', status: pdbStatus({ metadata: {}, status: next }) }, 'status');
}

function forbidden(pdbName: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `poddisruptionbudget.policy "${pdbName}" is forbidden: ${why}`, { name: pdbName, group: 'policy', kind: 'poddisruptionbudget' });
}

/** Adds DisruptionTarget=True (reason EvictionByEvictionAPI) and deletes the pod with its grace period. */
async function deletePod(d: EvictionDeps, ns: string, pod: KObject, opts: NonNullable<EvictionBody['deleteOptions']>): Promise<void> {
  const name = pod.metadata.name ?? '';
  const status = (pod.status ?? {}) as { phase?: string; conditions?: Record<string, unknown>[] };
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  const pre = opts.preconditions ?? {};
  if ((pre.uid && pre.uid !== pod.metadata.uid) || (pre.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion)) throw conflict({ group: '', resource: 'pods' }, name);
  if (!terminal && !pod.metadata.deletionTimestamp) {
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conditions.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTime(d.now()), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    await d.objects.update(d.podType, ns, name, { ...pod, status: { ...status, conditions } }, 'status');
  }
  // kube: an explicit grace period wins; else the pod's terminationGracePeriodSeconds, 0 for pods that never ran.
  const specGrace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds;
  const grace = opts.gracePeriodSeconds ?? (status.phase === 'Pending' || terminal ? 0 : (specGrace ?? 30));
  await d.objects.remove(d.podType, ns, name, { gracePeriodSeconds: grace });
}
