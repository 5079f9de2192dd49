/**
 * The desired schedule of one CMC (architecture.md "reconcile"): a pure function of the cached CMC,
 * its namespace, the configuration, the current time and the entry already scheduled. Checks in
 * order (the first failing one is the cancel reason): CMC gone, being deleted, spec invalid,
 * disabled, namespace not eligible, a field not supported yet. A pause (issue 11) keeps the schedule
 * and only sets `facts.blocked` (the slots are skipped at action time), as does a time window of
 * spec.schedule (issue 12: the slot moves to the first allowed one). All facts are evaluated anyway, so every status condition is
 * accurate (e.g. a disabled CMC in an opted-out namespace shows Paused=True and Blocked=True).
 */
import { parseCmcV1, formatFieldErrors, isJsonObject } from '../../../api/validate.ts';
import { API_VERSION_V1, KIND } from '../../../api/names.ts';
import type { ChaosMonkeyConfigurationV1, ScalingMode } from '../../../api/v1.ts';
import type { NamespaceInfo } from '../ports.ts';
import { checkEligibility } from '../chaos/eligibility.ts';
import type { NamespaceBehavior } from '../chaos/eligibility.ts';
import { pauseBlock, readPause } from './pause.ts';
import type { BlockReason } from './pause.ts';
import type { CronChecker } from '../../../api/validate.ts';
import { allowedGridSlot, compilePlan, firstSlot, windowMessage, windowState } from '../scheduler/calendar.ts';
import type { CronCtor, Plan } from '../scheduler/calendar.ts';

/** The part of the operator configuration desired() reads (OperatorConfig satisfies it). */
export interface DesiredConfig {
  behavior: NamespaceBehavior;
  /** The operator's own namespace. */
  namespace: string;
  targetSelf: boolean;
}

/** What the reconciler remembers of a scheduled CMC (the wheel itself only knows id -> dueAt). */
export interface ScheduleEntry {
  mode: ScalingMode;
  intervalMs: number;
  /** {@link Plan.key} it was scheduled with (absent = '', no spec.schedule): another key reschedules at once. */
  key?: string;
  /** ms epoch of the next action. */
  dueAt: number;
}

/** Facts behind the status conditions (see conditions.ts). */
export interface DesiredFacts {
  /** formatted field errors when the spec is invalid, else null. */
  invalid: string | null;
  /** spec.enabled is exactly false. */
  paused: boolean;
  /**
   * Why the CMC does not act, or null: the namespace is not a target (eligibility code), a field is
   * not supported yet (`Unsupported`), chaos is paused (`Paused`), or spec.schedule holds the next
   * slot (`OutsideWindow`, see {@link DesiredFacts.window}), first one wins.
   */
  blocked: BlockReason | null;
  /** `OutsideWindow` reason when now is in an excluded window or the next slot was pushed past one, else null. */
  window?: BlockReason | null;
  /** Now is inside an excluded window of spec.schedule: no action may run. */
  insideWindow?: boolean;
}

/** The Ready condition implied by a cancel (lastTransitionTime is added by conditions.ts). */
export interface ReadyConditionCore {
  type: 'Ready';
  status: 'False';
  reason: string;
  message: string;
}

/** Why nothing is scheduled. */
export type CancelReason = 'Deleted' | 'Deleting' | 'InvalidSpec' | 'Paused' | 'Blocked' | 'Unsupported';

/** Result of {@link desiredSchedule}. */
export type Desired =
  | {
      kind: 'schedule';
      mode: ScalingMode;
      /** The period in ms (spec.timeout or `@every`); 0 for a cron expression. */
      intervalMs: number;
      /** ms epoch of the next action (the first allowed slot, see scheduler/calendar.ts). */
      dueAt: number;
      /** new: nothing was scheduled; kept: same interval and schedule, dueAt unchanged; rescheduled: interval or schedule changed. */
      change: 'new' | 'kept' | 'rescheduled';
      /** Compiled timing: cadence and windows. */
      plan: Plan;
      deploymentName: string;
      minReplicas: number;
      maxReplicas: number;
      /** "every 30s" or "on cron 0 2 * * * (Europe/Rome)". */
      cadence: string;
      facts: DesiredFacts;
    }
  | {
      kind: 'cancel';
      reason: CancelReason;
      message: string;
      /** Ready=False with the specific reason (InvalidSpec, Paused, NamespaceOptedOut, ...); undefined when the CMC is gone. */
      condition: ReadyConditionCore | undefined;
      facts: DesiredFacts;
    };

