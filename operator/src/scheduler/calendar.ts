/**
 * Time windows and calendars of `spec.schedule` (issue 12 point 1): when a CMC may act. Pure: every
 * function takes the time as an argument (two memo caches aside: one formatter per zone, one croner
 * job per expression and zone); the cron library (croner, docs/adr/0006) is injected as
 * its constructor so this module loads nothing by itself (scheduler/croner.ts loads it on first use).
 *
 * Wall-clock facts of an instant in the zone come from `Intl.DateTimeFormat` (one cached formatter
 * per zone). A window's end (or start) is found from the wall clock alone: the candidate instants are
 * the plain-arithmetic one and the same ±30 min / ±1 h (every DST change there is), the first candidate
 * past the boundary is taken and, when a DST jump lies before it (the boundary fell in a spring-forward
 * gap), the exact instant is found by bisection to the second. Every result is checked against the wall
 * clock, so an instant returned as allowed is never inside a window. Cron times are croner's, which is
 * DST-correct: a time that does not exist (spring forward) fires at the first moment after the gap, a
 * time that exists twice (fall back) at its first occurrence only. croner objects are large (about
 * 80 KiB each), so one per distinct expression and zone is kept ({@link CRON_CACHE_SIZE}).
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
  ranges: readonly { range: TimeRange; text: string }[];
  /** month * 100 + day, every year. */
  yearly: ReadonlySet<number>;
  /** year * 10000 + month * 100 + day. */
  dates: ReadonlySet<number>;
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
 * The first instant after `t` at which `reached` holds, given that it holds `wallSeconds` of wall
 * clock after `t` when no DST change lies between. `reached` must switch once from false (at `t`)
 * to true over the candidates' span (the wall clock only moves forward there, or repeats an hour,
 * in which case the plain candidate is the first one).
 */
function boundary(t: number, wallSeconds: number, reached: (u: number) => boolean): number | undefined {
  const naive = Math.floor(t / 1000) * 1000 + wallSeconds * 1000;
  const candidates = [naive - 3_600_000, naive - 1_800_000, naive, naive + 1_800_000, naive + 3_600_000].filter((c) => c > t);
  let before = t;
  for (const c of candidates) {
    if (!reached(c)) {
      before = c;
      continue;
    }
    if (!reached(c - 1000)) return c; // the usual case: exactly where the wall clock says
    // The boundary lies in (before, c]: a jump of the wall clock (a gap) moved it; bisect to the second.
    let lo = Math.floor(before / 1000) * 1000;
    let hi = c;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (mid <= lo) break;
      if (reached(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }
  return undefined;
}

function sameDay(a: Wall, b: Wall): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
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
      const next = boundary(u, DAY_S - p.seconds, (c) => !sameDay(wallOf(w.format, c), p));
      if (next === undefined) return undefined;
      end = Math.max(end, next);
    }
    for (const r of w.ranges) {
      if (!inRange(r.range, p.seconds)) continue;
      const next = boundary(u, (r.range.end - p.seconds + DAY_S) % DAY_S, (c) => !inRange(r.range, wallOf(w.format, c).seconds));
      if (next === undefined) return undefined;
      end = Math.max(end, next);
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
  const p = wallOf(w.format, t);
  const candidates: number[] = [];
  for (const r of w.ranges) {
    const start = boundary(t, (r.range.start - p.seconds + DAY_S) % DAY_S, (c) => inRange(r.range, wallOf(w.format, c).seconds));
    if (start !== undefined) candidates.push(start);
  }
  if (w.weekdays.size + w.yearly.size + w.dates.size > 0) {
    let u = t;
    for (let day = 0; day < 800; day++) {
      const q = wallOf(w.format, u);
      const midnight = boundary(u, DAY_S - q.seconds, (c) => !sameDay(wallOf(w.format, c), q));
      if (midnight === undefined) break;
      if (dayExcluded(w, wallOf(w.format, midnight))) {
        candidates.push(midnight);
        break;
      }
      u = midnight;
    }
  }
  return candidates.filter((c) => c - t <= HORIZON_MS).sort((a, b) => a - b)[0];
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

/** Most croner objects kept (one per distinct expression and zone, least recently used dropped). */
export const CRON_CACHE_SIZE = 256;
const cronCache = new Map<string, Cron>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (it is the zone's wall clock; immutable). */
function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formatters.set(zone, f);
  }
  return f;
}

/** A never-started croner job for `expression` in `zone`, shared (nextRun(date) reads no job state). */
function cachedCron(loadCron: () => CronCtor, expression: string, zone: string): Cron {
  const key = `${zone} ${expression}`;
  let cron = cronCache.get(key);
  if (cron !== undefined) cronCache.delete(key);
  else {
    const CronClass = loadCron();
    cron = new CronClass(expression, { timezone: zone, paused: true });
  }
  cronCache.set(key, cron);
  if (cronCache.size > CRON_CACHE_SIZE) cronCache.delete(cronCache.keys().next().value as string);
  return cron;
}

/**
 * Compiles a valid spec's timing (spec.timeout or spec.schedule.cron, and the windows). The spec
 * must have passed api/validate.ts; an expression croner still refuses gives `{ error }`, never a throw.
 * @param timeoutMs spec.timeout in ms when set.
 * @param loadCron returns the croner constructor; called only for a cron expression.
 */
export function compilePlan(spec: Pick<CmcSpecV1, 'timeout' | 'schedule'>, timeoutMs: number | undefined, loadCron: () => CronCtor): Plan | { error: string } {
  const s = spec.schedule ?? {};
  const zone = s.timeZone ?? 'UTC';
  const key = spec.schedule === undefined ? '' : JSON.stringify(s);
  if (spec.schedule === undefined && timeoutMs !== undefined) return { cadence: { kind: 'period', ms: timeoutMs }, windows: undefined, zone, key, text: `every ${spec.timeout ?? ''}` };
  try {
    let cadence: Cadence;
    let text: string;
    const every = s.cron === undefined ? null : parseEvery(s.cron);
    if (s.cron !== undefined && every === null) {
      // Only a CMC with a cron expression loads the cron library.
      cadence = { kind: 'cron', cron: cachedCron(loadCron, s.cron, zone), expression: s.cron };
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
      return range === undefined ? [] : [{ range, text }];
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
          format: formatterOf(zone),
        }
      : undefined;
    return { cadence, windows, zone, key, text };
  } catch (error) {
    return { error: `spec.schedule: ${error instanceof Error ? error.message : String(error)}` };
  }
}
