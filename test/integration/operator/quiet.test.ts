/**
 * "Nothing happens", proven under a fake clock instead of waiting: the operator's wheel runs on a
 * FakeClock (informers, Lease and HTTP stay on real time), so "no action for ten periods" is ten
 * hours of fake time, checked at once. Each case first shows that the CMC does act when allowed,
 * so a silent operator cannot pass.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { FakeClock } from '../../support/fake-clock.ts';
import { OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

const HOUR = 3_600_000;
const NS = 'quiet';
let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** A world with deployment quiet/web, one replica on a fake clock, and CMC `hourly` (killPod, 1h) accepted. */
async function hourly(options: { env?: Record<string, string>; label?: string } = {}): Promise<{ w: World; replica: Replica; clock: FakeClock }> {
  const w = await startWorld();
  world = w;
  await w.createNamespace(NS, options.label);
  await w.createDeployment(NS, 'web', 3);
  const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);
  const replica = await w.startOperator({ overrides: { clock }, ...(options.env !== undefined ? { env: options.env } : {}) });
  await w.createCmc(NS, 'hourly', { scalingMode: 'killPod', timeout: '1h', deployment: { name: 'web' } });
  return { w, replica, clock };
}

/** Advances the fake clock by `hours` one hour at a time; returns the actions started meanwhile. */
async function actionsOver(replica: Replica, clock: FakeClock, hours: number): Promise<number> {
  const before = replica.operator.stats().actionsStarted;
  for (let i = 0; i < hours; i++) await clock.advanceAsync(HOUR);
  return replica.operator.stats().actionsStarted - before;
}

describe('nothing happens (fake clock)', () => {
  test('a deleted CMC never acts again', async () => {
    const { w, replica, clock } = await hourly();
    await waitFor('scheduled', () => replica.operator.stats().scheduled === 1);
    expect(await actionsOver(replica, clock, 1)).toBe(1);
    await w.deleteCmc(NS, 'hourly');
    await waitFor('unscheduled', () => replica.operator.stats().scheduled === 0);
    expect(await actionsOver(replica, clock, 10)).toBe(0);
  });

  test('a disabled CMC does not act', async () => {
    const { w, replica, clock } = await hourly();
    await waitFor('scheduled', () => replica.operator.stats().scheduled === 1);
    expect(await actionsOver(replica, clock, 1)).toBe(1);
    await w.patchCmcSpec(NS, 'hourly', { enabled: false });
    await waitFor('Paused=True', async () => (await w.getCmc(NS, 'hourly')).status?.conditions?.some((c) => c.type === 'Paused' && c.status === 'True') === true);
    expect(await actionsOver(replica, clock, 10)).toBe(0);
  });

  test('an opted-out namespace gets no chaos; opting back in resumes one timeout later', async () => {
    const { w, replica, clock } = await hourly();
    await waitFor('scheduled', () => replica.operator.stats().scheduled === 1);
    expect(await actionsOver(replica, clock, 1)).toBe(1);
    await w.setNamespaceLabel(NS, 'false');
    await waitFor('unscheduled', () => replica.operator.stats().scheduled === 0);
    expect(await actionsOver(replica, clock, 10)).toBe(0);
    await w.setNamespaceLabel(NS, 'true');
    await waitFor('rescheduled', () => replica.operator.stats().scheduled === 1);
    await clock.advanceAsync(HOUR - 1);
    expect(replica.operator.stats().actionsStarted).toBe(1);
    await clock.advanceAsync(1);
    expect(replica.operator.stats().actionsStarted).toBe(2);
  });

  test('DenyAll: no chaos in a namespace without the opt-in label until it is labelled "true"', async () => {
    const { w, replica, clock } = await hourly({ env: { CHAOSMONKEY_BEHAVIOR: 'DenyAll' } });
    await waitFor('Blocked NamespaceNotOptedIn', async () => (await w.getCmc(NS, 'hourly')).status?.conditions?.find((c) => c.type === 'Blocked')?.reason === 'NamespaceNotOptedIn');
    expect(replica.operator.stats().scheduled).toBe(0);
    expect(await actionsOver(replica, clock, 10)).toBe(0);
    await w.setNamespaceLabel(NS, 'true');
    await waitFor('scheduled', () => replica.operator.stats().scheduled === 1);
    expect(await actionsOver(replica, clock, 1)).toBe(1);
  });

  test('a leader that finds the Lease taken does not act', async () => {
    const { w, replica, clock } = await hourly();
    await waitFor('scheduled', () => replica.operator.stats().scheduled === 1);
    expect(await actionsOver(replica, clock, 1)).toBe(1);
    const coord = w.kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coord.readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE });
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    lease.spec = { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60, renewTime: now as unknown as Date };
    await coord.replaceNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE, body: lease });
    await waitFor('the leader to step down', () => !replica.operator.isLeader, 2_000);
    expect(await actionsOver(replica, clock, 10)).toBe(0);
  });
});
