/**
 * Leader election (issue 4 point 11): two replicas in one process against one sandbox never both
 * act; the follower takes over at once when the leader stops (it releases the Lease), and within
 * the lease duration when the leader vanishes without releasing it (lease 3s in these tests).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionLines, OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace('ha');
  await world.createDeployment('ha', 'web', 3);
  await world.createCmc('ha', 'kill', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'web' } });
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

async function holder(): Promise<string | undefined> {
  const lease = await world.kc.makeApiClient((await import('@kubernetes/client-node')).CoordinationV1Api).readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE });
  return lease.spec?.holderIdentity ?? undefined;
}

describe('leader election', () => {
  let a: Replica;
  let b: Replica;

  test('only the leader acts', async () => {
    a = await world.startOperator({ identity: 'a' });
    b = await world.startOperator({ identity: 'b', waitForLeader: false });
    expect(a.operator.isLeader).toBe(true);
    await waitFor('three actions', () => actionLines(a).length >= 3, 8_000);
    expect(b.operator.isLeader).toBe(false);
    expect(b.operator.stats().actionsStarted).toBe(0);
    expect(actionLines(b)).toHaveLength(0);
    expect(b.operator.stats().synced).toBe(true);
    expect(await holder()).toBe('a');
  });

  test('the follower takes over at once when the leader stops and releases the Lease', async () => {
    const stoppedAt = performance.now();
    await a.operator.stop();
    await waitFor('b to lead', () => b.operator.isLeader, 3_000);
    expect(performance.now() - stoppedAt).toBeLessThan(2_000);
    const aActions = a.operator.stats().actionsStarted;
    await waitFor('b to act', () => actionLines(b).length >= 2, 5_000);
    expect(a.operator.stats().actionsStarted).toBe(aActions);
    expect(await holder()).toBe('b');
  });

  test('failover within the lease duration when the leader vanishes without releasing', async () => {
    const c = await world.startOperator({ identity: 'c', waitForLeader: false });
    const crashedAt = performance.now();
    await b.operator.stop({ releaseLease: false });
    const bActions = b.operator.stats().actionsStarted;
    expect(await holder()).toBe('b');
    await waitFor('c to lead', () => c.operator.isLeader, 6_000);
    const elapsed = performance.now() - crashedAt;
    expect(elapsed).toBeGreaterThan(2_000); // it waited for the 3s lease to expire
    expect(elapsed).toBeLessThan(5_000);
    await waitFor('c to act', () => actionLines(c).length >= 1, 5_000);
    expect(b.operator.stats().actionsStarted).toBe(bActions); // the stopped replica started nothing while c took over
  });

  test('a leader that finds the Lease taken stops acting at once', async () => {
    const leader = world.replicas.find((r) => r.operator.isLeader) as Replica;
    const coord = world.kc.makeApiClient((await import('@kubernetes/client-node')).CoordinationV1Api);
    const lease = await coord.readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE });
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    lease.spec = { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60, renewTime: now as unknown as Date };
    await coord.replaceNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE, body: lease });
    await waitFor('the leader to step down', () => !leader.operator.isLeader, 2_000);
    // That it then stays quiet is proven under a fake clock (quiet.test.ts, "a leader that finds the Lease taken").
    expect(leader.logs.some((l) => l.message === 'stopped leading' && l.why === 'lease taken by intruder')).toBe(true);
    expect(world.replicas.every((r) => !r.operator.isLeader)).toBe(true);
  });

  test('replicas never acted at the same time', () => {
    // Each action line carries its replica's identity and timestamp; leadership periods must not overlap.
    const periods = world.replicas.map((r) => {
      const times = actionLines(r).map((l) => Date.parse(String(l.timestamp)));
      return { id: r.identity, first: Math.min(...times), last: Math.max(...times), n: times.length };
    }).filter((p) => p.n > 0).sort((x, y) => x.first - y.first);
    expect(periods.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < periods.length; i++) expect((periods[i] as { first: number }).first).toBeGreaterThan((periods[i - 1] as { last: number }).last);
  });
});
