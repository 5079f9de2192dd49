/**
 * CRD lifecycle: serves a CRD's resources as soon as it is stored, sets its NamesAccepted/Established
 * conditions right after creation (same microtask batch), and on deletion removes every custom object, then
 * the CRD, then stops serving its paths (404 text/plain afterwards) and ends watches on them.
 */
import type { Store } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import { kubeTime } from '../server/objects.ts';
import type { Registry } from '../server/types.ts';
import { crdTypes } from '../server/crd-types.ts';
import type { CrdObject, CrdTypeDeps } from '../server/crd-types.ts';

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** Hooks into the sandbox for ending watches of a removed resource. */
export interface CrdControllerDeps extends CrdTypeDeps {
  store: Store;
  registry: Registry;
  now: () => Date;
  /** Ends open watch streams on a store key. */
  endWatches: (storeKey: string) => void;
  delayMs?: number;
}

/** See module doc. */
export class CrdController {
  private readonly d: CrdControllerDeps;
  private unsubscribe: (() => void) | undefined;
  private readonly served = new Map<string, { group: string; plural: string; storeKey: string }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(deps: CrdControllerDeps) {
    this.d = deps;
  }

  /** Starts following CRD changes; serves CRDs already stored (restart). */
  start(): void {
    this.unsubscribe = this.d.store.subscribe((ev) => {
      if (ev.key !== CRD_KEY) return;
      if (ev.type === 'DELETED') {
        this.unserve(ev.entry.name);
        return;
      }
      const crd = JSON.parse(ev.entry.body) as CrdObject;
      this.serve(crd);
      const conds = (crd.status as { conditions?: unknown } | undefined)?.conditions;
      if (ev.type === 'ADDED' && !Array.isArray(conds)) queueMicrotask(() => this.establish(ev.entry.name));
    });
    for (const e of this.d.store.iterate(CRD_KEY)) this.serve(JSON.parse(e.body) as CrdObject);
  }

  /** Stops following and cancels pending cleanups. */
  stop(): void {
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private serve(crd: CrdObject): void {
    const name = crd.metadata.name ?? '';
    const prev = this.served.get(name);
    if (prev) this.d.registry.removeResource(prev.group, prev.plural);
    const types = crdTypes(crd, this.d);
    for (const t of types) this.d.registry.add(t);
    const storeKey = `${crd.spec.group}/${crd.spec.names.plural}`;
    this.d.store.defineCollection(storeKey);
    this.served.set(name, { group: crd.spec.group, plural: crd.spec.names.plural, storeKey });
  }

  private unserve(name: string): void {
    const s = this.served.get(name);
    if (!s) return;
    this.served.delete(name);
    this.d.registry.removeResource(s.group, s.plural);
    this.d.endWatches(s.storeKey);
    this.d.store.dropCollection(s.storeKey);
  }

  private establish(name: string): void {
    const e = this.d.store.get(CRD_KEY, '', name);
    if (!e) return;
    const crd = JSON.parse(e.body) as CrdObject;
    const t = kubeTime(this.d.now());
    const n = crd.spec.names;
    const accepted: Record<string, unknown> = { plural: n.plural };
    if (n.singular) accepted.singular = n.singular;
    if (n.shortNames) accepted.shortNames = n.shortNames;
    accepted.kind = n.kind;
    if (n.listKind) accepted.listKind = n.listKind;
    if (n.categories) accepted.categories = n.categories;
    const st = (crd.status ?? {}) as Record<string, unknown>;
    st.conditions = [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: t, reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: t, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ];
    st.acceptedNames = accepted;
    crd.status = st;
    this.d.store.put(CRD_KEY, crd);
  }

  /** Called when a CRD got its deletionTimestamp: deletes its objects, then the CRD. */
  scheduleCleanup(name: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.cleanup(name);
    }, this.d.delayMs ?? 50);
    timer.unref();
    this.timers.add(timer);
  }

  private cleanup(name: string): void {
    const e = this.d.store.get(CRD_KEY, '', name);
    if (!e) return;
    const crd = JSON.parse(e.body) as CrdObject;
    const storeKey = `${crd.spec.group}/${crd.spec.names.plural}`;
    const now = kubeTime(this.d.now());
    for (const o of [...this.d.store.iterate(storeKey)]) {
      const obj = JSON.parse(o.body) as KObject;
      obj.metadata.deletionTimestamp = obj.metadata.deletionTimestamp ?? now;
      this.d.store.remove(storeKey, obj);
    }
    crd.metadata.finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== 'customresourcecleanup.apiextensions.k8s.io');
    this.d.store.remove(CRD_KEY, crd);
  }
}
