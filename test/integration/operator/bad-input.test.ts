/**
 * Bad input (issue 4 "Bad input"): CMCs stored with the sandbox's validation off (unknown mode,
 * min > max, bad timeout, wrong types), a missing Deployment, no metrics for antiPressure and a
 * refused DELETE each give a clear log line, a Warning Event, Ready=False with the reason and no
 * action, while a good CMC in the same namespace keeps running.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionLines, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

let world: World;
let replica: Replica;
const NS = 'mixed';

const readyOf = async (name: string): Promise<{ status: string; reason: string; message: string } | undefined> =>
  (await world.getCmc(NS, name)).status?.conditions?.find((c) => c.type === 'Ready');

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace(NS);
  await world.createDeployment(NS, 'web', 3);
  await world.createDeployment(NS, 'quiet', 2);
  await world.createCmc(NS, 'missing-target', { deployment: { name: 'ghost' } });
  // Stored as a server with a looser schema would have stored them. Validation stays off: like
  // kube-apiserver, the sandbox validates the whole object on status writes, so with validation on
  // the operator could not record Ready=False on them (the last test covers that case).
  world.sandbox.setValidation(false);
  await world.createCmc(NS, 'unknown-mode', { scalingMode: 'explode', deployment: { name: 'quiet' } });
  await world.createCmc(NS, 'min-gt-max', { scalingMode: 'randomScale', minReplicas: 5, maxReplicas: 1, deployment: { name: 'quiet' } });
  await world.createCmc(NS, 'bad-timeout', { timeout: 'soon', deployment: { name: 'quiet' } });
  await world.createCmc(NS, 'wrong-types', { minReplicas: 'two', enabled: 'yes', deployment: { name: 'quiet' } });
  await world.createCmc(NS, 'good', { scalingMode: 'killPod', deployment: { name: 'web' } });
  replica = await world.startOperator();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('bad input', () => {
  test.each([
    ['unknown-mode', /spec\.scalingMode: Unsupported value: "explode"/],
    ['min-gt-max', /minReplicas/],
    ['bad-timeout', /spec\.timeout/],
    ['wrong-types', /spec\.(minReplicas|enabled)/],
  ])('%s: Ready=False InvalidSpec, a Warning Event, an error log line and no schedule', async (name, pattern) => {
    const ready = await waitFor(`${name} Ready=False`, async () => {
      const r = await readyOf(name);
      return r?.reason === 'InvalidSpec' ? r : undefined;
    });
    expect(ready.status).toBe('False');
    expect(ready.message).toMatch(pattern);
    const events = await world.events(NS);
    expect(events.some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec' && e.involvedObject.name === name && pattern.test(e.message ?? ''))).toBe(true);
    expect(replica.logs.some((l) => l.level === 'error' && l.cmc === name && /invalid ChaosMonkeyConfiguration/.test(String(l.message)))).toBe(true);
    expect(actionLines(replica, { cmc: name })).toHaveLength(0);
  });

  test('a missing Deployment: Warning TargetMissing, Ready=False with the reason, retried each slot, no action', async () => {
    const ready = await waitFor('missing-target Ready=False', async () => {
      const r = await readyOf('missing-target');
      return r?.status === 'False' ? r : undefined;
    }, 5_000);
    expect(ready.message).toMatch(/target deployment ghost not found/);
    const events = await world.events(NS);
    const warning = events.find((e) => e.type === 'Warning' && e.reason === 'TargetMissing' && e.involvedObject.name === 'missing-target');
    expect(warning?.message).toMatch(/ghost not found/);
    await waitFor('a second skipped slot', () => replica.logs.filter((l) => l.cmc === 'missing-target' && l.result === 'skipped').length >= 2, 5_000);
    expect(replica.logs.find((l) => l.cmc === 'missing-target' && l.result === 'skipped')).toMatchObject({ namespace: NS, mode: 'killPod', reason: expect.stringMatching(/ghost not found/) });
  });

  test('the good CMC keeps acting and the quiet deployment is never touched', async () => {
    await waitFor('two kills by the good CMC', () => actionLines(replica, { cmc: 'good' }).length >= 2, 6_000);
    const quiet = world.sandbox.requests().filter((r) => r.namespace === NS && ((r.resource === 'pods' && r.verb === 'delete') || r.subresource === 'scale'));
    const web = await world.podNames(NS, 'web');
    expect(quiet.every((r) => r.subresource !== 'scale')).toBe(true);
    expect((await world.podNames(NS, 'quiet')).length).toBe(2);
    expect(web.length).toBe(3);
  });

  test('a refused DELETE gives a Warning ActionFailed and the next slot acts again', async () => {
    const before = actionLines(replica, { cmc: 'good' }).length;
    world.sandbox.failRequests({ verb: 'delete', resource: 'pods', status: 500, count: 1 });
    await waitFor('a failed action', () => replica.logs.some((l) => l.cmc === 'good' && l.result === 'failed'), 5_000);
    const events = await world.events(NS);
    expect(events.some((e) => e.type === 'Warning' && e.reason === 'ActionFailed' && e.involvedObject.name === 'good')).toBe(true);
    await waitFor('a later success', () => actionLines(replica, { cmc: 'good' }).length > before, 5_000);
  });

  test('antiPressure without metrics: Warning NoMetrics and a skip, never a kill', async () => {
    await world.createCmc(NS, 'no-metrics', { scalingMode: 'antiPressure', minReplicas: 1, deployment: { name: 'quiet' } });
    await waitFor('the NoMetrics Event', async () => (await world.events(NS)).some((e) => e.type === 'Warning' && e.reason === 'NoMetrics' && e.involvedObject.name === 'no-metrics'), 5_000);
    expect(actionLines(replica, { cmc: 'no-metrics' })).toHaveLength(0);
    expect((await world.podNames(NS, 'quiet')).length).toBe(2);
  });

  test('with validation back on, an invalid CMC still gets its Event and log line though its status is refused', async () => {
    world.sandbox.setValidation(false);
    await world.createCmc(NS, 'strict-bad', { scalingMode: 'teleport', deployment: { name: 'quiet' } });
    world.sandbox.setValidation(true);
    await waitFor('the InvalidSpec Event', async () => (await world.events(NS)).some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec' && e.involvedObject.name === 'strict-bad'), 5_000);
    await waitFor('the refused status write logged', () => replica.logs.some((l) => l.key === `${NS}/strict-bad` && l.code === 'CM_ERR_REJECTED' && l.terminal === true), 5_000);
    expect(replica.logs.some((l) => l.level === 'error' && l.cmc === 'strict-bad')).toBe(true);
    expect(actionLines(replica, { cmc: 'strict-bad' })).toHaveLength(0);
  });
});
