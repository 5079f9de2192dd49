import { describe, expect, test } from '@jest/globals';
import { executeKillPod } from '../../../../operator/src/chaos/kill-pod.ts';
import { aPod } from '../../../support/builders.ts';

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
