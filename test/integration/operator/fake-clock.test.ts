/**
 * The schedule, exactly: the operator runs against the sandbox with a FakeClock driving its wheel
 * (informers, Lease and HTTP stay on real time), so "first action one timeout after acceptance",
 * "one action per period" and "a timeout edit reschedules at once" are checked to the millisecond
 * without waiting an hour.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FakeClock } from '../../support/fake-clock.ts';
import { actionLines, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

const HOUR = 3_600_000;
let world: World;
let replica: Replica;
let clock: FakeClock;
let acceptedAt: number;

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace('fake');
  await world.createDeployment('fake', 'web', 3);
  clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);
  replica = await world.startOperator({ overrides: { clock } });
  await world.createCmc('fake', 'hourly', { scalingMode: 'killPod', timeout: '1h', deployment: { name: 'web' } });
  await waitFor('scheduled', () => replica.operator.stats().scheduled === 1);
  acceptedAt = clock.now();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('schedule under a fake clock', () => {
  test('nothing happens before one full timeout; the action fires at exactly one timeout', async () => {
    const cmc = await waitFor('status nextActionAt', async () => (await world.getCmc('fake', 'hourly')).status?.nextActionAt);
    expect(Date.parse(cmc)).toBe(acceptedAt + HOUR);
    await clock.advanceAsync(HOUR - 1);
    expect(replica.operator.stats().actionsStarted).toBe(0);
    await clock.advanceAsync(1);
    expect(replica.operator.stats().actionsStarted).toBe(1);
    const line = await waitFor('the kill', () => actionLines(replica, { cmc: 'hourly' })[0], 5_000);
    expect(line.latenessMs).toBe(0);
  });

  test('the next action comes exactly one period later', async () => {
    await clock.advanceAsync(HOUR - 1);
    expect(replica.operator.stats().actionsStarted).toBe(1);
    await clock.advanceAsync(1);
    expect(replica.operator.stats().actionsStarted).toBe(2);
    await waitFor('second kill logged', () => actionLines(replica, { cmc: 'hourly' }).length === 2, 5_000);
  });

  test('a timeout edit reschedules at once to now + the new timeout', async () => {
    await world.patchCmcSpec('fake', 'hourly', { timeout: '30m' });
    const editedAt = clock.now();
    await waitFor('status for the new generation', async () => {
      const c = await world.getCmc('fake', 'hourly');
      return c.status?.observedGeneration === c.metadata.generation && Date.parse(c.status?.nextActionAt ?? '') === editedAt + HOUR / 2;
    });
    await clock.advanceAsync(HOUR / 2 - 1);
    expect(replica.operator.stats().actionsStarted).toBe(2);
    await clock.advanceAsync(1);
    expect(replica.operator.stats().actionsStarted).toBe(3);
  });
});
