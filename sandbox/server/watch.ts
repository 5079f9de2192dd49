/**
 * One watch stream over HTTP: initial ADDED events (no rv or rv=0), history replay (rv given),
 * `ERROR` 410 Expired for a too-old rv (HTTP 200, then close), selector transitions (ADDED/DELETED when an
 * object enters/leaves the selection), bookmarks, timeoutSeconds. Event lines are serialised once per
 * event and version and shared by every watcher.
 */
import type { ServerResponse } from 'node:http';
import type { Store } from '../store/store.ts';
import type { WatchHub, WatchSubscriber } from '../store/watch-hub.ts';
import type { Entry, EventType, KObject, StoreEvent } from '../store/types.ts';
import type { ObjectService } from './objects.ts';
import type { ListQuery } from './query.ts';
import { entryFilter } from './query.ts';
import type { ResourceType } from './types.ts';
import { apiVersionOf } from './types.ts';

const lineCache = new WeakMap<StoreEvent, Map<string, string>>();

/** A watcher whose client lets this much output pile up is ended (like kube-apiserver drops slow watchers). */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/** Dependencies of a watch stream. */
export interface WatchDeps {
  store: Store;
  hub: WatchHub;
  objects: ObjectService;
  /** Interval between bookmarks when allowed (ms). */
  bookmarkIntervalMs: number;
  /** Registry of open streams (for dropWatches / openWatchCount / stop). */
  open: Set<WatchStream>;
  /** Set when the client asked for Table output (`kubectl get -w`): turns objects into a one-row Table. */
  asTable?: ((objects: KObject[], first: boolean) => object) | undefined;
}

/** Bare object of the watched kind used as BOOKMARK payload. */
function bookmarkObject(t: ResourceType, rv: number): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: t.kind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(rv), creationTimestamp: null } };
  if (t.storeKey === '/pods') {
    o.spec = { containers: null };
    o.status = {};
  }
  return o;
}

/** See module doc. */
export class WatchStream implements WatchSubscriber {
  readonly key: string;
  readonly namespace: string | undefined;
  private readonly t: ResourceType;
  private readonly res: ServerResponse;
  private readonly d: WatchDeps;
  private readonly filter: ((e: Entry) => boolean) | undefined;
  private readonly q: ListQuery;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private corked = false;
  /** Whether events must be parsed (conversion or Table output) instead of spliced as text. */
  private readonly slow: boolean;
  private tableSent = false;

  constructor(t: ResourceType, namespace: string | undefined, q: ListQuery, res: ServerResponse, deps: WatchDeps) {
    this.t = t;
    this.key = t.storeKey;
    this.namespace = t.namespaced ? namespace : undefined;
    this.q = q;
    this.res = res;
    this.d = deps;
    this.filter = entryFilter(q);
    this.slow = !!t.fromStorage || !!deps.asTable;
  }

