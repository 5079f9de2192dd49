/**
 * The operator's read side (architecture.md "kube", issue 4 point 3): cluster-wide client-node
 * ListWatch informers for Namespaces and ChaosMonkeyConfigurations (v1), exposed as the
 * {@link Store} port, and (issue 13, when RBAC grants list+watch) for Deployments and Pods, read by
 * kube/cluster-actions.ts through {@link CachedReads} so that no action GETs its Deployment or
 * LISTs its pods. At most four watch connections whatever the number of namespaces, CMCs and pods.
 *
 * client-node recovers by itself from a closed stream and from 410 Gone (it relists); any other
 * error stops its informer, so this module restarts it with capped exponential backoff and counts
 * the restart. Each watch request carries `timeoutSeconds` from the CHAOSMONKEY_*_TIMEOUT config.
 *
 * Freshness (issue 9 point 5): each informer tracks its watch stream ({@link WatchHealth}); the
 * store is fresh only while every stream is open or ended less than `staleAfterMs` ago. The
 * first time it turns stale in a period it writes one warning; `onFreshChange` reports both
 * transitions (the operator's metric).
 *
 * Memory: every object is slimmed before client-node caches it (list items and watch events alike):
 * a CMC loses `metadata.managedFields` and kubectl's last-applied annotation (often larger than
 * the spec, never read here), a Namespace keeps only what {@link toNamespaceInfo} reads.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, ListWatch, Watch } from '@kubernetes/client-node';
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { ChaosMonkeyConfigurationV1 } from '../../../api/v1.ts';
import { GROUP, PAUSED_ANNOTATION, PAUSED_UNTIL_ANNOTATION, PLURAL, V1 } from '../../../api/names.ts';
import type { ChaosMetrics, Clock, DeploymentInfo, LabelSelector, Logger, NamespaceInfo, PodInfo, Store } from '../ports.ts';
import type { KubeConnection } from './connect.ts';
import { rawKube } from './connect.ts';
import { RawWatch } from './raw-watch.ts';
import { describeApiError } from './api-errors.ts';
import { WatchOnlySource } from './watch-only.ts';
import { deploymentInfoOf, podInfoOf, selectorMatches, slimDeployment, slimPod } from './workloads.ts';
import type { SlimDeployment, SlimPod } from './workloads.ts';

/** How each cache is fed: client-node's list+watch informer, or a watch-only source (no `list` permission). */
export interface SourceModes {
  namespaces: 'list-watch' | 'watch-only';
  cmcs: 'list-watch' | 'watch-only';
  /** A cluster-wide Deployment informer (list+watch granted); false: none, actions GET their Deployment. */
  deployments?: boolean;
  /** A cluster-wide Pod informer (list+watch granted); false: none, actions LIST their pods. */
  pods?: boolean;
}

/**
 * Synchronous reads of the Deployment and Pod caches (never I/O). `hasDeployments()` /
 * `hasPods()` say whether that cache exists; without it the caller reads from the API server.
 */
export interface CachedReads {
  hasDeployments(): boolean;
  getDeployment(namespace: string, name: string): DeploymentInfo | undefined;
  hasPods(): boolean;
  /** The cached pods of `namespace` matching `selector` (an empty selector matches none). */
  listPods(namespace: string, selector: LabelSelector): PodInfo[];
}

/** A source failure is logged at most once per this interval per informer (the restarts go on). */
export const ERROR_LOG_INTERVAL_MS = 60_000;
import { DEFAULT_STALE_AFTER_MS, WatchHealth } from './watch-health.ts';

/** A change seen by an informer. `delete` carries the last known object. */
export type StoreEvent =
  | { kind: 'namespace'; type: 'add' | 'modify' | 'delete'; namespace: NamespaceInfo }
  | { kind: 'cmc'; type: 'add' | 'modify' | 'delete'; cmc: ChaosMonkeyConfigurationV1 };

