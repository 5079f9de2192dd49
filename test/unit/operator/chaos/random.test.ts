import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { createRandom, randomSeed } from '../../../../operator/src/chaos/random.ts';

describe('createRandom', () => {
  test('same seed, same sequence; different seed, different sequence', () => {
    const a = createRandom('42');
    const b = createRandom('42');
    const c = createRandom('43');
    const seqA = Array.from({ length: 20 }, () => a.int(0, 1_000_000));
    expect(Array.from({ length: 20 }, () => b.int(0, 1_000_000))).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.int(0, 1_000_000))).not.toEqual(seqA);
    expect(a.seed).toBe('42');
  });

  test('records a generated seed that reproduces the sequence', () => {
    const r = createRandom();
    expect(r.seed).toMatch(/^[0-9a-f]{8}$/);
    const replay = createRandom(r.seed);
    expect(replay.float()).toBe(r.float());
    expect(randomSeed()).toMatch(/^[0-9a-f]{8}$/);
  });

  test('float is in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const r = createRandom(seed);
        for (let i = 0; i < 50; i++) {
          const f = r.float();
          expect(f).toBeGreaterThanOrEqual(0);
          expect(f).toBeLessThan(1);
        }
      }),
    );
  });

  test('int stays within the closed range', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, min, span) => {
        const r = createRandom(seed);
        for (let i = 0; i < 20; i++) {
          const v = r.int(min, min + span);
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(min);
          expect(v).toBeLessThanOrEqual(min + span);
        }
      }),
    );
  });

  test('int is roughly uniform (chi-square over 6 buckets, 60,000 draws)', () => {
    const r = createRandom('uniform');
    const counts = [0, 0, 0, 0, 0, 0];
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[r.int(0, 5)]!++;
    const expected = n / 6;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(20.5); // p ~ 0.001 for 5 degrees of freedom
  });

  test.each([
    [3, 2],
    [0.5, 2],
  ])('int(%p, %p) throws RangeError', (min, max) => {
    expect(() => createRandom('x').int(min, max)).toThrow(RangeError);
  });

  test('pick returns an element and rejects an empty array', () => {
    const r = createRandom('p');
    const items = ['a', 'b', 'c'];
    for (let i = 0; i < 30; i++) expect(items).toContain(r.pick(items));
    expect(() => r.pick([])).toThrow(RangeError);
  });
});
