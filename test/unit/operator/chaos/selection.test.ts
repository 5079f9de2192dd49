/**
 * The pure choice of issue 12 point 2 (chaos/selection.ts): candidates, batch size per mode,
 * draws without replacement, the minAvailable budget of a batch. Properties with fast-check.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { LabelSelectorV1, SelectionV1 } from '../../../../api/v1.ts';
import { createRandom } from '../../../../operator/src/chaos/random.ts';
import { batchSize, candidatesOf, drawVictims, formatTargets, matchesSelector, planBatch } from '../../../../operator/src/chaos/selection.ts';
import type { PodInfo } from '../../../../operator/src/ports.ts';
import { aPod, somePods } from '../../../support/builders.ts';
import { FixedRandom } from '../../../support/fixed-random.ts';

const tiers = ['web', 'canary', 'batch'] as const;
const phases = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'] as const;

/** A pod list with unique names and varied tier label, phase, deletion and readiness. */
const podsArb = fc
  .array(fc.record({ tier: fc.option(fc.constantFrom(...tiers), { nil: undefined }), phase: fc.constantFrom(...phases), terminating: fc.boolean(), ready: fc.boolean() }), { maxLength: 40 })
  .map((specs) =>
    specs.map((s, i): PodInfo => aPod({ name: `web-${i}`, phase: s.phase, terminating: s.terminating, ready: s.ready, labels: s.tier === undefined ? { app: 'web' } : { app: 'web', tier: s.tier } })),
  );

const selectorArb: fc.Arbitrary<LabelSelectorV1 | undefined> = fc.option(
  fc.oneof(
    fc.constantFrom(...tiers).map((t) => ({ matchLabels: { tier: t } })),
    fc.subarray([...tiers], { minLength: 1 }).map((values) => ({ matchExpressions: [{ key: 'tier', operator: 'In' as const, values }] })),
    fc.subarray([...tiers], { minLength: 1 }).map((values) => ({ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values }] })),
    fc.constantFrom('Exists' as const, 'DoesNotExist' as const).map((operator): LabelSelectorV1 => ({ matchExpressions: [{ key: 'tier', operator }] })),
  ),
  { nil: undefined },
);

const selectionArb: fc.Arbitrary<SelectionV1 | undefined> = fc.option(
  fc.oneof(
    fc.constant({ mode: 'one' as const }),
    fc.constant({ mode: 'all' as const }),
    fc.integer({ min: 1, max: 50 }).map((value) => ({ mode: 'fixed' as const, value })),
    fc.integer({ min: 1, max: 100 }).map((value) => ({ mode: 'fixed-percent' as const, value })),
    fc.integer({ min: 1, max: 100 }).map((value) => ({ mode: 'random-max-percent' as const, value })),
  ),
  { nil: undefined },
);

/** Reference semantics of a LabelSelector, written independently of the module's loop. */
function reference(labels: Record<string, string>, sel: LabelSelectorV1 | undefined): boolean {
  if (sel === undefined) return true;
  const okLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const okExprs = (sel.matchExpressions ?? []).every((e) =>
    e.operator === 'In' ? e.values?.includes(labels[e.key] ?? '\u0000') === true
    : e.operator === 'NotIn' ? !(e.key in labels) || e.values?.includes(labels[e.key] as string) !== true
    : e.operator === 'Exists' ? e.key in labels
    : !(e.key in labels),
  );
  return okLabels && okExprs;
}

describe('candidatesOf', () => {
  test('property: exactly the Running, non-terminating pods matching podSelector', () => {
    fc.assert(
      fc.property(podsArb, selectorArb, (pods, sel) => {
        const expected = pods.filter((p) => p.phase === 'Running' && !p.terminating && reference({ ...p.labels }, sel)).map((p) => p.name);
        const got = candidatesOf(pods, sel);
        if (expected.length === 0) expect(got.kind).toBe('none');
        else expect(got).toEqual({ kind: 'ok', pods: pods.filter((p) => expected.includes(p.name)) });
      }),
    );
  });

  test.each([
    ['no pods', [], undefined, "no pods match the target deployment's selector"],
    ['all terminating', somePods(3, { terminating: true }), undefined, 'all 3 pods of the target are already terminating'],
    ['only Pending', somePods(2, { phase: 'Pending' }), undefined, 'none of the 2 pods of the target is Running and not terminating'],
    ['podSelector matches nothing', somePods(2), { matchLabels: { tier: 'canary' } }, 'none of the 2 pods of the target matches spec.podSelector'],
  ])('%s: a skip that says why', (_name, pods, sel, reason) => {
    expect(candidatesOf(pods, sel)).toEqual({ kind: 'none', reason });
  });

  test('matchesSelector: matchLabels and every expression are ANDed', () => {
    const sel: LabelSelectorV1 = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['canary'] }, { key: 'debug', operator: 'DoesNotExist' }] };
    expect(matchesSelector({ app: 'web', tier: 'canary' }, sel)).toBe(true);
    expect(matchesSelector({ app: 'web', tier: 'web' }, sel)).toBe(false);
    expect(matchesSelector({ app: 'web', tier: 'canary', debug: '' }, sel)).toBe(false);
    expect(matchesSelector({ tier: 'canary' }, sel)).toBe(false);
  });
});

