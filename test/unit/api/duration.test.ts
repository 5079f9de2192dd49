import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { formatGoDuration, parseGoDuration, parseGoDurationMs, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND } from '../../../api/duration.ts';

const ns = (s: string): bigint => {
  const r = parseGoDuration(s);
  if (!r.ok) throw new Error(r.error);
  return r.ns;
};

describe('parseGoDuration (Go time.ParseDuration)', () => {
  test.each([
    ['0', 0n],
    ['+0', 0n],
    ['-0', 0n],
    ['5s', 5n * SECOND],
    ['30s', 30n * SECOND],
    ['1m30s', 90n * SECOND],
    ['1h30m', 90n * MINUTE],
    ['1.5s', 1500n * MILLISECOND],
    ['.5s', 500n * MILLISECOND],
    ['1.s', SECOND],
    ['300ms', 300n * MILLISECOND],
    ['2h45m10.5s', 2n * HOUR + 45n * MINUTE + 10500n * MILLISECOND],
    ['+5s', 5n * SECOND],
    ['-1m', -MINUTE],
    ['1us', MICROSECOND],
    ['1\u00b5s', MICROSECOND],
    ['1\u03bcs', MICROSECOND],
    ['1ns', 1n],
    ['9223372036854775807ns', (1n << 63n) - 1n],
    ['-9223372036854775808ns', -(1n << 63n)],
    ['1.0000000001s', SECOND],
    ['1.000000001s', SECOND + 1n],
  ])('%s -> %s ns', (text, expected) => {
    expect(ns(text)).toBe(expected);
  });

  test.each([
    ['', 'time: invalid duration ""'],
    ['5', 'time: missing unit in duration "5"'],
    ['s', 'time: invalid duration "s"'],
    ['.s', 'time: invalid duration ".s"'],
    ['1x', 'time: unknown unit "x" in duration "1x"'],
    ['1s2', 'time: missing unit in duration "1s2"'],
    ['--1s', 'time: invalid duration "--1s"'],
    [' 1s', 'time: invalid duration " 1s"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
  ])('%j is rejected with %j', (text, message) => {
    expect(parseGoDuration(text)).toEqual({ ok: false, error: message });
  });

  test('parseGoDurationMs truncates to milliseconds and gives undefined on error', () => {
    expect(parseGoDurationMs('1.5009s')).toBe(1500);
    expect(parseGoDurationMs('bad')).toBeUndefined();
  });
});

describe('formatGoDuration (Go Duration.String)', () => {
  test.each([
    [0n, '0s'],
    [1n, '1ns'],
    [1500n, '1.5\u00b5s'],
    [100n * MILLISECOND, '100ms'],
    [1_100_000n, '1.1ms'],
    [SECOND, '1s'],
    [1500n * MILLISECOND, '1.5s'],
    [90n * SECOND, '1m30s'],
    [10n * MINUTE, '10m0s'],
    [HOUR, '1h0m0s'],
    [2n * HOUR + 45n * MINUTE + 10500n * MILLISECOND, '2h45m10.5s'],
    [-MINUTE, '-1m0s'],
    [-(1n << 63n), '-2562047h47m16.854775808s'],
    [(1n << 63n) - 1n, '2562047h47m16.854775807s'],
    [SECOND + 1n, '1.000000001s'],
  ])('%s ns -> %s', (value, text) => {
    expect(formatGoDuration(value)).toBe(text);
  });

  test('normalises like the seed: "10m" -> "10m0s", "1h" -> "1h0m0s", "0" -> "0s"', () => {
    expect(formatGoDuration(ns('10m'))).toBe('10m0s');
    expect(formatGoDuration(ns('1h'))).toBe('1h0m0s');
    expect(formatGoDuration(ns('0'))).toBe('0s');
  });

  test('rejects values outside int64', () => {
    expect(() => formatGoDuration(1n << 63n)).toThrow(RangeError);
  });

  test('parse(format(d)) === d for every int64 duration', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (d) => {
        expect(ns(formatGoDuration(d))).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });
});
