/**
 * The CMC status (issue 4 point 8): conditions Ready / Paused / Blocked, observedGeneration,
 * lastAction, nextActionAt. Pure; `statusEquals` lets the writer patch only on change.
 *
 * | condition | True when | reasons |
 * |---|---|---|
 * | Ready | an action is scheduled, nothing blocks it and the last action of the current mode did not skip or fail (a dry run counts as done) | True: Scheduled; False: InvalidSpec, Paused, Unsupported, OutsideWindow, NamespaceNotFound, NamespaceTerminating, OwnNamespace, NamespaceOptedOut, NamespaceNotOptedIn, Deleting, ActionSkipped, ActionFailed, CacheStale, GuardNotMet, GuardUnknown, DisruptionBudget, EvictionForbidden |
 * | Paused | spec.enabled is false | True: Disabled; False: Enabled |
 * | Blocked | the namespace is not a target (seed-spec 4.1, own namespace, terminating, missing), a field is not supported yet, chaos is paused (issue 11), the alert stop condition holds, spec.guard blocked the last action, or the last eviction was refused (killMethod evict: a PodDisruptionBudget, or no RBAC for pods/eviction) | True: the eligibility code, Unsupported, Paused, OutsideWindow (spec.schedule holds the next slot: the message says until when), StopCondition, StopConditionUnknown, GuardNotMet, GuardUnknown, DisruptionBudget, EvictionForbidden; False: None |
 *
 * `lastTransitionTime` changes only when a condition's status flips. Condition types written by
 * others are kept untouched.
 */
import type { CmcStatusV1, Condition, LastAction } from '../../../api/v1.ts';
import type { ActionOutcome } from '../ports.ts';
import type { Desired } from './desired.ts';

/** Condition types this module owns, in the order written. */
export const OWN_CONDITION_TYPES: readonly string[] = Object.freeze(['Ready', 'Paused', 'Blocked']);

/** Inputs of {@link nextStatus}. */
export interface StatusInput {
  desired: Desired;
  /** metadata.generation of the CMC reconciled. */
  generation: number | undefined;
  /** Current time, ms epoch. */
  now: number;
  /** A new action outcome to record; otherwise the previous lastAction is kept. */
  lastAction?: LastAction;
  /** Ready reason when lastAction did not succeed (e.g. CacheStale); default ActionSkipped / ActionFailed. */
  lastActionReason?: string;
  /** The alert stop condition holds (alerts/stop-condition.ts), or spec.guard blocked the last action: Blocked True with this reason when the namespace is eligible. */
  stopped?: { reason: string; message: string };
}

/** RFC 3339 (UTC, second precision, as Kubernetes writes metav1.Time). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

interface ConditionCore {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

function readyCore(desired: Desired, lastAction: LastAction | undefined, lastActionReason: string | undefined): ConditionCore {
  if (desired.kind === 'cancel') {
    return desired.condition ?? { type: 'Ready', status: 'False', reason: 'Deleted', message: desired.message };
  }
  if (desired.facts.blocked !== null) {
    // Scheduled but held (a pause): every slot is skipped until it ends.
    return { type: 'Ready', status: 'False', reason: desired.facts.blocked.code, message: desired.facts.blocked.message };
  }
  if (lastAction !== undefined && lastAction.mode === desired.mode && lastAction.result !== 'Succeeded' && lastAction.result !== 'DryRun') {
    const reason = lastActionReason ?? (lastAction.result === 'Skipped' ? 'ActionSkipped' : 'ActionFailed');
    return { type: 'Ready', status: 'False', reason, message: lastAction.message ?? `last ${lastAction.mode} action: ${lastAction.result}` };
  }
  return {
    type: 'Ready',
    status: 'True',
    reason: 'Scheduled',
    message: `${desired.mode} on deployment ${desired.deploymentName} ${desired.cadence}`,
  };
}

/**
 * Computes the next status from the previous one and the reconcile/action outcome. Pure; the
 * result is a fresh object (the previous status is not mutated).
 */
export function nextStatus(previous: CmcStatusV1 | undefined, input: StatusInput): CmcStatusV1 {
  const { desired, generation, now } = input;
  const lastAction = input.lastAction ?? previous?.lastAction;
  const facts = desired.facts;
  const cores: ConditionCore[] = [
    readyCore(desired, lastAction, input.lastActionReason),
    facts.paused
      ? { type: 'Paused', status: 'True', reason: 'Disabled', message: 'spec.enabled is false' }
      : { type: 'Paused', status: 'False', reason: 'Enabled', message: 'spec.enabled is not false' },
    facts.blocked !== null
      ? { type: 'Blocked', status: 'True', reason: facts.blocked.code, message: facts.blocked.message }
      : input.stopped !== undefined
        ? { type: 'Blocked', status: 'True', ...input.stopped }
        : { type: 'Blocked', status: 'False', reason: 'None', message: 'nothing blocks chaos: the namespace is a target, no pause, no stop condition, every field supported' },
  ];
  const prevConditions = Array.isArray(previous?.conditions) ? previous.conditions : [];
  const nowText = rfc3339(now);
  const conditions: Condition[] = cores.map((core) => {
    const prev = prevConditions.find((c) => c.type === core.type);
    const lastTransitionTime = prev !== undefined && prev.status === core.status && typeof prev.lastTransitionTime === 'string' ? prev.lastTransitionTime : nowText;
    return { ...core, lastTransitionTime, ...(generation === undefined ? {} : { observedGeneration: generation }) };
  });
  for (const c of prevConditions) if (!OWN_CONDITION_TYPES.includes(c.type)) conditions.push(c);

  const status: CmcStatusV1 = { conditions };
  if (generation !== undefined) status.observedGeneration = generation;
  if (lastAction !== undefined) status.lastAction = lastAction;
  if (desired.kind === 'schedule') status.nextActionAt = rfc3339(desired.dueAt);
  return status;
}

const RESULT_TEXT: Readonly<Record<ActionOutcome['result'], string>> = { succeeded: 'Succeeded', skipped: 'Skipped', failed: 'Failed', dry_run: 'DryRun', blocked: 'Blocked' };

/**
 * The {@link LastAction} recorded for an action outcome. Target: the pod name, or
 * `deployment/<name>` for randomScale (api/v1.ts); result: Succeeded / Skipped / Failed / DryRun.
 * @param deploymentName the CMC's target, used when the outcome names no pod.
 */
export function lastActionOf(outcome: ActionOutcome, deploymentName: string, now: number): LastAction {
  const result = RESULT_TEXT[outcome.result];
  const target = outcome.mode === 'randomScale' ? `deployment/${deploymentName}` : (outcome.target ?? `deployment/${deploymentName}`);
  return { time: rfc3339(now), mode: outcome.mode, target, result, message: outcome.reason };
}

/** Deep equality of two JSON values: object key order and undefined members ignored, array order kept. No copies. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key of Object.keys(x)) {
    if (x[key] === undefined) continue;
    defined += 1;
    if (!jsonEqual(x[key], y[key])) return false;
  }
  for (const key of Object.keys(y)) if (y[key] !== undefined) defined -= 1;
  return defined === 0;
}

/**
 * Deep equality of two statuses as JSON (key order and undefined fields ignored; array order
 * matters). `undefined` equals `{}` (no status written yet vs an empty one).
 */
export function statusEquals(a: CmcStatusV1 | undefined, b: CmcStatusV1 | undefined): boolean {
  return jsonEqual(a ?? {}, b ?? {});
}
