/**
 * Time windows and calendars of `spec.schedule` (issue 12 point 1): when a CMC may act. Pure: every
 * function takes the time as an argument; the cron library (croner, docs/adr/0006) is injected as
 * its constructor so this module loads nothing by itself (scheduler/croner.ts loads it on first use).
 *
 * Wall-clock facts of an instant in the zone come from `Intl.DateTimeFormat`; every conversion from
 * a wall-clock time back to an instant (the end of a window, the next midnight, the next cron time)
 * is croner's, which is DST-correct: a time that does not exist (spring forward) maps to the first
 * moment after the gap, a time that exists twice (fall back) to its first occurrence. The second
 * occurrence of a window's end on a fall-back day is found by plain arithmetic (candidate ±1 h, ±30 min),
 * and every candidate is checked against the wall clock, so a returned instant is never inside a window.
 *
 * Slots: a period (spec.timeout or `@every`) keeps its grid (`dueAt + k * period`): a slot in a window
 * is skipped and the next one is the first grid slot at or after the window's end, computed in one step.
 * A cron slot in a window is followed by the first cron time at or after the window's end. Both searches
 * are bounded ({@link HORIZON_MS}, {@link MAX_STEPS}); beyond that there is no allowed slot (undefined).
 */
import type { Cron } from 'croner';
import type { CmcSpecV1 } from '../../../api/v1.ts';
import { WEEKDAYS } from '../../../api/v1.ts';
import { parseEvery, parseExcludedDay, parseTimeRange } from '../../../api/schedule.ts';
import type { TimeRange } from '../../../api/schedule.ts';

/** The croner constructor (injected). */
export type CronCtor = typeof Cron;

/** How far ahead an allowed time is looked for (about two years). */
export const HORIZON_MS = 2 * 366 * 86_400_000;
/** Most windows or slots stepped over in one search. */
export const MAX_STEPS = 2_000;

const DAY_S = 86_400;

/** A CMC's compiled exclusions, in one zone. */
export interface Windows {
  zone: string;
  /** Days of the week (0 = Sunday). */
  weekdays: ReadonlySet<number>;
  /** Each range with croner jobs (never started) finding its end and start times. */
  ranges: readonly { range: TimeRange; text: string; end: Cron; start: Cron }[];
  /** month * 100 + day, every year. */
  yearly: ReadonlySet<number>;
  /** year * 10000 + month * 100 + day. */
  dates: ReadonlySet<number>;
  midnight: Cron;
  format: Intl.DateTimeFormat;
}

/** How often a CMC acts. */
export type Cadence = { kind: 'period'; ms: number } | { kind: 'cron'; cron: Cron; expression: string };

/** Everything the scheduler needs to place a CMC's slots. */
export interface Plan {
  cadence: Cadence;
  /** Undefined when nothing is excluded. */
  windows: Windows | undefined;
  zone: string;
  /** Identity of spec.schedule ('' without one; the period is compared apart): a different key reschedules at once. */
  key: string;
  /** "every 30s" or "on cron 0 2 * * * (Europe/Rome)", for messages. */
  text: string;
}

/** Local calendar facts of an instant. */
export interface Wall {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** Seconds since local midnight (wall clock). */
  seconds: number;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = Object.freeze({ Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 });

/** The wall clock of `t` (ms epoch) in the zone of `format`. */
export function wallOf(format: Intl.DateTimeFormat, t: number): Wall {
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(t))) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAY_INDEX[parts.weekday ?? ''] ?? -1,
    seconds: hour * 3600 + Number(parts.minute) * 60 + Number(parts.second),
  };
}

function inRange(r: TimeRange, seconds: number): boolean {
  return r.start < r.end ? seconds >= r.start && seconds < r.end : seconds >= r.start || seconds < r.end;
}

function dayExcluded(w: Windows, p: Wall): boolean {
  return w.weekdays.has(p.weekday) || w.yearly.has(p.month * 100 + p.day) || w.dates.has(p.year * 10_000 + p.month * 100 + p.day);
}

/** True when `t` falls in one of the excluded windows. */
export function isExcluded(w: Windows, t: number): boolean {
  const p = wallOf(w.format, t);
  return dayExcluded(w, p) || w.ranges.some((r) => inRange(r.range, p.seconds));
}

function nextRun(cron: Cron, after: number): number | undefined {
  const next = cron.nextRun(new Date(after));
  return next === null ? undefined : next.getTime();
}

/**
 * The first instant after `t` at which `inside` is false, given that the wall clock reaches the
 * boundary `wallSeconds` later in plain time (no DST change) and that croner's `boundary` finds the
 * wall-clock time itself (first occurrence, or the first moment after a gap).
 */
function exit(t: number, wallSeconds: number, boundary: Cron, inside: (u: number) => boolean): number {
  const naive = Math.floor(t / 1000) * 1000 + wallSeconds * 1000;
  const candidates = [naive, naive - 3_600_000, naive + 3_600_000, naive - 1_800_000, naive + 1_800_000];
  const byCron = nextRun(boundary, t);
  if (byCron !== undefined) candidates.push(byCron);
  candidates.sort((a, b) => a - b);
  for (const c of candidates) if (c > t && !inside(c)) return c;
  return Math.max(...candidates); // not reached for zones whose offsets change by 30 min or 1 h
}