describe('batchSize', () => {
  test.each<[SelectionV1 | undefined, number, number]>([
    [undefined, 5, 1],
    [{ mode: 'one' }, 5, 1],
    [{ mode: 'fixed', value: 2 }, 5, 2],
    [{ mode: 'fixed', value: 9 }, 5, 5],
    [{ mode: 'fixed-percent', value: 50 }, 5, 2],
    [{ mode: 'fixed-percent', value: 10 }, 5, 1],
    [{ mode: 'fixed-percent', value: 100 }, 7, 7],
    [{ mode: 'all' }, 6, 6],
    [{ mode: 'all' }, 0, 0],
    [{ mode: 'fixed', value: 0 }, 5, 0],
    [{ mode: 'fixed-percent', value: 101 }, 5, 0],
  ])('%j of %d candidates -> %d', (selection, n, size) => {
    expect(batchSize(selection, n, new FixedRandom())).toBe(size);
  });

  test('random-max-percent draws uniformly in [1, floor(n * value / 100)]', () => {
    expect(batchSize({ mode: 'random-max-percent', value: 50 }, 10, new FixedRandom([0]))).toBe(1);
    expect(batchSize({ mode: 'random-max-percent', value: 50 }, 10, new FixedRandom([0.99]))).toBe(5);
    expect(batchSize({ mode: 'random-max-percent', value: 5 }, 10, new FixedRandom([0.99]))).toBe(1);
  });

  test('property: within [1, n] for every valid selection and n >= 1, and as the mode defines it', () => {
    fc.assert(
      fc.property(selectionArb, fc.integer({ min: 1, max: 500 }), fc.string(), (selection, n, seed) => {
        const size = batchSize(selection, n, createRandom(seed));
        expect(size).toBeGreaterThanOrEqual(1);
        expect(size).toBeLessThanOrEqual(n);
        const value = selection?.value ?? 0;
        switch (selection?.mode ?? 'one') {
          case 'one': return expect(size).toBe(1);
          case 'all': return expect(size).toBe(n);
          case 'fixed': return expect(size).toBe(Math.min(value, n));
          case 'fixed-percent': return expect(size).toBe(Math.max(1, Math.floor((n * value) / 100)));
          case 'random-max-percent': return expect(size).toBeLessThanOrEqual(Math.max(1, Math.floor((n * value) / 100)));
        }
      }),
    );
  });
});

describe('drawVictims', () => {
  test('property: draws every candidate once, never twice, then undefined', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.string(), (n, seed) => {
        const pods = somePods(n);
        const draw = drawVictims(pods, createRandom(seed));
        const names: string[] = [];
        for (let p = draw.next(); p !== undefined; p = draw.next()) names.push(p.name);
        expect(names).toHaveLength(n);
        expect(new Set(names).size).toBe(n);
        expect(draw.remaining).toBe(0);
        expect(pods.map((p) => p.name)).toEqual(Array.from({ length: n }, (_, i) => `web-${i}`)); // input untouched
      }),
    );
  });

  test('the first draw is the seed-compatible pick: random.int(0, n - 1)', () => {
    expect(drawVictims(somePods(4), new FixedRandom([0.5])).next()?.name).toBe('web-2');
    expect(drawVictims(somePods(4), new FixedRandom([0.99])).next()?.name).toBe('web-3');
  });

  test('uniform: each of 4 pods comes first about a quarter of the time', () => {
    const counts = new Map<string, number>();
    const random = createRandom('draw');
    for (let i = 0; i < 8000; i++) {
      const name = drawVictims(somePods(4), random).next()?.name ?? '';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const c of counts.values()) expect(c).toBeGreaterThan(1800);
  });
});

describe('planBatch (minAvailable on the whole batch)', () => {
  test('property: at most `budget` ready victims, no duplicates, victims + dropped = min(size, n)', () => {
    fc.assert(
      fc.property(podsArb, fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 10 }), fc.string(), (pods, size, budget, seed) => {
        const plan = planBatch(drawVictims(pods, createRandom(seed)), size, budget);
        expect(plan.victims.filter((p) => p.ready === true).length).toBeLessThanOrEqual(budget);
        const names = [...plan.victims, ...plan.dropped].map((p) => p.name);
        expect(new Set(names).size).toBe(names.length);
        expect(names.length).toBe(Math.min(size, pods.length));
        expect(plan.dropped.every((p) => p.ready === true)).toBe(true);
        expect(plan.budgetLeft).toBe(budget - plan.victims.filter((p) => p.ready === true).length);
      }),
    );
  });

  test('no budget at all: every ready victim is dropped, pods that are not ready still go', () => {
    const pods = [aPod({ name: 'a' }), aPod({ name: 'b', ready: false })];
    const plan = planBatch(drawVictims(pods, new FixedRandom([0])), 2, 0);
    expect(plan.victims.map((p) => p.name)).toEqual(['b']);
    expect(plan.dropped.map((p) => p.name)).toEqual(['a']);
  });
});

test('formatTargets names two pods then counts the rest', () => {
  expect(formatTargets(['a'])).toBe('a');
  expect(formatTargets(['a', 'b'])).toBe('a, b');
  expect(formatTargets(['a', 'b', 'c', 'd', 'e'])).toBe('a, b (+3)');
});
