/** spec.guard (issue 11 point 4): pure checks, table-driven, `now` injected. */
import { describe, expect, test } from '@jest/globals';
import type { GuardV1 } from '../../../../api/v1.ts';
import { checkPodRemoval, checkRollout, checkScale, filterByAge, hasGuard, resolveMinAvailable } from '../../../../operator/src/chaos/guard.ts';
import { aDeployment, aPod, somePods } from '../../../support/builders.ts';

const NOW = Date.UTC(2026, 0, 1, 12);

describe('resolveMinAvailable (PDB semantics: percentages of desired, rounded up)', () => {
  test.each([
    [0, 3, 0],
    [2, 3, 2],
    [5, 3, 5],
    ['50%', 3, 2], // 1.5 -> 2
    ['50%', 4, 2],
    ['34%', 3, 2], // 1.02 -> 2
    ['33%', 3, 1], // 0.99 -> 1
    ['1%', 1, 1],
    ['0%', 10, 0],
    ['100%', 7, 7],
    ['50%', 0, 0],
  ] as const)('%j of %d desired -> %d', (value, desired, expected) => {
    expect(resolveMinAvailable(value, desired)).toBe(expected);
  });

  test.each([[-1], [1.5], ['5'], ['x%'], ['-5%'], [' 5%'], [Number.NaN]])('%j is malformed -> undefined', (value) => {
    expect(resolveMinAvailable(value, 3)).toBeUndefined();
  });
});

describe('hasGuard', () => {
  test.each([
    [undefined, false],
    [{}, true],
    [{ minPodAge: '1m' }, true],
  ])('%j -> %s', (guard, expected) => {
    expect(hasGuard(guard as GuardV1 | undefined)).toBe(expected);
  });
});

describe('checkRollout', () => {
  test.each([
    ['no guard', undefined, {}, 'ok'],
    ['settled, default skipDuringRollout', {}, {}, 'ok'],
    ['generation ahead of observedGeneration', {}, { generation: 2, observedGeneration: 1 }, 'observedGeneration 1 is behind generation 2'],
    ['never observed', {}, { observedGeneration: undefined }, 'observedGeneration unset is behind generation 1'],
    ['updated below desired', {}, { updatedReplicas: 2 }, '2 updated and 3 available of 3 desired'],
    ['available below desired', { minAvailable: 1 }, { availableReplicas: 1 }, '3 updated and 1 available of 3 desired'],
    ['rolling out but skipDuringRollout false', { skipDuringRollout: false }, { availableReplicas: 0 }, 'ok'],
    ['explicit skipDuringRollout true', { skipDuringRollout: true }, { updatedReplicas: 0 }, '0 updated'],
  ] as const)('%s', (_name, guard, dep, expected) => {
    const v = checkRollout(guard, aDeployment(dep));
    if (expected === 'ok') expect(v).toEqual({ kind: 'ok' });
    else expect(v).toEqual({ kind: 'blocked', message: expect.stringContaining(expected) });
  });

  test('no metadata.generation: unknown (fail closed), unless the guard is off', () => {
    expect(checkRollout({}, aDeployment({ generation: undefined }))).toEqual({ kind: 'unknown', why: expect.stringContaining('no metadata.generation') });
    expect(checkRollout({ skipDuringRollout: false }, aDeployment({ generation: undefined }))).toEqual({ kind: 'ok' });
  });
});

describe('filterByAge (minPodAge)', () => {
  const at = (name: string, ageMs: number | undefined) => aPod({ name, ...(ageMs === undefined ? {} : { creationTimestamp: NOW - ageMs }) });

  test.each([
    ['no guard keeps all', undefined, [at('a', 0), at('b', undefined)], ['a', 'b']],
    ['guard without minPodAge keeps all', { minAvailable: 1 }, [at('a', 0)], ['a']],
    ['keeps pods at least that old', { minPodAge: '1m' }, [at('a', 59_999), at('b', 60_000), at('c', 3_600_000)], ['b', 'c']],
    ['unknown age is no candidate', { minPodAge: '1s' }, [at('a', undefined), at('b', 5_000)], ['b']],
    ['0s keeps all with a timestamp', { minPodAge: '0s' }, [at('a', 0)], ['a']],
    ['no pods stays no pods', { minPodAge: '1h' }, [], []],
  ] as const)('%s', (_name, guard, pods, names) => {
    const r = filterByAge(guard, pods, NOW);
    expect(r.kind).toBe('ok');
    if (r.kind === 'ok') expect(r.pods.map((p) => p.name)).toEqual(names);
  });

  test('all pods younger: blocked with the count and the age', () => {
    expect(filterByAge({ minPodAge: '1m30s' }, [at('a', 1_000), at('b', 89_999)], NOW)).toEqual({ kind: 'blocked', message: 'guard minPodAge: all 2 pods are younger than 1m30s' });
  });

  test.each([['soon'], [''], [5]])('minPodAge %j is not a duration: unknown', (value) => {
    const r = filterByAge({ minPodAge: value as string }, [at('a', 1e9)], NOW);
    expect(r).toEqual({ kind: 'unknown', why: expect.stringContaining('is not a Go duration') });
  });
});

