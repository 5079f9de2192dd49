/**
 * Runs one due chaos action (architecture.md "chaos", issue 4 points 5-7): re-check the CMC and its
 * namespace from the cache (through the injected `recheck`), then decide and execute the mode with
 * the pure decide/execute pairs, emit the seed's Events (plus Warning Events for failures), report
 * the outcome to metrics and write one JSON log line per decision. Never throws: every failure
 * becomes a `failed` or `skipped` outcome. Rescheduling and status are the caller's job.
 *
 * API requests per action: killPod = DELETE pod (per victim); randomScale = PATCH scale only (a
 * 404 means the target is missing); antiPressure = LIST PodMetrics + DELETE pod. Plus one Event
 * write on success or failure. The Deployment and its pods (`getDeployment`, `listPods`, also for
 * randomScale's guards) come from kube/'s informer caches; without them (RBAC) each is one request.
 *
 * Guards (issue 11 point 4, chaos/guard.ts): checked after the choice and before the mutating
 * request, dry runs included; a guard that blocks gives result `blocked` with problem
 * `GuardNotMet`, one that cannot be evaluated `blocked` with `GuardUnknown` (fail closed).
 *
 * Batches (issue 12, chaos/selection.ts): killPod kills `spec.selection`'s batch among the Running,
 * non-terminating pods matching `spec.podSelector`; minAvailable trims the batch (blocked only when
 * no victim may go). One DELETE (or eviction) per victim, at most {@link KILL_PARALLELISM} in
 * flight; a victim already gone (404) is replaced at once by the next candidate (at most
 * {@link MAX_REPLACEMENTS} times). One action = one outcome (target "a, b (+3)", `podsKilled`) and
 * one seed Event per killed pod.
 *
 * With `spec.killMethod: evict` the DELETE is a POST pods/<name>/eviction (same grace period and UID precondition); a 429 from a
 * PodDisruptionBudget is no failure: the outcome is `blocked` with problem DisruptionBudget and a
 * Warning Event `DisruptionBudget` on the CMC names the budget.
 *
 * Dry run (issue 11 point 1, spec.dryRun or CHAOSMONKEY_DRY_RUN): everything is read and decided
 * as usual, then instead of the mutating request an Event `DryRun` on the CMC names the would-be
 * target and the outcome is `dry_run`. A slot held by a pause (recheck `blocked`) is `blocked`.
 *
 * Fail closed (issue 9 point 5): `run` takes the AbortSignal of the leadership term the slot fired
 * in. Right before the mutating request (DELETE pod, PATCH scale) the runner re-checks leadership
 * (term not aborted and the injected `holdsLease` still true); when lost it sends nothing and
 * skips with problem `NotLeader`. The mutating request itself carries the signal, and no Event is
 * written once the term is over. A `CacheStale` skip from the recheck is logged at debug only: the
 * store writes one line per stale period.
 */
import type { ChaosMonkeyConfigurationV1, CmcSpecV1, ScalingMode } from '../../../api/v1.ts';
import { API_VERSION_V1, KIND } from '../../../api/names.ts';
import { ChaosMonkeyError, MetricsUnavailableError, NotFoundError } from '../errors.ts';
import type { ActionOutcome, ActionOutcomeBase, ChaosMetrics, Clock, ClusterActions, EventSink, Logger, ObjectRef, PodInfo, Random } from '../ports.ts';
import { busiestOf, checkAntiPressureHeadroom } from './anti-pressure.ts';
import { mapBounded } from './bounded.ts';
import { checkPodRemoval, checkRollout, checkScale, filterByAge, hasGuard, removalBudget, type GuardVerdict } from './guard.ts';
import { executeKillPod } from './kill-pod.ts';
import { nanoCoresToCores } from './quantity.ts';
import { decideScale, executeScale } from './random-scale.ts';
import { batchSize, candidatesOf, describeSelection, drawVictims, formatTargets, planBatch, selectionMode, type BatchPlan } from './selection.ts';
import { seedSelectorLabel } from './selector-label.ts';

