/**
 * Level-based reconcile of one CMC key `namespace/name` (architecture.md "reconcile", issue 4
 * points 4, 5, 7, 8). `reconcile(key)` reads only the Store, computes the desired schedule entry
 * (valid spec, enabled, namespace eligible), upserts or cancels it on the shared timer wheel
 * (entries keyed by CMC UID), emits the seed's lifecycle Events once per transition, and patches
 * `status` only when it changed. Reconciling twice changes nothing.
 *
 * It also owns the schedule book the wheel's ids resolve through: {@link Reconciler.takeDue}
 * turns a fired id into the action to run and books the next slot at once (fixed period: the next
 * slot is `dueAt + timeout`, never postponed by cluster activity; with spec.schedule the next cron
 * time, and in both cases the first slot outside the excluded windows), and
 * {@link Reconciler.recheck} re-validates a CMC at action time.
 *
 * The schedule decision is desired.ts, the status conditions.ts (Ready / Paused / Blocked; a
 * skipped or failed last action, e.g. a missing target Deployment, makes Ready False with its
 * message until an action of the current mode succeeds).
 */
import { createHash } from 'node:crypto';
import { API_VERSION_V1, KIND } from '../../../api/names.ts';
import type { ChaosMonkeyConfigurationV1, CmcStatusV1, LastAction, ScalingMode } from '../../../api/v1.ts';
import type { NamespaceBehavior } from '../chaos/eligibility.ts';
import type { DueEntry, Recheck, RunResult } from '../chaos/runner.ts';
import { formatGoDuration } from '../../../api/duration.ts';
import type { ChaosMetrics, Clock, ClusterActions, EventSink, Logger, ObjectRef, StatusWriter, Store } from '../ports.ts';
import type { TimerHeap } from '../scheduler/timer-heap.ts';
import { allowedFrom, excludedFrom, isExcluded, slotAfter } from '../scheduler/calendar.ts';
import type { CronCtor, Plan } from '../scheduler/calendar.ts';
import { checkCronWithCroner, loadCron } from '../scheduler/croner.ts';
import type { CronChecker } from '../../../api/validate.ts';
import type { StopCondition } from '../alerts/stop-condition.ts';
import { lastActionOf, nextStatus, statusEquals } from './conditions.ts';
import { desiredSchedule } from './desired.ts';
import type { Desired } from './desired.ts';
import { keyOf, splitKey } from './queue.ts';
import type { ReconcileResult } from './queue.ts';

/** Construction options of {@link Reconciler}. */
export interface ReconcilerOptions {
  store: Store;
  wheel: TimerHeap;
  status: StatusWriter;
  events: EventSink;
  clock: Clock;
  log: Logger;
  metrics: Pick<ChaosMetrics, 'activeEntries' | 'eligibleNamespaces' | 'targetGone'>;
  /** Reads the target Deployment's UID for the ChaosMonkeyTarget Event (a slim informer may serve it later). */
  actions: Pick<ClusterActions, 'getDeployment'>;
  behavior: NamespaceBehavior;
  ownNamespace: string;
  targetSelf: boolean;
  /** Alert stop condition (alerts/stop-condition.ts); absent = none configured. */
  stopCondition?: Pick<StopCondition, 'verdict'>;
  /** The cron library for spec.schedule, loaded on first use; default croner (scheduler/croner.ts). */
  cron?: { load: () => CronCtor; check: CronChecker };
  /** A scheduled CMC entered (`inside` true) or left an excluded window of spec.schedule: notifications. */
  onWindow?: (change: { namespace: string; name: string; inside: boolean; message: string }) => void;
}

/**
 * Timer heap ids of window boundaries start with this, then the CMC UID: when a CMC with excluded
 * windows enters or leaves one, it is reconciled (status, `window` notification) on the shared wheel.
 */
export const WINDOW_TIMER_PREFIX = 'window/';

