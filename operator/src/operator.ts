/**
 * Builds the whole operator from one options object (style.md convention 6): informers, reconcile
 * queue and reconciler, the shared timer wheel, the chaos runner, leader election and the HTTP
 * server. No module-level state, so tests run several replicas in one process. main.ts and the
 * demo call {@link createOperator}; nothing here reads the environment.
 *
 * Leadership: every replica keeps its caches warm; only the leader reconciles (so Events and
 * status come from one writer) and fires the wheel. Becoming leader clears the schedule book and
 * re-enqueues every CMC (schedules resume from `status.nextActionAt` when still in the future);
 * losing the lease stops the wheel first, before anything else.
 *
 * Fail closed (issue 9 point 5): each leadership term has an AbortController, aborted when the
 * lease is lost. Actions and reconciles carry the signal of the term they were dispatched in:
 * their mutating requests are aborted with it, the runner re-checks the lease right before each
 * mutating request, and nothing dispatched in an ended term records an outcome or writes status.
 * Actions run only while the informer cache is fresh (else the slot is skipped as CacheStale);
 * `/readyz` answers 503 while it is not. With `config.stopOnAlerts`, actions run only while no
 * matching Alertmanager alert fires (StopCondition) and, failing closed, while Alertmanager's
 * answer is known (StopConditionUnknown); see alerts/stop-condition.ts.
 */
import { AlertmanagerHttp } from './alerts/alertmanager-http.ts';
import { StopCondition } from './alerts/stop-condition.ts';
import { formatMatchers } from './alerts/matchers.ts';
import { parseCpuNanoCores } from './chaos/quantity.ts';
import { createRandom } from './chaos/random.ts';
import { ChaosRunner } from './chaos/runner.ts';
import type { DueEntry } from './chaos/runner.ts';
import type { OperatorConfig } from './config/env.ts';
import { KubeClusterActions } from './kube/cluster-actions.ts';
import type { KubeConnection } from './kube/connect.ts';
import { KubeEventSink } from './kube/events.ts';
import { InformerStore } from './kube/informers.ts';
import type { StoreEvent } from './kube/informers.ts';
import { LeaderElector } from './kube/leader.ts';
import { leaseTiming } from './config/lease-timing.ts';
import { planPermissions, renderPermissionTable } from './kube/permission-plan.ts';
import type { PermissionAnswer, PermissionPlan } from './kube/permission-plan.ts';
import { probePermissions } from './kube/permissions.ts';
import { HttpServer } from './http/server.ts';
import { ActionHistory } from './live/history.ts';
import { LIVE_PAGE_CSP, liveModel, renderLivePage } from './live/page.ts';
import { OperatorMetrics } from './metrics/registry.ts';
import { outcomeEvent, pauseEvent } from './notify/events.ts';
import { HttpNotifyTransport, safeHost } from './notify/http-transport.ts';
import { NotificationSender } from './notify/sender.ts';
import type { NotificationSenderOptions } from './notify/sender.ts';
import { KubeStatusWriter } from './kube/status-writer.ts';
import type { AlertSource, Clock, Logger, NamespaceInfo, Notifier, Random } from './ports.ts';
import { keyForCmc, keysForNamespace } from './reconcile/handlers.ts';
import { keyOf, WorkQueue } from './reconcile/queue.ts';
import { Reconciler, WINDOW_TIMER_PREFIX } from './reconcile/reconciler.ts';
import { PAUSE_TIMER_PREFIX, PauseTracker } from './reconcile/pause.ts';
import { systemClock } from './scheduler/clock.ts';
import { TimerHeap } from './scheduler/timer-heap.ts';

