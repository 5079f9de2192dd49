/** ChaosMonkeyConfiguration v1: the hub and storage version. Types only. */

/** The three chaos modes of v1 (seed-spec.md 1.1). */
export type ScalingMode = 'randomScale' | 'antiPressure' | 'killPod';
export const SCALING_MODES: readonly ScalingMode[] = ['randomScale', 'antiPressure', 'killPod'];

/** v1 spec. The seed's fields are required by our CRD (timeout: exactly one of timeout and schedule.cron); values read from the API are still untrusted (see validate.ts). */
export interface CmcSpecV1 {
  enabled: boolean;
  minReplicas: number;
  maxReplicas: number;
  scalingMode: ScalingMode;
  deployment: { name: string };
  /** Go duration string, e.g. "30s", "1m30s". Exactly one of `timeout` and `schedule.cron` is set (issue 12). */
  timeout?: string;
  /** Issue 11: decide and report every action, send no mutating request. Default false. */
  dryRun?: boolean;
  /** Issue 11: how pods are killed. Default `delete`; `evict` uses the Eviction API (PodDisruptionBudgets honoured). */
  killMethod?: KillMethod;
  /** Issue 11: grace period of pod deletions, overriding CHAOSMONKEY_KILL_GRACE_SECONDS. */
  gracePeriodSeconds?: number;
  /** Issue 11: health guards on the target, checked before each action (operator/src/chaos/guard.ts). */
  guard?: GuardV1;
  /** Issue 12: how many pods one killPod action removes. Default mode `one` (the seed). killPod only (CRD rule). */
  selection?: SelectionV1;
  /** Issue 12: only pods matching this selector too (ANDed with the Deployment's) are candidates. killPod and antiPressure (CRD rule). */
  podSelector?: LabelSelectorV1;
  /** Issue 12: time windows and calendars (operator/src/scheduler/calendar.ts). */
  schedule?: ScheduleV1;
}

/** Batch size modes of `spec.selection` (as kube-monkey's kill modes and Chaos Mesh's `mode`). */
export type SelectionMode = 'one' | 'fixed' | 'fixed-percent' | 'random-max-percent' | 'all';
export const SELECTION_MODES: readonly SelectionMode[] = ['one', 'fixed', 'fixed-percent', 'random-max-percent', 'all'];
/** The modes that take a `value` (a count for fixed, a percentage 1..100 for the two percent modes). */
export const VALUE_MODES: readonly SelectionMode[] = ['fixed', 'fixed-percent', 'random-max-percent'];

/** Blast radius of one killPod action (issue 12 point 2). */
export interface SelectionV1 {
  mode?: SelectionMode;
  /** Required by fixed (a count >= 1) and the percent modes (1..100); not allowed with one and all. */
  value?: number;
}

/** A metav1.LabelSelector. */
export interface LabelSelectorV1 {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** Abbreviated weekday names of `schedule.excludedWeekdays`. */
export type Weekday = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';
/** In the order of `Date#getUTCDay()` (Sunday first). */
export const WEEKDAYS: readonly Weekday[] = Object.freeze(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const);

/** When a CMC may act (issue 12 point 1). Every field is optional; all are evaluated in `timeZone`. */
export interface ScheduleV1 {
  /** IANA time zone name, default UTC. */
  timeZone?: string;
  /** Days of the week without chaos, e.g. ["Sat", "Sun"]. */
  excludedWeekdays?: Weekday[];
  /** Wall-clock ranges without chaos, "HH:MM[:SS]-HH:MM[:SS]", start included, end excluded; may wrap midnight ("18:00-08:30"). */
  excludedTimesOfDay?: string[];
  /** Days without chaos: every year ("Dec 24") or one date ("2026-12-31"). */
  excludedDays?: string[];
  /** Instead of spec.timeout: a 5-field cron expression or "@every <Go duration>". */
  cron?: string;
}

/** How killPod/antiPressure remove a pod: DELETE, or the Eviction API (honours PodDisruptionBudgets). */
export type KillMethod = 'delete' | 'evict';
export const KILL_METHODS: readonly KillMethod[] = ['delete', 'evict'];

/** Health guards on the target (issue 11 point 4). */
export interface GuardV1 {
  /** An integer or a percentage such as "50%", as a PodDisruptionBudget's minAvailable. */
  minAvailable?: number | string;
  /** Skip while the Deployment rolls out. */
  skipDuringRollout?: boolean;
  /** Go duration: never kill a pod younger than this. */
  minPodAge?: string;
}

/** A status condition, Kubernetes conventions (metav1.Condition). */
export interface Condition {
  type: 'Ready' | 'Paused' | 'Blocked' | string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** The outcome of the last chaos action. */
export interface LastAction {
  /** RFC 3339 time the action ran. */
  time: string;
  mode: ScalingMode;
  /** Pod name, or "deployment/<name>" for randomScale. */
  target: string;
  /** Short outcome: "Succeeded", "Skipped", "Failed", "DryRun" (decided, nothing sent), "Blocked" (the stop condition or spec.guard held the slot). */
  result: string;
  message?: string;
}

/** v1 status, written by the operator through the status subresource. */
export interface CmcStatusV1 {
  observedGeneration?: number;
  conditions?: Condition[];
  lastAction?: LastAction;
  /** RFC 3339 time of the next scheduled action, absent when nothing is scheduled. */
  nextActionAt?: string;
}

/** Object metadata as far as we use it. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A ChaosMonkeyConfiguration at v1. */
export interface ChaosMonkeyConfigurationV1 {
  apiVersion: 'cm.massix.github.io/v1';
  kind: 'ChaosMonkeyConfiguration';
  metadata: ObjectMeta;
  spec: CmcSpecV1;
  status?: CmcStatusV1;
}