/** Inputs of {@link desiredSchedule}. */
export interface DesiredInput {
  /** The CMC from the cache (untrusted shape), undefined when deleted. */
  cmc: ChaosMonkeyConfigurationV1 | undefined;
  /** Its namespace from the cache, undefined when absent. */
  namespace: NamespaceInfo | undefined;
  config: DesiredConfig;
  /** Current time, ms epoch. */
  now: number;
  /** The entry currently scheduled for this CMC, if any. */
  existing: ScheduleEntry | undefined;
  /** The operator's own Namespace from the cache (its pause annotation pauses all chaos). */
  operatorNamespace?: NamespaceInfo | undefined;
  /**
   * The cron library, loaded on demand (scheduler/croner.ts): asked only when the CMC sets
   * spec.schedule. Without it such a CMC does not act (Unsupported).
   */
  cron?: { load: () => CronCtor; check: CronChecker };
}

/**
 * Issue 11 fields this operator version cannot honour yet: a CMC setting them does not act (fail
 * closed) until they are supported. Returns the Blocked reason naming them, or null.
 */
export function unsupportedFields(_spec: Record<string, unknown>): BlockReason | null {
  const fields: string[] = [];
  // No issue 11 field is unsupported any more (killMethod evict and guard are acted on); the
  // mechanism stays for the next field the CRD accepts before the operator implements it.
  if (fields.length === 0) return null;
  return { code: 'Unsupported', message: `${fields.join(', ')} not supported yet by this operator version: no action until it is (remove the field to act without it)` };
}

const NO_FACTS: DesiredFacts = Object.freeze({ invalid: null, paused: false, blocked: null });

const NO_CRON_LIBRARY: BlockReason = { code: 'Unsupported', message: 'spec.schedule not supported by this operator build (no cron library): no action until it is' };

/**
 * Computes the desired schedule. Pure and idempotent: the same inputs give the same result, and
 * feeding a scheduled result back as `existing` gives `change: 'kept'` with the same dueAt.
 * Scheduling rule: the first action is one interval after the CMC is accepted (`now + interval`);
 * an unchanged interval keeps the existing dueAt (mode or replica edits apply at the next slot);
 * a changed interval reschedules at `now + newInterval` (issue 4: the new schedule applies at once).
 * With spec.schedule (issue 12): a cron expression replaces the period, and a slot inside an excluded
 * window is skipped, the next being the first allowed one (scheduler/calendar.ts); an edit of
 * spec.schedule reschedules at once. `facts.window` says when the CMC is held (Blocked OutsideWindow).
 */