/** Construction options of {@link InformerStore}. */
export interface InformerStoreOptions {
  connection: KubeConnection;
  /** `timeoutSeconds` of each Namespace watch request (CHAOSMONKEY_NS_TIMEOUT); <= 0 lets the server choose. */
  namespaceWatchTimeoutSeconds: number;
  /** `timeoutSeconds` of each CMC watch request (CHAOSMONKEY_CRD_TIMEOUT); <= 0 lets the server choose. */
  cmcWatchTimeoutSeconds: number;
  /** `timeoutSeconds` of each Deployment and Pod watch request (CHAOSMONKEY_POD_TIMEOUT); default: the server chooses. */
  workloadWatchTimeoutSeconds?: number;
  /** Page size of the Deployment and Pod lists (limit/continue), bounding what one response holds. Default 500. */
  workloadListPageSize?: number;
  clock: Clock;
  log: Logger;
  metrics?: Pick<ChaosMetrics, 'watchRestart'>;
  /** First restart delay after an informer error, doubled up to `maxRestartDelayMs`. Default 250 ms. */
  initialRestartDelayMs?: number;
  /** Default 30 s (client-node's own reconnect cap). */
  maxRestartDelayMs?: number;
  /** Cap of client-node's delay before re-opening a watch that ended normally. Default 1 s. */
  maxReconnectDelayMs?: number;
  /** How long a watch may be down (reconnecting) before the cache counts as stale. Default 5 s. */
  staleAfterMs?: number;
  /** Called when the store turns stale (false) and fresh again (true). */
  onFreshChange?: (fresh: boolean) => void;
}

/** kubectl's copy of the last applied manifest, kept in an annotation; the operator never reads it. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The object as the CMC cache keeps it: the same object when there is nothing to drop, else a copy
 * whose metadata lacks `managedFields` and the last-applied annotation (`annotations` itself is
 * left out when nothing else remains in it). Everything else (spec, status, other metadata) is the
 * same value. Never mutates its argument.
 */
export function slimCmc<T extends KubernetesObject>(obj: T): T {
  const meta = obj.metadata;
  if (meta === undefined || (meta.managedFields === undefined && meta.annotations?.[LAST_APPLIED_ANNOTATION] === undefined)) return obj;
  const { managedFields: _fields, annotations, ...rest } = meta;
  const kept = annotations === undefined ? undefined : Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== LAST_APPLIED_ANNOTATION));
  const metadata = kept === undefined || Object.keys(kept).length === 0 ? rest : { ...rest, annotations: kept };
  return { ...obj, metadata };
}

/**
 * The fields of a Namespace the cache keeps: name, uid, resourceVersion (client-node compares it),
 * labels, our pause annotations (issue 11), deletionTimestamp and status.phase, i.e. what
 * {@link toNamespaceInfo} reads.
 */
export function slimNamespace(obj: KubernetesObject & { status?: { phase?: string } }): KubernetesObject & { status?: { phase?: string } } {
  const meta = obj.metadata ?? {};
  const metadata: NonNullable<KubernetesObject['metadata']> = { name: meta.name ?? '' };
  if (meta.uid !== undefined) metadata.uid = meta.uid;
  if (meta.resourceVersion !== undefined) metadata.resourceVersion = meta.resourceVersion;
  if (meta.labels !== undefined) metadata.labels = meta.labels;
  const annotations = pauseAnnotations(meta.annotations);
  if (annotations !== undefined) metadata.annotations = annotations;
  if (meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null) metadata.deletionTimestamp = meta.deletionTimestamp;
  const phase = obj.status?.phase;
  return phase === undefined ? { metadata } : { metadata, status: { phase } };
}

/** The pause annotations of a Namespace (the only ones kept in the cache), or undefined when none is set. */
function pauseAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (annotations === undefined || annotations === null) return undefined;
  const out: Record<string, string> = {};
  for (const key of [PAUSED_ANNOTATION, PAUSED_UNTIL_ANNOTATION]) {
    const value = annotations[key];
    if (typeof value === 'string') out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

type Slim = (obj: KubernetesObject) => KubernetesObject;

/**
 * Watch that adds `timeoutSeconds` and `allowWatchBookmarks` to every request ListWatch makes,
 * slims every object it hands to the cache, and opens nothing once its informer is stopped
 * (ListWatch may still call it when a list or a delay that was in flight at stop() completes).
 */
class TimedWatch extends Watch {
  readonly #timeoutSeconds: number;
  readonly #isStopped: () => boolean;
  readonly #slim: Slim;
  readonly #health: WatchHealth;
  /** The stream itself goes over raw-watch.ts (not client-node's fetch): same contract, less CPU per event. */
  readonly #transport: RawWatch;
  constructor(connection: KubeConnection, timeoutSeconds: number, isStopped: () => boolean, slim: Slim, health: WatchHealth) {
    super(connection.kubeConfig);
    this.#transport = new RawWatch(rawKube(connection));
    this.#timeoutSeconds = Math.trunc(timeoutSeconds);
    this.#isStopped = isStopped;
    this.#slim = slim;
    this.#health = health;
  }
  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    // Signature inherited from client-node, whose callback objects are untyped.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    done: (err: any) => void,
  ): Promise<AbortController> {
    if (this.#isStopped()) return Promise.resolve(new AbortController());
    const health = this.#health;
    let ended = false;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- client-node's untyped done argument
    const tracked = (err: any): void => {
      ended = true;
      health.closed();
      done(err);
    };
    const params = { ...queryParams, allowWatchBookmarks: true };
    const slim = this.#slim;
    // BOOKMARK and ERROR objects only carry a resourceVersion or a Status: passed through as they are.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- same untyped objects as above
    const slimmed = (phase: string, apiObj: any, watchObj?: any): void =>
      callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? slim(apiObj as KubernetesObject) : apiObj, watchObj);
    const opened = this.#transport.watch(path, this.#timeoutSeconds > 0 ? { ...params, timeoutSeconds: this.#timeoutSeconds } : params, slimmed, tracked);
    // client-node resolves once the server answered 200 (the stream is open), after calling done on a failure.
    return opened.then((controller) => {
      if (!ended) health.opened();
      return controller;
    });
  }
}

