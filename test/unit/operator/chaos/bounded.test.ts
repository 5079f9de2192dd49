import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { mapBounded } from '../../../../operator/src/chaos/bounded.ts';

test('property: results in input order, never more than `limit` calls in flight, every item once', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), async (delays, limit) => {
      let live = 0;
      let max = 0;
      const seen: number[] = [];
      const out = await mapBounded(delays, limit, async (d, i) => {
        live++;
        max = Math.max(max, live);
        seen.push(i);
        for (let k = 0; k < d; k++) await new Promise((r) => setImmediate(r));
        live--;
        return i * 10;
      });
      expect(out).toEqual(delays.map((_, i) => i * 10));
      expect(max).toBeLessThanOrEqual(limit);
      if (delays.length >= limit && delays.slice(0, limit).every((d) => d > 0)) expect(max).toBe(limit);
      expect([...seen].sort((a, b) => a - b)).toEqual(delays.map((_, i) => i));
    }),
  );
});

test('an empty list resolves to an empty list', async () => {
  expect(await mapBounded([], 5, async () => 1)).toEqual([]);
});