/** Options of {@link createOperator}. */
export interface OperatorOptions {
  connection: KubeConnection;
  config: OperatorConfig;
  log: Logger;
  /** Clock of the wheel, the queue and the runner. Default systemClock. Informers and the Lease always use systemClock. */
  clock?: Clock;
  /** Default: seeded from config.randomSeed (or a random seed, logged). */
  random?: Random;
  /** Metrics registry; default a fresh OperatorMetrics for config's namespace and behavior. */
  metrics?: OperatorMetrics;
  /** Port of /metrics, /health, /readyz, /livez (0 = any free port); undefined = no HTTP server. */
  httpPort?: number;
  /** Bind address of the HTTP server; default all interfaces. */
  httpHost?: string;
  /** Leader identity; default config.podName. */
  identity?: string;
  /** Lease timing overrides: retry/renew period and renew deadline, ms (validated as client-go does). */
  lease?: { retryIntervalMs?: number; renewDeadlineMs?: number };
  /** How often denied permissions are asked again (and fatal problems logged again). Default 60 s. */
  permissionRecheckMs?: number;
  /** The permission probe; default SelfSubjectAccessReviews (kube/permissions.ts). */
  probe?: () => Promise<PermissionAnswer[]>;
  /** How long a watch may be down before the cache counts as stale; default 5 s. */
  cacheStaleAfterMs?: number;
  /** Source of the alert stop condition (config.stopOnAlerts); default Alertmanager over HTTP. */
  alertSource?: AlertSource;
  /** Where notifications go; default a webhook sender for config.notify (none when it is unset). */
  notifier?: Notifier;
  /** Tuning of the default sender (tests): queue capacity, attempts, backoff, request deadline. */
  notifyTuning?: Pick<NotificationSenderOptions, 'capacity' | 'maxAttempts' | 'backoffMs' | 'maxBackoffMs' | 'timeoutMs'>;
}

/** A built operator. */
export interface Operator {
  /** Starts informers and leader election; resolves when the caches are synced. */
  start(): Promise<void>;
  /**
   * Graceful stop: stop the wheel, release the Lease (unless `releaseLease: false`, which
   * simulates a crash), wait for running actions, stop the queue, close the watches. Idempotent.
   */
  stop(options?: { releaseLease?: boolean }): Promise<void>;
  /** Resolves once both caches have synced. */
  readonly ready: Promise<void>;
  readonly isLeader: boolean;
  /** The bound HTTP port once started (undefined without an HTTP server). */
  readonly httpPort: number | undefined;
  /** This replica's metrics (private registry). */
  readonly metrics: OperatorMetrics;
  /** The permission plan in force (undefined before the start-up probe answered). */
  readonly permissions: PermissionPlan | undefined;
  /** The alert stop condition, when config.stopOnAlerts is set. */
  readonly stopCondition: StopCondition | undefined;
  /** The notification sender (undefined without CHAOSMONKEY_NOTIFY_URL). */
  readonly notifier: Notifier | undefined;
  /** Snapshot for tests and benchmarks. */
  stats(): OperatorStats;
}

/** Counters exposed by {@link Operator.stats}. */
export interface OperatorStats {
  synced: boolean;
  /** Synced and both watches healthy (what /readyz reports). */
  fresh: boolean;
  leader: boolean;
  scheduled: number;
  actionsStarted: number;
  informerRestarts: number;
  queueDepth: number;
}

