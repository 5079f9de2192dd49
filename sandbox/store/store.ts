/**
 * The sandbox's object store: collections indexed by namespace, one monotonic resourceVersion counter,
 * and a bounded event history for watch resume. Every write is synchronous and notifies listeners
 * (watch hub, controllers) synchronously, in rv order.
 */
import type { Entry, EventType, KObject, StoreEvent } from './types.ts';

/** Computes the values field selectors may read from an object (e.g. `status.phase`). */
export type FieldExtractor = (obj: KObject) => Record<string, unknown>;

/** Listener called synchronously after every change. */
export type StoreListener = (event: StoreEvent) => void;

interface Collection {
  byNs: Map<string, Map<string, Entry>>;
  sortedNames: Map<string, string[]>; // cache per namespace, dropped on insert/delete
  sortedNs: string[] | undefined;
  size: number;
  fields: FieldExtractor;
}

/** Thrown by {@link Store.listPage} for a malformed continue token. */
export class ContinueTokenError extends Error {
  override name = 'ContinueTokenError';
}

/** Thrown by {@link Store.listPage} when the continue token's rv was compacted. */
export class ContinueExpiredError extends Error {
  override name = 'ContinueExpiredError';
}

/** Default history bound: older events are dropped (watches from before them get 410 Expired). */
export const DEFAULT_HISTORY_LIMIT = 50_000;

const defaultFields: FieldExtractor = (o) => ({ 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '' });

/** Splits an object into the stored JSON body (without kind/apiVersion). */
function bodyOf(obj: KObject): string {
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  return JSON.stringify(rest);
}

/** Page of a list: the entries plus the continue token and the count of remaining items. */
export interface ListPage {
  items: Entry[];
  continueToken: string | undefined;
  remaining: number | undefined;
}

/** In-memory store. One instance per sandbox; survives restart(). */
export class Store {
  private rv = 1;
  private readonly collections = new Map<string, Collection>();
  private readonly history: StoreEvent[] = [];
  /** Watches from an rv lower than this get 410 Expired. */
  private oldestRv = 1;
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;

  constructor(historyLimit = DEFAULT_HISTORY_LIMIT) {
    this.historyLimit = historyLimit;
  }

  /** Current (latest) resourceVersion. */
  currentRv(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch may resume from. */
  oldestWatchableRv(): number {
    return this.oldestRv;
  }

  /** Makes every rv older than the current one "too old" for watch and continue. */
  compact(): void {
    this.oldestRv = this.rv;
    this.history.length = 0;
  }

  /** Registers a collection's field extractor (optional; default: metadata.name/namespace). */
  defineCollection(key: string, fields: FieldExtractor = defaultFields): void {
    const c = this.collections.get(key);
    if (c) {
      c.fields = fields;
      return;
    }
    this.collections.set(key, { byNs: new Map(), sortedNames: new Map(), sortedNs: undefined, size: 0, fields });
  }

  /** Adds a listener; returns a function removing it. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private coll(key: string): Collection {
    let c = this.collections.get(key);
    if (!c) {
      this.defineCollection(key);
      c = this.collections.get(key) as Collection;
    }
    return c;
  }

  /** Number of objects in a collection. */
  count(key: string): number {
    return this.collections.get(key)?.size ?? 0;
  }

  /** Reads one entry. */
  get(key: string, namespace: string, name: string): Entry | undefined {
    return this.collections.get(key)?.byNs.get(namespace)?.get(name);
  }

  /** Parses an entry back into an object carrying the given kind/apiVersion. */
  static toObject(entry: Entry, kind: string, apiVersion: string): KObject {
    const o = JSON.parse(entry.body) as KObject;
    return { apiVersion, kind, ...o };
  }

  /** Writes an object (create or replace), assigning the next rv. Returns the stored entry. */
  put(key: string, obj: KObject): Entry {
    const c = this.coll(key);
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    let names = c.byNs.get(ns);
    if (!names) {
      names = new Map();
      c.byNs.set(ns, names);
      c.sortedNs = undefined;
    }
    const prev = names.get(name);
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const entry: Entry = { namespace: ns, name, rv, labels: obj.metadata.labels, fields: c.fields(obj), body: bodyOf(obj) };
    names.set(name, entry);
    if (!prev) {
      c.size++;
      c.sortedNames.delete(ns);
    }
    this.emit(prev ? 'MODIFIED' : 'ADDED', key, entry, prev, rv);
    return entry;
  }

  /** Removes an object; the DELETED event carries `finalObj` stamped with a new rv. */
  remove(key: string, finalObj: KObject): Entry | undefined {
    const c = this.collections.get(key);
    const ns = finalObj.metadata.namespace ?? '';
    const name = finalObj.metadata.name ?? '';
    const names = c?.byNs.get(ns);
    const prev = names?.get(name);
    if (!c || !names || !prev) return undefined;
    names.delete(name);
    c.size--;
    c.sortedNames.delete(ns);
    if (names.size === 0) {
      c.byNs.delete(ns);
      c.sortedNs = undefined;
    }
    const rv = ++this.rv;
    finalObj.metadata.resourceVersion = String(rv);
    const entry: Entry = { namespace: ns, name, rv, labels: finalObj.metadata.labels, fields: c.fields(finalObj), body: bodyOf(finalObj) };
    this.emit('DELETED', key, entry, prev, rv);
    return entry;
  }

  /** Drops a whole collection silently (no events); used when a CRD goes away after its objects were deleted. */
  dropCollection(key: string): void {
    this.collections.delete(key);
  }

  private emit(type: EventType, key: string, entry: Entry, prev: Entry | undefined, rv: number): void {
    const ev: StoreEvent = { rv, type, key, entry, prev };
    this.history.push(ev);
    if (this.history.length > this.historyLimit) {
      const drop = Math.ceil(this.historyLimit / 10);
      const last = this.history[drop - 1];
      this.history.splice(0, drop);
      if (last) this.oldestRv = Math.max(this.oldestRv, last.rv);
    }
    for (const l of this.listeners) l(ev);
  }

  /** Events with rv > `afterRv`, or undefined when that rv is older than the retained history. */
  eventsSince(afterRv: number): StoreEvent[] | undefined {
    if (afterRv < this.oldestRv) return undefined;
    const h = this.history;
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((h[mid] as StoreEvent).rv <= afterRv) lo = mid + 1;
      else hi = mid;
    }
    return h.slice(lo);
  }

