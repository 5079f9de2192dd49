/**
 * Informer resilience (issue 4 point 3): dropped watches and 410 Gone are recovered without losing
 * changes, the number of watch connections stays constant, an API server restart is survived and
 * counted, and chaos keeps going throughout.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionLines, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

let world: World;
let replica: Replica;

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace('res');
  await world.createDeployment('res', 'web', 2);
  replica = await world.startOperator();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('informer resilience', () => {
  test('watch connections stay at four (Namespaces, CMCs, Deployments, Pods) however many namespaces and CMCs exist', async () => {
    for (let i = 0; i < 20; i++) await world.createNamespace(`many-${i}`);
    for (let i = 0; i < 20; i++) await world.createCmc(`many-${i}`, 'c', { deployment: { name: 'nothing' }, timeout: '1h' });
    await waitFor('20 scheduled', () => replica.operator.stats().scheduled === 20, 5_000);
    expect(world.sandbox.openWatchCount()).toBe(4);
  });

  test('reconciling an unchanged CMC sends nothing (status only on change, no Event)', async () => {
    await waitFor('status on many-5/c', async () => (await world.getCmc('many-5', 'c')).status?.nextActionAt !== undefined);
    const reconciles = async (): Promise<number> =>
      ((await replica.operator.metrics.registry.getSingleMetric('chaos_monkey_reconcile_duration_seconds')?.get())?.values ?? [])
        .filter((v) => (v as { metricName?: string }).metricName === 'chaos_monkey_reconcile_duration_seconds_count') // histogram values carry their series name at runtime
        .reduce((n, v) => n + v.value, 0);
    const before = await reconciles();
    world.sandbox.clearRequests();
    await world.setNamespaceLabel('many-5', 'true'); // still eligible under AllowAll: same desired state
    await waitFor('the CMC reconciled again', async () => (await reconciles()) > before, 3_000);
    const sent = world.sandbox.requests().filter((r) => r.namespace === 'many-5' && r.verb !== 'get' && r.verb !== 'list' && r.verb !== 'watch');
    expect(sent).toEqual([]);
  });

  test('dropped watches are re-opened, counted, and changes made meanwhile are seen', async () => {
    const restartsMetric = async (): Promise<number> =>
      ((await replica.operator.metrics.registry.getSingleMetric('chaos_monkey_watch_restarts_total')?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
    const before = await restartsMetric();
    world.sandbox.dropWatches();
    await world.createCmc('res', 'after-drop', { deployment: { name: 'web' } });
    await waitFor('the CMC created across the drop to act', () => actionLines(replica, { cmc: 'after-drop' }).length > 0, 6_000);
    await waitFor('four watches again', () => world.sandbox.openWatchCount() === 4, 3_000);
    expect(await restartsMetric()).toBeGreaterThanOrEqual(before + 4);
    expect(replica.operator.stats().informerRestarts).toBe(0); // a dropped stream is not an error
  });

  test('410 Gone after compaction: the informers relist and keep an exact cache', async () => {
    world.sandbox.compact();
    world.sandbox.dropWatches();
    await world.deleteCmc('many-0', 'c');
    await world.setNamespaceLabel('many-1', 'false');
    await waitFor('the deleted and the opted-out CMC unscheduled', () => replica.operator.stats().scheduled === 19, 5_000);
    await waitFor('four watches again', () => world.sandbox.openWatchCount() === 4, 3_000);
    const before = actionLines(replica, { cmc: 'after-drop' }).length;
    await waitFor('chaos continues', () => actionLines(replica, { cmc: 'after-drop' }).length > before, 5_000);
  });

  test('a watch answered 500 stops the informer: it is restarted with backoff and counted', async () => {
    const restarts = replica.operator.stats().informerRestarts;
    world.sandbox.failRequests({ verb: 'watch', resource: 'chaosmonkeyconfigurations', status: 500, count: 1 });
    world.sandbox.dropWatches();
    await waitFor('a counted restart', () => replica.operator.stats().informerRestarts > restarts, 5_000);
    await world.createCmc('res', 'after-error', { deployment: { name: 'web' } });
    await waitFor('the CMC created after the error to act', () => actionLines(replica, { cmc: 'after-error' }).length > 0, 6_000);
    await waitFor('four watches again', () => world.sandbox.openWatchCount() === 4, 3_000);
    expect(replica.logs.some((l) => l.message === 'informer stopped on error, restarting' && l.informer === 'cmc')).toBe(true);
  });

  test('an API server restart on the same port is survived', async () => {
    await world.sandbox.restart();
    await world.createCmc('res', 'after-restart', { deployment: { name: 'web' } });
    await waitFor('the CMC created after the restart to act', () => actionLines(replica, { cmc: 'after-restart' }).length > 0, 15_000);
    await waitFor('four watches again', () => world.sandbox.openWatchCount() === 4, 3_000);
    await world.setNamespaceLabel('res', 'false');
    await waitFor('the namespace change seen', () => replica.operator.stats().scheduled === 18, 3_000);
  });

  test('CHAOSMONKEY_NS_TIMEOUT, CHAOSMONKEY_CRD_TIMEOUT and CHAOSMONKEY_POD_TIMEOUT bound each watch request (timeoutSeconds)', async () => {
    const follower = await world.startOperator({ identity: 'short-watches', env: { CHAOSMONKEY_NS_TIMEOUT: '1s', CHAOSMONKEY_CRD_TIMEOUT: '1s', CHAOSMONKEY_POD_TIMEOUT: '1s' }, waitForLeader: false });
    world.sandbox.clearRequests();
    await waitFor('three watch requests per resource from the 1s-timeout replica', () => {
      const watches = world.sandbox.requests().filter((r) => r.verb === 'watch');
      return ['namespaces', 'chaosmonkeyconfigurations', 'deployments', 'pods'].every((resource) => watches.filter((r) => r.resource === resource).length >= 3);
    }, 8_000);
    expect(follower.operator.stats().informerRestarts).toBe(0); // server-side timeouts are normal ends, not errors
    expect(world.sandbox.openWatchCount()).toBeLessThanOrEqual(8);
    await follower.operator.stop();
  });
});