/** Builds (does not start) an operator. */
export function createOperator(options: OperatorOptions): Operator {
  const { connection, config } = options;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new OperatorMetrics({ rootNamespace: config.namespace, behavior: config.behavior });
  const log = options.log;
  const identity = options.identity ?? config.podName;
  let random = options.random;
  if (random === undefined) {
    const seeded = createRandom(config.randomSeed);
    log.info('chaos random source seeded', { seed: seeded.seed });
    random = seeded;
  }

  const store = new InformerStore({
    connection,
    namespaceWatchTimeoutSeconds: config.nsWatchTimeoutSeconds,
    cmcWatchTimeoutSeconds: config.crdWatchTimeoutSeconds,
    workloadWatchTimeoutSeconds: config.podWatchTimeoutSeconds,
    clock: systemClock,
    log: log.child({ component: 'informers' }),
    metrics,
    ...(options.cacheStaleAfterMs !== undefined ? { staleAfterMs: options.cacheStaleAfterMs } : {}),
    onFreshChange: (fresh) => metrics.cacheFresh(fresh),
  });
  const actions = new KubeClusterActions({
    connection,
    cache: store, // Deployments and Pods from the informer caches when the permission plan started them
    cpuToNanoCores: (q) => {
      const parsed = parseCpuNanoCores(q);
      return parsed.ok ? parsed.nanoCores : undefined;
    },
  });
  const events = new KubeEventSink({ connection, clock, log: log.child({ component: 'events' }), instance: identity });
  const status = new KubeStatusWriter({ connection });
  const wheelLog = log.child({ component: 'wheel' });
  const wheel = new TimerHeap({
    clock,
    stopped: true,
    onError: (error, id) => wheelLog.error('due callback failed', { id, error: error instanceof Error ? error.message : String(error) }),
  });
  // Alert stop condition (issue 11 point 5): one poller for every CMC; one log line per change;
  // a change re-reconciles every CMC so the Blocked condition follows at once.
  const stopConfig = config.stopOnAlerts;
  const stopLog = log.child({ component: 'stop-condition' });
  const stopCondition =
    stopConfig === undefined
      ? undefined
      : new StopCondition({
          source: options.alertSource ?? new AlertmanagerHttp(stopConfig.alertmanagerUrl, stopConfig.matchers),
          matchers: stopConfig.matchers,
          clock,
          refreshMs: stopConfig.refreshMs,
          failClosed: stopConfig.failClosed,
          onChange: (state, blocking) => {
            metrics.stopCondition(blocking);
            const meta = { ...state, blocking, matchers: formatMatchers(stopConfig.matchers) };
            if (state.state === 'clear') stopLog.info('stop condition clear: chaos may act', meta);
            else if (state.state === 'firing') stopLog.warn('stop condition: a matching alert fires, chaos stopped', meta);
            else if (blocking) stopLog.warn('stop condition unknown: chaos stopped (fail closed)', meta);
            else stopLog.warn('stop condition unknown: chaos goes on (CHAOSMONKEY_STOP_ON_UNKNOWN=false)', meta);
            if (leader) enqueueAll();
          },
        });
  if (stopCondition !== undefined) metrics.stopCondition(stopCondition.verdict() !== undefined);
  const reconciler = new Reconciler({
    store,
    wheel,
    status,
    events,
    clock,
    log: log.child({ component: 'reconciler' }),
    metrics,
    actions,
    behavior: config.behavior,
    ownNamespace: config.namespace,
    onWindow: ({ namespace, name, inside, message }) => notifier?.notify({ kind: 'window', at: clock.now(), namespace, cmc: name, on: inside, reason: message }),
    targetSelf: config.targetSelf,
    ...(stopCondition !== undefined ? { stopCondition } : {}),
  });
  // Notifications (issue 12 point 3): notify() only enqueues, so it never delays an action.
  const notifyConfig = config.notify;
  const notifyLog = log.child({ component: 'notify' });
  const notifier: Notifier | undefined =
    options.notifier ??
    (notifyConfig === undefined
      ? undefined
      : new NotificationSender({
          transport: new HttpNotifyTransport(notifyConfig.url),
          clock,
          log: notifyLog,
          format: notifyConfig.format,
          events: notifyConfig.events,
          onResult: (result) => metrics.notification(result),
          ...options.notifyTuning,
        }));
  const runner = new ChaosRunner({
    actions,
    events,
    random,
    clock,
    log: log.child({ component: 'chaos' }),
    metrics,
    killGraceSeconds: config.killGraceSeconds,
    dryRun: config.dryRun,
    recheck: (entry) => reconciler.recheck(entry),
    canEvict: () => plan?.evictions !== false,
    holdsLease: () => leader && (elector?.holdsLease() ?? true),
  });
  const queueLog = log.child({ component: 'queue' });
  const queue = new WorkQueue({
    clock,
    // Distinct keys reconciled at once: startup writes one status and one Event per CMC, so this
    // bounds how fast 10,000 CMCs get scheduled (bench: 4 -> 13-21 s, 16 -> 12 s).
    concurrency: 16,
    onDepth: (depth) => metrics.queueDepth(depth),
    onProcessed: (info) => {
      metrics.reconcileDone(info.durationMs, info.result);
      if (info.result === 'error') {
        const error = info.error;
        queueLog.warn('reconcile failed', {
          key: info.key,
          error: error instanceof Error ? error.message : String(error),
          code: (error as { code?: unknown } | undefined)?.code,
          terminal: info.terminal,
          retryInMs: info.retryInMs,
          failures: info.failures,
        });
      }
    },
  });

  const pauses = new PauseTracker({
    ownNamespace: config.namespace,
    wheel,
    events,
    log: log.child({ component: 'pause' }),
    setPaused: (scope, paused) => metrics.paused(scope, paused),
    now: () => clock.now(),
    onChange: ({ paused, text }) => notifier?.notify(pauseEvent(paused, text, clock.now())),
  });

  let leader = false;
  /** The current leadership term; aborted when it ends, replaced when the next one starts. */
  let term = new AbortController();
  let actionsStarted = 0;
  /** Recent outcomes per CMC for the live view (`GET /`; live/history.ts says the bound). */
  const history = new ActionHistory();
  const running = new Set<Promise<void>>();

  const enqueueAll = (): void => {
    for (const cmc of store.listCmcs()) {
      const key = keyForCmc(cmc);
      if (key !== undefined) queue.add(key);
    }
  };

  const onStoreEvent = (event: StoreEvent): void => {
    const started = process.hrtime.bigint();
    let namespace: string;
    if (event.kind === 'cmc') {
      namespace = event.cmc.metadata?.namespace ?? '';
      const key = keyForCmc(event.cmc);
      if (key !== undefined) queue.add(key);
      if (event.type === 'delete') history.forget(`${namespace}/${event.cmc.metadata?.name ?? ''}`);
    } else {
      namespace = event.namespace.name;
      // A namespace change (label flip, deletion) re-evaluates every CMC in it.
      for (const key of keysForNamespace(store, namespace)) queue.add(key);
      if (leader) notePause(namespace, event.type === 'delete' ? undefined : event.namespace);
    }
    metrics.watchEvent(event.kind, event.type, namespace, Number(process.hrtime.bigint() - started) / 1000);
  };
  store.onEvent(onStoreEvent);

  /** Re-reads a namespace's pause; on a change, every CMC it covers is reconciled (status within the second). */
  const notePause = (namespace: string, info: NamespaceInfo | undefined): void => {
    if (!pauses.observe(namespace, info)) return;
    if (namespace === config.namespace) enqueueAll();
    else for (const key of keysForNamespace(store, namespace)) queue.add(key);
  };

  const onDue = (id: string, dueAt: number, firedAt: number): void => {
    if (id.startsWith(WINDOW_TIMER_PREFIX)) {
      const key = reconciler.windowDue(id);
      if (key !== undefined) queue.add(key); // a window of spec.schedule starts or ends: status, notification
      return;
    }
    if (id.startsWith(PAUSE_TIMER_PREFIX)) {
      const namespace = id.slice(PAUSE_TIMER_PREFIX.length);
      notePause(namespace, store.getNamespace(namespace));
      return;
    }
    const entry: DueEntry | undefined = reconciler.takeDue(id, dueAt, firedAt);
    if (entry === undefined) return;
    actionsStarted += 1;
    const signal = term.signal;
    const p = runner
      .run(entry, signal)
      .then((result) => {
        const problem = result.problem;
        if (problem === 'CacheStale' || problem === 'NotLeader' || problem === 'StopCondition' || problem === 'StopConditionUnknown' || problem === 'Paused' || problem === 'OutsideWindow') metrics.slotSkipped(problem);
        const notice = notifier === undefined ? undefined : outcomeEvent(result.outcome, problem, clock.now());
        if (notice !== undefined) notifier?.notify(notice);
        if (signal.aborted) return; // dispatched in an ended term: the new leader owns the status
        reconciler.recordOutcome(entry, result);
        const { outcome } = result;
        // The live view has three lanes: a dry run or a blocked slot changed nothing, so it is drawn as skipped (its message says which).
        const lane = outcome.result === 'dry_run' || outcome.result === 'blocked' ? 'skipped' : outcome.result;
        history.record(`${entry.namespace}/${entry.name}`, { at: clock.now(), mode: outcome.mode, result: lane, message: outcome.result === 'dry_run' ? `dry run: ${outcome.reason}` : outcome.reason, ...(outcome.target !== undefined ? { target: outcome.target } : {}) });
        queue.add(keyOf(entry.namespace, entry.name)); // status: lastAction, nextActionAt
      })
      .finally(() => running.delete(p));
    running.add(p);
  };
  wheel.onDue(onDue);

  const becomeLeader = (): void => {
    term = new AbortController();
    leader = true;
    reconciler.clear();
    pauses.reset();
    wheel.start();
    metrics.leader(true);
    for (const ns of store.listNamespaces()) pauses.observe(ns.name, ns); // arms paused-until ends again
    enqueueAll();
  };
  const loseLeadership = (): void => {
    wheel.stop(); // first: no action may fire once the lease is lost
    leader = false;
    term.abort(new Error('leadership lost')); // in-flight actions and reconciles stop writing
    reconciler.clear();
    history.clear(); // a follower shows no actions
    pauses.reset();
    metrics.leader(false);
  };
  // Checked here, not only when the elector is built after the permission probe: a bad timing is a
  // construction error, before anything starts.
  if (config.leaderElect) {
    const timing = leaseTiming(config.leaseDurationMs, {
      ...(options.lease?.renewDeadlineMs !== undefined ? { renewDeadlineMs: options.lease.renewDeadlineMs } : {}),
      ...(options.lease?.retryIntervalMs !== undefined ? { retryPeriodMs: options.lease.retryIntervalMs } : {}),
    });
    if (!timing.ok) throw new Error(`invalid leader election timing: ${timing.error}`);
  }
  const permLog = log.child({ component: 'permissions' });
  let plan: PermissionPlan | undefined;
  let elector: LeaderElector | undefined;
  const buildElector = (): LeaderElector =>
    new LeaderElector({
      connection,
      namespace: config.namespace,
      leaseName: config.leaseName,
      identity,
      leaseDurationMs: config.leaseDurationMs,
      ...(options.lease?.retryIntervalMs !== undefined ? { retryIntervalMs: options.lease.retryIntervalMs } : {}),
      ...(options.lease?.renewDeadlineMs !== undefined ? { renewDeadlineMs: options.lease.renewDeadlineMs } : {}),
      clock: systemClock,
      log: log.child({ component: 'leader' }),
      onStartedLeading: becomeLeader,
      onStoppedLeading: loseLeadership,
    });

  /** Applies what can change while running (status writes, Events, scale verb); says each change once. */
  const applyPlan = (next: PermissionPlan): void => {
    const before = plan;
    plan = next;
    status.enabled = next.statusWrites;
    events.enabled = next.events;
    actions.scaleVerb = next.scaleVerb;
    if (before === undefined) return;
    if (before.statusWrites !== next.statusWrites) permLog.warn(next.statusWrites ? 'patch on chaosmonkeyconfigurations/status granted now: writing status again' : 'patch on chaosmonkeyconfigurations/status revoked: no status writes');
    if (before.events !== next.events) permLog.warn(next.events ? 'create on events granted now: recording Events again' : 'create on events revoked: no Events');
    if (before.evictions !== next.evictions) permLog.warn(next.evictions ? 'create on pods/eviction granted now: killMethod evict CMCs act again' : 'create on pods/eviction revoked: killMethod evict CMCs are Blocked');
    if (before.scaleVerb !== next.scaleVerb) permLog.warn(`randomScale now uses ${next.scaleVerb} on deployments/scale`);
    if (next.fatal.length === 0 && before.fatal.length > 0) permLog.info('every required permission is granted now');
    if (next.statusWrites && !before.statusWrites) enqueueAll();
  };
  const probe = options.probe ?? (() => probePermissions(connection, config.namespace));
  let recheckTimer: (() => void) | undefined;
  const recheckMs = options.permissionRecheckMs ?? 60_000;

  queue.start(async (key) => (leader ? reconciler.reconcile(key, term.signal) : undefined));

  const http =
    options.httpPort === undefined
      ? undefined
      : new HttpServer({
          port: options.httpPort,
          ...(options.httpHost !== undefined ? { host: options.httpHost } : {}),
          renderMetrics: () => metrics.render(),
          metricsContentType: metrics.contentType,
          health: () => ({
            rootNamespace: config.namespace,
            behavior: config.behavior,
            logLevel: config.logLevel,
            informers: store.watchCount,
            scheduledEntries: reconciler.scheduled,
            problems: plan?.fatal ?? [],
          }),
          ready: () => store.isFresh() && plan !== undefined && plan.fatal.length === 0,
          liveView: () => {
            const cmcs = store.listCmcs();
            history.retain(new Set(cmcs.map((c) => `${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`)));
            const model = liveModel({ cmcs, actions: (key, since) => history.since(key, since), now: clock.now(), identity, leader });
            return { html: renderLivePage(model), csp: LIVE_PAGE_CSP };
          },
          log: log.child({ component: 'http' }),
        });

  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  let started = false;
  let stopped: Promise<void> | undefined;

  return {
    ready,
    get isLeader() {
      return leader;
    },
    get httpPort() {
      return http?.port;
    },
    metrics,
    get permissions() {
      return plan;
    },
    stopCondition,
    notifier,
    async start() {
      if (started) return ready;
      started = true;
      if (http !== undefined) {
        const port = await http.start();
        log.info('serving /metrics, /health, /readyz, /livez and the live view at /', { port });
      }
      const first = planPermissions(await probe(), config.leaderElect);
      applyPlan(first);
      permLog.info('permissions at start-up (SelfSubjectAccessReview per rule of kube/rbac.ts)', {
        table: `\n${renderPermissionTable(first.rows)}`,
        permissions: first.rows,
      });
      for (const warning of first.warnings) permLog.warn(warning);
      if (config.leaderElect && !first.leaderElection) {
        permLog.error(`NO LEADER ELECTION: this ServiceAccount may not get, create and update Leases in namespace ${config.namespace}. Running without a Lease: run exactly ONE replica (as the seed does).`);
      }
      // Denied permissions are asked again every recheckMs: an RBAC fix heals without a restart,
      // and what cannot work is said again at most that often (one line per problem).
      const recheck = async (): Promise<void> => {
        const next = planPermissions(await probe(), config.leaderElect);
        if (stopped !== undefined) return;
        applyPlan(next);
        for (const problem of next.fatal) permLog.error(problem);
      };
      const scheduleRecheck = (): void => {
        recheckTimer = systemClock.setTimer(recheckMs, () => {
          recheckTimer = undefined;
          if (stopped !== undefined) return;
          void recheck().finally(() => {
            if (stopped === undefined && plan !== undefined && (plan.fatal.length > 0 || plan.rows.some((r) => r.granted !== 'yes'))) scheduleRecheck();
          });
        });
      };
      for (const problem of first.fatal) permLog.error(problem);
      if (first.rows.some((r) => r.granted !== 'yes')) scheduleRecheck();
      // Nothing can work while a required permission is missing: wait for an RBAC fix (not ready).
      while (plan !== undefined && plan.fatal.length > 0 && stopped === undefined) {
        await new Promise<void>((resolve) => systemClock.setTimer(Math.min(recheckMs, 1_000), resolve));
      }
      if (stopped !== undefined) return;
      if (notifyConfig !== undefined && options.notifier === undefined) notifyLog.info('notifications on', { host: safeHost(notifyConfig.url), format: notifyConfig.format, events: notifyConfig.events.join(',') });
      if (stopCondition !== undefined) {
        stopLog.info('alert stop condition on', { alertmanager: config.stopOnAlerts?.alertmanagerUrl, matchers: formatMatchers(config.stopOnAlerts?.matchers ?? []), refreshMs: config.stopOnAlerts?.refreshMs, failClosed: config.stopOnAlerts?.failClosed });
        await stopCondition.start(); // first answer (or its timeout) before any schedule
      }
      const current = plan ?? first;
      await store.start({ namespaces: current.namespaceSource, cmcs: current.cmcSource, deployments: current.deploymentSource === 'informer', pods: current.podSource === 'informer' });
      if (stopped !== undefined) return; // stopped while the caches were syncing
      resolveReady();
      log.info('caches synced', { server: connection.server, namespaces: store.listNamespaces().length, cmcs: store.listCmcs().length });
      if (!current.leaderElection) becomeLeader();
      else {
        elector = buildElector();
        elector.start();
      }
    },
    stop(stopOptions = {}) {
      stopped ??= (async () => {
        recheckTimer?.();
        wheel.stop();
        if (elector !== undefined) await elector.stop({ release: stopOptions.releaseLease !== false });
        else loseLeadership();
        await Promise.race([Promise.allSettled([...running]), new Promise((r) => systemClock.setTimer(5_000, () => r(undefined)))]);
        await queue.stop();
        await notifier?.stop(); // bounded: aborts the request in flight, drops (and counts) the rest
        await stopCondition?.stop();
        await store.stop();
        reconciler.clear();
        await http?.stop();
        log.info('operator stopped', { identity });
      })();
      return stopped;
    },
    stats() {
      return {
        synced: store.hasSynced(),
        fresh: store.isFresh(),
        leader,
        scheduled: reconciler.scheduled,
        actionsStarted,
        informerRestarts: store.restarts,
        queueDepth: queue.depth,
      };
    },
  };
}
