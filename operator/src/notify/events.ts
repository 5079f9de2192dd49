/**
 * Which notification an action outcome makes (pure), and the event kinds of CHAOSMONKEY_NOTIFY_EVENTS.
 */
import type { ActionOutcome, NotifyEvent, NotifyEventKind } from '../ports.ts';

/** Every event kind, in documentation order. */
export const NOTIFY_EVENT_KINDS: readonly NotifyEventKind[] = Object.freeze(['action', 'failure', 'blocked', 'pause', 'window'] as const);

/** Default of CHAOSMONKEY_NOTIFY_EVENTS. */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEventKind[] = Object.freeze(['failure', 'pause'] as const);

/** Parses a comma list of event kinds (case-insensitive, blanks ignored); error names the unknown ones. */
export function parseEventList(raw: string): { ok: true; events: NotifyEventKind[] } | { ok: false; error: string } {
  const names = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0) return { ok: false, error: 'empty list' };
  const unknown = names.filter((n) => !(NOTIFY_EVENT_KINDS as readonly string[]).includes(n));
  if (unknown.length > 0) return { ok: false, error: `unknown event ${unknown.join(', ')}; expected ${NOTIFY_EVENT_KINDS.join(', ')}` };
  return { ok: true, events: NOTIFY_EVENT_KINDS.filter((k) => names.includes(k)) };
}

/**
 * The notification of one action outcome: succeeded -> `action`, failed -> `failure`, skipped with
 * a problem (TargetMissing, CacheStale, StopCondition, ...) -> `blocked`. A skip without a problem
 * (e.g. the previous action still running, a guard's headroom) makes none.
 */
export function outcomeEvent(outcome: ActionOutcome, problem: string | undefined, at: number): NotifyEvent | undefined {
  let kind: NotifyEventKind;
  if (outcome.result === 'succeeded') kind = 'action';
  else if (outcome.result === 'failed') kind = 'failure';
  else if (problem !== undefined) kind = 'blocked';
  else return undefined;
  const e: NotifyEvent = { kind, at, namespace: outcome.namespace, cmc: outcome.cmc, mode: outcome.mode, reason: outcome.reason };
  if (outcome.target !== undefined) e.target = outcome.target;
  if (problem !== undefined) e.problem = problem;
  return e;
}

/** A pause switched on (`paused`) or off; `cmc` absent = operator-wide. */
export function pauseEvent(paused: boolean, reason: string, at: number, cmc?: { namespace: string; name: string }): NotifyEvent {
  return { kind: 'pause', at, on: paused, reason, ...(cmc !== undefined ? { namespace: cmc.namespace, cmc: cmc.name } : {}) };
}