export function desiredSchedule(input: DesiredInput): Desired {
  const { cmc, namespace, config, now, existing } = input;
  if (cmc === undefined) return { kind: 'cancel', reason: 'Deleted', message: 'the ChaosMonkeyConfiguration was deleted', condition: undefined, facts: NO_FACTS };

  // List items may come without apiVersion/kind; the v1 informer only yields v1 objects.
  const untyped = cmc as unknown as Record<string, unknown>;
  const spec: Record<string, unknown> = isJsonObject((cmc as { spec?: unknown }).spec) ? (cmc.spec as unknown as Record<string, unknown>) : {};
  const scheduled = spec.schedule !== undefined;
  const parsed = parseCmcV1({ ...untyped, apiVersion: untyped.apiVersion ?? API_VERSION_V1, kind: untyped.kind ?? KIND }, scheduled && input.cron !== undefined ? { checkCron: input.cron.check } : {});
  const nsName = typeof cmc.metadata?.namespace === 'string' ? cmc.metadata.namespace : (namespace?.name ?? '');
  const ineligible = checkEligibility({ namespace, namespaceName: nsName, behavior: config.behavior, ownNamespace: config.namespace, targetSelf: config.targetSelf });
  const unsupported = unsupportedFields(spec) ?? (scheduled && input.cron === undefined ? NO_CRON_LIBRARY : null);
  const paused = pauseBlock(readPause(input.operatorNamespace, now), readPause(namespace, now), config.namespace, nsName);
  const facts: DesiredFacts = {
    window: null,
    insideWindow: false,
    invalid: parsed.errors.length > 0 ? formatFieldErrors(parsed.errors) : null,
    paused: spec.enabled === false,
    blocked: ineligible ?? unsupported ?? paused,
  };
  const cancel = (reason: CancelReason, conditionReason: string, message: string): Desired => ({
    kind: 'cancel',
    reason,
    message,
    condition: { type: 'Ready', status: 'False', reason: conditionReason, message },
    facts,
  });

  if (typeof cmc.metadata?.deletionTimestamp === 'string') return cancel('Deleting', 'Deleting', 'the ChaosMonkeyConfiguration is being deleted');
  if (parsed.value === undefined) return cancel('InvalidSpec', 'InvalidSpec', `invalid spec: ${facts.invalid ?? 'unknown error'}`);
  if (facts.paused) return cancel('Paused', 'Paused', 'spec.enabled is false');
  if (ineligible !== null) return cancel('Blocked', ineligible.code, ineligible.message);
  if (unsupported !== null) return cancel('Unsupported', unsupported.code, unsupported.message);
  // Paused: the schedule is kept (slots are skipped as blocked at action time) so chaos resumes on
  // its fixed period; facts.blocked carries the reason to the status.

  const valid = parsed.value.spec;
  const plan = compilePlan(valid, parsed.timeoutMs, input.cron?.load ?? noCron);
  // (input.cron is always set when spec.schedule is: see `unsupported` above.)
  if ('error' in plan) {
    facts.invalid = plan.error;
    return cancel('InvalidSpec', 'InvalidSpec', `invalid spec: ${plan.error}`);
  }
  const intervalMs = plan.cadence.kind === 'period' ? plan.cadence.ms : 0;
  let dueAt: number | undefined;
  let change: 'new' | 'kept' | 'rescheduled';
  if (existing === undefined) {
    dueAt = firstSlot(plan, now);
    change = 'new';
  } else if (existing.intervalMs === intervalMs && (existing.key ?? '') === plan.key) {
    dueAt = plan.cadence.kind === 'period' ? allowedGridSlot(plan.windows, existing.dueAt, plan.cadence.ms) : existing.dueAt;
    change = dueAt === existing.dueAt ? 'kept' : 'rescheduled';
  } else {
    // A new period or schedule applies at once (issue 4, issue 12).
    dueAt = firstSlot(plan, now);
    change = 'rescheduled';
  }
  const state = windowState(plan, now, dueAt);
  const windowText = windowMessage(plan, state, dueAt);
  facts.window = windowText === undefined ? null : { code: 'OutsideWindow', message: windowText };
  facts.insideWindow = state.kind === 'inside';
  facts.blocked ??= facts.window;
  if (dueAt === undefined) {
    const message = windowText ?? 'spec.schedule leaves no allowed slot within two years';
    facts.blocked ??= { code: 'OutsideWindow', message };
    return cancel('Blocked', 'OutsideWindow', message);
  }
  return {
    kind: 'schedule',
    mode: valid.scalingMode,
    intervalMs,
    dueAt,
    change,
    plan,
    deploymentName: valid.deployment.name,
    minReplicas: valid.minReplicas,
    maxReplicas: valid.maxReplicas,
    cadence: plan.text,
    facts,
  };
}

/** Stands in for the loader when none is injected: never called (a CMC with spec.schedule stops at Unsupported first). */
function noCron(): CronCtor {
  throw new Error('no cron library');
}
