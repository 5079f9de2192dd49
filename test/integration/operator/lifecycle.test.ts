/**
 * CMC lifecycle against the sandbox: acceptance (status, Events, first action one timeout later),
 * runtime edits of timeout and mode, delete, namespace label flips, and the read pattern (constant
 * watches; no GET deployment or LIST pods per killPod action: both come from the informer caches).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionLines, OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';
import type { ChaosMonkeyConfigurationV1 } from '../../../api/v1.ts';

let world: World;
let replica: Replica;

const ready = (cmc: ChaosMonkeyConfigurationV1): { status: string; reason: string; message: string } | undefined =>
  cmc.status?.conditions?.find((c) => c.type === 'Ready');

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace('apps');
  await world.createDeployment('apps', 'web', 3);
  await world.createDeployment('apps', 'api', 2);
  replica = await world.startOperator();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('CMC lifecycle', () => {
  test('an accepted CMC gets status, a Started Event and its first action one timeout later', async () => {
    const created = await world.createCmc('apps', 'kill-web', { scalingMode: 'killPod', timeout: '2s', deployment: { name: 'web' } });
    const acceptedAt = Date.now();
    const cmc = await waitFor('status Ready=True', async () => {
      const c = await world.getCmc('apps', 'kill-web');
      return ready(c)?.status === 'True' ? c : undefined;
    });
    expect(cmc.status?.observedGeneration).toBe(created.metadata.generation);
    const next = Date.parse(cmc.status?.nextActionAt ?? '');
    expect(next - acceptedAt).toBeGreaterThan(900); // nextActionAt is written in whole seconds
    expect(next - acceptedAt).toBeLessThanOrEqual(2_500);
    expect(cmc.status?.conditions?.find((c) => c.type === 'Paused')?.status).toBe('False');
    expect(cmc.status?.conditions?.find((c) => c.type === 'Blocked')?.status).toBe('False');
    const events = await world.events('apps');
    expect(events.some((e) => e.reason === 'Started' && e.message === 'Watcher started for deployment web' && e.involvedObject.name === 'kill-web')).toBe(true);
    const nsEvents = await world.events('default');
    expect(nsEvents.some((e) => e.reason === 'Added' && e.message === 'CRD Watcher added for apps' && e.involvedObject.kind === 'Namespace')).toBe(true);

    await waitFor('the first kill', () => actionLines(replica, { cmc: 'kill-web' }).length > 0, 5_000);
    const firstAt = Date.parse(String(actionLines(replica, { cmc: 'kill-web' })[0]?.timestamp));
    expect(firstAt - acceptedAt).toBeGreaterThanOrEqual(1_500);
    const after = await waitFor('lastAction in status', async () => {
      const c = await world.getCmc('apps', 'kill-web');
      return c.status?.lastAction !== undefined ? c : undefined;
    });
    expect(after.status?.lastAction).toMatchObject({ mode: 'killPod', result: 'Succeeded' });
  });

  test('a timeout edit applies at once and a mode edit applies at the next slot', async () => {
    await world.patchCmcSpec('apps', 'kill-web', { timeout: '1h' });
    const editedAt = Date.now();
    const cmc = await waitFor('nextActionAt one hour out', async () => {
      const c = await world.getCmc('apps', 'kill-web');
      const next = Date.parse(c.status?.nextActionAt ?? '');
      return next - editedAt > 3_000_000 ? c : undefined;
    }, 3_000);
    expect(cmc.status?.observedGeneration).toBe(cmc.metadata.generation);
    const events = await world.events('apps');
    expect(events.some((e) => e.reason === 'Modified' && e.message === 'Watcher modified for deployment web')).toBe(true);
    // That nothing fires before then is proven under a fake clock (fake-clock.test.ts, "a timeout edit reschedules").

    await world.patchCmcSpec('apps', 'kill-web', { timeout: '1s', scalingMode: 'randomScale', minReplicas: 4, maxReplicas: 6 });
    await waitFor('a rescale to 4..6', async () => (await world.replicasOf('apps', 'web')) >= 4, 5_000);
    const line = await waitFor('the randomScale log line', () => actionLines(replica, { cmc: 'kill-web', mode: 'randomScale' })[0], 2_000);
    expect(line).toMatchObject({ namespace: 'apps', target: 'web', result: 'succeeded' });
    expect(line.replicas).toBeGreaterThanOrEqual(4);
  });

  test('deleting a CMC stops its chaos and emits Deleted Events', async () => {
    await world.deleteCmc('apps', 'kill-web');
    await waitFor('the Deleted Event', async () => (await world.events('apps')).some((e) => e.reason === 'Deleted' && e.message === 'Watcher deleted for deployment web'), 3_000);
    await waitFor('the namespace Deleted Event', async () => (await world.events('default')).some((e) => e.reason === 'Deleted' && e.message === 'CRD Watcher deleted for apps'), 3_000);
    // Nothing left armed; that it stays quiet for ten periods: quiet.test.ts (fake clock).
    await waitFor('unscheduled', () => replica.operator.stats().scheduled === 0, 2_000);
  });

  test('a label flip stops and restarts chaos within a second', async () => {
    await world.createCmc('apps', 'kill-api', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'api' } });
    await waitFor('first kill on api', () => actionLines(replica, { cmc: 'kill-api' }).length > 0, 5_000);
    const flippedAt = performance.now();
    await world.setNamespaceLabel('apps', 'false');
    await waitFor('unscheduled', () => replica.operator.stats().scheduled === 0, 1_000);
    expect(performance.now() - flippedAt).toBeLessThan(1_000);
    const cmc = await waitFor('Blocked=True', async () => {
      const c = await world.getCmc('apps', 'kill-api');
      return c.status?.conditions?.find((x) => x.type === 'Blocked')?.status === 'True' ? c : undefined;
    });
    expect(ready(cmc)).toMatchObject({ status: 'False', reason: 'NamespaceOptedOut' });
    // No action while opted out: quiet.test.ts proves it over ten periods of fake time.
    const count = actionLines(replica, { cmc: 'kill-api' }).length;

    const back = performance.now();
    await world.setNamespaceLabel('apps', 'true');
    await waitFor('rescheduled', () => replica.operator.stats().scheduled === 1, 1_000);
    expect(performance.now() - back).toBeLessThan(1_000);
    await waitFor('a kill after opt-in', () => actionLines(replica, { cmc: 'kill-api' }).length > count, 5_000);
  });

  test('the operator keeps four watches and reads nothing from the API server per killPod action', async () => {
    expect(world.sandbox.openWatchCount()).toBe(4);
    world.sandbox.clearRequests();
    const before = actionLines(replica, { cmc: 'kill-api', result: 'succeeded' }).length;
    await waitFor('three more kills', () => actionLines(replica, { cmc: 'kill-api', result: 'succeeded' }).length >= before + 3, 6_000);
    const reqs = world.sandbox.requests().filter((r) => r.namespace === 'apps' && r.verb !== 'watch');
    const kills = reqs.filter((r) => r.resource === 'pods' && r.verb === 'delete').length;
    const reads = reqs.filter((r) => (r.resource === 'deployments' && r.verb === 'get') || (r.resource === 'pods' && r.verb === 'list')).length;
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(reads).toBe(0); // the Deployment and its pods come from the informer caches
    expect(world.sandbox.openWatchCount()).toBe(4);
    const own = world.sandbox.requests().filter((r) => r.namespace === OPERATOR_NAMESPACE && r.resource !== 'leases');
    expect(own).toHaveLength(0);
  });
});