/** Event reasons and messages (seed-spec.md 11 for the Normal ones; the Warning ones are ours). */
export const EVENTS = Object.freeze({
  podKilled: { reason: 'ChaosMonkeyTarget', message: 'Pod got killed by Chaos Monkey' },
  scaled: { reason: 'ChaosMonkey', message: (n: number): string => `Converted to ${n} replicas` },
  targetMissing: { reason: 'TargetMissing' },
  actionFailed: { reason: 'ActionFailed' },
  noMetrics: { reason: 'NoMetrics' },
  /** Issue 11: a PodDisruptionBudget refused the eviction (Warning, on the CMC, naming the budget). */
  disruptionBudget: { reason: 'DisruptionBudget' },
  /** Issue 11: on the CMC, naming the would-be target; nothing was sent. */
  dryRun: { reason: 'DryRun' },
});

/** A wheel entry that fired, resolved by the scheduler's owner to its CMC. */
export interface DueEntry {
  uid: string;
  namespace: string;
  name: string;
  /** Mode and target Deployment the entry was scheduled with (used when the CMC is gone at action time). */
  mode: ScalingMode;
  deployment: string;
  /** When the action was due and when the wheel fired it (ms epoch). */
  dueAt: number;
  firedAt: number;
}

/** Fresh verdict on a CMC at action time (computed from the cache by the reconcile layer). */
export type Recheck =
  | { kind: 'act'; cmc: ChaosMonkeyConfigurationV1; spec: CmcSpecV1 }
  /** `blocked`: a guardrail holds the slot (result `blocked`, not `skipped`). */
  | { kind: 'skip'; reason: string; problem?: ActionProblem; blocked?: boolean };

/** Construction options of {@link ChaosRunner}. */
export interface ChaosRunnerOptions {
  actions: ClusterActions;
  events: EventSink;
  random: Random;
  clock: Clock;
  log: Logger;
  metrics: Pick<ChaosMetrics, 'actionDone' | 'targetGone'>;
  /** gracePeriodSeconds of pod deletions (CHAOSMONKEY_KILL_GRACE_SECONDS, seed 0); a CMC's spec.gracePeriodSeconds overrides it. */
  killGraceSeconds: number;
  /** CHAOSMONKEY_DRY_RUN: every CMC runs as with spec.dryRun true. Default false. */
  dryRun?: boolean;
  /** Re-reads the CMC and its namespace from the cache and re-checks eligibility and validity. */
  recheck: (entry: DueEntry) => Recheck;
  /**
   * `create` on pods/eviction is granted (start-up permission plan; unknown counts as granted).
   * False: slots of `killMethod: evict` CMCs are blocked with problem EvictionForbidden (fail
   * closed: never fall back to a DELETE that would ignore the budgets). Default always true.
   */
  canEvict?: () => boolean;
  /** Re-checked right before each mutating request: true while this replica may act. Default always true. */
  holdsLease?: () => boolean;
}

const LOG_MESSAGE: Readonly<Record<ActionOutcome['result'], string>> = {
  succeeded: 'chaos action',
  skipped: 'chaos action skipped',
  failed: 'chaos action failed',
  dry_run: 'chaos action (dry run: nothing sent)',
  blocked: 'chaos action blocked',
};

/** Signal of a term that never ends (no leader election, unit tests). */
const FOREVER: AbortSignal = new AbortController().signal;

/** Stable code of a problem found at action time (usable as a condition reason). */
export type ActionProblem =
  | 'TargetMissing'
  | 'NoMetrics'
  | 'ActionFailed'
  | 'CacheStale'
  | 'NotLeader'
  | 'StopCondition'
  | 'StopConditionUnknown'
  | 'Paused'
  /** spec.schedule: the slot fired inside an excluded time window (issue 12); nothing was done. */
  | 'OutsideWindow'
  /** spec.guard blocked the action (issue 11 point 4); GuardUnknown: it could not be evaluated (fail closed). */
  | 'GuardNotMet'
  | 'GuardUnknown'
  /** killMethod evict: a PodDisruptionBudget refused the eviction (429). */
  | 'DisruptionBudget'
  /** killMethod evict without `create` on pods/eviction. */
  | 'EvictionForbidden';