/**
 * The first allowed instant at or after `t`: `t` itself when it is outside every window, else the
 * end of the windows it is in (overlapping and adjacent windows merged). Undefined when nothing is
 * allowed within {@link HORIZON_MS}.
 */
export function allowedFrom(w: Windows, t: number): number | undefined {
  let u = t;
  for (let step = 0; step < MAX_STEPS && u - t <= HORIZON_MS; step++) {
    const p = wallOf(w.format, u);
    let end = u;
    if (dayExcluded(w, p)) {
      end = Math.max(end, exit(u, DAY_S - p.seconds, w.midnight, (c) => {
        const q = wallOf(w.format, c);
        return q.year === p.year && q.month === p.month && q.day === p.day;
      }));
    }
    for (const r of w.ranges) {
      if (!inRange(r.range, p.seconds)) continue;
      const wallSeconds = (r.range.end - p.seconds + DAY_S) % DAY_S;
      end = Math.max(end, exit(u, wallSeconds, r.end, (c) => inRange(r.range, wallOf(w.format, c).seconds)));
    }
    if (end === u) return u;
    u = end;
  }
  return undefined;
}

/**
 * The first instant at or after `t` that is excluded (a window starts), undefined when none within
 * {@link HORIZON_MS}. Used to re-check a CMC when a window starts (status, `window` notifications).
 */
export function excludedFrom(w: Windows, t: number): number | undefined {
  if (isExcluded(w, t)) return t;
  const candidates: number[] = [];
  for (const r of w.ranges) {
    const start = nextRun(r.start, t);
    if (start !== undefined) candidates.push(start);
  }
  if (w.weekdays.size + w.yearly.size + w.dates.size > 0) {
    let midnight = nextRun(w.midnight, t);
    for (let day = 0; day < 800 && midnight !== undefined; day++) {
      if (dayExcluded(w, wallOf(w.format, midnight))) {
        candidates.push(midnight);
        break;
      }
      midnight = nextRun(w.midnight, midnight);
    }
  }
  const first = candidates.filter((c) => c - t <= HORIZON_MS).sort((a, b) => a - b)[0];
  return first;
}

/** The first slot of the grid `slot + k * periodMs` (k >= 0) that is allowed; undefined beyond the horizon. */
export function allowedGridSlot(w: Windows | undefined, slot: number, periodMs: number): number | undefined {
  if (w === undefined) return slot;
  let s = slot;
  for (let step = 0; step < MAX_STEPS && s - slot <= HORIZON_MS; step++) {
    const allowed = allowedFrom(w, s);
    if (allowed === undefined) return undefined;
    if (allowed === s) return s;
    s += Math.ceil((allowed - s) / periodMs) * periodMs;
  }
  return undefined;
}

/** The first cron time strictly after `after` that is allowed; undefined when none within the horizon. */
export function allowedCronSlot(w: Windows | undefined, cron: Cron, after: number): number | undefined {
  let t = nextRun(cron, after);
  for (let step = 0; step < MAX_STEPS && t !== undefined && t - after <= HORIZON_MS; step++) {
    if (w === undefined) return t;
    const allowed = allowedFrom(w, t);
    if (allowed === undefined) return undefined;
    if (allowed === t) return t;
    t = nextRun(cron, allowed - 1); // the first cron time at or after the window's end
  }
  return undefined;
}

/** The first slot of a new (or rescheduled) entry at `now`: one period later, or the next cron time; then the first allowed. */
export function firstSlot(plan: Plan, now: number): number | undefined {
  return plan.cadence.kind === 'period' ? allowedGridSlot(plan.windows, now + plan.cadence.ms, plan.cadence.ms) : allowedCronSlot(plan.windows, plan.cadence.cron, now);
}

/**
 * The slot after one that fired: period `dueAt + period` (from `firedAt` when that is already past,
 * e.g. after leadership was regained), cron the next time after both; then the first allowed.
 */
export function slotAfter(plan: Plan, dueAt: number, firedAt: number): number | undefined {
  if (plan.cadence.kind === 'cron') return allowedCronSlot(plan.windows, plan.cadence.cron, Math.max(dueAt, firedAt));
  const ms = plan.cadence.ms;
  let next = dueAt + ms;
  if (next <= firedAt) next = firedAt + ms;
  return allowedGridSlot(plan.windows, next, ms);
}

/** Where a CMC stands with its windows at `now`, given its next slot `dueAt`. */
export type WindowState =
  | { kind: 'clear' }
  /** `now` is in an excluded window that ends at `until`. */
  | { kind: 'inside'; until: number | undefined }
  /** The slot at `skipped` was in a window ending at `until`; the next action is later. */
  | { kind: 'pushed'; skipped: number; until: number | undefined };

