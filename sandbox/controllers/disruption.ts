/**
 * Disruption controller (kube's pkg/controller/disruption, trySync/updatePdbStatus): writes each
 * PodDisruptionBudget's status from the pods its selector matches — expectedPods (number of matching pods for an
 * integer minAvailable, else the sum of the owning Deployments' spec.replicas), desiredHealthy, currentHealthy
 * (Ready, not terminating, not listed in disruptedPods for less than 2 minutes), disruptionsAllowed, observedGeneration
 * and the DisruptionAllowed condition. A pod whose controller is not a Deployment makes the sync fail: like kube's
 * failSafe, disruptionsAllowed becomes 0 with condition reason SyncFailed. Reacts to store events (no polling).
 */
import type { Store } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import type { ObjectService } from '../server/objects.ts';
import { kubeTime } from '../server/objects.ts';
import type { ResourceType } from '../server/types.ts';
import { ApiError } from '../server/status.ts';
import { pdbSelects, pdbSpec, pdbStatus, podReady, scaledValue, withDisruptionAllowedCondition } from '../server/pdb.ts';
import type { PdbStatus } from '../server/pdb.ts';

/** kube's DeletionTimeout: a pod in disruptedPods that is not deleted by then counts again. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** What the computation needs of a pod. */
export interface PodView {
  name: string;
  labels?: Record<string, string>;
  deleting: boolean;
  ready: boolean;
  controller?: { kind: string; name: string; uid: string };
}

/** Result of a sync: the new status, or the error kube would report (then failSafe applies). */
export type SyncResult = { status: PdbStatus; recheckAt?: number } | { error: string };

/**
 * trySync for one PDB, pure: `pods` are the namespace's pods, `scaleOf` gives a controller's desired replicas
 * (undefined = not a known controller), `nowMs` the clock.
 */
export function computePdbStatus(pdb: KObject, pods: PodView[], scaleOf: (c: { kind: string; name: string; uid: string }) => number | undefined, nowMs: number): SyncResult {
  const spec = pdbSpec(pdb);
  const matching = pods.filter((p) => pdbSelects(spec, p.labels));
  const expectedScale = (): number | string => {
    const seen = new Map<string, number>();
    for (const p of matching) {
      if (!p.controller) continue; // unmanaged pod: kube logs and skips it
      if (seen.has(p.controller.uid)) continue;
      const scale = scaleOf(p.controller);
      if (scale === undefined) return `found no controllers for pod ${JSON.stringify(p.name)}`;
      seen.set(p.controller.uid, scale);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  };
  let expected = 0;
  let desired = 0;
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const e = expectedScale();
    if (typeof e === 'string') return { error: e };
    expected = e;
    const max = scaledValue(spec.maxUnavailable, expected);
    if (max === undefined) return { error: `invalid value for IntOrString: invalid value ${JSON.stringify(spec.maxUnavailable)}` };
    desired = Math.max(0, expected - max);
  } else if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') {
      desired = spec.minAvailable;
      expected = matching.length;
    } else {
      const e = expectedScale();
      if (typeof e === 'string') return { error: e };
      expected = e;
      const min = scaledValue(spec.minAvailable, expected);
      if (min === undefined) return { error: `invalid value for IntOrString: invalid value ${JSON.stringify(spec.minAvailable)}` };
      desired = min;
    }
  }
  const old = pdbStatus(pdb);
  const disrupted: Record<string, string> = {};
  let recheckAt: number | undefined;
  for (const p of matching) {
    if (p.deleting) continue;
    const at = old.disruptedPods?.[p.name];
    if (at === undefined) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expires < nowMs) continue;
    disrupted[p.name] = at;
    recheckAt = recheckAt === undefined ? expires : Math.min(recheckAt, expires);
  }
  const healthy = matching.filter((p) => !p.deleting && disrupted[p.name] === undefined && p.ready).length;
  let allowed = healthy - desired;
  if (expected <= 0 || allowed <= 0) allowed = 0;
  const status: PdbStatus = { observedGeneration: pdb.metadata.generation ?? 1, disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected };
  if (Object.keys(disrupted).length > 0) status.disruptedPods = disrupted;
  if (old.conditions) status.conditions = old.conditions;
  const out: SyncResult = { status: withDisruptionAllowedCondition(status, kubeTime(new Date(nowMs))) };
  if (recheckAt !== undefined) out.recheckAt = recheckAt;
  return out;
}