/** Lifecycle Events (seed-spec.md 11, rows 1-5) and our Warning for invalid specs. */
export const LIFECYCLE_EVENTS = Object.freeze({
  started: { reason: 'Started', message: (dep: string): string => `Watcher started for deployment ${dep}` },
  modified: { reason: 'Modified', message: (dep: string): string => `Watcher modified for deployment ${dep}` },
  deleted: { reason: 'Deleted', message: (dep: string): string => `Watcher deleted for deployment ${dep}` },
  nsAdded: { reason: 'Added', message: (ns: string): string => `CRD Watcher added for ${ns}` },
  nsDeleted: { reason: 'Deleted', message: (ns: string): string => `CRD Watcher deleted for ${ns}` },
  invalid: { reason: 'InvalidSpec' },
  /** Warning: a field this operator version does not support yet; the CMC does not act (issue 11). */
  unsupported: { reason: 'Unsupported' },
  /**
   * Ours, in the spirit of the seed's "Pod may be targeted by next Chaos Monkey in <timeout>" (row
   * 6): once per scheduling, on the target Deployment, so `kubectl get events` names Chaos Monkey.
   */
  target: {
    reason: 'ChaosMonkeyTarget',
    message: (cmc: string, mode: ScalingMode, intervalMs: number, cadence?: string): string =>
      `Targeted by Chaos Monkey: ChaosMonkeyConfiguration ${cmc} runs ${mode} ${cadence ?? `every ${formatGoDuration(BigInt(intervalMs) * 1_000_000n)}`}`,
  },
});

/** One scheduled CMC. */
interface BookEntry {
  uid: string;
  namespace: string;
  name: string;
  mode: ScalingMode;
  deployment: string;
  timeoutMs: number;
  generation: number;
  /** Cadence and windows (scheduler/calendar.ts): the next slot after one that fired. */
  plan: Plan;
  /** {@link Plan.key} the window-boundary timer was computed for (recomputed only when it changes or has fired). */
  windowsArmedFor?: string | undefined;
}

/** What the reconciler remembers per key between reconciles (UID, last outcome, last status sent). */
interface KeyMemory {
  uid: string;
  deployment: string;
  generation: number | undefined;
  lastAction?: LastAction;
  /** Ready reason of a problem recorded with lastAction (CacheStale); else derived from its result. */
  lastReason?: string;
  /** Fingerprint of the last status we patched, to skip a repeat while the cache catches up. */
  lastSent?: string;
  /** resourceVersion of the cached object `lastSent` was computed from. */
  lastSentAgainst?: string | undefined;
  /** Generation whose invalid spec was already reported (log + Event once per generation). */
  reportedInvalid?: number;
  /**
   * The last action was blocked by spec.guard (GuardNotMet, GuardUnknown) or at the API (killMethod
   * evict: DisruptionBudget, EvictionForbidden): shown as Blocked True until an action is not.
   */
  actionBlock?: { reason: string; message: string };
  /** Generation whose unsupported fields were already reported (log + Event once per generation). */
  reportedUnsupported?: number;
  /** Inside an excluded window of spec.schedule at the last reconcile (undefined before the first one). */
  insideWindow?: boolean;
}

/**
 * Short digest of a status built by nextStatus (its key order is fixed), kept instead of the whole
 * object: about 1 KB less per CMC at 10,000 CMCs.
 */
function fingerprintOf(status: CmcStatusV1): string {
  return createHash('sha1').update(JSON.stringify(status)).digest('base64');
}

/**
 * A schedule to resume after a restart or failover: the `status.nextActionAt` written for this
 * generation by the previous leader, when it lies within the next period. Otherwise undefined.
 */
function resumeAt(cmc: ChaosMonkeyConfigurationV1, generation: number, now: number, timeoutMs: number): number | undefined {
  const status = cmc.status;
  if (status === undefined || status.observedGeneration !== generation || typeof status.nextActionAt !== 'string') return undefined;
  const at = Date.parse(status.nextActionAt);
  return Number.isFinite(at) && at > now && at <= now + timeoutMs ? at : undefined;
}

