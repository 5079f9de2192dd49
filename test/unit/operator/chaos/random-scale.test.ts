import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { decideScale, executeScale } from '../../../../operator/src/chaos/random-scale.ts';
import { createRandom } from '../../../../operator/src/chaos/random.ts';

describe('decideScale', () => {
  test.each([
    [2, 1, 'greater than maxReplicas'],
    [-1, 3, 'negative'],
    [1.5, 3, 'integers'],
    [0, Number.NaN, 'integers'],
  ])('min %p max %p -> skip (%s)', (min, max, reason) => {
    const d = decideScale(min, max, createRandom('s'));
    expect(d.kind).toBe('skip');
    if (d.kind === 'skip') expect(d.reason).toContain(reason);
  });

  test('min == max always gives that value', () => {
    expect(decideScale(4, 4, createRandom('s'))).toEqual({ kind: 'scale', replicas: 4 });
  });

  test('property: the count is an integer within [min, max]', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (seed, min, span) => {
        const d = decideScale(min, min + span, createRandom(seed));
        expect(d.kind).toBe('scale');
        if (d.kind === 'scale') {
          expect(Number.isInteger(d.replicas)).toBe(true);
          expect(d.replicas).toBeGreaterThanOrEqual(min);
          expect(d.replicas).toBeLessThanOrEqual(min + span);
        }
      }),
    );
  });

  test('uniform over [min, max]: min is not over-weighted as in the seed (chi-square)', () => {
    const r = createRandom('uniform-scale');
    const min = 2;
    const max = 6;
    const n = 50_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const d = decideScale(min, max, r);
      if (d.kind !== 'scale') throw new Error('expected scale');
      counts.set(d.replicas, (counts.get(d.replicas) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([2, 3, 4, 5, 6]);
    const expected = n / 5;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(18.5); // p ~ 0.001 for 4 degrees of freedom
    // the seed's rule would give min a probability of (min+1)/(max+1) = 3/7 ~ 0.43
    expect((counts.get(2) ?? 0) / n).toBeLessThan(0.22);
  });
});

test('executeScale patches the scale of the target and returns the answered replicas and UID', async () => {
  const calls: unknown[] = [];
  const actions = {
    scaleDeployment: async (ns: string, name: string, replicas: number) => {
      calls.push([ns, name, replicas]);
      return { replicas, uid: 'uid-web' };
    },
  };
  expect(await executeScale({ kind: 'scale', replicas: 5 }, actions, { namespace: 'demo', name: 'web' })).toEqual({ replicas: 5, uid: 'uid-web' });
  expect(calls).toEqual([['demo', 'web', 5]]);
});
