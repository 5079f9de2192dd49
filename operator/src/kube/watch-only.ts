/**
 * A cache fed by a watch alone, for an identity allowed to `watch` but not to `list` (the seed's
 * ClusterRole on Namespaces). A watch without resourceVersion first delivers every existing object
 * as ADDED (how the seed got them), then the changes. Every (re)connection is such a watch; once its
 * first burst has settled (no event for `settleMs`), objects it did not deliver are gone (deleted
 * while disconnected) and the source counts as synced. Same events as client-node's ListWatch:
 * `add`, `update` (only when the resourceVersion changed), `delete`. The stream goes over
 * raw-watch.ts, as the informers' do.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Clock, Logger } from '../ports.ts';
import type { KubeConnection } from './connect.ts';
import { rawKube } from './connect.ts';
import { RawWatch } from './raw-watch.ts';
import type { WatchHealth } from './watch-health.ts';

type Handler = (obj: KubernetesObject) => void;

/** Options of {@link WatchOnlySource}. */
export interface WatchOnlySourceOptions {
  connection: KubeConnection;
  /** Collection path, e.g. `/api/v1/namespaces`. */
  path: string;
  /** `timeoutSeconds` of each watch request; <= 0 lets the server choose. */
  timeoutSeconds: number;
  slim: (obj: KubernetesObject) => KubernetesObject;
  clock: Clock;
  log: Logger;
  /** Quiet time that ends the initial burst. Default 300 ms. */
  settleMs?: number;
  /** Restart delay after an error, doubled up to 30 s. Default 250 ms. */
  initialRestartDelayMs?: number;
  /** Called on every reconnection after the first (metrics). */
  onReconnect?: () => void;
  /** Called on every error, before the restart (the owner logs, rate-limited). */
  onError: (error: unknown, restartInMs: number) => void;
  /** Tracks whether the watch stream is open (fail closed on a stale cache, watch-health.ts). */
  health: WatchHealth;
  /**
   * A watch that delivered nothing for this long is ended (raw-watch.ts, like client-node's
   * `requestTimeoutMs`: 30 s by default). On a quiet collection that is routine, not an error: the source reconnects at once,
   * as client-node's ListWatch does. Tests shorten it.
   */
  inactivityTimeoutMs?: number;
}

/** A watch (raw-watch.ts, as client-node's Watch) ends a stream that stayed quiet for its inactivity timeout with this error name. */
export function isInactivityTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}

const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** See module doc. */
export class WatchOnlySource {
  readonly #o: WatchOnlySourceOptions;
  readonly #cache = new Map<string, KubernetesObject>();
  readonly #handlers = { add: new Set<Handler>(), update: new Set<Handler>(), delete: new Set<Handler>() };
  #stopped = true;
  #abort: AbortController | undefined;
  #cancelTimer: (() => void) | undefined;
  #cancelSettle: (() => void) | undefined;
  #delayMs: number;
  #connects = 0;
  #resolveSynced: () => void = () => undefined;
  synced = false;
  restarts = 0;
  readonly firstSync: Promise<void>;
  readonly health: WatchHealth;

  constructor(options: WatchOnlySourceOptions) {
    this.#o = options;
    this.health = options.health;
    this.#delayMs = options.initialRestartDelayMs ?? 250;
    this.firstSync = new Promise((resolve) => {
      this.#resolveSynced = resolve;
    });
  }

  on(event: 'add' | 'update' | 'delete', handler: Handler): void {
    this.#handlers[event].add(handler);
  }

  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.#cache.get(`${namespace ?? ''}/${name}`);
  }

  list(namespace?: string): KubernetesObject[] {
    const all = [...this.#cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  /** Opens the first watch; resolves once it is open (or has failed and a restart is scheduled). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelSettle?.();
    this.#abort?.abort();
    this.health.stop();
    this.#resolveSynced();
    await Promise.resolve();
  }

  #emit(event: 'add' | 'update' | 'delete', obj: KubernetesObject): void {
    for (const h of this.#handlers[event]) h(obj);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    if (this.#connects++ > 0) this.#o.onReconnect?.();
    const seen = new Set<string>();
    let settled = false;
    const settle = (): void => {
      this.#cancelSettle?.();
      this.#cancelSettle = this.#o.clock.setTimer(this.#o.settleMs ?? 300, () => {
        this.#cancelSettle = undefined;
        if (this.#stopped || settled) return;
        settled = true;
        for (const [key, obj] of [...this.#cache]) {
          if (seen.has(key)) continue;
          this.#cache.delete(key);
          this.#emit('delete', obj);
        }
        this.#delayMs = this.#o.initialRestartDelayMs ?? 250;
        if (!this.synced) {
          this.synced = true;
          this.#resolveSynced();
        }
      });
    };
    const watch = new RawWatch(rawKube(this.#o.connection), this.#o.inactivityTimeoutMs);
    const timeout = Math.trunc(this.#o.timeoutSeconds);
    const params: Record<string, string | number | boolean> = timeout > 0 ? { timeoutSeconds: timeout } : {};
    let failed = false;
    // client-node hands watch objects over untyped.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const onEvent = (phase: string, apiObj: any): void => {
      if (this.#stopped || (phase !== 'ADDED' && phase !== 'MODIFIED' && phase !== 'DELETED')) return;
      const obj = this.#o.slim(apiObj as KubernetesObject);
      const key = keyOf(obj);
      if (!settled) settle();
      if (phase === 'DELETED') {
        seen.delete(key);
        const old = this.#cache.get(key);
        this.#cache.delete(key);
        if (old !== undefined) this.#emit('delete', obj);
        return;
      }
      seen.add(key);
      const old = this.#cache.get(key);
      this.#cache.set(key, obj);
      if (old === undefined) this.#emit('add', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.#emit('update', obj);
    };
    const onDone = (err: unknown): void => {
      this.#cancelSettle?.();
      this.health.closed();
      if (this.#stopped || failed) return;
      // A quiet watch timed out on the client (no event for 30 s): reconnect at once, no error.
      failed = err !== null && err !== undefined && !isInactivityTimeout(err);
      if (failed) {
        this.restarts += 1;
        const delay = this.#delayMs;
        this.#delayMs = Math.min(delay * 2, 30_000);
        this.#o.onError(err, delay);
        this.#cancelTimer = this.#o.clock.setTimer(delay, () => void this.#connect());
      } else {
        // The server ended the watch (timeoutSeconds), or it stayed quiet for client-node's
        // inactivity timeout: watch again from scratch, as the seed did.
        this.#cancelTimer = this.#o.clock.setTimer(0, () => void this.#connect());
      }
    };
    try {
      this.#abort = await watch.watch(this.#o.path, params, onEvent, onDone);
      if (!this.#stopped && !failed) {
        this.health.opened();
        settle();
      }
    } catch (error) {
      onDone(error);
    }
  }
}
