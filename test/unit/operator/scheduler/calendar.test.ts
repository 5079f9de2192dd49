import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { allowedCronSlot, allowedFrom, allowedGridSlot, compilePlan, firstSlot, isExcluded, slotAfter, wallOf, windowState } from '../../../../operator/src/scheduler/calendar.ts';
import type { Plan } from '../../../../operator/src/scheduler/calendar.ts';
import { loadCron } from '../../../../operator/src/scheduler/croner.ts';
import type { ScheduleV1 } from '../../../../api/v1.ts';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string): number => Date.parse(iso);
const isoOf = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function plan(schedule: ScheduleV1 | undefined, timeout?: string, timeoutMs?: number): Plan {
  const p = compilePlan({ ...(timeout !== undefined ? { timeout } : {}), ...(schedule !== undefined ? { schedule } : {}) }, timeoutMs, loadCron);
  if ('error' in p) throw new Error(p.error);
  return p;
}

function windowsOf(schedule: ScheduleV1): NonNullable<Plan['windows']> {
  const w = plan({ ...schedule, cron: '@every 1m' }).windows;
  if (w === undefined) throw new Error('no windows');
  return w;
}

describe('cron in a time zone, across daylight saving time', () => {
  test.each([
    // Europe/Rome springs forward on 2026-03-29 at 02:00 CET (01:00Z): 02:00 does not exist, the slot is the first moment after the gap.
    ['Europe/Rome', '0 2 * * *', '2026-03-28T12:00:00Z', '2026-03-29T01:00:00.000Z'],
    ['Europe/Rome', '0 2 * * *', '2026-03-29T01:00:00Z', '2026-03-30T00:00:00.000Z'],
    // Falls back on 2026-10-25 at 03:00 CEST (01:00Z): 02:30 exists twice, the slot is its first occurrence only.
    ['Europe/Rome', '30 2 * * *', '2026-10-24T12:00:00Z', '2026-10-25T00:30:00.000Z'],
    ['Europe/Rome', '30 2 * * *', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00.000Z'],
    // America/New_York springs forward on 2026-03-08 at 02:00 EST (07:00Z), falls back on 2026-11-01 at 02:00 EDT (06:00Z).
    ['America/New_York', '0 2 * * *', '2026-03-07T12:00:00Z', '2026-03-08T07:00:00.000Z'],
    ['America/New_York', '30 1 * * *', '2026-10-31T12:00:00Z', '2026-11-01T05:30:00.000Z'],
    ['America/New_York', '30 1 * * *', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00.000Z'],
    ['UTC', '*/15 9-17 * * 1-5', '2026-12-04T17:50:00Z', '2026-12-07T09:00:00.000Z'],
  ])('%s %s after %s -> %s', (timeZone, cron, from, expected) => {
    const p = plan({ timeZone, cron });
    expect(isoOf(firstSlot(p, at(from)))).toBe(expected);
  });

  test('@every is a period grid of fixed length, also across the spring-forward night', () => {
    const p = plan({ timeZone: 'Europe/Rome', cron: '@every 10m' });
    expect(p.cadence).toEqual({ kind: 'period', ms: 10 * M });
    const from = at('2026-03-29T00:55:00Z'); // 01:55 CET
    expect(isoOf(firstSlot(p, from))).toBe('2026-03-29T01:05:00.000Z');
    expect(isoOf(slotAfter(p, from + 10 * M, from + 10 * M))).toBe('2026-03-29T01:15:00.000Z');
  });
});

describe('excluded windows', () => {
  test('a time-of-day window wraps midnight, second precision, start included and end excluded', () => {
    const w = windowsOf({ excludedTimesOfDay: ['18:00-08:30:15'] });
    expect(isExcluded(w, at('2026-12-03T17:59:59Z'))).toBe(false);
    expect(isExcluded(w, at('2026-12-03T18:00:00Z'))).toBe(true);
    expect(isExcluded(w, at('2026-12-04T08:30:14Z'))).toBe(true);
    expect(isExcluded(w, at('2026-12-04T08:30:15Z'))).toBe(false);
    expect(isoOf(allowedFrom(w, at('2026-12-03T23:00:00Z')))).toBe('2026-12-04T08:30:15.000Z');
  });

  test('weekdays, yearly days and dates are evaluated in the zone; overlapping windows merge', () => {
    const w = windowsOf({ timeZone: 'America/New_York', excludedWeekdays: ['Sat', 'Sun'], excludedDays: ['Dec 24', '2026-12-28'], excludedTimesOfDay: ['22:00-07:00'] });
    // Thu 2026-12-24 10:00 EST (Dec 24 excluded), merged with the night window 22:00-07:00: allowed again Fri Dec 25 07:00 EST.
    expect(isoOf(allowedFrom(w, at('2026-12-24T15:00:00Z')))).toBe('2026-12-25T12:00:00.000Z');
    // Fri 2026-12-25 23:00 EST -> Sat, Sun, Mon Dec 28 excluded -> Tue Dec 29 07:00 EST.
    expect(isoOf(allowedFrom(w, at('2026-12-26T04:00:00Z')))).toBe('2026-12-29T12:00:00.000Z');
    // Saturday 2026-12-05 01:00 UTC is Friday 20:00 in New York: allowed (the weekday is the zone's).
    expect(isExcluded(w, at('2026-12-05T01:00:00Z'))).toBe(false);
  });

  test('a window that ends inside the spring-forward gap ends at the first moment after the gap (Europe/Rome)', () => {
    const w = windowsOf({ timeZone: 'Europe/Rome', excludedTimesOfDay: ['01:00-02:30'] });
    expect(isoOf(allowedFrom(w, at('2026-03-29T00:10:00Z')))).toBe('2026-03-29T01:00:00.000Z'); // 01:10 CET -> 03:00 CEST
  });

  test('a window whose end occurs twice on the fall-back night is left at each occurrence (America/New_York)', () => {
    const w = windowsOf({ timeZone: 'America/New_York', excludedTimesOfDay: ['01:00-01:30'] });
    expect(isoOf(allowedFrom(w, at('2026-11-01T05:10:00Z')))).toBe('2026-11-01T05:30:00.000Z'); // 01:10 EDT -> 01:30 EDT
    expect(isExcluded(w, at('2026-11-01T06:10:00Z'))).toBe(true); // 01:10 EST, the wall clock repeats
    expect(isoOf(allowedFrom(w, at('2026-11-01T06:10:00Z')))).toBe('2026-11-01T06:30:00.000Z'); // -> 01:30 EST, not the next day
  });

  test('a night window across the fall-back transition lasts one hour longer in absolute time (Europe/Rome)', () => {
    const w = windowsOf({ timeZone: 'Europe/Rome', excludedTimesOfDay: ['22:00-06:00'] });
    // Sat 2026-10-24 22:00 CEST (20:00Z) -> Sun 06:00 CET (05:00Z): 9 hours.
    expect(isoOf(allowedFrom(w, at('2026-10-24T20:00:00Z')))).toBe('2026-10-25T05:00:00.000Z');
  });

  test('nothing allowed: undefined, not an endless search', () => {
    const w = windowsOf({ excludedWeekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] });
    expect(allowedFrom(w, at('2026-12-03T00:00:00Z'))).toBeUndefined();
    expect(allowedGridSlot(w, at('2026-12-03T00:00:00Z'), H)).toBeUndefined();
  });
});

describe('slots and windows', () => {
  test('a timeout grid skips the slots in a window: the next one is the first grid slot after its end, across spring forward', () => {
    const p = plan({ timeZone: 'Europe/Rome', excludedTimesOfDay: ['22:00-06:00'] }, '45m', 45 * M);
    const due = at('2026-03-28T20:50:00Z'); // 21:50 CET, allowed
    // Next grid slot 22:35 CET is in the window; the window ends at 06:00 CEST = 04:00Z (the night is 1 h shorter).
    const next = slotAfter(p, due, due);
    expect(next).toBeDefined();
    expect((next! - due) % (45 * M)).toBe(0);
    expect(next! >= at('2026-03-29T04:00:00Z') && next! < at('2026-03-29T04:45:00Z')).toBe(true);
    expect(isoOf(next)).toBe('2026-03-29T04:20:00.000Z'); // 21:50 CET + 10 x 45 min
  });

  test('a cron time in a window is skipped, not queued: the next allowed cron time follows', () => {
    const p = plan({ timeZone: 'America/New_York', cron: '0 * * * *', excludedTimesOfDay: ['00:30-03:00'] });
    // Spring forward 2026-03-08: 00:00 EST allowed, 01:00 EST and the missing 02:00 excluded, next 03:00 EDT = 07:00Z.
    expect(isoOf(slotAfter(p, at('2026-03-08T05:00:00Z'), at('2026-03-08T05:00:00Z')))).toBe('2026-03-08T07:00:00.000Z');
  });

  test('windowState: inside, pushed, clear', () => {
    const p = plan({ excludedTimesOfDay: ['18:00-08:30'] }, '1h', H);
    const inside = at('2026-12-03T19:00:00Z');
    expect(windowState(p, inside, firstSlot(p, inside))).toEqual({ kind: 'inside', until: at('2026-12-04T08:30:00Z') });
    const before = at('2026-12-03T17:30:00Z');
    const due = firstSlot(p, before);
    expect(isoOf(due)).toBe('2026-12-04T08:30:00.000Z');
    expect(windowState(p, before, due)).toEqual({ kind: 'pushed', skipped: at('2026-12-03T18:30:00Z'), until: at('2026-12-04T08:30:00Z') });
    const morning = at('2026-12-04T09:00:00Z');
    expect(windowState(p, morning, firstSlot(p, morning))).toEqual({ kind: 'clear' });
  });

  test('a plan without spec.schedule never loads the cron library and has no windows', () => {
    const p = compilePlan({ timeout: '30s' }, 30_000, () => {
      throw new Error('must not load');
    });
    expect(p).toEqual({ cadence: { kind: 'period', ms: 30_000 }, windows: undefined, zone: 'UTC', key: '', text: 'every 30s' });
  });

  test('wallOf reads the zone wall clock', () => {
    const w = windowsOf({ timeZone: 'Europe/Rome', excludedWeekdays: ['Sun'] });
    expect(wallOf(w.format, at('2026-03-29T01:00:00Z'))).toEqual({ year: 2026, month: 3, day: 29, weekday: 0, seconds: 3 * 3600 });
  });
});

const ZONES = ['UTC', 'Europe/Rome', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
const hms = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([h, m, s]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`);
const range = fc.tuple(hms, hms).filter(([a, b]) => a !== b).map(([a, b]) => `${a}-${b}`);
const scheduleArb = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  excludedWeekdays: fc.subarray(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const, { maxLength: 5 }),
  excludedTimesOfDay: fc.array(range, { maxLength: 3 }),
  excludedDays: fc.array(fc.constantFrom('Mar 29', 'Oct 25', 'Nov 1', 'Dec 24', '2026-03-08', '2026-12-31'), { maxLength: 2 }),
}).filter((s) => s.excludedWeekdays.length + s.excludedTimesOfDay.length + s.excludedDays.length > 0);
// Around the 2026 transitions of the zones above, and ordinary days.
const instant = fc.integer({ min: at('2026-03-06T00:00:00Z'), max: at('2026-04-06T00:00:00Z') }).chain((spring) => fc.constantFrom(spring, spring + at('2026-10-20T00:00:00Z') - at('2026-03-06T00:00:00Z')));

describe('properties (fast-check)', () => {
  test('allowedFrom: never before from, never inside a window, and the minute before it (when later than from) is excluded', () => {
    fc.assert(
      fc.property(scheduleArb, instant, (schedule, from) => {
        const w = windowsOf(schedule);
        const r = allowedFrom(w, from);
        if (r === undefined) return;
        expect(r).toBeGreaterThanOrEqual(from);
        expect(isExcluded(w, r)).toBe(false);
        if (r > from) expect(isExcluded(w, r - 1000)).toBe(true);
        // No allowed time between from and r, sampled every minute.
        for (let t = from; t < r && t < from + 3 * 86_400_000; t += M) expect(isExcluded(w, t)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('grid: the slot returned is on the grid, allowed, and every grid slot before it is excluded', () => {
    fc.assert(
      fc.property(scheduleArb, instant, fc.constantFrom(7 * M, 45 * M, 2 * H), (schedule, slot, period) => {
        const w = windowsOf(schedule);
        const r = allowedGridSlot(w, slot, period);
        if (r === undefined) return;
        expect((r - slot) % period).toBe(0);
        expect(isExcluded(w, r)).toBe(false);
        for (let s = slot; s < r; s += period) expect(isExcluded(w, s)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('cron: the slot returned is a cron time after from, allowed, and every cron time before it is excluded', () => {
    fc.assert(
      fc.property(scheduleArb, instant, fc.constantFrom('*/20 * * * *', '0 2 * * *', '30 1 * * *', '15 */3 * * 1-5'), (schedule, from, cron) => {
        const p = plan({ ...schedule, cron });
        if (p.cadence.kind !== 'cron') throw new Error('cron expected');
        const r = allowedCronSlot(p.windows, p.cadence.cron, from);
        if (r === undefined) return;
        expect(r).toBeGreaterThan(from);
        expect(p.windows === undefined || !isExcluded(p.windows, r)).toBe(true);
        const runs = p.cadence.cron.nextRuns(500, new Date(from)).map((d) => d.getTime()).filter((t) => t < r);
        for (const t of runs) expect(p.windows !== undefined && isExcluded(p.windows, t)).toBe(true);
        expect(runs.length === 500 || p.cadence.cron.nextRuns(runs.length + 1, new Date(from)).at(-1)?.getTime()).toBe(runs.length === 500 ? true : r);
      }),
      { numRuns: 60 },
    );
  });
});