describe('checkPodRemoval (minAvailable on ready-after-kill)', () => {
  const pods = (ready: number, unready: number) => [...somePods(ready), ...Array.from({ length: unready }, (_, i) => aPod({ name: `cold-${i}`, ready: false }))];

  test.each([
    ['no guard', undefined, 3, pods(3, 0), 'web-0', 'ok'],
    ['no minAvailable', { minPodAge: '1s' }, 3, pods(1, 0), 'web-0', 'ok'],
    ['3 ready, kill one, min 2', { minAvailable: 2 }, 3, pods(3, 0), 'web-0', 'ok'],
    ['2 ready, kill one, min 2', { minAvailable: 2 }, 3, pods(2, 1), 'web-0', '2 of 3 desired pods are ready, 1 would be after killing web-0, below minAvailable 2'],
    ['2 ready, kill the unready one, min 2', { minAvailable: 2 }, 3, pods(2, 1), 'cold-0', 'ok'],
    ['50% of 3 is 2 (rounded up)', { minAvailable: '50%' }, 3, pods(2, 1), 'web-1', 'below minAvailable 2 (50% of the desired replicas, rounded up)'],
    ['50% of 4 is 2', { minAvailable: '50%' }, 4, pods(3, 1), 'web-1', 'ok'],
    ['100% never kills a ready pod', { minAvailable: '100%' }, 3, pods(3, 0), 'web-2', '3 of 3 desired pods are ready, 2 would be after'],
    ['0 always passes', { minAvailable: 0 }, 1, pods(1, 0), 'web-0', 'ok'],
  ] as const)('%s', (_name, guard, replicas, list, victim, expected) => {
    const v = checkPodRemoval(guard, aDeployment({ replicas }), list, list.find((p) => p.name === victim) ?? aPod());
    if (expected === 'ok') expect(v).toEqual({ kind: 'ok' });
    else expect(v).toEqual({ kind: 'blocked', message: expect.stringContaining(expected) });
  });

  test('terminating and not-reported-ready pods do not count as ready', () => {
    const list = [aPod({ name: 'a' }), aPod({ name: 'b', terminating: true }), aPod({ name: 'c', ready: undefined })];
    expect(checkPodRemoval({ minAvailable: 1 }, aDeployment(), list, list[0] ?? aPod())).toEqual({ kind: 'blocked', message: expect.stringContaining('1 of 3 desired pods are ready, 0 would be') });
  });

  test('a malformed minAvailable is unknown', () => {
    expect(checkPodRemoval({ minAvailable: '5' }, aDeployment(), somePods(3), aPod())).toEqual({ kind: 'unknown', why: expect.stringContaining('guard minAvailable "5"') });
  });
});

describe('checkScale (randomScale: the new count and the ready pods left)', () => {
  test.each([
    ['no guard', undefined, 3, 3, 0, 'ok'],
    ['scale up', { minAvailable: 2 }, 3, 3, 5, 'ok'],
    ['down to exactly min', { minAvailable: 2 }, 3, 3, 2, 'ok'],
    ['below min', { minAvailable: 2 }, 3, 3, 1, 'scaling from 3 to 1 replicas would go below minAvailable 2'],
    ['percentage of current desired', { minAvailable: '50%' }, 5, 5, 2, 'scaling from 5 to 2 replicas would go below minAvailable 3 (50% of the desired replicas, rounded up)'],
    ['too few ready even scaling up', { minAvailable: 2 }, 3, 1, 4, '1 of 3 desired pods are ready, 1 would be after scaling to 4, below minAvailable 2'],
  ] as const)('%s', (_name, guard, replicas, ready, target, expected) => {
    const v = checkScale(guard, aDeployment({ replicas, readyReplicas: ready }), target);
    if (expected === 'ok') expect(v).toEqual({ kind: 'ok' });
    else expect(v).toEqual({ kind: 'blocked', message: `guard minAvailable: ${expected}` });
  });

  test('a malformed minAvailable is unknown', () => {
    expect(checkScale({ minAvailable: -2 }, aDeployment(), 3).kind).toBe('unknown');
  });
});
