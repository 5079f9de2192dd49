import { describe, expect, test } from '@jest/globals';
import { decideKillPod, executeKillPod } from '../../../../operator/src/chaos/kill-pod.ts';
import { createRandom } from '../../../../operator/src/chaos/random.ts';
import { FixedRandom } from '../../../support/fixed-random.ts';
import { aPod, somePods } from '../../../support/builders.ts';

describe('decideKillPod', () => {
  test.each([
    ['no pods', [], 'no pods'],
    ['all terminating', somePods(3, { terminating: true }), 'all 3 pods'],
  ])('%s -> skip', (_name, pods, reason) => {
    const d = decideKillPod(pods, new FixedRandom());
    expect(d.kind).toBe('skip');
    if (d.kind === 'skip') expect(d.reason).toContain(reason);
  });

  test.each([
    [0, 'web-0'],
    [0.5, 'web-2'],
    [0.99, 'web-3'],
  ])('random %p picks %s among non-terminating pods', (f, name) => {
    const pods = [...somePods(4), aPod({ name: 'web-dying', terminating: true })];
    const d = decideKillPod(pods, new FixedRandom([f]));
    expect(d).toEqual({ kind: 'kill', pod: expect.objectContaining({ name }), candidates: 4 });
  });

  test('never picks a terminating pod and is roughly uniform', () => {
    const pods = [...somePods(4), aPod({ name: 'web-dying', terminating: true })];
    const r = createRandom('kill');
    const counts = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      const d = decideKillPod(pods, r);
      if (d.kind !== 'kill') throw new Error('expected a kill');
      counts.set(d.pod.name, (counts.get(d.pod.name) ?? 0) + 1);
    }
    expect(counts.has('web-dying')).toBe(false);
    expect(counts.size).toBe(4);
    for (const c of counts.values()) expect(c).toBeGreaterThan(1800);
  });
});

describe('executeKillPod', () => {
  test.each([
    [true, 'killed'],
    [false, 'alreadyGone'],
  ])('deletePod answering %p gives %s, with the grace period passed through', async (answer, kind) => {
    const calls: [string, string, number][] = [];
    const actions = {
      deletePod: async (ns: string, name: string, grace: number) => {
        calls.push([ns, name, grace]);
        return answer;
      },
    };
    const pod = aPod({ name: 'web-1' });
    const result = await executeKillPod({ kind: 'kill', pod, candidates: 1 }, actions, 7);
    expect(result).toEqual({ kind, pod });
    expect(calls).toEqual([['demo', 'web-1', 7]]);
  });

  test('propagates a failure of deletePod', async () => {
    const actions = { deletePod: async () => Promise.reject(new Error('forbidden')) };
    await expect(executeKillPod({ kind: 'kill', pod: aPod(), candidates: 1 }, actions, 0)).rejects.toThrow('forbidden');
  });
});
