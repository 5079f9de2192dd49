/**
 * Issue 12 point 1 against the sandbox over real sockets, on a FakeClock (as fake-clock.test.ts):
 * a slot inside an excluded time window is skipped, not queued; `status.nextActionAt` shows the next
 * real action (the window's end here) and `Blocked` says `OutsideWindow` until when; no action runs
 * in the window and the first one after it runs on time; an edit of spec.schedule reschedules at once.
 * The window is placed relative to the start time, in UTC wall-clock "HH:MM-HH:MM".
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FakeClock } from '../../support/fake-clock.ts';
import { actionLines, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';
import type { ChaosMonkeyConfigurationV1, Condition } from '../../../api/v1.ts';
import type { NotifyEvent } from '../../../operator/src/ports.ts';

const MIN = 60_000;
let world: World;
let replica: Replica;
let clock: FakeClock;
let start: number;
const notices: NotifyEvent[] = [];

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const blocked = (cmc: ChaosMonkeyConfigurationV1): Condition | undefined => cmc.status?.conditions?.find((c) => c.type === 'Blocked');

/** Waits until the CMC's status is written for its generation and `check` holds. */
async function statusOf(name: string, check: (c: ChaosMonkeyConfigurationV1) => boolean): Promise<ChaosMonkeyConfigurationV1> {
  return waitFor(`status of ${name}`, async () => {
    const c = await world.getCmc('windows', name);
    return c.status?.observedGeneration === c.metadata.generation && check(c) ? c : undefined;
  });
}

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace('windows');
  await world.createDeployment('windows', 'web', 3);
  await world.createDeployment('windows', 'api', 3); // the second CMC's target: two kills at the same instant never race for one pod
  start = Math.floor(Date.now() / MIN) * MIN;
  clock = new FakeClock(start);
  replica = await world.startOperator({ overrides: { clock, notifier: { notify: (e) => void notices.push(e), stop: async () => undefined } } });
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('time windows under a fake clock', () => {
  // Excluded: [start + 10 min, start + 60 min) of the UTC wall clock.
  const windowStart = (): number => start + 10 * MIN;
  const windowEnd = (): number => start + 60 * MIN;

  test('a slot in the window is skipped: nextActionAt is the first allowed slot (the window end), Blocked OutsideWindow says until when', async () => {
    await world.createCmc('windows', 'quarter', { scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '15m', schedule: { excludedTimesOfDay: [`${hhmm(windowStart())}-${hhmm(windowEnd())}`] } });
    const cmc = await statusOf('quarter', (c) => c.status?.nextActionAt !== undefined);
    expect(cmc.status?.nextActionAt).toBe(iso(windowEnd())); // start + 15 min (in the window) skipped; + 60 min is on the grid
    expect(blocked(cmc)).toMatchObject({ status: 'True', reason: 'OutsideWindow' });
    expect(blocked(cmc)?.message).toContain(`the slot at ${iso(start + 15 * MIN)} falls in an excluded window`);
    expect(blocked(cmc)?.message).toContain(`until ${iso(windowEnd())}`);
  });

  test('when the window starts (a boundary timer on the shared wheel, no action): Blocked says until when, a window notification', async () => {
    await clock.advanceAsync(10 * MIN);
    const cmc = await statusOf('quarter', (c) => blocked(c)?.message.startsWith('outside the allowed time') === true);
    expect(blocked(cmc)?.message).toBe(`outside the allowed time of spec.schedule (time zone UTC) until ${iso(windowEnd())}: next action at ${iso(windowEnd())}`);
    expect(cmc.status?.nextActionAt).toBe(iso(windowEnd()));
    expect(notices.filter((n) => n.kind === 'window')).toEqual([expect.objectContaining({ kind: 'window', namespace: 'windows', cmc: 'quarter', on: true, at: windowStart() })]);
  });

  test('a CMC created inside the window: Blocked OutsideWindow until the window end, nextActionAt there', async () => {
    await clock.advanceAsync(10 * MIN);
    await world.createCmc('windows', 'inside', { scalingMode: 'killPod', deployment: { name: 'api' }, timeout: '20m', schedule: { excludedTimesOfDay: [`${hhmm(windowStart())}-${hhmm(windowEnd())}`] } });
    const cmc = await statusOf('inside', (c) => c.status?.nextActionAt !== undefined);
    expect(cmc.status?.nextActionAt).toBe(iso(windowEnd())); // + 40 min in the window, + 60 min allowed
    expect(blocked(cmc)).toMatchObject({ status: 'True', reason: 'OutsideWindow', message: `outside the allowed time of spec.schedule (time zone UTC) until ${iso(windowEnd())}: next action at ${iso(windowEnd())}` });
  });

  test('no action runs in the window; both run at its end, on time', async () => {
    await clock.advanceAsync(windowEnd() - 1 - clock.now());
    expect(replica.operator.stats().actionsStarted).toBe(0);
    expect(actionLines(replica, {})).toEqual([]);
    await clock.advanceAsync(1);
    expect(replica.operator.stats().actionsStarted).toBe(2);
    const lines = await waitFor('both kills logged', () => {
      const l = [...actionLines(replica, { cmc: 'quarter' }), ...actionLines(replica, { cmc: 'inside' })];
      return l.length === 2 ? l : undefined;
    }, 5_000);
    for (const line of lines) expect(line.latenessMs).toBe(0);
  });

  test('after the window: Blocked None again, nextActionAt back on the grid, a window-ended notification', async () => {
    const cmc = await statusOf('quarter', (c) => blocked(c)?.reason === 'None' && c.status?.lastAction !== undefined);
    expect(cmc.status?.nextActionAt).toBe(iso(windowEnd() + 15 * MIN));
    expect(cmc.status?.lastAction).toMatchObject({ result: 'Succeeded', time: iso(windowEnd()) });
    await waitFor('window ended notification', () => notices.some((n) => n.kind === 'window' && n.cmc === 'quarter' && n.on === false && n.at === windowEnd()));
  });

  test('an edit of spec.schedule reschedules at once (a window covering the next slot pushes it)', async () => {
    const now = clock.now();
    await world.patchCmcSpec('windows', 'quarter', { schedule: { excludedTimesOfDay: [`${hhmm(now + 5 * MIN)}-${hhmm(now + 50 * MIN)}`] } });
    const cmc = await statusOf('quarter', (c) => c.status?.nextActionAt === iso(now + 60 * MIN));
    expect(blocked(cmc)).toMatchObject({ reason: 'OutsideWindow' });
    // Every slot that fired, whatever its outcome (done, skipped, blocked).
    const quarterActions = (): number => replica.logs.filter((l) => l.cmc === 'quarter' && String(l.message).startsWith('chaos action')).length;
    expect(quarterActions()).toBe(1);
    await clock.advanceAsync(60 * MIN - 1);
    expect(quarterActions()).toBe(1); // its slots at + 15, + 30, + 45 min fall in the new window: skipped, not queued
    await clock.advanceAsync(1);
    await waitFor('the action after the new window', () => quarterActions() === 2, 5_000);
  });

  test('what the CRD lets through but the operator cannot use (an unknown time zone) is InvalidSpec with the field named and a Warning Event, never a crash', async () => {
    await world.createCmc('windows', 'mars', { scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '15m', schedule: { timeZone: 'Mars/Olympus_Mons', excludedWeekdays: ['Sun'] } });
    const cmc = await statusOf('mars', (c) => c.status?.conditions?.some((x) => x.type === 'Ready' && x.reason === 'InvalidSpec') === true);
    expect(cmc.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain('spec.schedule.timeZone: Invalid value: "Mars/Olympus_Mons": timeZone must be an IANA time zone name');
    expect(cmc.status?.nextActionAt).toBeUndefined();
    expect(replica.operator.stats().scheduled).toBe(2);
    await waitFor('the InvalidSpec Warning Event', async () => (await world.events('windows')).some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec' && e.involvedObject.name === 'mars' && (e.message ?? '').includes('spec.schedule.timeZone')), 5_000);
  });
});
