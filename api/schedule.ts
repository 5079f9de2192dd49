/**
 * Syntax of `spec.schedule` (issue 12 point 1): the patterns the CRD uses and the parsers the
 * validation and the calendar (operator/src/scheduler/calendar.ts) share. Pure, no I/O; the only
 * platform call is `Intl.DateTimeFormat`, to tell whether a time zone name is known.
 * Keep the patterns in sync with crds/chaosmonkeyconfigurations.yaml (a unit test compares them).
 */
import { parseGoDuration, durationToMs } from './duration.ts';

/** "HH:MM[:SS]-HH:MM[:SS]", 24-hour clock. */
export const TIME_RANGE_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?-([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$';
/** "Dec 24" (every year) or "2026-12-31" (one date). */
export const EXCLUDED_DAY_PATTERN = '^((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (0?[1-9]|[12][0-9]|3[01])|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))$';
/** "@every <Go duration>" or five space-separated cron fields. */
export const CRON_PATTERN = '^(@every [0-9.]+[a-zµμ]+([0-9.]+[a-zµμ]+)*|[0-9A-Za-z*,/?#-]+( [0-9A-Za-z*,/?#-]+){4})$';
/** The shape of an IANA zone name ("UTC", "Europe/Rome", "America/Argentina/Buenos_Aires", "Etc/GMT+5"). */
export const TIME_ZONE_PATTERN = '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$';

export const MAX_TIME_ZONE_LENGTH = 64;
export const MAX_CRON_LENGTH = 128;
export const MAX_TIMES_OF_DAY = 16;
export const MAX_EXCLUDED_DAYS = 366;

export const MONTHS: readonly string[] = Object.freeze(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);

/** A wall-clock range in seconds of the day; `start > end` wraps midnight. */
export interface TimeRange {
  start: number;
  end: number;
}

const TIME_RANGE = new RegExp(TIME_RANGE_PATTERN);
const EXCLUDED_DAY = new RegExp(EXCLUDED_DAY_PATTERN);
const CRON = new RegExp(CRON_PATTERN);
const TIME_ZONE = new RegExp(TIME_ZONE_PATTERN);

function seconds(hms: string): number {
  const [h = 0, m = 0, s = 0] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + s;
}

/** Parses "18:00-08:30:15"; undefined when the syntax is wrong or start equals end (empty or whole day: ambiguous). */
export function parseTimeRange(text: string): TimeRange | undefined {
  if (!TIME_RANGE.test(text)) return undefined;
  const [a = '', b = ''] = text.split('-');
  const range = { start: seconds(a), end: seconds(b) };
  return range.start === range.end ? undefined : range;
}

/** An excluded day: every year on `month`/`day`, or one `year`-`month`-`day` (month 1-12). */
export type ExcludedDay = { year?: number; month: number; day: number };

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parses "Dec 24" or "2026-12-31"; undefined for a wrong syntax or a day the month does not have (Feb 30, 2027-02-29). */
export function parseExcludedDay(text: string): ExcludedDay | undefined {
  if (!EXCLUDED_DAY.test(text)) return undefined;
  let out: ExcludedDay;
  if (/^[0-9]/.test(text)) {
    const [y = 0, m = 0, d = 0] = text.split('-').map(Number);
    out = { year: y, month: m, day: d };
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (m === 2 && d === 29 && !leap) return undefined;
  } else {
    const [mon = '', d = ''] = text.split(' ');
    out = { month: MONTHS.indexOf(mon) + 1, day: Number(d) };
  }
  return out.day <= (DAYS_IN_MONTH[out.month - 1] ?? 0) ? out : undefined;
}

/** The period of "@every <Go duration>" in ms (at least 1s), `null` for a cron expression, undefined when invalid. */
export function parseEvery(cron: string): number | null | undefined {
  if (!cron.startsWith('@')) return null;
  if (!cron.startsWith('@every ')) return undefined;
  const parsed = parseGoDuration(cron.slice('@every '.length));
  if (!parsed.ok || parsed.ns < 1_000_000_000n) return undefined;
  return durationToMs(parsed.ns);
}

/** True when `cron` has the CRD's shape ("@every ..." or five fields); the fields' values are checked by the cron library. */
export function cronShapeOk(cron: string): boolean {
  return CRON.test(cron);
}

/** True for a time zone name this runtime knows (IANA database of Node's ICU). */
export function isKnownTimeZone(zone: string): boolean {
  if (!TIME_ZONE.test(zone) || zone.length > MAX_TIME_ZONE_LENGTH) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
