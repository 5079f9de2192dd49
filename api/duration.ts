/**
 * Go `time.Duration` parsing and formatting, reproduced exactly (seed-spec.md 2.4).
 * Durations are int64 nanoseconds in Go; we use `bigint` so every value Go accepts is exact.
 * Pure, no I/O.
 */

/** Nanoseconds per unit, as Go's `unitMap` (both micro signs U+00B5 and U+03BC are accepted). */
const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** One nanosecond ... one hour, in nanoseconds. */
export const NANOSECOND = 1n;
export const MICROSECOND = 1_000n;
export const MILLISECOND = 1_000_000n;
export const SECOND = 1_000_000_000n;
export const MINUTE = 60n * SECOND;
export const HOUR = 60n * MINUTE;

const MAX_INT64 = (1n << 63n) - 1n;
const TWO_63 = 1n << 63n;

/** Result of {@link parseGoDuration}: the value in nanoseconds, or Go's error text. */
export type DurationParseResult = { ok: true; ns: bigint } | { ok: false; error: string };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Go's `quote` is close enough to JSON string quoting for the error messages. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Parses a Go duration string with `time.ParseDuration` semantics: an optional sign, then one or more
 * `<decimal><unit>` groups (units ns, us, µs, μs, ms, s, m, h), or the bare `0`.
 * Never throws; returns Go's error text on bad input ("time: invalid duration ...", "time: missing unit ...",
 * "time: unknown unit ...") including int64 overflow.
 */
export function parseGoDuration(input: string): DurationParseResult {
  const invalid = (): DurationParseResult => ({ ok: false, error: `time: invalid duration ${quote(input)}` });
  if (typeof input !== 'string') return invalid();
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ns: 0n };
  if (s === '') return invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid();
    // leadingInt: consume digits, fail on int64 overflow (Go's errLeadingInt).
    let i = 0;
    let v = 0n;
    while (isDigit(s[i])) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO_63) return invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let post = false;
    let f = 0n;
    let scale = 1;
    if (s[0] === '.') {
      s = s.slice(1);
      // leadingFraction: digits past the int64 range are consumed but ignored.
      let j = 0;
      let overflow = false;
      while (isDigit(s[j])) {
        if (!overflow) {
          if (f > MAX_INT64 / 10n) {
            overflow = true;
          } else {
            const next = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (next > TWO_63) {
              overflow = true;
            } else {
              f = next;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid();
    let k = 0;
    while (k < s.length && !(s[k] === '.' || isDigit(s[k]))) k++;
    if (k === 0) return { ok: false, error: `time: missing unit in duration ${quote(input)}` };
    const unitText = s.slice(0, k);
    s = s.slice(k);
    const unit = UNIT_NS.get(unitText);
    if (unit === undefined) return { ok: false, error: `time: unknown unit ${quote(unitText)} in duration ${quote(input)}` };
    if (v > TWO_63 / unit) return invalid();
    v *= unit;
    if (f > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)); same float64 arithmetic here.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) return invalid();
    }
    total += v;
    if (total > TWO_63) return invalid();
  }
  if (neg) return { ok: true, ns: -total };
  if (total > MAX_INT64) return invalid();
  return { ok: true, ns: total };
}

/** Writes v / 10^prec as ".ddd" without trailing zeros (nothing when the fraction is zero); returns [text, v / 10^prec]. */
function formatFraction(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed = printed || digit !== 0n;
    if (printed) digits = digit.toString() + digits;
    v /= 10n;
  }
  return [printed ? `.${digits}` : '', v];
}

/**
 * Formats nanoseconds exactly as Go's `Duration.String()`: "0s"; below one second a single unit
 * (ns, µs with U+00B5, ms) with a trimmed fraction; otherwise `[Hh][Mm]S[.frac]s`; "-" for negatives.
 * @param ns duration in nanoseconds, within the int64 range.
 * @throws RangeError when `ns` is outside the int64 range (a Go Duration cannot hold it).
 */
export function formatGoDuration(ns: bigint): string {
  if (ns > MAX_INT64 || ns < -TWO_63) throw new RangeError(`duration ${ns}ns outside the int64 range`);
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < MICROSECOND) {
      prec = 0;
      unit = 'ns';
    } else if (u < MILLISECOND) {
      prec = 3;
      unit = '\u00b5s';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, whole] = formatFraction(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, seconds] = formatFraction(u, 9);
    u = seconds;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/**
 * Converts nanoseconds to whole milliseconds (truncated toward zero) as a JS number.
 * Exact for every duration below about 285,000 years.
 */
export function durationToMs(ns: bigint): number {
  return Number(ns / MILLISECOND);
}

/**
 * Parses a Go duration and returns it in milliseconds, or `undefined` on bad input.
 * Convenience for timers; sub-millisecond parts are truncated.
 */
export function parseGoDurationMs(input: string): number | undefined {
  const r = parseGoDuration(input);
  return r.ok ? durationToMs(r.ns) : undefined;
}
