import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { formatNanoCores, nanoCoresToCores, parseCpuNanoCores } from '../../../../operator/src/chaos/quantity.ts';

describe('parseCpuNanoCores', () => {
  test.each([
    ['250m', 250_000_000],
    ['12345678n', 12_345_678],
    ['1', 1_000_000_000],
    ['0', 0],
    ['1.5', 1_500_000_000],
    ['.5', 500_000_000],
    ['2k', 2_000_000_000_000],
    ['100u', 100_000],
    ['1e3', 1_000_000_000_000],
    ['1E-3', 1_000_000],
    ['5e-10', 1], // 0.5 nanocore rounds up
    ['1Ki', 1_024_000_000_000],
    ['0.1m', 100_000],
    ['1.0000000001', 1_000_000_001], // rounds up to the next nanocore
    ['+3', 3_000_000_000],
    ['-1m', -1_000_000],
    [' 2 ', 2_000_000_000],
    ['3M', 3e15],
  ])('%j -> %d nanocores', (text, nanoCores) => {
    expect(parseCpuNanoCores(text)).toEqual({ ok: true, nanoCores });
  });

  test.each(['', 'abc', '1.2.3', 'm', '1x', '1 m', '1mi', '1KI', '1e', '1e999', '10E', '--1', '9P'])('%j is rejected', (text) => {
    const r = parseCpuNanoCores(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(JSON.stringify(text));
  });

  test('round trip: integers in n, u, m, cores and k', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        expect(parseCpuNanoCores(`${n}n`)).toEqual({ ok: true, nanoCores: n });
        expect(parseCpuNanoCores(`${n}u`)).toEqual({ ok: true, nanoCores: n * 1e3 });
        expect(parseCpuNanoCores(`${n}m`)).toEqual({ ok: true, nanoCores: n * 1e6 });
        expect(parseCpuNanoCores(`${n}`)).toEqual({ ok: true, nanoCores: n * 1e9 });
        expect(parseCpuNanoCores(`${n}e-9`)).toEqual({ ok: true, nanoCores: n });
      }),
    );
  });

  test('round trip: formatNanoCores then parse is the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(parseCpuNanoCores(formatNanoCores(n))).toEqual({ ok: true, nanoCores: n });
      }),
    );
  });

  test('formatNanoCores picks the shortest exact unit; nanoCoresToCores divides by 1e9', () => {
    expect(formatNanoCores(250_000_000)).toBe('250m');
    expect(formatNanoCores(2_000_000_000)).toBe('2');
    expect(formatNanoCores(12_345_678)).toBe('12345678n');
    expect(nanoCoresToCores(250_000_000)).toBe(0.25);
  });
});
