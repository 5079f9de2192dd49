/**
 * Deployment controller: keeps `spec.replicas` pods per Deployment (named `<deploy>-<10 hex>-<5 alnum>`, template
 * labels + `pod-template-hash`, a controller ownerReference), replaces pods of an old template, removes the pods of a
 * deleted Deployment, and writes `status.replicas/readyReplicas/availableReplicas/updatedReplicas`.
 * It reacts to store events in the same microtask batch (no polling).
 */
import type { Store } from '../store/store.ts';
import type { Entry, KObject } from '../store/types.ts';
import type { ObjectService } from '../server/objects.ts';
import { randomSuffix } from '../server/objects.ts';
import type { ResourceType } from '../server/types.ts';
import { ApiError } from '../server/status.ts';

/** 10 hex chars derived from the pod template (FNV-1a, 40 bits). */
export function templateHash(template: unknown): string {
  const text = JSON.stringify(template ?? {});
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 10);
}

/** See module doc. */
export class DeploymentController {
  private readonly store: Store;
  private readonly objects: ObjectService;
  private readonly depType: ResourceType;
  private readonly podType: ResourceType;
  private readonly queue = new Set<string>();
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(store: Store, objects: ObjectService, depType: ResourceType, podType: ResourceType) {
    this.store = store;
    this.objects = objects;
    this.depType = depType;
    this.podType = podType;
  }

  /** Starts following the store and reconciles every existing Deployment. */
  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => {
      if (ev.key === 'apps/deployments') this.enqueue(ev.entry.namespace, ev.entry.name);
      else if (ev.key === '/pods') {
        const f = ev.entry.fields;
        if (f.$ownerKind === 'Deployment' && typeof f.$ownerName === 'string') this.enqueue(ev.entry.namespace, f.$ownerName);
      }
    });
    for (const e of this.store.iterate('apps/deployments')) this.enqueue(e.namespace, e.name);
  }

  /** Stops following. */
  stop(): void {
    this.unsubscribe?.();
  }

  private enqueue(ns: string, name: string): void {
    this.queue.add(`${ns}/${name}`);
    if (this.scheduled) return;
    this.scheduled = true;
    this.running = this.running.then(async () => {
      await Promise.resolve();
      this.scheduled = false;
      const keys = [...this.queue];
      this.queue.clear();
      for (const k of keys) {
        const i = k.indexOf('/');
        try {
          await this.reconcile(k.slice(0, i), k.slice(i + 1));
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
        }
      }
    }).catch(() => undefined);
  }

  private owned(ns: string, pred: (e: Entry) => boolean): Entry[] {
    const out: Entry[] = [];
    for (const e of this.store.iterate('/pods', ns)) if (e.fields.$ownerKind === 'Deployment' && pred(e)) out.push(e);
    return out;
  }

  private async deletePod(e: Entry): Promise<void> {
    try {
      await this.objects.remove(this.podType, e.namespace, e.name, { gracePeriodSeconds: 0 });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  /** Brings one Deployment's pods and status in line with its spec. */
  async reconcile(ns: string, name: string): Promise<void> {
    const entry = this.store.get('apps/deployments', ns, name);
    if (!entry) {
      for (const p of this.owned(ns, (e) => e.fields.$ownerName === name && !e.fields.$deleting)) await this.deletePod(p);
      return;
    }
    const dep = JSON.parse(entry.body) as KObject;
    const uid = dep.metadata.uid;
    const spec = (dep.spec ?? {}) as { replicas?: number; template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } };
    const pods = this.owned(ns, (e) => e.fields.$ownerUid === uid);
    if (dep.metadata.deletionTimestamp) return;
    const hash = templateHash(spec.template);
    const active = pods.filter((p) => !p.fields.$deleting);
    for (const p of active) if (p.labels?.['pod-template-hash'] !== hash) await this.deletePod(p);
    const current = active.filter((p) => p.labels?.['pod-template-hash'] === hash);
    const want = spec.replicas ?? 1;
    if (current.length > want) {
      const extra = [...current].sort((a, b) => b.rv - a.rv).slice(0, current.length - want);
      for (const p of extra) await this.deletePod(p);
    } else {
      for (let i = current.length; i < want; i++) {
        const pod: KObject = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${name}-${hash}-${randomSuffix()}`,
            namespace: ns,
            labels: { ...(spec.template?.metadata?.labels ?? {}), 'pod-template-hash': hash },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: uid ?? '', controller: true, blockOwnerDeletion: true }],
          },
          spec: structuredClone(spec.template?.spec ?? {}),
        };
        if (spec.template?.metadata?.annotations) pod.metadata.annotations = { ...spec.template.metadata.annotations };
        await this.objects.create(this.podType, ns, pod);
      }
    }
    this.writeStatusSoon(ns, name);
  }

  private statusQueue = new Set<string>();

  /** Status is written after the kubelet stand-in had its microtask (so readyReplicas counts started pods). */
  private writeStatusSoon(ns: string, name: string): void {
    const k = `${ns}/${name}`;
    if (this.statusQueue.has(k)) return;
    this.statusQueue.add(k);
    setImmediate(() => {
      this.statusQueue.delete(k);
      void this.writeStatus(ns, name).catch(() => undefined);
    });
  }

  private async writeStatus(ns: string, name: string): Promise<void> {
    const entry = this.store.get('apps/deployments', ns, name);
    if (!entry) return;
    const dep = JSON.parse(entry.body) as KObject;
    dep.apiVersion = 'apps/v1';
    dep.kind = 'Deployment';
    const hash = templateHash((dep.spec as { template?: unknown } | undefined)?.template);
    const pods = this.owned(ns, (e) => e.fields.$ownerUid === dep.metadata.uid && !e.fields.$deleting);
    const updated = pods.filter((p) => p.labels?.['pod-template-hash'] === hash);
    const ready = pods.filter((p) => p.fields['status.phase'] === 'Running').length;
    const want = (dep.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const status: Record<string, unknown> = { observedGeneration: dep.metadata.generation ?? 1 };
    if (pods.length > 0) status.replicas = pods.length;
    if (updated.length > 0) status.updatedReplicas = updated.length;
    if (ready > 0) {
      status.readyReplicas = ready;
      status.availableReplicas = ready;
    }
    if (pods.length - ready > 0) status.unavailableReplicas = pods.length - ready;
    const old = (dep.status ?? {}) as Record<string, unknown>;
    const conditions = Array.isArray(old.conditions) ? old.conditions : [];
    const avail = ready >= want;
    status.conditions = [{ type: 'Available', status: avail ? 'True' : 'False', lastUpdateTime: '', lastTransitionTime: '', reason: avail ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: avail ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' }];
    const prevAvail = (conditions as Record<string, unknown>[]).find((c) => c.type === 'Available');
    const c0 = (status.conditions as Record<string, unknown>[])[0] as Record<string, unknown>;
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    c0.lastUpdateTime = prevAvail && prevAvail.status === c0.status ? prevAvail.lastUpdateTime : ts;
    c0.lastTransitionTime = prevAvail && prevAvail.status === c0.status ? prevAvail.lastTransitionTime : ts;
    dep.status = status;
    await this.objects.update(this.depType, ns, name, dep, 'status');
  }
}