  private sortedNamespaces(c: Collection): string[] {
    if (!c.sortedNs) c.sortedNs = [...c.byNs.keys()].sort();
    return c.sortedNs;
  }

  private sortedNamesIn(c: Collection, ns: string): string[] {
    let s = c.sortedNames.get(ns);
    if (!s) {
      s = [...(c.byNs.get(ns)?.keys() ?? [])].sort();
      c.sortedNames.set(ns, s);
    }
    return s;
  }

  /** All entries of a collection (optionally one namespace), in key order (namespace, name). */
  *iterate(key: string, namespace?: string, after?: { ns: string; name: string }): Generator<Entry> {
    const c = this.collections.get(key);
    if (!c) return;
    const namespaces = namespace !== undefined ? [namespace] : this.sortedNamespaces(c);
    for (const ns of namespaces) {
      if (after && ns < after.ns) continue;
      const names = c.byNs.get(ns);
      if (!names) continue;
      for (const name of this.sortedNamesIn(c, ns)) {
        if (after && ns === after.ns && name <= after.name) continue;
        const e = names.get(name);
        if (e) yield e;
      }
    }
  }

  /** Keys of all collections. */
  collectionKeys(): string[] {
    return [...this.collections.keys()];
  }

  /**
   * One page of a list. `filter` decides membership; `limit` 0 means everything.
   * Continue tokens are base64 JSON `{ rv, ns, name }` (the last key returned).
   */
  listPage(key: string, namespace: string | undefined, filter: ((e: Entry) => boolean) | undefined, limit: number, continueToken: string | undefined, countRemaining: boolean): ListPage {
    let after: { ns: string; name: string } | undefined;
    if (continueToken !== undefined && continueToken !== '') {
      after = decodeContinue(continueToken, this.oldestRv);
    }
    const items: Entry[] = [];
    let remaining = 0;
    let last: Entry | undefined;
    let more = false;
    for (const e of this.iterate(key, namespace, after)) {
      if (filter && !filter(e)) continue;
      if (limit > 0 && items.length >= limit) {
        more = true;
        if (!countRemaining) break;
        remaining++;
        continue;
      }
      items.push(e);
      last = e;
    }
    if (!more || !last) return { items, continueToken: undefined, remaining: undefined };
    const token = Buffer.from(JSON.stringify({ v: 'sandbox/1', rv: this.rv, ns: last.namespace, name: last.name })).toString('base64');
    return { items, continueToken: token, remaining: countRemaining ? remaining : undefined };
  }
}

function decodeContinue(token: string, oldestRv: number): { ns: string; name: string } {
  let parsed: unknown;
  const text = Buffer.from(token, 'base64').toString('latin1');
  try {
    parsed = JSON.parse(text);
  } catch {
    // kube-apiserver reports Go's JSON error for the first byte: `invalid character '\u009e' looking for beginning of value`.
    const c = text.charCodeAt(0);
    const shown = c >= 0x20 && c < 0x7f ? text.charAt(0) : `\\u${c.toString(16).padStart(4, '0')}`;
    throw new ContinueTokenError(`continue key is not valid: invalid character '${shown}' looking for beginning of value`);
  }
  const p = parsed as { v?: unknown; rv?: unknown; ns?: unknown; name?: unknown } | null;
  if (!p || typeof p !== 'object' || p.v !== 'sandbox/1' || typeof p.rv !== 'number' || typeof p.ns !== 'string' || typeof p.name !== 'string') {
    throw new ContinueTokenError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (p.rv < oldestRv) throw new ContinueExpiredError('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
  return { ns: p.ns, name: p.name };
}
