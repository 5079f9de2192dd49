/**
 * Namespace deletion: after a namespace got its deletionTimestamp (phase Terminating), everything in it is
 * deleted (objects with finalizers get a deletionTimestamp and are waited for), then the namespace itself.
 * Runs after a short delay so a GET right after DELETE still sees the namespace Terminating, like kube.
 */
import type { Store } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import { kubeTime } from '../server/objects.ts';

/** See module doc. */
export class NamespaceController {
  private readonly store: Store;
  private readonly now: () => Date;
  private readonly delayMs: number;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(store: Store, now: () => Date, delayMs = 50) {
    this.store = store;
    this.now = now;
    this.delayMs = delayMs;
  }

  /** Schedules the cleanup of a terminating namespace. */
  schedule(name: string, delayMs = this.delayMs): void {
    if (this.pending.has(name)) return;
    const t = setTimeout(() => {
      this.pending.delete(name);
      this.sweep(name);
    }, delayMs);
    t.unref();
    this.pending.set(name, t);
  }

  /** Cancels timers (sandbox stop). */
  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  /** Deletes the namespace's contents; removes the namespace once empty, else retries. */
  sweep(name: string): void {
    const nsEntry = this.store.get('/namespaces', '', name);
    if (!nsEntry) return;
    let remaining = 0;
    for (const key of this.store.collectionKeys()) {
      if (key === '/namespaces') continue;
      for (const e of [...this.store.iterate(key, name)]) {
        const obj = JSON.parse(e.body) as KObject;
        if ((obj.metadata.finalizers ?? []).length > 0) {
          remaining++;
          if (!obj.metadata.deletionTimestamp) {
            obj.metadata.deletionTimestamp = kubeTime(this.now());
            obj.metadata.deletionGracePeriodSeconds = 0;
            this.store.put(key, obj);
          }
          continue;
        }
        if (!obj.metadata.deletionTimestamp) {
          obj.metadata.deletionTimestamp = kubeTime(this.now());
          obj.metadata.deletionGracePeriodSeconds = 0;
        }
        this.store.remove(key, obj);
      }
    }
    if (remaining > 0) {
      this.schedule(name, 100);
      return;
    }
    const ns = JSON.parse(nsEntry.body) as KObject;
    ns.spec = { ...((ns.spec ?? {}) as object), finalizers: [] };
    this.store.remove('/namespaces', ns);
  }
}