/**
 * A cluster-wide list read page by page (`limit`/`continue`, as client-go's pager does), each page
 * slimmed before the next is asked for, so no response holds every object at once. The result
 * carries the last page's metadata (its resourceVersion: the snapshot all pages were read at).
 */
async function listInPages<T extends KubernetesObject>(page: (cont: string | undefined) => Promise<KubernetesListObject<T>>, slim: Slim): Promise<KubernetesListObject<KubernetesObject>> {
  const items: KubernetesObject[] = [];
  let cont: string | undefined;
  for (;;) {
    const result = await page(cont);
    for (const item of result.items) items.push(slim(item));
    cont = result.metadata?._continue;
    if (cont === undefined || cont === '') return { ...result, items };
  }
}

/** Namespace fields the operator uses, from a raw or deserialized V1Namespace. */
export function toNamespaceInfo(obj: KubernetesObject & { status?: { phase?: string } }): NamespaceInfo {
  const meta = obj.metadata ?? {};
  const annotations = pauseAnnotations(meta.annotations);
  return {
    name: meta.name ?? '',
    ...(meta.uid !== undefined ? { uid: meta.uid } : {}),
    labels: { ...(meta.labels ?? {}) },
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null ? true : obj.status?.phase === 'Terminating',
    ...(annotations === undefined ? {} : { annotations }),
  };
}

type Kind = 'namespace' | 'cmc' | 'deployment' | 'pod';

/** What InformerStore needs of a cache feeder (client-node's ListWatch, or {@link WatchOnlySource}). */
interface Source {
  readonly synced: boolean;
  readonly restarts: number;
  readonly firstSync: Promise<void>;
  on(event: 'add' | 'update' | 'delete', handler: (obj: KubernetesObject) => void): void;
  get(name: string, namespace?: string): KubernetesObject | undefined;
  list(namespace?: string): readonly KubernetesObject[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether the watch stream is open (watch-health.ts). */
  readonly health: WatchHealth;
}

/** One informer plus its restart state. */
class Supervised<T extends KubernetesObject> {
  readonly informer: ListWatch<T>;
  synced = false;
  restarts = 0;
  #listOk = false;
  #stopped = true;
  #delayMs: number;
  #cancelRestart: (() => void) | undefined;
  #resolveSynced: () => void = () => undefined;
  #connects = 0;
  #lastLoggedAt: number | undefined;
  /** Resolves at the first successful list, or at stop(). */
  readonly firstSync: Promise<void>;
  readonly #kind: Kind;
  readonly #opts: InformerStoreOptions;
  readonly health: WatchHealth;

