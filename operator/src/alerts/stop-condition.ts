/**
 * Alert-driven stop condition (issue 11 point 5). {@link StopCondition} polls an
 * {@link AlertSource} on the injected Clock (one request per refresh, whatever the number of
 * CMCs, at most one in flight, each bounded by a timeout) and keeps the answer, so the action-time
 * gate {@link StopCondition.current} is synchronous. {@link evaluateAlerts} and {@link stopVerdict}
 * are the pure decisions: which alert fires, and whether the state blocks chaos.
 *
 * Until the first answer the state is `unknown` (fail closed by default: no action before
 * Alertmanager has said that nothing fires). A body that is not an array of alerts with string
 * labels is `unknown` (garbage), like a network error, an HTTP error or a timeout.
 */
import type { AlertSource, Clock, StopState } from '../ports.ts';
import { matchesAll } from './matchers.ts';
import type { Matcher } from './matchers.ts';

/** Problem code of a slot skipped by the stop condition (also the Blocked reason). */
export type StopProblem = 'StopCondition' | 'StopConditionUnknown';

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

/** Name of an alert for humans: its `alertname`, else its labels. */
function alertName(labels: Readonly<Record<string, string>>): string {
  const name = labels.alertname;
  if (name !== undefined && name !== '') return name;
  return `{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/**
 * The state an Alertmanager `GET /api/v2/alerts` body gives for `matchers`: `firing` naming the
 * first matching alert not suppressed (by name; `(+N more)` when several), `clear`, or `unknown` when the
 * body is not a list of alerts.
 */
export function evaluateAlerts(body: unknown, matchers: readonly Matcher[]): StopState {
  if (!Array.isArray(body)) return { state: 'unknown', why: 'Alertmanager answered something that is not a list of alerts' };
  const names: string[] = [];
  for (const alert of body as unknown[]) {
    if (typeof alert !== 'object' || alert === null) return { state: 'unknown', why: 'Alertmanager answered an alert that is not an object' };
    const { labels, status } = alert as { labels?: unknown; status?: unknown };
    if (!isStringRecord(labels)) return { state: 'unknown', why: 'Alertmanager answered an alert without string labels' };
    const state = typeof status === 'object' && status !== null ? (status as { state?: unknown }).state : undefined;
    // `unprocessed` (just received, not yet routed) counts as firing: only a known suppression clears.
    if (state === 'suppressed') continue;
    if (matchesAll(matchers, labels)) names.push(alertName(labels));
  }
  if (names.length === 0) return { state: 'clear' };
  names.sort();
  return { state: 'firing', alert: names.length === 1 ? names[0]! : `${names[0]!} (+${names.length - 1} more)` };
}

/** What a blocking state means: problem code (Blocked reason), condition message, skip reason. */
export interface StopVerdict {
  problem: StopProblem;
  message: string;
  reason: string;
}

/** Whether `state` blocks chaos: a firing alert always, an unknown state when failing closed. */
export function stopVerdict(state: StopState, failClosed: boolean): StopVerdict | undefined {
  let problem: StopProblem;
  let message: string;
  if (state.state === 'firing') {
    problem = 'StopCondition';
    message = `alert ${state.alert} is firing (CHAOSMONKEY_STOP_ON_ALERTS): chaos stopped`;
  } else if (state.state === 'unknown' && failClosed) {
    problem = 'StopConditionUnknown';
    message = `${state.why}: chaos stopped (fail closed, CHAOSMONKEY_STOP_ON_UNKNOWN)`;
  } else {
    return undefined;
  }
  return { problem, message, reason: `${problem}: ${message}; slot skipped` };
}

/** Construction options of {@link StopCondition}. */
export interface StopConditionOptions {
  source: AlertSource;
  matchers: readonly Matcher[];
  clock: Clock;
  /** Time between the end of one request and the start of the next. */
  refreshMs: number;
  /** Deadline of one request; default min(refreshMs, 10 s), at least 1 s. */
  timeoutMs?: number;
  /** true: an unknown state blocks chaos (StopConditionUnknown). */
  failClosed: boolean;
  /** Called after the first answer, then once per change of state kind or alert (not on every refresh). */
  onChange?: (state: StopState, blocking: boolean) => void;
}

function sameState(a: StopState, b: StopState): boolean {
  if (a.state !== b.state) return false;
  return a.state !== 'firing' || (b.state === 'firing' && a.alert === b.alert);
}

/** The poller; see the module comment. */
export class StopCondition {
  readonly #o: StopConditionOptions;
  #state: StopState = { state: 'unknown', why: 'no answer from Alertmanager yet' };
  #cancelTimer: (() => void) | undefined;
  #running = false;
  #inFlight: Promise<void> | undefined;
  /** Aborts the request in flight (stop() does not wait for its deadline). */
  #abort: AbortController | undefined;
  /** False until the first answer was reported (the initial `unknown` is never reported by itself). */
  #reported = false;
  /** Number of requests sent (for tests). */
  requests = 0;

  constructor(options: StopConditionOptions) {
    this.#o = options;
  }

  /** What is known now (synchronous; never does I/O). */
  current(): StopState {
    return this.#state;
  }

  /** The skip an action must take now, or undefined when chaos may act. */
  verdict(): StopVerdict | undefined {
    return stopVerdict(this.#state, this.#o.failClosed);
  }

  /** Starts polling (first request at once); resolves after the first answer. Idempotent. */
  start(): Promise<void> {
    if (this.#running) return this.#inFlight ?? Promise.resolve();
    this.#running = true;
    return this.refresh();
  }

  /** Stops polling and aborts the request in flight; resolves when it has settled. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#abort?.abort(new Error('stop condition stopped'));
    await this.#inFlight;
  }

  /** One request now (no-op while one is in flight); then the next is armed while running. */
  refresh(): Promise<void> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const p = this.#poll().finally(() => {
      this.#inFlight = undefined;
      if (this.#running) {
        this.#cancelTimer = this.#o.clock.setTimer(this.#o.refreshMs, () => {
          this.#cancelTimer = undefined;
          void this.refresh();
        });
      }
    });
    this.#inFlight = p;
    return p;
  }

  async #poll(): Promise<void> {
    const timeoutMs = this.#o.timeoutMs ?? Math.max(1_000, Math.min(this.#o.refreshMs, 10_000));
    const controller = new AbortController();
    this.#abort = controller;
    const cancel = this.#o.clock.setTimer(timeoutMs, () => controller.abort(new Error(`no answer within ${timeoutMs} ms`)));
    this.requests += 1;
    let next: StopState;
    try {
      const body = await this.#o.source.activeAlerts(controller.signal);
      next = evaluateAlerts(body, this.#o.matchers);
    } catch (error) {
      const why = controller.signal.aborted ? `Alertmanager gave no answer within ${timeoutMs} ms` : `Alertmanager unreachable: ${errorText(error)}`;
      next = { state: 'unknown', why };
    } finally {
      cancel();
      this.#abort = undefined;
    }
    const changed = !this.#reported || !sameState(this.#state, next);
    this.#reported = true;
    this.#state = next;
    if (changed) this.#o.onChange?.(next, this.verdict() !== undefined);
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
