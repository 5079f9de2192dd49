/**
 * Every interface between the operator's decisions and the outside world (style.md: one file = the
 * whole I/O surface). `kube/` implements the cluster ports, `scheduler/clock.ts` the Clock,
 * `chaos/random.ts` the Random, `metrics/` the ChaosMetrics; tests pass fakes of Clock and Random
 * and run everything else against the embedded test API server.
 */
import type { ChaosMonkeyConfigurationV1, CmcStatusV1, ScalingMode } from '../../api/v1.ts';

/** Wall clock plus one-shot timers. The only implementations: systemClock and test FakeClock. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Arms a one-shot timer; returns a function that cancels it (idempotent). */
  setTimer(delayMs: number, fn: () => void): () => void;
}

/** Source of chance, injectable so decisions are reproducible. */
export interface Random {
  /** Uniform float in [0, 1). */
  float(): number;
  /** Uniform integer in the closed range [min, max]; requires min <= max. */
  int(min: number, max: number): number;
  /** Uniform pick from a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** Namespace as the operator sees it. */
export interface NamespaceInfo {
  name: string;
  /** metadata.uid (for the involved object of Events about the namespace). */
  uid?: string;
  labels: Readonly<Record<string, string>>;
  /** True once deletion started (phase Terminating or deletionTimestamp set). */
  terminating: boolean;
  /** Our pause annotations only (`cm.massix.github.io/paused`, `.../paused-until`), when set. */
  annotations?: Readonly<Record<string, string>>;
}

/** Label selector as in metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** Deployment as the operator sees it. */
export interface DeploymentInfo {
  namespace: string;
  name: string;
  uid: string;
  /** spec.replicas (default 1 when absent). */
  replicas: number;
  selector: LabelSelector;
  /** metadata.generation (undefined when absent). */
  generation?: number;
  /** status.observedGeneration (undefined when the controller has not observed it yet). */
  observedGeneration?: number;
  /** status.readyReplicas / updatedReplicas / availableReplicas (0 when absent, as the API omits zeros). */
  readyReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
}

/** Answer of a scale PATCH: the Scale's spec.replicas and metadata.uid (the Deployment's UID). */
export interface ScaleResult {
  replicas: number;
  uid: string | undefined;
}

/** Pod as the operator sees it. */
export interface PodInfo {
  namespace: string;
  name: string;
  uid: string;
  phase: string;
  /** True when metadata.deletionTimestamp is set. */
  terminating: boolean;
  labels: Readonly<Record<string, string>>;
  /** metadata.creationTimestamp, ms epoch (undefined when absent or unparsable). */
  creationTimestamp?: number;
  /** The Ready condition is True (undefined when not reported: counted as not ready). */
  ready?: boolean;
}

/** CPU usage of one pod, summed over its containers, in nanocores (from metrics.k8s.io). */
export interface PodCpu {
  name: string;
  cpuNanoCores: number;
}

/**
 * Read side: the informer caches (Namespaces, CMCs). Synchronous: it never does I/O.
 * CMCs are untrusted input: fields may have any type (see api/validate.ts).
 */
export interface Store {
  getCmc(namespace: string, name: string): ChaosMonkeyConfigurationV1 | undefined;
  listCmcs(namespace?: string): ChaosMonkeyConfigurationV1[];
  getNamespace(name: string): NamespaceInfo | undefined;
  /** True when every informer has finished its initial list. */
  hasSynced(): boolean;
  /**
   * Synced, and every watch is healthy (open, or reconnecting for only a few seconds): the cache
   * reflects the cluster. Chaos acts only while this is true (fail closed).
   */
  isFresh(): boolean;
}

/**
 * Guard of a mutating request: `signal` is aborted when the leadership term it was started in ends
 * (the kube layer adds its own 10 s deadline). An aborted request fails with a ChaosMonkeyError.
 */
export interface MutationOptions {
  signal?: AbortSignal;
}

/**
 * Actions on the cluster. Every method throws a ChaosMonkeyError subclass (errors.ts) on failure.
 * Idempotent where Kubernetes allows: deleting a pod that is already gone resolves `false`.
 */
export interface ClusterActions {
  /** The Deployment (from the Deployment cache, else one GET); undefined when it does not exist. */
  getDeployment(namespace: string, name: string): Promise<DeploymentInfo | undefined>;
  /** Pods matching the selector (from the Pod cache, else one LIST); none for an empty selector. */
  listPods(namespace: string, selector: LabelSelector): Promise<PodInfo[]>;
  /**
   * DELETE a pod, with `preconditions.uid` when `uid` is given (a pod re-created under the same
   * name is never hit); resolves true when deleted, false when it was already gone (404, or 409:
   * the name now belongs to another pod).
   */
  deletePod(namespace: string, name: string, gracePeriodSeconds: number, options?: MutationOptions & { uid?: string }): Promise<boolean>;
  /**
   * POST pods/<name>/eviction (policy/v1 Eviction, issue 11 `spec.killMethod: evict`) with
   * `deleteOptions.gracePeriodSeconds` and, when `uid` is not empty, `preconditions.uid`: the API
   * server honours PodDisruptionBudgets itself. Resolves `evicted` (201), `gone` (404, or 409 with a
   * UID: the name now belongs to another pod), or `blocked` when a budget refuses it (429 with a
   * `DisruptionBudget` cause): `message` is the API's, `pdb` the budget's name when the API says it.
   */
  evictPod(namespace: string, name: string, uid: string, gracePeriodSeconds: number, options?: MutationOptions): Promise<EvictResult>;
  /** PATCH deployments/<name>/scale to `replicas`; resolves the replicas and the Deployment UID the API answered. */
  scaleDeployment(namespace: string, name: string, replicas: number, options?: MutationOptions): Promise<ScaleResult>;
  /** LIST metrics.k8s.io PodMetrics for the selector; throws MetricsUnavailableError when the API is absent. */
  podCpu(namespace: string, selector: LabelSelector): Promise<PodCpu[]>;
}

/** Answer of {@link ClusterActions.evictPod}. */
export type EvictResult = 'evicted' | 'gone' | { blocked: string; pdb?: string };

/** Object an Event is about. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/** Writes Kubernetes Events. Never throws: failures are logged by the implementation. */
export interface EventSink {
  emit(ref: ObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

/** Writes the CMC status subresource. */
export interface StatusWriter {
  /**
   * Merge-patches status when it differs from `current` (no request otherwise).
   * Resolves true when a request was sent. A 404 (CMC gone) resolves false.
   */
  patchStatus(cmc: ChaosMonkeyConfigurationV1, current: CmcStatusV1 | undefined, next: CmcStatusV1, options?: MutationOptions): Promise<boolean>;
}

/** Fields every {@link ActionOutcome} has, whatever the mode. */
export interface ActionOutcomeBase {
  namespace: string;
  cmc: string;
  /** dry_run: decided, nothing sent (spec.dryRun / CHAOSMONKEY_DRY_RUN); blocked: a guardrail stopped the slot (e.g. a pause). */
  result: 'succeeded' | 'skipped' | 'failed' | 'dry_run' | 'blocked';
  /** Pod name or deployment name. */
  target?: string;
  reason: string;
  /** How late the action fired relative to its due time, ms. */
  latenessMs: number;
  /** The target Deployment's name (spec.deployment.name; seed metric label `deployment`). */
  deployment: string;
}

/**
 * Outcome of one killPod action. The seed's podwatcher series are labelled by `labelSelector`, so
 * it is required: null only when the action never read the Deployment (no series is touched then).
 */
export interface KillPodOutcome extends ActionOutcomeBase {
  mode: 'killPod';
  /** Seed label `label_selector` (chaos/selector-label.ts of the Deployment's selector), or null. */
  labelSelector: string | null;
  /** Pods matching the selector that the action listed (seed `pods_active`), or null when none were listed. */
  podsSeen: number | null;
  /**
   * Pods this action deleted or evicted (seed `pods_killed` grows by it; issue 12 batches). Absent:
   * 1 when the result is `succeeded`, else 0 (one-pod actions).
   */
  podsKilled?: number;
}

/** Outcome of one randomScale action (seed series labelled by `deployment`, always known). */
export interface RandomScaleOutcome extends ActionOutcomeBase {
  mode: 'randomScale';
  /** Replica count applied, or null when nothing was scaled. */
  replicas: number | null;
}

/** Outcome of one antiPressure action (seed series labelled by `selector`). */
export interface AntiPressureOutcome extends ActionOutcomeBase {
  mode: 'antiPressure';
  /** Seed label `selector` (same string as killPod's `label_selector`), or null when the Deployment was not read. */
  selector: string | null;
  /** CPU of the killed pod in cores, or null when no pod was killed. */
  cpuCores: number | null;
}

/**
 * Outcome of one chaos action, reported to metrics and logs: one type per mode, whose target
 * fields are required so no code path can report an action without the seed's label values.
 */
export type ActionOutcome = KillPodOutcome | RandomScaleOutcome | AntiPressureOutcome;

/** What the operator reports to metrics. Implemented in metrics/. */
export interface ChaosMetrics {
  actionDone(outcome: ActionOutcome): void;
  reconcileDone(durationMs: number, result: 'success' | 'error' | 'requeue'): void;
  queueDepth(depth: number): void;
  watchEvent(kind: 'namespace' | 'cmc', type: 'add' | 'modify' | 'delete', namespace: string, durationUs: number): void;
  watchRestart(kind: 'namespace' | 'cmc' | 'deployment' | 'pod'): void;
  /** Scheduled entries per mode in a namespace, after each reconcile. */
  activeEntries(namespace: string, mode: ScalingMode, count: number): void;
  eligibleNamespaces(count: number): void;
  /**
   * This replica gained or lost the Lease. Losing it resets every gauge only the leader maintains
   * (active CMCs, eligible namespaces, per-target gauges), so followers export no stale values.
   */
  leader(isLeader: boolean): void;
  /**
   * No scheduled CMC targets `deployment` in `namespace` any more (deleted, retargeted, or the
   * Deployment is gone): remove the series labelled by it (and by its selector).
   */
  targetGone(namespace: string, deployment: string): void;
}

/** Minimal structured logger (winston child loggers satisfy it). */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
}

/**
 * Reads Alertmanager's active alerts (alerts/alertmanager-http.ts: one GET /api/v2/alerts per call).
 * Resolves the parsed JSON body, unchecked; rejects on a network error, a timeout (`signal`) or a
 * non-2xx answer.
 */
export interface AlertSource {
  activeAlerts(signal: AbortSignal): Promise<unknown>;
}

/** What the stop condition knows right now (alerts/stop-condition.ts). */
export type StopState = { state: 'clear' } | { state: 'firing'; alert: string } | { state: 'unknown'; why: string };

/**
 * What a notification is about (notify/): `action` an action succeeded, `failure` one failed,
 * `blocked` a due slot was skipped for a reason (a problem), `pause` chaos paused or resumed,
 * `window` a CMC entered or left an excluded time window of spec.schedule (issue 12).
 */
export type NotifyEventKind = 'action' | 'failure' | 'blocked' | 'pause' | 'window';

/** One notification, before formatting (notify/format.ts). */
export interface NotifyEvent {
  kind: NotifyEventKind;
  /** When it happened, ms since the epoch (from the injected Clock). */
  at: number;
  /** The CMC's namespace and name, when the event is about one CMC. */
  namespace?: string;
  cmc?: string;
  /** Chaos mode (killPod, randomScale, antiPressure) of an action outcome. */
  mode?: ScalingMode;
  /** Pod or Deployment acted on. */
  target?: string;
  /** Human-readable why (the runner's reason, or why chaos paused). */
  reason: string;
  /** Machine-readable reason of a failure or a blocked slot (e.g. StopCondition, TargetMissing). */
  problem?: string;
  /** pause: true = paused, false = resumed; window: true = an excluded window started (no chaos), false = it ended. */
  on?: boolean;
}

/**
 * Sends notifications without ever delaying the caller (notify/sender.ts): {@link notify} returns
 * at once; events of kinds not selected are ignored.
 */
export interface Notifier {
  notify(event: NotifyEvent): void;
  /** Stops sending: aborts the request in flight and drops what is queued (counted as dropped). */
  stop(): Promise<void>;
}

/** Delivers one formatted notification (notify/http-transport.ts); rejects on any failure or non-2xx answer. */
export interface NotifyTransport {
  send(body: string, signal: AbortSignal): Promise<void>;
}
