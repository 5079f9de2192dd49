/**
 * The desired schedule of one CMC (architecture.md "reconcile"): a pure function of the cached CMC,
 * its namespace, the configuration, the current time and the entry already scheduled. Checks in
 * order (the first failing one is the cancel reason): CMC gone, being deleted, spec invalid,
 * disabled, namespace not eligible, a field not supported yet. A pause (issue 11) keeps the schedule
 * and only sets `facts.blocked` (the slots are skipped at action time). All facts are evaluated anyway, so every status condition is
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
   * not supported yet (`Unsupported`), or chaos is paused (`Paused`), first one wins.
   */
  blocked: BlockReason | null;
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
      intervalMs: number;
      /** ms epoch of the next action. */
      dueAt: number;
      /** new: nothing was scheduled; kept: same interval, dueAt unchanged; rescheduled: interval changed. */
      change: 'new' | 'kept' | 'rescheduled';
      deploymentName: string;
      minReplicas: number;
      maxReplicas: number;
      /** spec.timeout as written (Go duration). */
      timeout: string;
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

/**
 * Computes the desired schedule. Pure and idempotent: the same inputs give the same result, and
 * feeding a scheduled result back as `existing` gives `change: 'kept'` with the same dueAt.
 * Scheduling rule: the first action is one interval after the CMC is accepted (`now + interval`);
 * an unchanged interval keeps the existing dueAt (mode or replica edits apply at the next slot);
 * a changed interval reschedules at `now + newInterval` (issue 4: the new schedule applies at once).
 */
export function desiredSchedule(input: DesiredInput): Desired {
  const { cmc, namespace, config, now, existing } = input;
  if (cmc === undefined) return { kind: 'cancel', reason: 'Deleted', message: 'the ChaosMonkeyConfiguration was deleted', condition: undefined, facts: NO_FACTS };

  // List items may come without apiVersion/kind; the v1 informer only yields v1 objects.
  const untyped = cmc as unknown as Record<string, unknown>;
  const parsed = parseCmcV1({ ...untyped, apiVersion: untyped.apiVersion ?? API_VERSION_V1, kind: untyped.kind ?? KIND });
  const spec: Record<string, unknown> = isJsonObject((cmc as { spec?: unknown }).spec) ? (cmc.spec as unknown as Record<string, unknown>) : {};
  const nsName = typeof cmc.metadata?.namespace === 'string' ? cmc.metadata.namespace : (namespace?.name ?? '');
  const ineligible = checkEligibility({ namespace, namespaceName: nsName, behavior: config.behavior, ownNamespace: config.namespace, targetSelf: config.targetSelf });
  const unsupported = unsupportedFields(spec);
  const paused = pauseBlock(readPause(input.operatorNamespace, now), readPause(namespace, now), config.namespace, nsName);
  const facts: DesiredFacts = {
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
  if (parsed.value === undefined || parsed.timeoutMs === undefined) return cancel('InvalidSpec', 'InvalidSpec', `invalid spec: ${facts.invalid ?? 'unknown error'}`);
  if (facts.paused) return cancel('Paused', 'Paused', 'spec.enabled is false');
  if (ineligible !== null) return cancel('Blocked', ineligible.code, ineligible.message);
  if (unsupported !== null) return cancel('Unsupported', unsupported.code, unsupported.message);
  // Paused: the schedule is kept (slots are skipped as blocked at action time) so chaos resumes on
  // its fixed period; facts.blocked carries the reason to the status.

  const valid = parsed.value.spec;
  const intervalMs = parsed.timeoutMs;
  let dueAt: number;
  let change: 'new' | 'kept' | 'rescheduled';
  if (existing === undefined) {
    dueAt = now + intervalMs;
    change = 'new';
  } else if (existing.intervalMs === intervalMs) {
    dueAt = existing.dueAt;
    change = 'kept';
  } else {
    dueAt = now + intervalMs;
    change = 'rescheduled';
  }
  return {
    kind: 'schedule',
    mode: valid.scalingMode,
    intervalMs,
    dueAt,
    change,
    deploymentName: valid.deployment.name,
    minReplicas: valid.minReplicas,
    maxReplicas: valid.maxReplicas,
    timeout: valid.timeout,
    facts,
  };
}