/** Whether `now` is in a window, or the first slot after `now` was pushed past one to reach `dueAt`. */
export function windowState(plan: Plan, now: number, dueAt: number | undefined): WindowState {
  const w = plan.windows;
  if (w === undefined) return { kind: 'clear' };
  if (isExcluded(w, now)) return { kind: 'inside', until: allowedFrom(w, now) };
  let raw: number | undefined;
  if (plan.cadence.kind === 'cron') raw = nextRun(plan.cadence.cron, now);
  else if (dueAt !== undefined && dueAt - plan.cadence.ms > now) raw = dueAt - Math.floor((dueAt - now - 1) / plan.cadence.ms) * plan.cadence.ms;
  if (raw === undefined || (dueAt !== undefined && raw >= dueAt)) return { kind: 'clear' };
  return { kind: 'pushed', skipped: raw, until: allowedFrom(w, raw) };
}

function iso(ms: number | undefined): string {
  return ms === undefined ? 'beyond the next two years' : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The Blocked message of a window state (`OutsideWindow`), or undefined when clear. */
export function windowMessage(plan: Plan, state: WindowState, dueAt: number | undefined): string | undefined {
  const next = dueAt === undefined ? 'no allowed slot within two years' : `next action at ${iso(dueAt)}`;
  if (state.kind === 'inside') return `outside the allowed time of spec.schedule (time zone ${plan.zone}) until ${iso(state.until)}: ${next}`;
  if (state.kind === 'pushed') return `the slot at ${iso(state.skipped)} falls in an excluded window of spec.schedule (time zone ${plan.zone}, until ${iso(state.until)}): skipped, ${next}`;
  return undefined;
}

/**
 * Compiles a valid spec's timing (spec.timeout or spec.schedule.cron, and the windows). The spec
 * must have passed api/validate.ts; an expression croner still refuses gives `{ error }`, never a throw.
 * @param timeoutMs spec.timeout in ms when set.
 * @param loadCron returns the croner constructor; called only when spec.schedule is set.
 */
export function compilePlan(spec: Pick<CmcSpecV1, 'timeout' | 'schedule'>, timeoutMs: number | undefined, loadCron: () => CronCtor): Plan | { error: string } {
  const s = spec.schedule ?? {};
  const zone = s.timeZone ?? 'UTC';
  const key = spec.schedule === undefined ? '' : JSON.stringify(s);
  if (spec.schedule === undefined && timeoutMs !== undefined) return { cadence: { kind: 'period', ms: timeoutMs }, windows: undefined, zone, key, text: `every ${spec.timeout ?? ''}` };
  // Only a CMC with spec.schedule loads the cron library.
  let ctor: CronCtor | undefined;
  const CronClass = function (this: unknown, ...args: ConstructorParameters<CronCtor>) {
    ctor ??= loadCron();
    return new ctor(...args);
  } as unknown as CronCtor;
  try {
    const opts = { timezone: zone, paused: true };
    let cadence: Cadence;
    let text: string;
    const every = s.cron === undefined ? null : parseEvery(s.cron);
    if (s.cron !== undefined && every === null) {
      cadence = { kind: 'cron', cron: new CronClass(s.cron, opts), expression: s.cron };
      text = `on cron ${s.cron} (${zone})`;
    } else {
      const ms = every ?? timeoutMs;
      if (ms === undefined || ms <= 0) return { error: 'spec: exactly one of timeout and schedule.cron must be set' };
      cadence = { kind: 'period', ms };
      text = s.cron !== undefined ? s.cron : `every ${spec.timeout ?? ''}`;
    }
    const weekdays = new Set((s.excludedWeekdays ?? []).map((d) => WEEKDAYS.indexOf(d)).filter((i) => i >= 0));
    const ranges = (s.excludedTimesOfDay ?? []).flatMap((text) => {
      const range = parseTimeRange(text);
      if (range === undefined) return [];
      const at = (sec: number): string => `${sec % 60} ${Math.floor((sec % 3600) / 60)} ${Math.floor(sec / 3600)} * * *`;
      return [{ range, text, end: new CronClass(at(range.end), opts), start: new CronClass(at(range.start), opts) }];
    });
    const yearly = new Set<number>();
    const dates = new Set<number>();
    for (const d of s.excludedDays ?? []) {
      const day = parseExcludedDay(d);
      if (day === undefined) continue;
      if (day.year === undefined) yearly.add(day.month * 100 + day.day);
      else dates.add(day.year * 10_000 + day.month * 100 + day.day);
    }
    const any = weekdays.size + ranges.length + yearly.size + dates.size > 0;
    const windows: Windows | undefined = any
      ? {
          zone,
          weekdays,
          ranges,
          yearly,
          dates,
          midnight: new CronClass('0 0 0 * * *', opts),
          format: new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' }),
        }
      : undefined;
    return { cadence, windows, zone, key, text };
  } catch (error) {
    return { error: `spec.schedule: ${error instanceof Error ? error.message : String(error)}` };
  }
}
