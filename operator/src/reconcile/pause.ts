/**
 * The pause switch (issue 11 point 2): annotation `cm.massix.github.io/paused=<reason>` on the
 * operator's own namespace pauses all chaos, on any other namespace the chaos there; the optional
 * `cm.massix.github.io/paused-until=<RFC 3339>` ends it by itself. Read from the Namespace cache
 * (the informer keeps these two annotations), so no new watch and no new RBAC.
 *
 * {@link readPause} is the pure rule. {@link PauseTracker} notices changes (one log line, one Event
 * on the Namespace and the `chaos_monkey_paused{scope}` gauge per change) and arms the end of a
 * `paused-until` pause as one entry of the shared timer heap (id `pause-until/<namespace>`).
 * An unreadable `paused-until` fails closed: paused until the annotation is fixed or removed.
 */
import { PAUSED_ANNOTATION, PAUSED_UNTIL_ANNOTATION } from '../../../api/names.ts';
import type { EventSink, Logger, NamespaceInfo } from '../ports.ts';
import type { TimerHeap } from '../scheduler/timer-heap.ts';

/** A pause in force. */
export interface PauseState {
  /** The annotation's value (or a note when empty / when paused-until is unreadable). */
  reason: string;
  /** ms epoch at which it ends by itself, when paused-until is set and readable. */
  until?: number;
}

/** Why a CMC does not act, as a Blocked condition reason + message. */
export interface BlockReason {
  code: string;
  message: string;
}

/** Timer heap ids of pause ends start with this (CMC UIDs never do). */
export const PAUSE_TIMER_PREFIX = 'pause-until/';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time to ms epoch; undefined when it is not one. */
export function parseRfc3339(text: string): number | undefined {
  if (!RFC3339.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim());
  return Number.isFinite(ms) ? ms : undefined;
}

/** The pause in force on `ns` at `now` (ms epoch), or null. Pure. */
export function readPause(ns: NamespaceInfo | undefined, now: number): PauseState | null {
  const annotations = ns?.annotations;
  const value = annotations?.[PAUSED_ANNOTATION];
  if (value === undefined) return null;
  const reason = value.trim() === '' ? '(no reason given)' : value;
  const untilText = annotations?.[PAUSED_UNTIL_ANNOTATION];
  if (untilText === undefined) return { reason };
  const until = parseRfc3339(untilText);
  if (until === undefined) return { reason: `${reason} (${PAUSED_UNTIL_ANNOTATION} ${JSON.stringify(untilText)} is not an RFC 3339 time: paused until it is fixed or removed)` };
  return until <= now ? null : { reason, until };
}

function describe(pause: PauseState): string {
  return pause.until === undefined ? pause.reason : `${pause.reason} (until ${new Date(pause.until).toISOString()})`;
}

/**
 * The Blocked reason `Paused` of a CMC in `namespaceName`, given the global pause (operator's own
 * namespace) and the namespace's own; null when neither is in force. The global one wins.
 */
export function pauseBlock(global: PauseState | null, local: PauseState | null, ownNamespace: string, namespaceName: string): BlockReason | null {
  if (global !== null) return { code: 'Paused', message: `all chaos paused by annotation ${PAUSED_ANNOTATION} on namespace ${ownNamespace}: ${describe(global)}` };
  if (local !== null) return { code: 'Paused', message: `chaos in namespace ${namespaceName} paused by annotation ${PAUSED_ANNOTATION}: ${describe(local)}` };
  return null;
}

function same(a: PauseState | null | undefined, b: PauseState | null): boolean {
  if (a === undefined || a === null) return b === null;
  return b !== null && a.reason === b.reason && a.until === b.until;
}

/** Construction options of {@link PauseTracker}. */
export interface PauseTrackerOptions {
  ownNamespace: string;
  wheel: Pick<TimerHeap, 'upsert' | 'cancel'>;
  events: EventSink;
  log: Logger;
  /** Sets `chaos_monkey_paused{scope}` (1 / 0; a namespace series is removed on resume). */
  setPaused: (scope: string, paused: boolean) => void;
  now: () => number;
  /** Called once per real change (not on reset): notifications. */
  onChange?: (change: { scope: string; namespace: string; paused: boolean; text: string }) => void;
}

/** Per-scope pause state of the leader; see the module comment. */
export class PauseTracker {
  readonly #o: PauseTrackerOptions;
  /** Namespace name -> pause in force. */
  readonly #state = new Map<string, PauseState>();

  constructor(options: PauseTrackerOptions) {
    this.#o = options;
  }

  /** Scope label of a namespace: `global` for the operator's own. */
  scopeOf(namespace: string): string {
    return namespace === this.#o.ownNamespace ? 'global' : namespace;
  }

  /**
   * Re-reads the pause of `name` (its cached Namespace, undefined when gone). On a change: one log
   * line, one Event on the Namespace, the gauge, and the end timer (re)armed or cancelled.
   * @returns true when the pause state changed.
   */
  observe(name: string, ns: NamespaceInfo | undefined): boolean {
    const next = readPause(ns, this.#o.now());
    const before = this.#state.get(name);
    if (same(before, next)) return false;
    const scope = this.scopeOf(name);
    const timerId = `${PAUSE_TIMER_PREFIX}${name}`;
    const ref = { apiVersion: 'v1', kind: 'Namespace', name, ...(ns?.uid !== undefined ? { uid: ns.uid } : {}) };
    const what = scope === 'global' ? 'all chaos' : `chaos in namespace ${name}`;
    if (next === null) {
      this.#state.delete(name);
      this.#o.wheel.cancel(timerId);
      this.#o.setPaused(scope, false);
      this.#o.log.info(`${what} resumed`, { scope, namespace: name });
      if (ns !== undefined) void this.#o.events.emit(ref, 'Normal', 'Resumed', `${what} resumed (${PAUSED_ANNOTATION} removed or expired)`);
      this.#o.onChange?.({ scope, namespace: name, paused: false, text: `${what} resumed` });
      return true;
    }
    this.#state.set(name, next);
    if (next.until === undefined) this.#o.wheel.cancel(timerId);
    else this.#o.wheel.upsert(timerId, next.until);
    this.#o.setPaused(scope, true);
    this.#o.log.warn(`${what} paused`, { scope, namespace: name, reason: next.reason, ...(next.until !== undefined ? { until: new Date(next.until).toISOString() } : {}) });
    void this.#o.events.emit(ref, 'Normal', 'Paused', `${what} paused: ${describe(next)}`);
    this.#o.onChange?.({ scope, namespace: name, paused: true, text: `${what} paused: ${describe(next)}` });
    return true;
  }

  /** Namespaces whose pause is in force (tracked). */
  pausedNamespaces(): string[] {
    return [...this.#state.keys()];
  }

  /** Forgets every pause (leadership lost): the gauges go back to not paused. Timers die with the heap's clear. */
  reset(): void {
    for (const name of this.#state.keys()) this.#o.setPaused(this.scopeOf(name), false);
    this.#state.clear();
  }
}