/** failSafe: disruptionsAllowed 0 and DisruptionAllowed=False/SyncFailed carrying the error. */
export function failSafeStatus(pdb: KObject, error: string, nowMs: number): PdbStatus {
  const old = pdbStatus(pdb);
  const conditions = [...(old.conditions ?? [])];
  const cond = { type: 'DisruptionAllowed', status: 'False', ...(old.observedGeneration !== undefined ? { observedGeneration: old.observedGeneration } : {}), lastTransitionTime: kubeTime(new Date(nowMs)), reason: 'SyncFailed', message: error };
  const i = conditions.findIndex((c) => c.type === 'DisruptionAllowed');
  if (i < 0) conditions.push(cond);
  else conditions[i] = { ...cond, lastTransitionTime: conditions[i]?.status === 'False' ? (conditions[i]?.lastTransitionTime ?? cond.lastTransitionTime) : cond.lastTransitionTime };
  return { ...old, disruptionsAllowed: 0, conditions };
}

/** See module doc. */
export class DisruptionController {
  private readonly store: Store;
  private readonly objects: ObjectService;
  private readonly pdbType: ResourceType;
  private readonly now: () => Date;
  private readonly queue = new Set<string>();
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(store: Store, objects: ObjectService, pdbType: ResourceType, now: () => Date) {
    this.store = store;
    this.objects = objects;
    this.pdbType = pdbType;
    this.now = now;
  }

  /** Starts following PDBs, pods and Deployments. */
  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => {
      if (ev.key === this.pdbType.storeKey || ev.key === '/pods' || ev.key === 'apps/deployments') this.enqueue(ev.entry.namespace);
    });
  }

  /** Stops following. */
  stop(): void {
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private enqueue(ns: string): void {
    this.queue.add(ns);
    if (this.scheduled) return;
    this.scheduled = true;
    this.running = this.running.then(async () => {
      // After the writer's microtasks (the kubelet stand-in reports started pods in one).
      await new Promise<void>((r) => setImmediate(r));
      this.scheduled = false;
      const namespaces = [...this.queue];
      this.queue.clear();
      for (const n of namespaces) await this.syncNamespace(n);
    }).catch(() => undefined);
  }

  private pods(ns: string): PodView[] {
    const out: PodView[] = [];
    for (const e of this.store.iterate('/pods', ns)) {
      const pod = JSON.parse(e.body) as KObject;
      const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
      const view: PodView = { name: e.name, deleting: !!pod.metadata.deletionTimestamp, ready: podReady(pod) };
      if (pod.metadata.labels) view.labels = pod.metadata.labels;
      if (owner) view.controller = { kind: owner.kind, name: owner.name, uid: owner.uid };
      out.push(view);
    }
    return out;
  }

  private scaleOf(ns: string, c: { kind: string; name: string; uid: string }): number | undefined {
    if (c.kind !== 'Deployment') return undefined;
    const e = this.store.get('apps/deployments', ns, c.name);
    if (!e) return undefined;
    const dep = JSON.parse(e.body) as KObject;
    if (dep.metadata.uid !== c.uid) return undefined;
    const replicas = (dep.spec as { replicas?: number } | undefined)?.replicas;
    return typeof replicas === 'number' ? replicas : 1;
  }

  private async syncNamespace(ns: string): Promise<void> {
    const names = [...this.store.iterate(this.pdbType.storeKey, ns)].map((e) => e.name);
    if (names.length === 0) return;
    const pods = this.pods(ns);
    for (const name of names) {
      try {
        await this.sync(ns, name, pods);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.code === 409) this.enqueue(ns);
      }
    }
  }

  private async sync(ns: string, name: string, pods: PodView[]): Promise<void> {
    const pdb = await this.objects.read(this.pdbType, ns, name);
    const nowMs = this.now().getTime();
    const result = computePdbStatus(pdb, pods, (c) => this.scaleOf(ns, c), nowMs);
    const status = pdbStatus({ metadata: {}, status: 'error' in result ? failSafeStatus(pdb, result.error, nowMs) : result.status });
    if ('recheckAt' in result && result.recheckAt !== undefined) this.recheck(ns, result.recheckAt - nowMs);
    if (JSON.stringify(status) === JSON.stringify(pdbStatus(pdb))) return;
    await this.objects.update(this.pdbType, ns, name, { ...pdb, status }, 'status');
  }

  private recheck(ns: string, delayMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(ns);
    }, Math.max(0, delayMs) + 10);
    t.unref();
    this.timers.add(t);
  }
}