const DEFAULT_CRON = Object.freeze({ load: loadCron, check: checkCronWithCroner });

/** The operator's reconciler; see the module comment for its contract. */
export class Reconciler {
  readonly #o: ReconcilerOptions;
  /** Wheel id (CMC UID) -> entry. */
  readonly #book = new Map<string, BookEntry>();
  readonly #memory = new Map<string, KeyMemory>();
  /** Scheduled entries per namespace (for the namespace Added/Deleted Events and metrics). */
  readonly #perNamespace = new Map<string, Map<ScalingMode, number>>();
  /** UID of each namespace holding scheduled entries (for its Deleted Event). */
  readonly #namespaceUids = new Map<string, string>();
    /** Scheduled entries per target `namespace/deployment` (its metric series go when none is left). */
  readonly #perTarget = new Map<string, number>();

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  /** Number of scheduled CMCs. */
  get scheduled(): number {
    return this.#book.size;
  }

  /**
   * Reconciles `namespace/name`. Throws typed errors from the status writer (retryable ones
   * requeue). `term` is the leadership term it was dispatched in: once aborted, the reconcile
   * writes nothing more (no Event, no status) and the status request in flight is aborted.
   */
  async reconcile(key: string, term?: AbortSignal): Promise<ReconcileResult> {
    const ended = (): boolean => term?.aborted === true;
    const emit = async (...args: Parameters<EventSink['emit']>): Promise<void> => {
      if (!ended()) await this.#o.events.emit(...args);
    };
    const parts = splitKey(key);
    if (parts === undefined) return {}; // not a namespace/name key: nothing can match it
    const { namespace, name } = parts;
    const cmc = this.#o.store.getCmc(namespace, name);
    const memory = this.#memory.get(key);
    if (cmc === undefined) {
      if (memory !== undefined) {
        this.#unschedule(memory.uid);
        this.#memory.delete(key);
        const ref: ObjectRef = { apiVersion: API_VERSION_V1, kind: KIND, namespace, name, uid: memory.uid };
        await emit(ref, 'Normal', LIFECYCLE_EVENTS.deleted.reason, LIFECYCLE_EVENTS.deleted.message(memory.deployment));
      }
      return {};
    }
    const uid = cmc.metadata.uid ?? key;
    let mem = memory;
    if (mem === undefined || mem.uid !== uid) {
      if (mem !== undefined) this.#unschedule(mem.uid); // deleted and re-created under the same name
      mem = { uid, deployment: '', generation: undefined };
      const prior = cmc.status?.lastAction;
      if (prior !== undefined) mem.lastAction = prior;
      this.#memory.set(key, mem);
    }
    const generation = typeof cmc.metadata.generation === 'number' ? cmc.metadata.generation : 0;
    const existingEntry = this.#book.get(uid);
    const existingDue = this.#o.wheel.dueAt(uid);
    const verdict = this.#desired(cmc, existingEntry === undefined || existingDue === undefined ? undefined : { mode: existingEntry.mode, intervalMs: existingEntry.timeoutMs, key: existingEntry.plan.key, dueAt: existingDue });
    const ref: ObjectRef = { apiVersion: API_VERSION_V1, kind: KIND, namespace, name, uid };
    const dep = typeof cmc.spec?.deployment?.name === 'string' ? cmc.spec.deployment.name : '';

    let nextActionAt: number | undefined;
    if (verdict.kind === 'schedule') {
      const existing = existingEntry;
      const now = this.#o.clock.now();
      if (existing === undefined) {
        const entry: BookEntry = { uid, namespace, name, mode: verdict.mode, deployment: verdict.deploymentName, timeoutMs: verdict.intervalMs, generation, plan: verdict.plan };
        // A period's slot resumes where the previous leader left it (when allowed); a cron's is absolute anyway.
        const resumed = verdict.plan.cadence.kind === 'period' ? resumeAt(cmc, generation, now, verdict.intervalMs) : undefined;
        const allowed = resumed !== undefined && (verdict.plan.windows === undefined || !isExcluded(verdict.plan.windows, resumed)) ? resumed : undefined;
        this.#schedule(entry, allowed ?? verdict.dueAt);
        await emit(ref, 'Normal', LIFECYCLE_EVENTS.started.reason, LIFECYCLE_EVENTS.started.message(verdict.deploymentName));
        await this.#announceTarget(ref, entry, emit);
      } else {
        const modified = existing.generation !== generation;
        const retargeted = existing.mode !== verdict.mode || existing.deployment !== verdict.deploymentName || existing.timeoutMs !== verdict.intervalMs || existing.plan.key !== verdict.plan.key;
        if (existing.mode !== verdict.mode) {
          this.#count(namespace, existing.mode, -1);
          this.#count(namespace, verdict.mode, +1);
        }
        if (existing.deployment !== verdict.deploymentName) {
          this.#countTarget(namespace, existing.deployment, -1);
          this.#countTarget(namespace, verdict.deploymentName, +1);
        }
        Object.assign(existing, { mode: verdict.mode, deployment: verdict.deploymentName, timeoutMs: verdict.intervalMs, generation, plan: verdict.plan });
        if (verdict.change !== 'kept') this.#o.wheel.upsert(uid, verdict.dueAt); // the new period or schedule applies at once
        if (modified) {
          await emit(ref, 'Normal', LIFECYCLE_EVENTS.modified.reason, LIFECYCLE_EVENTS.modified.message(verdict.deploymentName));
        }
        if (retargeted) await this.#announceTarget(ref, existing, emit);
      }
      nextActionAt = this.#o.wheel.dueAt(uid);
      this.#armWindowTimer(uid, verdict.plan);
      const inside = verdict.facts.insideWindow === true;
      if (mem.insideWindow !== undefined && mem.insideWindow !== inside && !ended()) {
        const message = inside ? (verdict.facts.window?.message ?? 'outside the allowed time of spec.schedule') : `the excluded window of spec.schedule ended: next action at ${new Date(nextActionAt ?? verdict.dueAt).toISOString()}`;
        this.#o.log.info(inside ? 'excluded time window started' : 'excluded time window ended', { namespace, cmc: name, uid, reason: message });
        this.#o.onWindow?.({ namespace, name, inside, message });
      }
      mem.insideWindow = inside;
    } else {
      delete mem.insideWindow;
      const wasScheduled = this.#unschedule(uid);
      if (wasScheduled && mem.generation !== undefined && mem.generation !== generation) {
        await emit(ref, 'Normal', LIFECYCLE_EVENTS.modified.reason, LIFECYCLE_EVENTS.modified.message(dep));
      }
      if (verdict.reason === 'InvalidSpec' && mem.reportedInvalid !== generation) {
        mem.reportedInvalid = generation;
        this.#o.log.error('invalid ChaosMonkeyConfiguration: no chaos until it is fixed', { namespace, cmc: name, uid, generation, reason: verdict.message });
        await emit(ref, 'Warning', LIFECYCLE_EVENTS.invalid.reason, verdict.message);
      }
      if (verdict.reason === 'Unsupported' && mem.reportedUnsupported !== generation) {
        mem.reportedUnsupported = generation;
        this.#o.log.warn('ChaosMonkeyConfiguration uses a field not supported yet: no chaos until it is', { namespace, cmc: name, uid, generation, reason: verdict.message });
        await emit(ref, 'Warning', LIFECYCLE_EVENTS.unsupported.reason, verdict.message);
      }
    }
    mem.generation = generation;
    mem.deployment = dep;

    const effective: Desired = verdict.kind === 'schedule' && nextActionAt !== undefined ? { ...verdict, dueAt: nextActionAt } : verdict;
    const stop = verdict.kind === 'schedule' ? this.#o.stopCondition?.verdict() : undefined;
    const next = nextStatus(cmc.status, {
      desired: effective,
      generation,
      now: this.#o.clock.now(),
      ...(mem.lastAction !== undefined ? { lastAction: mem.lastAction } : {}),
      ...(mem.lastReason !== undefined ? { lastActionReason: mem.lastReason } : {}),
      ...(stop !== undefined ? { stopped: { reason: stop.problem, message: stop.message } } : mem.actionBlock !== undefined && verdict.kind === 'schedule' ? { stopped: mem.actionBlock } : {}),
    });
    if (statusEquals(cmc.status, next)) return {};
    // Sent already and the cache has not moved since: our own write is on its way back. A cached
    // object newer than the one we wrote against (someone overwrote the status) is repaired.
    const fingerprint = fingerprintOf(next);
    const seenRv = cmc.metadata.resourceVersion;
    if (fingerprint === mem.lastSent && seenRv === mem.lastSentAgainst) return {};
    if (ended()) return {};
    let sent: boolean;
    try {
      sent = await this.#o.status.patchStatus(cmc, cmc.status, next, term === undefined ? {} : { signal: term });
    } catch (error) {
      if (ended()) return {}; // aborted with the term: the new leader writes it
      throw error;
    }
    if (sent) {
      mem.lastSent = fingerprint;
      mem.lastSentAgainst = seenRv;
    }
    return {};
  }