  /** Writes headers and the initial events, then follows the store. */
  start(): void {
    const res = this.res;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    res.on('close', () => this.close());
    this.d.open.add(this);
    const rvText = this.q.resourceVersion;
    if (rvText === undefined || rvText === '' || rvText === '0') {
      const initial: Entry[] = [];
      for (const e of this.d.store.iterate(this.key, this.namespace)) if (!this.filter || this.filter(e)) initial.push(e);
      this.d.hub.add(this);
      this.sendEntries('ADDED', initial);
    } else {
      const rv = Number(rvText);
      const events = Number.isFinite(rv) ? this.d.store.eventsSince(rv) : undefined;
      if (!events) {
        const cur = this.d.store.currentRv();
        this.writeLine(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rvText} (${cur})`, reason: 'Expired', code: 410 } }) + '\n');
        this.end();
        return;
      }
      this.d.hub.add(this);
      for (const ev of events) if (ev.key === this.key && (this.namespace === undefined || ev.entry.namespace === this.namespace)) this.onEvent(ev);
    }
    if (this.q.timeoutSeconds !== undefined) {
      this.timers.push(setTimeout(() => {
        this.sendBookmark();
        this.enqueue(() => this.end());
      }, this.q.timeoutSeconds * 1000));
    }
    if (this.q.allowBookmarks && this.d.bookmarkIntervalMs > 0) {
      const timer = setInterval(() => this.sendBookmark(), this.d.bookmarkIntervalMs);
      this.timers.push(timer);
    }
  }

  /** Store event callback (already filtered by key and namespace by the hub). */
  onEvent(ev: StoreEvent): void {
    if (this.closed) return;
    let type: EventType | undefined;
    if (!this.filter) type = ev.type;
    else {
      const cur = this.filter(ev.entry);
      const prev = ev.prev ? this.filter(ev.prev) : false;
      if (ev.type === 'ADDED') type = cur ? 'ADDED' : undefined;
      else if (ev.type === 'DELETED') type = cur || prev ? 'DELETED' : undefined;
      else if (cur && prev) type = 'MODIFIED';
      else if (cur) type = 'ADDED';
      else if (prev) type = 'DELETED';
    }
    if (!type) return;
    if (!this.slow) {
      const ck = `${this.t.group}/${this.t.version}/${this.t.resource}/${type}`;
      let m = lineCache.get(ev);
      if (!m) {
        m = new Map();
        lineCache.set(ev, m);
      }
      let line = m.get(ck);
      if (line === undefined) {
        const head = `{"type":"${type}","object":{"kind":${JSON.stringify(this.t.kind)},"apiVersion":${JSON.stringify(apiVersionOf(this.t))},`;
        line = head + ev.entry.body.slice(1) + '}\n';
        m.set(ck, line);
      }
      const l = line;
      this.enqueue(() => this.writeLine(l));
      return;
    }
    this.sendEntries(type, [ev.entry]);
  }

  private sendEntries(type: EventType, entries: Entry[]): void {
    if (entries.length === 0) return;
    if (!this.slow) {
      const head = `{"type":"${type}","object":{"kind":${JSON.stringify(this.t.kind)},"apiVersion":${JSON.stringify(apiVersionOf(this.t))},`;
      const text = entries.map((e) => head + e.body.slice(1) + '}\n').join('');
      this.enqueue(() => this.writeLine(text));
      return;
    }
    const pending = this.d.objects.encode(this.t, entries);
    this.chain = this.chain.then(async () => {
      try {
        const texts = await pending;
        const asTable = this.d.asTable;
        if (asTable) {
          const lines = texts.map((x) => {
            const table = asTable([JSON.parse(x) as KObject], !this.tableSent);
            this.tableSent = true;
            return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
          });
          this.writeLine(lines.join(''));
          return;
        }
        this.writeLine(texts.map((x) => `{"type":"${type}","object":${x}}\n`).join(''));
      } catch (err) {
        this.writeLine(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (err as Error).message, reason: 'InternalError', code: 500 } }) + '\n');
        this.end();
      }
    });
  }

  private enqueue(fn: () => void): void {
    if (!this.slow) fn();
    else this.chain = this.chain.then(fn);
  }

  private sendBookmark(): void {
    if (!this.q.allowBookmarks || this.closed) return;
    this.enqueue(() => this.writeLine(JSON.stringify({ type: 'BOOKMARK', object: bookmarkObject(this.t, this.d.store.currentRv()) }) + '\n'));
  }

  private writeLine(text: string): void {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      queueMicrotask(() => {
        if (!this.corked) return;
        this.corked = false;
        this.res.uncork();
      });
    }
    this.res.write(text);
    if (this.res.writableLength > MAX_PENDING_BYTES) this.end();
  }

  /** Ends the stream gracefully (the client sees the response end). */
  end(): void {
    if (this.closed) return;
    if (this.corked) {
      this.corked = false;
      this.res.uncork();
    }
    this.res.end();
    this.close();
  }

  /** Forgets the stream (called on end or client disconnect). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.d.hub.remove(this);
    this.d.open.delete(this);
    if (!this.res.writableEnded) this.res.end();
  }
}
