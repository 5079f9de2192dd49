/**
 * Watch fan-out: subscribers indexed by collection key and namespace, so an event reaches only the
 * watchers of its collection in its namespace (plus all-namespace watchers). Selectors are the subscriber's job.
 */
import type { Store } from './store.ts';
import type { StoreEvent } from './types.ts';

/** One open watch as the hub sees it. */
export interface WatchSubscriber {
  readonly key: string;
  /** undefined = all namespaces. */
  readonly namespace: string | undefined;
  onEvent(ev: StoreEvent): void;
}

const ALL = '\u0000*';

/** See module doc. */
export class WatchHub {
  private readonly subs = new Map<string, Map<string, Set<WatchSubscriber>>>();
  private total = 0;

  constructor(store: Store) {
    store.subscribe((ev) => this.dispatch(ev));
  }

  /** Registers a subscriber. */
  add(s: WatchSubscriber): void {
    let byNs = this.subs.get(s.key);
    if (!byNs) {
      byNs = new Map();
      this.subs.set(s.key, byNs);
    }
    const k = s.namespace ?? ALL;
    let set = byNs.get(k);
    if (!set) {
      set = new Set();
      byNs.set(k, set);
    }
    if (!set.has(s)) {
      set.add(s);
      this.total++;
    }
  }

  /** Unregisters a subscriber (idempotent). */
  remove(s: WatchSubscriber): void {
    const set = this.subs.get(s.key)?.get(s.namespace ?? ALL);
    if (set?.delete(s)) this.total--;
  }

  /** Number of registered subscribers. */
  count(): number {
    return this.total;
  }

  /** All subscribers (for dropWatches). */
  all(): WatchSubscriber[] {
    const out: WatchSubscriber[] = [];
    for (const byNs of this.subs.values()) for (const set of byNs.values()) out.push(...set);
    return out;
  }

  private dispatch(ev: StoreEvent): void {
    const byNs = this.subs.get(ev.key);
    if (!byNs) return;
    const local = ev.entry.namespace === '' ? undefined : byNs.get(ev.entry.namespace);
    if (local) for (const s of [...local]) s.onEvent(ev);
    const all = byNs.get(ALL);
    if (all) for (const s of [...all]) s.onEvent(ev);
  }
}