  constructor(
    kind: Kind,
    path: string,
    list: () => Promise<KubernetesListObject<T>>,
    slim: Slim,
    timeoutSeconds: number,
    opts: InformerStoreOptions,
    onHealth: () => void,
  ) {
    this.#kind = kind;
    this.health = new WatchHealth({ clock: opts.clock, graceMs: opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS, onChange: onHealth });
    this.#opts = opts;
    this.#delayMs = opts.initialRestartDelayMs ?? 250;
    this.firstSync = new Promise((resolve) => {
      this.#resolveSynced = resolve;
    });
    const listFn = async (): Promise<KubernetesListObject<T>> => {
      const result = await list();
      this.#listOk = true;
      this.#delayMs = opts.initialRestartDelayMs ?? 250;
      return { ...result, items: result.items.map((item) => slim(item) as T) };
    };
    // client-node doubles its reconnect delay after each quiet reconnect up to 30 s: a rarely
    // changing resource (Namespaces) would stay unwatched that long after a few drops. Cap it.
    const maxReconnectMs = opts.maxReconnectDelayMs ?? 1_000;
    // ListWatch does not look at its stopped flag after this delay: never resolve once stopped, so
    // a reconnection pending at stop() does not open a watch afterwards.
    const delayFn = (ms: number): Promise<void> =>
      new Promise((resolve) =>
        opts.clock.setTimer(Math.min(ms, maxReconnectMs), () => {
          if (!this.#stopped) resolve();
        }),
      );
    this.informer = new ListWatch<T>(path, new TimedWatch(opts.connection, timeoutSeconds, () => this.#stopped, slim, this.health), listFn, false, undefined, undefined, { delayFn });
    this.informer.on('error', (err?: unknown) => this.#onError(err));
    // Every (re)connection after the first is a watch restart for the metrics: stream closed by a
    // server timeout or a drop, relist after 410 Gone, or our restart after an error.
    this.informer.on('connect', () => {
      if (this.#connects++ > 0) opts.metrics?.watchRestart(kind);
    });
  }

  async start(): Promise<void> {
    this.#stopped = false;
    const errorsBefore = this.restarts;
    await this.informer.start();
    // Connected without an error meanwhile: the next failure starts from the initial delay again.
    if (this.restarts === errorsBefore) this.#delayMs = this.#opts.initialRestartDelayMs ?? 250;
    if (this.#listOk && !this.#stopped) {
      this.synced = true;
      this.#resolveSynced();
    }
  }

  #onError(err: unknown): void {
    if (this.#stopped) return; // stop() aborts the request, which reports an AbortError
    this.restarts += 1;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(delay * 2, this.#opts.maxRestartDelayMs ?? 30_000);
    const now = this.#opts.clock.now();
    if (this.#lastLoggedAt === undefined || now - this.#lastLoggedAt >= ERROR_LOG_INTERVAL_MS) {
      this.#lastLoggedAt = now;
      this.#opts.log.warn('informer stopped on error, restarting', { informer: this.#kind, ...describeApiError(err), restartInMs: delay, restarts: this.restarts });
    }
    this.#cancelRestart?.();
    this.#cancelRestart = this.#opts.clock.setTimer(delay, () => {
      this.#cancelRestart = undefined;
      if (this.#stopped) return;
      this.start().catch((e: unknown) => this.#onError(e));
    });
  }

  on(event: 'add' | 'update' | 'delete', handler: (obj: KubernetesObject) => void): void {
    this.informer.on(event, handler as (obj: T) => void);
  }

  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.informer.get(name, namespace);
  }

  list(namespace?: string): readonly KubernetesObject[] {
    return this.informer.list(namespace);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelRestart?.();
    this.#cancelRestart = undefined;
    this.health.stop();
    this.#resolveSynced();
    await this.informer.stop();
  }
}

/**
 * {@link Store} backed by the Namespace and CMC informers, and {@link CachedReads} backed by the
 * Deployment and Pod informers when start() was asked for them. Reads are synchronous and never do I/O.
 * Listeners registered with {@link InformerStore.onEvent} run synchronously inside the informer's
 * callback, in registration order; a throwing listener is logged and does not stop the others.
 */
export class InformerStore implements Store, CachedReads {
  #namespaces: Source;
  #cmcs: Source;
  /** Created at start() when the plan allows them (list+watch granted). */
  #deployments: Source | undefined;
  #pods: Source | undefined;
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #log: Logger;
  readonly #options: InformerStoreOptions;
  readonly #onFreshChange: (fresh: boolean) => void;
  /** Freshness last reported; a stale period starts when this goes from true to false. */
  #fresh = false;

  constructor(options: InformerStoreOptions) {
    this.#log = options.log;
    this.#options = options;
    this.#onFreshChange = options.onFreshChange ?? (() => undefined);
    const onHealth = (): void => this.#checkFresh();
    const core = options.connection.kubeConfig.makeApiClient(CoreV1Api);
    const custom = options.connection.kubeConfig.makeApiClient(CustomObjectsApi);
    this.#namespaces = new Supervised(
      'namespace',
      '/api/v1/namespaces',
      () => core.listNamespace() as Promise<KubernetesListObject<KubernetesObject>>,
      slimNamespace,
      options.namespaceWatchTimeoutSeconds,
      options,
      onHealth,
    );
    this.#cmcs = new Supervised(
      'cmc',
      `/apis/${GROUP}/${V1}/${PLURAL}`,
      () => custom.listClusterCustomObject({ group: GROUP, version: V1, plural: PLURAL }) as Promise<KubernetesListObject<KubernetesObject>>,
      slimCmc,
      options.cmcWatchTimeoutSeconds,
      options,
      onHealth,
    );
    this.#wireNamespaces(this.#namespaces);
    this.#wireCmcs(this.#cmcs);
  }

  #wireNamespaces(ns: Source): void {
    ns.on('add', (o) => this.#emit({ kind: 'namespace', type: 'add', namespace: toNamespaceInfo(o) }));
    ns.on('update', (o) => this.#emit({ kind: 'namespace', type: 'modify', namespace: toNamespaceInfo(o) }));
    ns.on('delete', (o) => this.#emit({ kind: 'namespace', type: 'delete', namespace: toNamespaceInfo(o) }));
  }

  #wireCmcs(cmc: Source): void {
    cmc.on('add', (o) => this.#emit({ kind: 'cmc', type: 'add', cmc: o as unknown as ChaosMonkeyConfigurationV1 }));
    cmc.on('update', (o) => this.#emit({ kind: 'cmc', type: 'modify', cmc: o as unknown as ChaosMonkeyConfigurationV1 }));
    cmc.on('delete', (o) => this.#emit({ kind: 'cmc', type: 'delete', cmc: o as unknown as ChaosMonkeyConfigurationV1 }));
  }

  /** A watch-only source for `kind` (see watch-only.ts), its failures logged at most once a minute. */
  #watchOnly(kind: Kind, path: string, slim: Slim, timeoutSeconds: number): WatchOnlySource {
    const o = this.#options;
    let lastLoggedAt: number | undefined;
    return new WatchOnlySource({
      connection: o.connection,
      path,
      timeoutSeconds,
      slim,
      clock: o.clock,
      log: o.log,
      ...(o.initialRestartDelayMs !== undefined ? { initialRestartDelayMs: o.initialRestartDelayMs } : {}),
      onReconnect: () => o.metrics?.watchRestart(kind),
      health: new WatchHealth({ clock: o.clock, graceMs: o.staleAfterMs ?? DEFAULT_STALE_AFTER_MS, onChange: () => this.#checkFresh() }),
      onError: (error, restartInMs) => {
        const now = o.clock.now();
        if (lastLoggedAt !== undefined && now - lastLoggedAt < ERROR_LOG_INTERVAL_MS) return;
        lastLoggedAt = now;
        o.log.warn('watch-only source stopped on error, restarting', { informer: kind, ...describeApiError(error), restartInMs });
      },
    });
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onEvent(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #emit(event: StoreEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error('store listener failed', { error: error instanceof Error ? error.message : String(error), kind: event.kind, type: event.type });
      }
    }
  }

  /**
   * Starts both informers; resolves once each has listed and opened its watch. A failing list is
   * retried with backoff (so this may take a while against an unreachable server); never rejects.
   */
  async start(modes: SourceModes = { namespaces: 'list-watch', cmcs: 'list-watch' }): Promise<void> {
    if (modes.namespaces === 'watch-only' && this.#namespaces instanceof Supervised) {
      this.#namespaces = this.#watchOnly('namespace', '/api/v1/namespaces', slimNamespace as Slim, this.#options.namespaceWatchTimeoutSeconds);
      this.#wireNamespaces(this.#namespaces);
    }
    if (modes.cmcs === 'watch-only' && this.#cmcs instanceof Supervised) {
      this.#cmcs = this.#watchOnly('cmc', `/apis/${GROUP}/${V1}/${PLURAL}`, slimCmc as Slim, this.#options.cmcWatchTimeoutSeconds);
      this.#wireCmcs(this.#cmcs);
    }
    const o = this.#options;
    const onHealth = (): void => this.#checkFresh();
    const timeout = o.workloadWatchTimeoutSeconds ?? 0;
    const limit = o.workloadListPageSize ?? 500;
    if (modes.deployments === true && this.#deployments === undefined) {
      const apps = o.connection.kubeConfig.makeApiClient(AppsV1Api);
      const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
        listInPages((cont) => apps.listDeploymentForAllNamespaces({ limit, ...(cont !== undefined ? { _continue: cont } : {}) }), slimDeployment as Slim);
      this.#deployments = new Supervised('deployment', '/apis/apps/v1/deployments', list, slimDeployment as Slim, timeout, o, onHealth);
    }
    if (modes.pods === true && this.#pods === undefined) {
      const core = o.connection.kubeConfig.makeApiClient(CoreV1Api);
      const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
        listInPages((cont) => core.listPodForAllNamespaces({ limit, ...(cont !== undefined ? { _continue: cont } : {}) }), slimPod as Slim);
      this.#pods = new Supervised('pod', '/api/v1/pods', list, slimPod as Slim, timeout, o, onHealth);
    }
    const all = this.#sources();
    await Promise.all(all.map((src) => src.start()));
    await Promise.all(all.map((src) => src.firstSync));
  }

  /** Every cache in use: Namespaces, CMCs, and the Deployments and Pods when started. */
  #sources(): Source[] {
    return [this.#namespaces, this.#cmcs, ...(this.#deployments !== undefined ? [this.#deployments] : []), ...(this.#pods !== undefined ? [this.#pods] : [])];
  }

  /** Stops every informer and any pending restart (closes the watches). Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(this.#sources().map((src) => src.stop()));
  }

  /** Informer restarts after errors so far (every informer); metrics count every reconnection. */
  get restarts(): number {
    return this.#sources().reduce((n, src) => n + src.restarts, 0);
  }

  /** How many watches the caches hold open (2 to 4). */
  get watchCount(): number {
    return this.#sources().length;
  }

  hasSynced(): boolean {
    return this.#sources().every((src) => src.synced);
  }

  /** Synced, and every watch open or reconnecting for less than `staleAfterMs`. */
  isFresh(): boolean {
    // Also settles the reported state here: the per-watch transitions drive it, but a transition
    // seen while another watch was between close and reopen could leave it behind (issue 13 test
    // flake: CacheStale skips with no stale warning). Reading freshness is then enough to report it.
    this.#checkFresh();
    return this.hasSynced() && this.#sources().every((src) => src.health.fresh);
  }

  /** Re-evaluates freshness after a watch opened or went stale; one warning per stale period. */
  #checkFresh(): void {
    const kinds: [Kind, Source | undefined][] = [['namespace', this.#namespaces], ['cmc', this.#cmcs], ['deployment', this.#deployments], ['pod', this.#pods]];
    const down = kinds.filter(([, src]) => src !== undefined && !src.health.fresh).map(([kind]) => kind);
    const fresh = down.length === 0;
    if (fresh === this.#fresh) return;
    this.#fresh = fresh;
    if (!fresh) this.#log.warn('informer cache stale: chaos actions are skipped (CacheStale) until the watches are back', { informers: down });
    this.#onFreshChange(fresh);
  }

  hasDeployments(): boolean {
    return this.#deployments !== undefined;
  }

  getDeployment(namespace: string, name: string): DeploymentInfo | undefined {
    const obj = this.#deployments?.get(name, namespace);
    return obj === undefined ? undefined : deploymentInfoOf(obj as SlimDeployment, namespace, name);
  }

  hasPods(): boolean {
    return this.#pods !== undefined;
  }

  listPods(namespace: string, selector: LabelSelector): PodInfo[] {
    const out: PodInfo[] = [];
    for (const obj of this.#pods?.list(namespace) ?? []) {
      if (selectorMatches(selector, obj.metadata?.labels)) out.push(podInfoOf(obj as SlimPod, namespace));
    }
    return out;
  }

  getCmc(namespace: string, name: string): ChaosMonkeyConfigurationV1 | undefined {
    return this.#cmcs.get(name, namespace) as unknown as ChaosMonkeyConfigurationV1 | undefined;
  }

  listCmcs(namespace?: string): ChaosMonkeyConfigurationV1[] {
    return this.#cmcs.list(namespace) as unknown as ChaosMonkeyConfigurationV1[];
  }

  getNamespace(name: string): NamespaceInfo | undefined {
    const obj = this.#namespaces.get(name);
    return obj === undefined ? undefined : toNamespaceInfo(obj);
  }

  /** Every namespace in the cache. */
  listNamespaces(): NamespaceInfo[] {
    return this.#namespaces.list().map((o) => toNamespaceInfo(o));
  }
}