/** Outcome plus the CMC it was about (undefined when the CMC vanished) and the problem, if any. */
export interface RunResult {
  outcome: ActionOutcome;
  cmc: ChaosMonkeyConfigurationV1 | undefined;
  problem?: ActionProblem;
}

function cmcRef(cmc: ChaosMonkeyConfigurationV1): ObjectRef {
  return { apiVersion: API_VERSION_V1, kind: KIND, namespace: cmc.metadata.namespace, name: cmc.metadata.name ?? '', uid: cmc.metadata.uid };
}

function errorText(error: unknown): string {
  if (error instanceof ChaosMonkeyError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Pods of one batch deleted or evicted at the same time (issue 12: bounded parallelism). */
export const KILL_PARALLELISM = 5;
/** Fresh victims tried, one after the other, for a slot whose victim was already gone (404). */
export const MAX_REPLACEMENTS = 3;

/** What one slot of a batch came to. */
type SlotResult =
  | { kind: 'killed'; pod: PodInfo }
  | { kind: 'gone'; pod: PodInfo }
  | { kind: 'blocked'; pod: PodInfo; reason: string }
  | { kind: 'failed'; pod: PodInfo; reason: string }
  | { kind: 'notLeader'; pod: PodInfo; sent: boolean };

/** What a mode's execution found, before the mode's target fields are added. */
interface Step {
  result: ActionOutcome['result'];
  target?: string;
  reason: string;
  problem?: ActionProblem;
}

/** An outcome of `mode` whose target fields are unknown (the action did not get to read the target). */
function untargeted(base: ActionOutcomeBase, mode: ScalingMode): ActionOutcome {
  switch (mode) {
    case 'killPod':
      return { ...base, mode, labelSelector: null, podsSeen: null };
    case 'randomScale':
      return { ...base, mode, replicas: null };
    case 'antiPressure':
      return { ...base, mode, selector: null, cpuCores: null };
  }
}

/** The blocked step of a guard verdict, or null when the guard lets the action through. */
function guardStep(verdict: GuardVerdict, target: string): Step | null {
  if (verdict.kind === 'ok') return null;
  if (verdict.kind === 'blocked') return { result: 'blocked', target, reason: verdict.message, problem: 'GuardNotMet' };
  return { result: 'blocked', target, reason: `guard not evaluated, action not taken: ${verdict.why}`, problem: 'GuardUnknown' };
}

function split(step: Step): { common: Omit<Step, 'problem'>; problem: ActionProblem | undefined } {
  const { problem, ...common } = step;
  return { common, problem };
}

/** Executes due actions; at most one in flight per CMC UID (a slot that fires meanwhile is skipped). */
export class ChaosRunner {
  readonly #o: ChaosRunnerOptions;
  readonly #inFlight = new Set<string>();

  constructor(options: ChaosRunnerOptions) {
    this.#o = options;
  }

  /** Number of actions currently executing. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Runs the action of `entry` within the leadership term `term`; resolves its outcome (already
   * reported to metrics and the log).
   */
  async run(entry: DueEntry, term: AbortSignal = FOREVER): Promise<RunResult> {
    const latenessMs = Math.max(0, this.#o.clock.now() - entry.dueAt);
    const check = this.#o.recheck(entry);
    const at = { namespace: entry.namespace, cmc: entry.name, latenessMs };
    let cmc: ChaosMonkeyConfigurationV1 | undefined;
    let outcome: ActionOutcome;
    let problem: ActionProblem | undefined;
    if (check.kind === 'skip') {
      outcome = untargeted({ ...at, deployment: entry.deployment, result: check.blocked === true ? 'blocked' : 'skipped', reason: check.reason }, entry.mode);
      problem = check.problem;
    } else if (this.#inFlight.has(entry.uid)) {
      cmc = check.cmc;
      outcome = untargeted({ ...at, deployment: check.spec.deployment.name, result: 'skipped', reason: 'the previous action of this CMC is still running' }, check.spec.scalingMode);
    } else {
      cmc = check.cmc;
      const base = { ...at, deployment: check.spec.deployment.name };
      this.#inFlight.add(entry.uid);
      try {
        ({ outcome, problem } = await this.#execute(check.cmc, check.spec, base, term));
      } catch (error) {
        outcome = untargeted({ ...base, result: 'failed', reason: `unexpected error: ${errorText(error)}` }, check.spec.scalingMode);
      } finally {
        this.#inFlight.delete(entry.uid);
      }
    }
    if (problem === 'TargetMissing') this.#o.metrics.targetGone(outcome.namespace, outcome.deployment);
    this.#o.metrics.actionDone(outcome);
    const line = {
      namespace: outcome.namespace,
      cmc: outcome.cmc,
      mode: outcome.mode,
      target: outcome.target,
      result: outcome.result,
      reason: outcome.reason,
      latenessMs,
      ...(outcome.mode === 'randomScale' && outcome.replicas !== null ? { replicas: outcome.replicas } : {}),
      ...(outcome.mode === 'antiPressure' && outcome.cpuCores !== null ? { cpuCores: outcome.cpuCores } : {}),
    };
    // Fail-closed skips and pauses are logged once per state change by their owner, not once per slot.
    if (problem === 'CacheStale' || problem === 'StopCondition' || problem === 'StopConditionUnknown' || problem === 'Paused') this.#o.log.debug(problem === 'Paused' ? 'chaos action blocked' : 'chaos action skipped', line);
    else if (outcome.result === 'failed') this.#o.log.warn('chaos action failed', line);
    else this.#o.log.info(LOG_MESSAGE[outcome.result], line);
    return problem === undefined ? { outcome, cmc } : { outcome, cmc, problem };
  }

  async #execute(cmc: ChaosMonkeyConfigurationV1, spec: CmcSpecV1, base: Omit<ActionOutcomeBase, 'result' | 'reason'>, term: AbortSignal): Promise<{ outcome: ActionOutcome; problem: ActionProblem | undefined }> {
    switch (spec.scalingMode) {
      case 'randomScale':
        return this.#randomScale(cmc, spec, base, term);
      case 'killPod':
        return this.#killPod(cmc, spec, base, false, term);
      case 'antiPressure':
        return this.#killPod(cmc, spec, base, true, term);
    }
  }

  /** Dry run for this CMC: spec.dryRun true, or CHAOSMONKEY_DRY_RUN. */
  #dryRun(spec: CmcSpecV1): boolean {
    return spec.dryRun === true || this.#o.dryRun === true;
  }

  #leading(term: AbortSignal): boolean {
    return !term.aborted && (this.#o.holdsLease?.() ?? true);
  }

  /** The skip of an action whose term ended before (or while) its mutating request `what`. */
  #notLeader(target: string, what: string, sent: boolean): Step {
    const reason = sent ? `leadership lost while ${what} was in flight: request aborted` : `leadership lost before ${what}: request not sent`;
    return { result: 'skipped', target, reason, problem: 'NotLeader' };
  }

  /** Writes an Event unless the leadership term is over. */
  async #event(term: AbortSignal, ref: ObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    if (!this.#leading(term)) return;
    await this.#o.events.emit(ref, type, reason, message);
  }

  async #randomScale(cmc: ChaosMonkeyConfigurationV1, spec: CmcSpecV1, base: Omit<ActionOutcomeBase, 'result' | 'reason'>, term: AbortSignal): Promise<{ outcome: ActionOutcome; problem: ActionProblem | undefined }> {
    let replicas: number | null = null;
    const done = (step: Step): { outcome: ActionOutcome; problem: ActionProblem | undefined } => {
      const { common, problem } = split(step);
      return { outcome: { ...base, ...common, mode: 'randomScale', replicas }, problem };
    };
    const target = spec.deployment.name;
    const ns = base.namespace;
    const decision = decideScale(spec.minReplicas, spec.maxReplicas, this.#o.random);
    if (decision.kind === 'skip') return done({ result: 'skipped', target, reason: decision.reason });
    if (hasGuard(spec.guard)) {
      // One GET so the guard sees the desired and ready replicas (randomScale reads nothing otherwise).
      let deployment;
      try {
        deployment = await this.#o.actions.getDeployment(ns, target);
      } catch (error) {
        return done({ result: 'failed', target, reason: `reading the target deployment ${target} failed: ${errorText(error)}` });
      }
      if (deployment === undefined) {
        const reason = `target deployment ${target} not found in namespace ${ns}`;
        await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.targetMissing.reason, reason);
        return done({ result: 'skipped', target, reason, problem: 'TargetMissing' });
      }
      const blocked = guardStep(checkRollout(spec.guard, deployment), target) ?? guardStep(checkScale(spec.guard, deployment, decision.replicas), target);
      if (blocked !== null) return done(blocked);
    }
    if (this.#dryRun(spec)) {
      const reason = `dry run: would scale deployment ${target} to ${decision.replicas} replicas (drawn uniformly in [${spec.minReplicas}, ${spec.maxReplicas}]); nothing sent`;
      await this.#event(term, cmcRef(cmc), 'Normal', EVENTS.dryRun.reason, reason);
      return done({ result: 'dry_run', target, reason });
    }
    let scaled;
    const what = `scaling deployment ${target}`;
    if (!this.#leading(term)) return done(this.#notLeader(target, what, false));
    try {
      scaled = await executeScale(decision, this.#o.actions, { namespace: ns, name: target }, { signal: term });
    } catch (error) {
      if (term.aborted) return done(this.#notLeader(target, what, true));
      if (error instanceof NotFoundError) {
        const reason = `target deployment ${target} not found in namespace ${ns}`;
        await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.targetMissing.reason, reason);
        return done({ result: 'skipped', target, reason, problem: 'TargetMissing' });
      }
      const reason = `scaling deployment ${target} to ${decision.replicas} replicas was refused: ${errorText(error)}`;
      await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.actionFailed.reason, reason);
      return done({ result: 'failed', target, reason, problem: 'ActionFailed' });
    }
    replicas = scaled.replicas;
    await this.#event(
      term,
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: target, ...(scaled.uid !== undefined ? { uid: scaled.uid } : {}) },
      'Normal',
      EVENTS.scaled.reason,
      EVENTS.scaled.message(replicas),
    );
    return done({ result: 'succeeded', target, reason: `scaled to ${replicas} replicas, drawn uniformly in [${spec.minReplicas}, ${spec.maxReplicas}]` });
  }

  async #killPod(
    cmc: ChaosMonkeyConfigurationV1,
    spec: CmcSpecV1,
    base: Omit<ActionOutcomeBase, 'result' | 'reason'>,
    byPressure: boolean,
    term: AbortSignal,
  ): Promise<{ outcome: ActionOutcome; problem: ActionProblem | undefined }> {
    // The mode's target fields, filled in as the action learns them.
    let selector: string | null = null;
    let podsSeen: number | null = null;
    let podsKilled = 0;
    let cpuCores: number | null = null;
    const done = (step: Step): { outcome: ActionOutcome; problem: ActionProblem | undefined } => {
      const { common, problem } = split(step);
      const outcome: ActionOutcome = byPressure
        ? { ...base, ...common, mode: 'antiPressure', selector, cpuCores }
        : { ...base, ...common, mode: 'killPod', labelSelector: selector, podsSeen, podsKilled };
      return { outcome, problem };
    };
    const ns = base.namespace;
    const depName = spec.deployment.name;
    let deployment;
    let pods;
    try {
      deployment = await this.#o.actions.getDeployment(ns, depName);
      if (deployment === undefined) {
        const reason = `target deployment ${depName} not found in namespace ${ns}`;
        await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.targetMissing.reason, reason);
        return done({ result: 'skipped', target: depName, reason, problem: 'TargetMissing' });
      }
      selector = seedSelectorLabel(deployment.selector);
      pods = await this.#o.actions.listPods(ns, deployment.selector);
      podsSeen = pods.length;
    } catch (error) {
      const reason = `reading the target deployment ${depName} failed: ${errorText(error)}`;
      return done({ result: 'failed', target: depName, reason });
    }
    // Guards (issue 11 point 4): rollout and pod age before the choice, minAvailable on the batch.
    let eligible: readonly PodInfo[] = pods;
    if (hasGuard(spec.guard)) {
      const rollout = guardStep(checkRollout(spec.guard, deployment), depName);
      if (rollout !== null) return done(rollout);
      const aged = filterByAge(spec.guard, pods, this.#o.clock.now());
      if (aged.kind !== 'ok') return done(guardStep(aged, depName) as Step);
      eligible = aged.pods;
    }
    if (byPressure) {
      // The headroom counts every running pod of the Deployment (podSelector only narrows the choice).
      const headroom = checkAntiPressureHeadroom(pods, spec.minReplicas);
      if (headroom !== null) return done({ result: 'skipped', target: depName, reason: headroom.reason });
    }
    // Issue 12: only Running, non-terminating pods matching spec.podSelector are ever candidates.
    const chosen = candidatesOf(eligible, spec.podSelector);
    if (chosen.kind === 'none') return done({ result: 'skipped', target: depName, reason: chosen.reason });
    const candidates = chosen.pods;
    const budget = removalBudget(spec.guard, deployment, pods);
    if (budget.kind !== 'ok') return done(guardStep(budget, depName) as Step);
    let left = budget.budget;
    /** Takes `pod` into the batch when the ready-pod budget allows it. */
    const fits = (pod: PodInfo): boolean => {
      if (pod.ready !== true) return true;
      if (left <= 0) return false;
      left--;
      return true;
    };
    let plan: BatchPlan;
    /** A fresh victim for a slot whose victim was already gone (issue 13: a lagging cache), or undefined. */
    let replace: (gone: PodInfo) => PodInfo | undefined;
    const cpuByPod = new Map<string, number>();
    let measured = 0;
    if (!byPressure) {
      const size = batchSize(spec.selection, candidates.length, this.#o.random);
      if (size === 0) return done({ result: 'skipped', target: depName, reason: `spec.selection ${describeSelection(spec.selection)} selects no pod of ${candidates.length} candidates` });
      const draw = drawVictims(candidates, this.#o.random);
      plan = planBatch(draw, size, left);
      left = plan.budgetLeft;
      replace = () => {
        for (let pod = draw.next(); pod !== undefined; pod = draw.next()) if (fits(pod)) return pod;
        return undefined;
      };
    } else {
      let cpu;
      try {
        cpu = await this.#o.actions.podCpu(ns, deployment.selector);
      } catch (error) {
        const reason = `no pod metrics: ${errorText(error)}`;
        await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.noMetrics.reason, reason);
        return done({ result: error instanceof MetricsUnavailableError ? 'skipped' : 'failed', target: depName, reason, problem: 'NoMetrics' });
      }
      const decision = busiestOf(candidates, cpu, this.#o.random);
      if (decision.kind === 'skip') {
        if (decision.noMetrics !== true) return done({ result: 'skipped', target: depName, reason: decision.reason });
        await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.noMetrics.reason, decision.reason);
        return done({ result: 'skipped', target: depName, reason: decision.reason, problem: 'NoMetrics' });
      }
      measured = decision.candidates;
      cpuByPod.set(decision.pod.name, decision.cpuNanoCores);
      plan = fits(decision.pod) ? { victims: [decision.pod], dropped: [], budgetLeft: left } : { victims: [], dropped: [decision.pod], budgetLeft: left };
      // The next busiest, while the pods not known gone still exceed minReplicas.
      const gone = new Set<string>();
      let remaining = candidates.filter((p) => p.name !== decision.pod.name);
      replace = (pod) => {
        gone.add(pod.name);
        if (checkAntiPressureHeadroom(pods.filter((p) => !gone.has(p.name)), spec.minReplicas) !== null) return undefined;
        const next = busiestOf(remaining, cpu, this.#o.random);
        if (next.kind === 'skip' || !fits(next.pod)) return undefined;
        remaining = remaining.filter((p) => p.name !== next.pod.name);
        cpuByPod.set(next.pod.name, next.cpuNanoCores);
        return next.pod;
      };
    }
    const { victims, dropped } = plan;
    if (victims.length === 0) {
      const first = dropped[0];
      if (first === undefined) return done({ result: 'skipped', target: depName, reason: 'no victim could be drawn' });
      return done(guardStep(checkPodRemoval(spec.guard, deployment, pods, first), first.name) ?? { result: 'blocked', target: first.name, reason: 'guard minAvailable: no pod may be removed', problem: 'GuardNotMet' });
    }
    const batch = !byPressure && selectionMode(spec.selection) !== 'one';
    const trimmed = dropped.length > 0 && budget.min !== undefined ? `; guard minAvailable trimmed the batch from ${victims.length + dropped.length} to ${victims.length} pods (${budget.ready} ready, minAvailable ${budget.min.text})` : '';
    const evict = spec.killMethod === 'evict';
    const verb = evict ? 'evict' : 'delete';
    const names = victims.map((p) => p.name);
    const planned = formatTargets(names);
    const how = (count: number): string =>
      byPressure
        ? `the busiest of ${measured} running pods`
        : batch
          ? `${count} of ${candidates.length} candidates (selection ${describeSelection(spec.selection)}), chosen uniformly at random without replacement`
          : `one of ${candidates.length} pods, chosen uniformly at random`;
    if (this.#dryRun(spec)) {
      const first = victims[0] as PodInfo;
      const reason = byPressure
        ? `dry run: would ${verb} pod ${first.name}, ${how(1)} (${nanoCoresToCores(cpuByPod.get(first.name) ?? 0)} CPU cores); nothing sent`
        : `dry run: would ${verb} pod${names.length > 1 ? 's' : ''} ${names.join(', ')}, ${how(names.length)}${trimmed}; nothing sent`;
      await this.#event(term, cmcRef(cmc), 'Normal', EVENTS.dryRun.reason, reason);
      return done({ result: 'dry_run', target: planned, reason });
    }
    const grace = typeof spec.gracePeriodSeconds === 'number' ? spec.gracePeriodSeconds : this.#o.killGraceSeconds;
    if (evict && this.#o.canEvict?.() === false) {
      const reason = `spec.killMethod is evict but the operator may not create pods/eviction (RBAC): pod${names.length > 1 ? 's' : ''} ${planned} not touched`;
      return done({ result: 'blocked', target: planned, reason, problem: 'EvictionForbidden' });
    }
    const whatOf = (pod: PodInfo): string => `${evict ? 'evicting' : 'deleting'} pod ${pod.name}`;
    if (!this.#leading(term)) return done(this.#notLeader(planned, names.length > 1 ? `${evict ? 'evicting' : 'deleting'} pods ${planned}` : whatOf(victims[0] as PodInfo), false));
    const slots = await mapBounded(victims, KILL_PARALLELISM, (victim) => this.#killSlot(cmc, victim, evict, grace, term, replace));
    const killed = slots.filter((r) => r.kind === 'killed').map((r) => r.pod);
    const failed = slots.filter((r) => r.kind === 'failed');
    const refused = slots.filter((r) => r.kind === 'blocked');
    const lost = slots.filter((r) => r.kind === 'notLeader');
    const gone = slots.filter((r) => r.kind === 'gone');
    podsKilled = killed.length;
    const target = killed.length > 0 ? formatTargets(killed.map((p) => p.name)) : planned;
    const notes = [
      gone.length > 0 ? `${gone.length} victim(s) already gone with no candidate left` : '',
      refused.length > 0 ? `${refused.length} refused by a PodDisruptionBudget` : '',
      lost.length > 0 ? `${lost.length} not sent: leadership lost` : '',
    ].filter((n) => n !== '');
    const tail = `${trimmed}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`;
    if (failed.length > 0) {
      const first = failed[0] as Extract<SlotResult, { kind: 'failed' }>;
      const reason = slots.length === 1 ? first.reason : `${killed.length} of ${slots.length} pods killed, ${failed.length} refused (first: ${first.reason})${tail}`;
      return done({ result: 'failed', target, reason, problem: 'ActionFailed' });
    }
    if (killed.length > 0) {
      if (byPressure) {
        const pod = killed[0] as PodInfo;
        cpuCores = nanoCoresToCores(cpuByPod.get(pod.name) ?? 0);
        return done({ result: 'succeeded', target, reason: `killed ${how(1)} (${cpuCores} CPU cores)${tail}` });
      }
      return done({ result: 'succeeded', target, reason: `killed ${batch ? how(killed.length) : how(1)}${tail}` });
    }
    if (refused.length > 0) {
      const first = refused[0] as Extract<SlotResult, { kind: 'blocked' }>;
      return done({ result: 'blocked', target, reason: slots.length === 1 ? first.reason : `${first.reason}${tail}`, problem: 'DisruptionBudget' });
    }
    if (lost.length > 0) {
      const first = lost[0] as Extract<SlotResult, { kind: 'notLeader' }>;
      return done(this.#notLeader(target, whatOf(first.pod), first.sent));
    }
    const goneNames = formatTargets(gone.map((r) => r.pod.name));
    return done({ result: 'skipped', target, reason: `pod${gone.length > 1 ? 's' : ''} ${goneNames} already gone and no other candidate left` });
  }

  /**
   * One slot of a batch: deletes (or evicts) `victim`; when it is already gone (404, a lagging
   * cache) retries at once on `replace`'s next candidate, at most {@link MAX_REPLACEMENTS} times.
   * Writes the seed's Event on each killed pod and a Warning Event on the CMC for a refusal.
   */
  async #killSlot(cmc: ChaosMonkeyConfigurationV1, victim: PodInfo, evict: boolean, grace: number, term: AbortSignal, replace: (gone: PodInfo) => PodInfo | undefined): Promise<SlotResult> {
    let pod = victim;
    for (let attempt = 0; ; attempt++) {
      if (!this.#leading(term)) return { kind: 'notLeader', pod, sent: false };
      let gone: boolean;
      try {
        if (evict) {
          const answer = await this.#o.actions.evictPod(pod.namespace, pod.name, pod.uid, grace, { signal: term });
          if (typeof answer === 'object') {
            const budget = answer.pdb !== undefined ? `PodDisruptionBudget ${answer.pdb}` : 'a PodDisruptionBudget';
            const reason = `evicting pod ${pod.name} was refused by ${budget}: ${answer.blocked}`;
            await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.disruptionBudget.reason, reason);
            return { kind: 'blocked', pod, reason };
          }
          gone = answer === 'gone';
        } else {
          gone = (await executeKillPod({ kind: 'kill', pod, candidates: 1 }, this.#o.actions, grace, { signal: term })).kind === 'alreadyGone';
        }
      } catch (error) {
        if (term.aborted) return { kind: 'notLeader', pod, sent: true };
        const reason = `${evict ? 'evicting' : 'deleting'} pod ${pod.name} was refused: ${errorText(error)}`;
        await this.#event(term, cmcRef(cmc), 'Warning', EVENTS.actionFailed.reason, reason);
        return { kind: 'failed', pod, reason };
      }
      if (!gone) {
        await this.#event(term, { apiVersion: 'v1', kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid }, 'Normal', EVENTS.podKilled.reason, EVENTS.podKilled.message);
        return { kind: 'killed', pod };
      }
      const next = attempt < MAX_REPLACEMENTS ? replace(pod) : undefined;
      if (next === undefined) return { kind: 'gone', pod };
      pod = next;
    }
  }
}