  #desired(cmc: ChaosMonkeyConfigurationV1, existing: Parameters<typeof desiredSchedule>[0]['existing']): Desired {
    const namespace = cmc.metadata?.namespace ?? '';
    return desiredSchedule({
      cmc,
      namespace: this.#o.store.getNamespace(namespace),
      config: { behavior: this.#o.behavior, namespace: this.#o.ownNamespace, targetSelf: this.#o.targetSelf },
      now: this.#o.clock.now(),
      existing,
      operatorNamespace: this.#o.store.getNamespace(this.#o.ownNamespace),
      cron: this.#o.cron ?? DEFAULT_CRON,
    });
  }

  /**
   * The ChaosMonkeyTarget Event of a (re)scheduled entry, on the target Deployment with its UID.
   * When the Deployment cannot be read (not found yet, or the GET failed) the Event goes on the
   * CMC instead, saying why, so the namespace's Events still name Chaos Monkey.
   */
  async #announceTarget(cmcRef: ObjectRef, entry: BookEntry, emit: EventSink['emit']): Promise<void> {
    const message = LIFECYCLE_EVENTS.target.message(entry.name, entry.mode, entry.timeoutMs, entry.plan.key === '' ? undefined : entry.plan.text);
    let ref: ObjectRef = cmcRef;
    let note = '';
    try {
      const deployment = await this.#o.actions.getDeployment(entry.namespace, entry.deployment);
      if (deployment !== undefined) ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: entry.namespace, name: entry.deployment, uid: deployment.uid };
      else note = ` (Deployment ${entry.deployment} not found)`;
    } catch (error) {
      note = ` (Deployment ${entry.deployment} could not be read: ${error instanceof Error ? error.message : String(error)})`;
    }
    await emit(ref, 'Normal', LIFECYCLE_EVENTS.target.reason, `${message}${note}`);
  }

  /** Arms (or cancels) the re-check at the next window boundary of `uid`: the end of the window it is in, or the start of the next one. */
  #armWindowTimer(uid: string, plan: Plan): void {
    const id = `${WINDOW_TIMER_PREFIX}${uid}`;
    const entry = this.#book.get(uid);
    const w = plan.windows;
    const now = this.#o.clock.now();
    const armed = this.#o.wheel.dueAt(id);
    // Same windows and the boundary still ahead: it is still the next one (none lies before it).
    if (entry?.windowsArmedFor === plan.key && armed !== undefined && armed > now) return;
    const at = w === undefined ? undefined : isExcluded(w, now) ? allowedFrom(w, now) : excludedFrom(w, now);
    if (entry !== undefined) entry.windowsArmedFor = at === undefined ? undefined : plan.key;
    if (at === undefined) this.#o.wheel.cancel(id);
    else this.#o.wheel.upsert(id, at);
  }

  /** The `namespace/name` key of a fired window-boundary timer id, when its CMC is still scheduled. */
  windowDue(id: string): string | undefined {
    const entry = id.startsWith(WINDOW_TIMER_PREFIX) ? this.#book.get(id.slice(WINDOW_TIMER_PREFIX.length)) : undefined;
    return entry === undefined ? undefined : keyOf(entry.namespace, entry.name);
  }

  #schedule(entry: BookEntry, dueAt: number): void {
    this.#book.set(entry.uid, entry);
    this.#o.wheel.upsert(entry.uid, dueAt);
    this.#count(entry.namespace, entry.mode, +1);
    this.#countTarget(entry.namespace, entry.deployment, +1);
  }

  /** Counts entries per target; when the last one goes, the target's metric series go too. */
  #countTarget(namespace: string, deployment: string, delta: number): void {
    const key = keyOf(namespace, deployment);
    const value = (this.#perTarget.get(key) ?? 0) + delta;
    if (value > 0) {
      this.#perTarget.set(key, value);
      return;
    }
    this.#perTarget.delete(key);
    this.#o.metrics.targetGone(namespace, deployment);
  }

  /** Cancels the entry of `uid`; true when one existed. */
  #unschedule(uid: string): boolean {
    const entry = this.#book.get(uid);
    this.#o.wheel.cancel(uid);
    this.#o.wheel.cancel(`${WINDOW_TIMER_PREFIX}${uid}`);
    if (entry === undefined) return false;
    this.#book.delete(uid);
    this.#count(entry.namespace, entry.mode, -1);
    this.#countTarget(entry.namespace, entry.deployment, -1);
    return true;
  }

  #count(namespace: string, mode: ScalingMode, delta: number): void {
    let modes = this.#perNamespace.get(namespace);
    const before = modes === undefined ? 0 : [...modes.values()].reduce((a, b) => a + b, 0);
    if (modes === undefined) {
      modes = new Map();
      this.#perNamespace.set(namespace, modes);
    }
    const value = (modes.get(mode) ?? 0) + delta;
    modes.set(mode, value);
    this.#o.metrics.activeEntries(namespace, mode, value);
    const after = before + delta;
    if (before === 0 && after > 0) {
      const uid = this.#o.store.getNamespace(namespace)?.uid;
      if (uid !== undefined) this.#namespaceUids.set(namespace, uid);
      const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name: namespace, ...(uid !== undefined ? { uid } : {}) };
      void this.#o.events.emit(ref, 'Normal', LIFECYCLE_EVENTS.nsAdded.reason, LIFECYCLE_EVENTS.nsAdded.message(namespace));
    } else if (before > 0 && after === 0) {
      this.#perNamespace.delete(namespace);
      // The UID remembered at Added: the namespace may already be gone from the cache.
      const uid = this.#namespaceUids.get(namespace) ?? this.#o.store.getNamespace(namespace)?.uid;
      this.#namespaceUids.delete(namespace);
      const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name: namespace, ...(uid !== undefined ? { uid } : {}) };
      void this.#o.events.emit(ref, 'Normal', LIFECYCLE_EVENTS.nsDeleted.reason, LIFECYCLE_EVENTS.nsDeleted.message(namespace));
    }
    this.#o.metrics.eligibleNamespaces(this.#perNamespace.size);
  }

  /**
   * Resolves a fired wheel id to its action and books the next slot at once: `dueAt + timeout`, or
   * `now + timeout` when that is already past (e.g. after leadership was regained). Undefined when
   * the id is no longer scheduled.
   */
  takeDue(id: string, dueAt: number, firedAt: number): DueEntry | undefined {
    const entry = this.#book.get(id);
    if (entry === undefined) return undefined;
    // Period: dueAt + timeout (firedAt + timeout when already past); cron: the next time; either
    // moved past the excluded windows of spec.schedule (scheduler/calendar.ts).
    const next = slotAfter(entry.plan, dueAt, firedAt);
    if (next === undefined) this.#o.wheel.cancel(id); // no allowed slot left: the reconcile after the action says so
    else this.#o.wheel.upsert(id, next);
    return { uid: id, namespace: entry.namespace, name: entry.name, mode: entry.mode, deployment: entry.deployment, dueAt, firedAt };
  }

  /**
   * Action-time check from the cache: the cache is fresh (else skip with problem CacheStale: an
   * opt-out made while a watch was down would go unseen), same UID, valid, enabled, namespace
   * eligible, and no alert stop condition (else skip with problem StopCondition /
   * StopConditionUnknown).
   */
  recheck(entry: DueEntry): Recheck {
    if (!this.#o.store.isFresh()) {
      return { kind: 'skip', reason: 'CacheStale: a watch is down, the cache may miss an opt-out; slot skipped', problem: 'CacheStale' };
    }
    const cmc = this.#o.store.getCmc(entry.namespace, entry.name);
    if (cmc === undefined || (cmc.metadata.uid !== undefined && cmc.metadata.uid !== entry.uid)) {
      return { kind: 'skip', reason: 'the CMC no longer exists' };
    }
    const verdict = this.#desired(cmc, undefined);
    if (verdict.kind === 'cancel') return { kind: 'skip', reason: verdict.message };
    // Held by a pause: the slot is blocked (an action already running is not affected).
    const held = verdict.facts.blocked;
    if (held !== null && held !== verdict.facts.window) return { kind: 'skip', reason: held.message, problem: 'Paused', blocked: true };
    // Never inside an excluded window of spec.schedule (e.g. edited while the slot was on its way).
    if (verdict.facts.insideWindow === true) return { kind: 'skip', reason: verdict.facts.window?.message ?? 'outside the allowed time of spec.schedule', problem: 'OutsideWindow', blocked: true };
    const stop = this.#o.stopCondition?.verdict();
    if (stop !== undefined) return { kind: 'skip', reason: stop.reason, problem: stop.problem, blocked: true };
    return { kind: 'act', cmc, spec: cmc.spec };
  }

  /**
   * Records an action's result for the status (lastAction, Ready reason on a problem); the caller
   * enqueues the key so the next reconcile patches it. Ignored when the CMC is no longer known.
   */
  recordOutcome(entry: DueEntry, result: RunResult): void {
    const mem = this.#memory.get(keyOf(entry.namespace, entry.name));
    if (mem === undefined || mem.uid !== entry.uid) return;
    if (result.problem === 'Paused' || result.problem === 'OutsideWindow') return; // no action was taken: lastAction stays the last real one
    mem.lastAction = lastActionOf(result.outcome, mem.deployment, this.#o.clock.now());
    if (result.problem === 'CacheStale' || result.problem === 'StopCondition' || result.problem === 'StopConditionUnknown' || result.problem === 'GuardNotMet' || result.problem === 'GuardUnknown' || result.problem === 'DisruptionBudget' || result.problem === 'EvictionForbidden') mem.lastReason = result.problem;
    else delete mem.lastReason;
    if (result.problem === 'GuardNotMet' || result.problem === 'GuardUnknown' || result.problem === 'DisruptionBudget' || result.problem === 'EvictionForbidden') mem.actionBlock = { reason: result.problem, message: result.outcome.reason };
    else delete mem.actionBlock;
  }

  /** Forgets everything and clears the wheel (used on shutdown). */
  clear(): void {
    this.#o.wheel.clear();
    this.#book.clear();
    this.#memory.clear();
    this.#perNamespace.clear();
    this.#perTarget.clear();
    this.#namespaceUids.clear();
  }
}
