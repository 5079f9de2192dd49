import { describe, expect, test } from '@jest/globals';
import { checkAntiPressureHeadroom, decideAntiPressure, executeAntiPressure } from '../../../../operator/src/chaos/anti-pressure.ts';
import { FixedRandom } from '../../../support/fixed-random.ts';
import { aPod, somePods } from '../../../support/builders.ts';

const cpu = (...values: [string, number][]) => values.map(([name, cpuNanoCores]) => ({ name, cpuNanoCores }));

describe('decideAntiPressure', () => {
  test.each([
    ['no pods', [], cpu(), 0, 'no running pods', false],
    ['only pending pods', somePods(3, { phase: 'Pending' }), cpu(), 0, 'no running pods', false],
    ['running == minReplicas', somePods(2), cpu(['web-0', 5]), 2, 'not more than minReplicas 2', false],
    ['running < minReplicas', somePods(2), cpu(['web-0', 5]), 3, 'not more than minReplicas 3', false],
    ['terminating pods do not count', [...somePods(2), aPod({ name: 'x', terminating: true })], cpu(['x', 9]), 2, 'only 2 running', false],
    ['no metrics at all', somePods(3), cpu(), 1, 'no pod metrics available', true],
    ['metrics only for other pods', somePods(3), cpu(['other', 5]), 1, 'no pod metrics for the running pods', true],
  ])('%s -> skip', (_name, pods, metrics, min, reason, noMetrics) => {
    const d = decideAntiPressure(pods, metrics, min, new FixedRandom());
    expect(d.kind).toBe('skip');
    if (d.kind === 'skip') {
      expect(d.reason).toContain(reason);
      expect(d.noMetrics ?? false).toBe(noMetrics);
    }
  });

  test('kills the pod with the highest CPU', () => {
    const d = decideAntiPressure(somePods(3), cpu(['web-0', 100], ['web-1', 250_000_000], ['web-2', 7]), 1, new FixedRandom());
    expect(d).toEqual({ kind: 'kill', pod: expect.objectContaining({ name: 'web-1' }), cpuNanoCores: 250_000_000, candidates: 3 });
  });

  test('ignores the CPU of terminating and non-running pods', () => {
    const pods = [...somePods(2), aPod({ name: 'dying', terminating: true }), aPod({ name: 'done', phase: 'Succeeded' })];
    const d = decideAntiPressure(pods, cpu(['web-0', 1], ['web-1', 2], ['dying', 99], ['done', 98]), 0, new FixedRandom());
    expect(d.kind === 'kill' && d.pod.name).toBe('web-1');
  });

  test.each([
    [0, 'web-0'],
    [0.5, 'web-2'],
    [0.9, 'web-2'],
  ])('ties are broken at random (random %p -> %s)', (f, name) => {
    const d = decideAntiPressure(somePods(3), cpu(['web-0', 5], ['web-1', 1], ['web-2', 5]), 0, new FixedRandom([f]));
    expect(d.kind === 'kill' && d.pod.name).toBe(name);
  });

  test('a single busiest pod draws no random number', () => {
    const random = new FixedRandom();
    decideAntiPressure(somePods(2), cpu(['web-0', 1], ['web-1', 2]), 0, random);
    expect(random.calls).toBe(0);
  });

  test('checkAntiPressureHeadroom passes when running pods exceed minReplicas', () => {
    expect(checkAntiPressureHeadroom(somePods(3), 2)).toBeNull();
  });
});

test('executeAntiPressure deletes the chosen pod with the grace period', async () => {
  const calls: unknown[] = [];
  const actions = {
    deletePod: async (ns: string, name: string, grace: number) => {
      calls.push([ns, name, grace]);
      return true;
    },
  };
  expect(await executeAntiPressure({ kind: 'kill', pod: aPod({ name: 'web-9' }), cpuNanoCores: 1, candidates: 1 }, actions, 0)).toBe(true);
  expect(calls).toEqual([['demo', 'web-9', 0]]);
});
