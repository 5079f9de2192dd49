/**
 * Every Prometheus metric of the operator, on a private prom-client Registry (no default registry,
 * no globals; style.md convention 7). Implements the {@link ChaosMetrics} port.
 *
 * The seed's 25 names and label keys are kept so its Grafana dashboard keeps working
 * (seed-spec.md 10). The seed had a watcher per namespace, per CMC and per target; we have two
 * cluster-wide informers, one queue and one timer wheel, so each seed metric gets its nearest
 * honest meaning below. Seed const labels became ordinary labels with the same keys and values:
 * `deployment` is the target's name, `label_selector`/`selector` its matchLabels as the seed wrote
 * them (chaos/selector-label.ts). A per-target series appears with the first action that knows
 * its label value and goes when no scheduled CMC targets the Deployment (or it is missing); every
 * series labelled by a namespace goes when the namespace is deleted; a replica that loses the
 * Lease resets the gauges only the leader maintains.
 *
 * | metric | type | labels | meaning here |
 * |---|---|---|---|
 * | chaos_monkey_nswatcher_events | counter | event_type, root_namespace, behavior | Namespace informer events handled (add/modify/delete) |
 * | chaos_monkey_nswatcher_event_duration | histogram (µs; 0..2000) | root_namespace, behavior | time to map one Namespace event to queue keys, µs |
 * | chaos_monkey_nswatcher_cmc_spawned | counter | root_namespace, behavior | increases of the number of eligible namespaces holding scheduled CMCs |
 * | chaos_monkey_nswatcher_cmc_active | gauge | root_namespace, behavior | eligible namespaces holding scheduled CMCs (seed: CRD watchers) |
 * | chaos_monkey_nswatcher_restarts | counter | root_namespace, behavior | Namespace informer watch restarts (drops, timeouts, 410) |
 * | chaos_monkey_crdwatcher_events | counter | namespace, event_type | CMC informer events handled, by the CMC's namespace |
 * | chaos_monkey_crdwatcher_restarts | counter | namespace | CMC informer watch restarts; namespace="" (one cluster-wide watch) |
 * | chaos_monkey_crdwatcher_pw_spawned | counter | namespace | killPod schedule entries created (increases of pw_active) |
 * | chaos_monkey_crdwatcher_pw_active | gauge | namespace | killPod CMCs scheduled in the namespace |
 * | chaos_monkey_crdwatcher_dw_spawned | counter | namespace | randomScale schedule entries created |
 * | chaos_monkey_crdwatcher_dw_active | gauge | namespace | randomScale CMCs scheduled in the namespace |
 * | chaos_monkey_crdwatcher_ah_spawned | counter | namespace | antiPressure schedule entries created |
 * | chaos_monkey_crdwatcher_ah_active | gauge | namespace | antiPressure CMCs scheduled in the namespace |
 * | chaos_monkey_crdwatcher_event_duration | histogram (µs; 0..2000) | namespace | time to map one CMC event to its queue key, µs |
 * | chaos_monkey_podwatcher_pods_added | counter | namespace, label_selector | always 0 (present per target): we keep no per-target pod watcher (one cluster-wide pod cache) |
 * | chaos_monkey_podwatcher_pods_removed | counter | namespace, label_selector | always 0, same reason |
 * | chaos_monkey_podwatcher_pods_killed | counter | namespace, label_selector | pods deleted by killPod (every pod of a spec.selection batch) |
 * | chaos_monkey_podwatcher_pods_active | gauge | namespace, label_selector | pods matching the selector listed by the last killPod action |
 * | chaos_monkey_podwatcher_restarts | counter | namespace, label_selector | always 0: no per-target pod watchers exist |
 * | chaos_monkey_deploymentwatcher_deployments_rescaled | counter | namespace, deployment | successful randomScale rescales |
 * | chaos_monkey_deploymentwatcher_random_distribution | histogram (0..9) | namespace, deployment | replica counts applied by randomScale |
 * | chaos_monkey_deploymentwatcher_last_scale | gauge | namespace, deployment | last replica count applied |
 * | chaos_monkey_antihpawatcher_runs | counter | namespace, selector | antiPressure actions run (any result) |
 * | chaos_monkey_antihpawatcher_pods_killed | counter | namespace, selector | pods deleted by antiPressure |
 * | chaos_monkey_antihpawatcher_average_cpu | gauge | namespace, selector | running SUM of the killed pods' CPU in cores (as the seed; the dashboard divides its rate by pods_killed's) |
 *
 * Ours:
 *
 * | metric | type | labels | meaning |
 * |---|---|---|---|
 * | chaos_monkey_actions_total | counter | mode, result | chaos actions by mode and result (succeeded, skipped, failed, dry_run, blocked: a pause or the stop condition held the slot, or an eviction was refused by a PodDisruptionBudget or RBAC) |
 * | chaos_monkey_action_lateness_seconds | histogram | mode | delay between an action's due time and its start |
 * | chaos_monkey_reconcile_duration_seconds | histogram | result | duration of one reconcile (success, error, requeue) |
 * | chaos_monkey_reconcile_errors_total | counter | - | reconciles that threw |
 * | chaos_monkey_queue_depth | gauge | - | keys waiting in the reconcile queue |
 * | chaos_monkey_watch_restarts_total | counter | resource | informer watch restarts (namespaces, chaosmonkeyconfigurations) |
 * | chaos_monkey_leader | gauge | - | 1 while this replica holds the Lease, else 0 |
 * | chaos_monkey_active_cmcs | gauge | mode | CMCs scheduled, by mode |
 * | chaos_monkey_eligible_namespaces | gauge | - | same value as nswatcher_cmc_active, without the seed's labels |
 * | chaos_monkey_cache_stale | gauge | - | 1 while the informer cache is not fresh (before the first sync, or a watch down beyond the grace) |
 * | chaos_monkey_skipped_slots_total | counter | reason | due slots skipped to fail closed (CacheStale, NotLeader, StopCondition, StopConditionUnknown) or blocked by a pause (Paused) or a time window of spec.schedule (OutsideWindow), each at 0 from the start |
 * | chaos_monkey_paused | gauge | scope | 1 while chaos is paused: scope="global" (annotation on the operator's namespace, always present) or the namespace (series removed on resume) |
 *
 * Plus prom-client's default process and Node.js metrics (`process_*`, `nodejs_*`) on the same
 * private registry, like the seed's Go runtime collectors.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CompactHistogram } from './compact-histogram.ts';
import { SeriesIndex } from './series-index.ts';
import type { ScalingMode } from '../../../api/v1.ts';
import type { ActionOutcome, ChaosMetrics } from '../ports.ts';

/** The seed's microsecond buckets for event durations (seed-spec.md 10.1, 10.2). */
export const SEED_EVENT_DURATION_BUCKETS_US: readonly number[] = Object.freeze([0, 5, 10, 20, 50, 100, 500, 1000, 1500, 2000]);
/** The seed's buckets for randomScale replica counts (seed-spec.md 10.4). */
export const SEED_REPLICA_BUCKETS: readonly number[] = Object.freeze([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
const LATENESS_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RECONCILE_BUCKETS_S = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** Options of {@link OperatorMetrics}. */
export interface OperatorMetricsOptions {
  /** The operator's namespace (label root_namespace). */
  rootNamespace: string;
  /** 'AllowAll' | 'DenyAll'; written upper-case like the seed (ALLOWALL / DENYALL). */
  behavior: string;
  /** Register prom-client's default process/Node.js collectors. Default true. */
  defaultMetrics?: boolean;
}

/** The seed's 25 metric names (README and tests check they are all exposed). */
export const SEED_METRIC_NAMES: readonly string[] = Object.freeze([
  'chaos_monkey_nswatcher_events',
  'chaos_monkey_nswatcher_event_duration',
  'chaos_monkey_nswatcher_cmc_spawned',
  'chaos_monkey_nswatcher_cmc_active',
  'chaos_monkey_nswatcher_restarts',
  'chaos_monkey_crdwatcher_events',
  'chaos_monkey_crdwatcher_restarts',
  'chaos_monkey_crdwatcher_pw_spawned',
  'chaos_monkey_crdwatcher_pw_active',
  'chaos_monkey_crdwatcher_dw_spawned',
  'chaos_monkey_crdwatcher_dw_active',
  'chaos_monkey_crdwatcher_ah_spawned',
  'chaos_monkey_crdwatcher_ah_active',
  'chaos_monkey_crdwatcher_event_duration',
  'chaos_monkey_podwatcher_pods_added',
  'chaos_monkey_podwatcher_pods_removed',
  'chaos_monkey_podwatcher_pods_killed',
  'chaos_monkey_podwatcher_pods_active',
  'chaos_monkey_podwatcher_restarts',
  'chaos_monkey_deploymentwatcher_deployments_rescaled',
  'chaos_monkey_deploymentwatcher_random_distribution',
  'chaos_monkey_deploymentwatcher_last_scale',
  'chaos_monkey_antihpawatcher_runs',
  'chaos_monkey_antihpawatcher_pods_killed',
  'chaos_monkey_antihpawatcher_average_cpu',
]);

/** Our metric names (beyond the seed's). */
export const OWN_METRIC_NAMES: readonly string[] = Object.freeze([
  'chaos_monkey_actions_total',
  'chaos_monkey_action_lateness_seconds',
  'chaos_monkey_reconcile_duration_seconds',
  'chaos_monkey_reconcile_errors_total',
  'chaos_monkey_queue_depth',
  'chaos_monkey_watch_restarts_total',
  'chaos_monkey_leader',
  'chaos_monkey_active_cmcs',
  'chaos_monkey_eligible_namespaces',
  'chaos_monkey_cache_stale',
  'chaos_monkey_skipped_slots_total',
  'chaos_monkey_stop_condition',
  'chaos_monkey_paused',
  'chaos_monkey_notifications_total',
]);

/** Results of chaos_monkey_notifications_total; each has a series from the first scrape. */
const NOTIFY_RESULTS = ['sent', 'failed', 'dropped', 'retried'] as const;

/** Reasons of chaos_monkey_skipped_slots_total; each has a series from the first scrape. */
const SKIP_REASONS = ['CacheStale', 'NotLeader', 'StopCondition', 'StopConditionUnknown', 'Paused', 'OutsideWindow'] as const;
type SkipReason = (typeof SKIP_REASONS)[number];

const ACTIVE_GAUGE_OF: Readonly<Record<ScalingMode, 'pw' | 'dw' | 'ah'>> = { killPod: 'pw', randomScale: 'dw', antiPressure: 'ah' };
const RESOURCE_OF = { namespace: 'namespaces', cmc: 'chaosmonkeyconfigurations', deployment: 'deployments', pod: 'pods' } as const;

/**
 * The operator's metrics. Every method is synchronous, cheap and never throws. One instance per
 * process (built by main.ts); tests build their own.
 */
export class OperatorMetrics implements ChaosMetrics {
  /** The private registry (exposed for tests and for render). */
  readonly registry: Registry;
  readonly #ns: { root_namespace: string; behavior: string };
  /** Per namespace, per mode: scheduled entries (for active_cmcs sums and *_spawned deltas). */
  readonly #active = new Map<string, Map<ScalingMode, number>>();
  /** Sum over namespaces of #active, per mode (kept up to date, not recomputed per call). */
  readonly #activeTotal = new Map<ScalingMode, number>();
  #eligible = 0;
  /** Set by stepping down: an action that was running then must not bring back the leader's gauges. */
  #steppedDown = false;
  /** Per-namespace series groups, removed when their namespace or target goes away. */
  readonly #series = new SeriesIndex();
  /** Per namespace, per target Deployment: the selector labels its actions used. */
  readonly #targets = new Map<string, Map<string, Set<string>>>();

  readonly #nsEvents: Counter<'event_type' | 'root_namespace' | 'behavior'>;
  readonly #nsDuration: CompactHistogram<'root_namespace' | 'behavior'>;
  readonly #nsSpawned: Counter<'root_namespace' | 'behavior'>;
  readonly #nsActive: Gauge<'root_namespace' | 'behavior'>;
  readonly #nsRestarts: Counter<'root_namespace' | 'behavior'>;
  readonly #crdEvents: Counter<'namespace' | 'event_type'>;
  readonly #crdRestarts: Counter<'namespace'>;
  readonly #crdSpawned: Record<'pw' | 'dw' | 'ah', Counter<'namespace'>>;
  readonly #crdActive: Record<'pw' | 'dw' | 'ah', Gauge<'namespace'>>;
  readonly #crdDuration: CompactHistogram<'namespace'>;
  readonly #podsAdded: Counter<'namespace' | 'label_selector'>;
  readonly #podsRemoved: Counter<'namespace' | 'label_selector'>;
  readonly #podRestarts: Counter<'namespace' | 'label_selector'>;
  readonly #podsKilled: Counter<'namespace' | 'label_selector'>;
  readonly #podsActive: Gauge<'namespace' | 'label_selector'>;
  readonly #rescaled: Counter<'namespace' | 'deployment'>;
  readonly #distribution: Histogram<'namespace' | 'deployment'>;
  readonly #lastScale: Gauge<'namespace' | 'deployment'>;
  readonly #ahRuns: Counter<'namespace' | 'selector'>;
  readonly #ahKilled: Counter<'namespace' | 'selector'>;
  readonly #ahCpu: Gauge<'namespace' | 'selector'>;
  readonly #actions: Counter<'mode' | 'result'>;
  readonly #lateness: Histogram<'mode'>;
  readonly #reconcileDuration: Histogram<'result'>;
  readonly #reconcileErrors: Counter;
  readonly #queueDepth: Gauge;
  readonly #watchRestarts: Counter<'resource'>;
  readonly #leader: Gauge;
  readonly #activeCmcs: Gauge<'mode'>;
  readonly #eligibleNamespaces: Gauge;
  readonly #cacheStale: Gauge;
  readonly #skippedSlots: Counter<'reason'>;
  readonly #stopCondition: Gauge;
  readonly #paused: Gauge<'scope'>;
  readonly #notifications: Counter;

  /** Registers every metric on a new private registry. */
  constructor(options: OperatorMetricsOptions) {
    this.registry = new Registry();
    const registers = [this.registry];
    this.#ns = { root_namespace: options.rootNamespace, behavior: options.behavior.toUpperCase() };
    const nsLabels = ['root_namespace', 'behavior'] as const;
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets: [...buckets], registers });
    // The seed's µs buckets reach 2000: prom-client would keep a 2,001-slot array per label set.
    const microsHistogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new CompactHistogram<L>({ name, help, labelNames, buckets: SEED_EVENT_DURATION_BUCKETS_US, registers });

    this.#nsEvents = counter('chaos_monkey_nswatcher_events', 'Namespace events handled', ['event_type', ...nsLabels]);
    this.#nsDuration = microsHistogram('chaos_monkey_nswatcher_event_duration', 'Time to handle one namespace event, in microseconds', nsLabels);
    this.#nsSpawned = counter('chaos_monkey_nswatcher_cmc_spawned', 'Increases of the number of namespaces with scheduled CMCs', nsLabels);
    this.#nsActive = gauge('chaos_monkey_nswatcher_cmc_active', 'Eligible namespaces with scheduled CMCs', nsLabels);
    this.#nsRestarts = counter('chaos_monkey_nswatcher_restarts', 'Namespace watch restarts', nsLabels);
    this.#crdEvents = counter('chaos_monkey_crdwatcher_events', 'ChaosMonkeyConfiguration events handled', ['namespace', 'event_type']);
    this.#crdRestarts = counter('chaos_monkey_crdwatcher_restarts', 'ChaosMonkeyConfiguration watch restarts (cluster-wide watch: namespace="")', ['namespace']);
    this.#crdSpawned = {
      pw: counter('chaos_monkey_crdwatcher_pw_spawned', 'killPod schedule entries created', ['namespace']),
      dw: counter('chaos_monkey_crdwatcher_dw_spawned', 'randomScale schedule entries created', ['namespace']),
      ah: counter('chaos_monkey_crdwatcher_ah_spawned', 'antiPressure schedule entries created', ['namespace']),
    };
    this.#crdActive = {
      pw: gauge('chaos_monkey_crdwatcher_pw_active', 'killPod CMCs scheduled', ['namespace']),
      dw: gauge('chaos_monkey_crdwatcher_dw_active', 'randomScale CMCs scheduled', ['namespace']),
      ah: gauge('chaos_monkey_crdwatcher_ah_active', 'antiPressure CMCs scheduled', ['namespace']),
    };
    this.#crdDuration = microsHistogram('chaos_monkey_crdwatcher_event_duration', 'Time to handle one ChaosMonkeyConfiguration event, in microseconds', ['namespace']);
    const podLabels = ['namespace', 'label_selector'] as const;
    this.#podsAdded = counter('chaos_monkey_podwatcher_pods_added', 'Always 0: no per-target pod list (pods are listed at action time)', podLabels);
    this.#podsRemoved = counter('chaos_monkey_podwatcher_pods_removed', 'Always 0: no per-target pod list (pods are listed at action time)', podLabels);
    this.#podsKilled = counter('chaos_monkey_podwatcher_pods_killed', 'Pods deleted by killPod', podLabels);
    this.#podsActive = gauge('chaos_monkey_podwatcher_pods_active', 'Pods matching the target selector at the last killPod action', podLabels);
    this.#podRestarts = counter('chaos_monkey_podwatcher_restarts', 'Always 0: no pod watches exist', podLabels);
    const depLabels = ['namespace', 'deployment'] as const;
    this.#rescaled = counter('chaos_monkey_deploymentwatcher_deployments_rescaled', 'Successful randomScale rescales', depLabels);
    this.#distribution = histogram('chaos_monkey_deploymentwatcher_random_distribution', 'Replica counts applied by randomScale', depLabels, SEED_REPLICA_BUCKETS);
    this.#lastScale = gauge('chaos_monkey_deploymentwatcher_last_scale', 'Last replica count applied by randomScale', depLabels);
    const ahLabels = ['namespace', 'selector'] as const;
    this.#ahRuns = counter('chaos_monkey_antihpawatcher_runs', 'antiPressure actions run', ahLabels);
    this.#ahKilled = counter('chaos_monkey_antihpawatcher_pods_killed', 'Pods deleted by antiPressure', ahLabels);
    this.#ahCpu = gauge('chaos_monkey_antihpawatcher_average_cpu', 'Running sum of the CPU cores of pods killed by antiPressure (divide its rate by pods_killed)', ahLabels);

    this.#actions = counter('chaos_monkey_actions_total', 'Chaos actions by mode and result', ['mode', 'result']);
    this.#lateness = histogram('chaos_monkey_action_lateness_seconds', 'Delay between an action due time and its start', ['mode'], LATENESS_BUCKETS_S);
    this.#reconcileDuration = histogram('chaos_monkey_reconcile_duration_seconds', 'Duration of one reconcile', ['result'], RECONCILE_BUCKETS_S);
    this.#reconcileErrors = counter('chaos_monkey_reconcile_errors_total', 'Reconciles that failed', []);
    this.#queueDepth = gauge('chaos_monkey_queue_depth', 'Keys waiting in the reconcile queue', []);
    this.#watchRestarts = counter('chaos_monkey_watch_restarts_total', 'Informer watch restarts', ['resource']);
    this.#leader = gauge('chaos_monkey_leader', '1 while this replica holds the leader Lease', []);
    this.#activeCmcs = gauge('chaos_monkey_active_cmcs', 'CMCs scheduled, by mode', ['mode']);
    this.#eligibleNamespaces = gauge('chaos_monkey_eligible_namespaces', 'Eligible namespaces with scheduled CMCs', []);
    this.#cacheStale = gauge('chaos_monkey_cache_stale', '1 while an informer watch is down beyond the grace: chaos actions are skipped', []);
    this.#skippedSlots = counter('chaos_monkey_skipped_slots_total', 'Due slots skipped to fail closed (CacheStale, NotLeader, StopCondition, StopConditionUnknown) or blocked by a pause (Paused), by reason', ['reason']);
    this.#notifications = counter('chaos_monkey_notifications_total', 'Webhook notifications by result: sent, retried (one per failed attempt that is retried), failed (after the last attempt), dropped (queue full or shut down)', ['result']);
    this.#stopCondition = gauge('chaos_monkey_stop_condition', '1 while the alert stop condition blocks chaos (a matching alert fires, or Alertmanager is unknown and failing closed)', []);
    this.#paused = gauge('chaos_monkey_paused', '1 while chaos is paused by namespace annotation, by scope (global or the namespace)', ['scope']);

    // Zero-valued series for label-less and fixed-label metrics (every mode, result, resource), so
    // they appear from the first scrape and the number of series does not grow with activity.
    this.#nsActive.set(this.#ns, 0);
    this.#nsRestarts.inc(this.#ns, 0);
    this.#nsSpawned.inc(this.#ns, 0);
    this.#crdRestarts.inc({ namespace: '' }, 0);
    this.#leader.set(0);
    this.#cacheStale.set(1);
    this.#stopCondition.set(0);
    this.#paused.set({ scope: 'global' }, 0);
    for (const result of NOTIFY_RESULTS) this.#notifications.inc({ result }, 0);
    this.#queueDepth.set(0);
    this.#reconcileErrors.inc(0);
    this.#zeroPerModeSeries();
    for (const reason of SKIP_REASONS) this.#skippedSlots.inc({ reason }, 0);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Zero-valued series for every mode, result and resource (at start, and again on stepping down). */
  #zeroPerModeSeries(): void {
    for (const mode of ['killPod', 'randomScale', 'antiPressure'] as const) {
      this.#activeCmcs.set({ mode }, 0);
      this.#lateness.zero({ mode });
      for (const result of ['succeeded', 'skipped', 'failed', 'dry_run', 'blocked']) this.#actions.inc({ mode, result }, 0);
    }
    for (const result of ['success', 'error', 'requeue']) this.#reconcileDuration.zero({ result });
    for (const resource of Object.values(RESOURCE_OF)) this.#watchRestarts.inc({ resource }, 0);
  }

  /** Content-Type of {@link render}'s output (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Prometheus text exposition of every metric: the same text as `registry.metrics()`, but rendered
   * one metric at a time with a `setImmediate` between them, so a scrape of thousands of per-namespace
   * series (about 100 ms at 1,000 namespaces) does not hold up due chaos actions.
   */
  async render(): Promise<string> {
    const parts: string[] = [];
    for (const metric of this.registry.getMetricsAsArray()) {
      parts.push(await this.registry.getSingleMetricAsString(metric.name));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return `${parts.join('\n\n')}\n`;
  }

  /**
   * @inheritdoc The seed's per-target series appear with the first action that knows their label
   * value (the counters at 0, so every dashboard query has a series from then on).
   */
  actionDone(outcome: ActionOutcome): void {
    const { namespace, mode, result } = outcome;
    this.#actions.inc({ mode, result });
    this.#lateness.observe({ mode }, Math.max(0, outcome.latenessMs) / 1000);
    if (this.#series.isGone(namespace)) return;
    switch (outcome.mode) {
      case 'killPod': {
        if (outcome.labelSelector === null) return;
        const labels = { namespace, label_selector: outcome.labelSelector };
        this.#noteSelector(namespace, outcome.deployment, outcome.labelSelector);
        for (const c of [this.#podsAdded, this.#podsRemoved, this.#podRestarts, this.#podsKilled]) c.inc(labels, 0);
        if (outcome.podsSeen !== null && !this.#steppedDown) this.#podsActive.set(labels, outcome.podsSeen);
        // A batch (spec.selection) counts every pod it killed, even when another slot of it failed.
        const killed = outcome.podsKilled ?? (result === 'succeeded' ? 1 : 0);
        if (killed > 0) this.#podsKilled.inc(labels, killed);
        return;
      }
      case 'randomScale': {
        if (result !== 'succeeded' || outcome.replicas === null) return;
        const labels = { namespace, deployment: outcome.deployment };
        this.#noteTarget(namespace, outcome.deployment);
        this.#series.note(namespace, `dep\u0000${outcome.deployment}`, () => {
          this.#rescaled.remove(labels);
          this.#distribution.remove(labels);
          this.#lastScale.remove(labels);
        });
        this.#rescaled.inc(labels);
        this.#distribution.observe(labels, outcome.replicas);
        if (!this.#steppedDown) this.#lastScale.set(labels, outcome.replicas);
        return;
      }
      case 'antiPressure': {
        if (outcome.selector === null) return;
        const labels = { namespace, selector: outcome.selector };
        this.#noteSelector(namespace, outcome.deployment, outcome.selector);
        this.#ahRuns.inc(labels);
        this.#ahKilled.inc(labels, 0);
        this.#ahCpu.inc(labels, 0);
        if (result === 'succeeded') {
          this.#ahKilled.inc(labels);
          if (outcome.cpuCores !== null) this.#ahCpu.inc(labels, outcome.cpuCores);
        }
        return;
      }
    }
  }

  #noteTarget(namespace: string, deployment: string): Set<string> {
    let deployments = this.#targets.get(namespace);
    if (deployments === undefined) {
      deployments = new Map();
      this.#targets.set(namespace, deployments);
    }
    let selectors = deployments.get(deployment);
    if (selectors === undefined) {
      selectors = new Set();
      deployments.set(deployment, selectors);
    }
    return selectors;
  }

  /** Remembers that `deployment`'s actions use `selector` and how to remove that selector's series. */
  #noteSelector(namespace: string, deployment: string, selector: string): void {
    this.#noteTarget(namespace, deployment).add(selector);
    this.#series.note(namespace, `sel\u0000${selector}`, () => {
      const pod = { namespace, label_selector: selector };
      for (const m of [this.#podsAdded, this.#podsRemoved, this.#podRestarts, this.#podsKilled]) m.remove(pod);
      this.#podsActive.remove(pod);
      const ah = { namespace, selector };
      for (const m of [this.#ahRuns, this.#ahKilled]) m.remove(ah);
      this.#ahCpu.remove(ah);
    });
  }

  /** @inheritdoc A selector's series go only when no other remembered target of the namespace uses it. */
  targetGone(namespace: string, deployment: string): void {
    const deployments = this.#targets.get(namespace);
    const selectors = deployments?.get(deployment);
    this.#series.forget(namespace, `dep\u0000${deployment}`);
    if (deployments === undefined || selectors === undefined) return;
    deployments.delete(deployment);
    for (const selector of selectors) {
      if (![...deployments.values()].some((s) => s.has(selector))) this.#series.forget(namespace, `sel\u0000${selector}`);
    }
    if (deployments.size === 0) this.#targets.delete(namespace);
  }

  /** @inheritdoc */
  reconcileDone(durationMs: number, result: 'success' | 'error' | 'requeue'): void {
    this.#reconcileDuration.observe({ result }, Math.max(0, durationMs) / 1000);
    if (result === 'error') this.#reconcileErrors.inc();
  }

  /** @inheritdoc */
  queueDepth(depth: number): void {
    this.#queueDepth.set(depth);
  }

  /** @inheritdoc */
  watchEvent(kind: 'namespace' | 'cmc', type: 'add' | 'modify' | 'delete', namespace: string, durationUs: number): void {
    if (kind === 'namespace') {
      this.#nsEvents.inc({ event_type: type, ...this.#ns });
      this.#nsDuration.observe(this.#ns, durationUs);
      if (type === 'delete') this.#forgetNamespace(namespace);
      else this.#series.revive(namespace);
    } else {
      if (this.#series.isGone(namespace)) return;
      this.#crdEvents.inc({ namespace, event_type: type });
      this.#crdDuration.observe({ namespace }, durationUs);
      this.#noteCrdSeries(namespace);
    }
  }

  /** The crdwatcher series of `namespace` (events, durations, spawned, active), removed together. */
  #noteCrdSeries(namespace: string): void {
    this.#series.note(namespace, 'crd', () => {
      for (const event_type of ['add', 'modify', 'delete']) this.#crdEvents.remove({ namespace, event_type });
      this.#crdDuration.remove({ namespace });
      for (const c of Object.values(this.#crdSpawned)) c.remove({ namespace });
      for (const g of Object.values(this.#crdActive)) g.remove({ namespace });
    });
  }

  /** The namespace was deleted: every series labelled by it goes, and late writes for it are dropped. */
  #forgetNamespace(namespace: string): void {
    this.#series.forgetNamespace(namespace);
    this.#targets.delete(namespace);
  }

  /** @inheritdoc */
  watchRestart(kind: 'namespace' | 'cmc' | 'deployment' | 'pod'): void {
    this.#watchRestarts.inc({ resource: RESOURCE_OF[kind] });
    // The seed's own restart counters exist for its two watches only.
    if (kind === 'namespace') this.#nsRestarts.inc(this.#ns);
    else if (kind === 'cmc') this.#crdRestarts.inc({ namespace: '' });
  }

  /** @inheritdoc Increases also count as `*_spawned`; a namespace whose counts all reach 0 is forgotten. */
  activeEntries(namespace: string, mode: ScalingMode, count: number): void {
    let perMode = this.#active.get(namespace);
    const previous = perMode?.get(mode) ?? 0;
    const live = !this.#series.isGone(namespace);
    if (live) this.#noteCrdSeries(namespace);
    if (count > previous && live) this.#crdSpawned[ACTIVE_GAUGE_OF[mode]].inc({ namespace }, count - previous);
    if (count === previous && perMode !== undefined) return;
    if (perMode === undefined) {
      perMode = new Map();
      this.#active.set(namespace, perMode);
    }
    perMode.set(mode, count);
    if (live) this.#crdActive[ACTIVE_GAUGE_OF[mode]].set({ namespace }, count);
    const total = (this.#activeTotal.get(mode) ?? 0) + count - previous;
    this.#activeTotal.set(mode, total);
    this.#activeCmcs.set({ mode }, total);
    if ([...perMode.values()].every((c) => c === 0)) {
      this.#active.delete(namespace);
      for (const g of Object.values(this.#crdActive)) g.remove({ namespace });
    }
  }

  /** @inheritdoc */
  eligibleNamespaces(count: number): void {
    if (count > this.#eligible) this.#nsSpawned.inc(this.#ns, count - this.#eligible);
    this.#eligible = count;
    this.#nsActive.set(this.#ns, count);
    this.#eligibleNamespaces.set(count);
  }

  /** @inheritdoc */
  leader(isLeader: boolean): void {
    this.#leader.set(isLeader ? 1 : 0);
    this.#steppedDown = !isLeader;
    if (isLeader) return;
    // A follower schedules nothing: drop the gauges only the leader keeps up to date (a new
    // leadership term rebuilds them from zero as it reconciles every CMC).
    for (const namespace of this.#active.keys()) for (const g of Object.values(this.#crdActive)) g.remove({ namespace });
    this.#active.clear();
    this.#activeTotal.clear();
    this.#zeroPerModeSeries();
    this.#eligible = 0;
    this.#nsActive.set(this.#ns, 0);
    this.#eligibleNamespaces.set(0);
    this.#podsActive.reset();
    this.#lastScale.reset();
  }

  /** Whether the informer cache is fresh (chaos_monkey_cache_stale = 0) or not (1). */
  cacheFresh(fresh: boolean): void {
    this.#cacheStale.set(fresh ? 0 : 1);
  }

  /** A due slot skipped to fail closed, or blocked by a pause. */
  slotSkipped(reason: SkipReason): void {
    this.#skippedSlots.inc({ reason });
  }

  /** The alert stop condition blocks chaos (true) or not. */
  stopCondition(blocking: boolean): void {
    this.#stopCondition.set(blocking ? 1 : 0);
  }

  /** Chaos paused or resumed in `scope` ("global" or a namespace); a namespace's series goes on resume. */
  paused(scope: string, paused: boolean): void {
    if (paused) this.#paused.set({ scope }, 1);
    else if (scope === 'global') this.#paused.set({ scope }, 0);
    else this.#paused.remove({ scope });
  }

  /** One notification sent, retried, failed or dropped (notify/sender.ts). */
  notification(result: (typeof NOTIFY_RESULTS)[number]): void {
    this.#notifications.inc({ result });
  }
}
