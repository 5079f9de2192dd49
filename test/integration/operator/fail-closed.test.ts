/**
 * Fail closed (issue 9 point 5), against the sandbox over real sockets:
 * - a watch held down (fault injection) makes the cache stale: an opt-out made meanwhile is never
 *   acted on, slots are skipped as CacheStale (status, metric, one log line), /readyz answers 503
 *   during and 200 after;
 * - a leader that loses the Lease while an action is in flight sends no mutating request after
 *   the loss (two replicas told by their probe that pods may not be watched, so each action LISTs
 *   its pods, resourceVersion=0, and latency on that LIST holds the action before its DELETE);
 * - a mutating request is aborted by its signal; a pod DELETE carries preconditions.uid;
 * - lease timing derived from the duration (no test override): a 1 s lease does not flap, and an
 *   inconsistent combination is refused at construction.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { KubeClusterActions } from '../../../operator/src/kube/cluster-actions.ts';
import { closeConnection, connectFromKubeconfigText } from '../../../operator/src/kube/connect.ts';
import type { KubeConnection } from '../../../operator/src/kube/connect.ts';
import { createLogger, createMemorySink } from '../../../operator/src/log/logger.ts';
import { createOperator } from '../../../operator/src/operator.ts';
import { permissionChecks } from '../../../operator/src/kube/permission-plan.ts';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from '../../../operator/src/kube/rbac.ts';
import { actionLines, holdsFor, httpGet, OPERATOR_NAMESPACE, startWorld, testConfig, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

/** Sum of a metric's series whose labels include `labels`. */
async function metricValue(replica: Replica, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await replica.operator.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

const STALE_LINE = 'informer cache stale: chaos actions are skipped (CacheStale) until the watches are back';

describe('stale cache: a watch held down', () => {
  let world: World;
  let replica: Replica;
  const deletes = (): number => world.sandbox.requests().filter((r) => r.verb === 'delete' && r.resource === 'pods' && r.namespace === 'fc').length;

  beforeAll(async () => {
    world = await startWorld();
    await world.createNamespace('fc');
    await world.createDeployment('fc', 'web', 3);
    replica = await world.startOperator({ overrides: { cacheStaleAfterMs: 500 } });
    await world.createCmc('fc', 'kill', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'web' } });
    await waitFor('a first action', () => actionLines(replica, { cmc: 'kill' }).length > 0, 8_000);
  }, 30_000);

  afterAll(async () => {
    await world?.stop();
  });

  test('an opt-out made during the outage is never acted on; CacheStale in status, metric and one log line; /readyz 503 then 200', async () => {
    expect((await httpGet(replica, '/readyz')).status).toBe(200);
    expect(await metricValue(replica, 'chaos_monkey_cache_stale')).toBe(0);

    // Hold the Namespace watch down: every watch and list of namespaces answers 500.
    world.sandbox.failRequests({ verb: 'watch', resource: 'namespaces', status: 500, count: 1_000_000 });
    world.sandbox.failRequests({ verb: 'list', resource: 'namespaces', status: 500, count: 1_000_000 });
    world.sandbox.dropWatches();
    const downAt = performance.now();
    await waitFor('/readyz 503', async () => (await httpGet(replica, '/readyz')).status === 503, 5_000);
    const staleAfterMs = performance.now() - downAt;
    // /readyz computes freshness from the clock; the gauge follows when the grace timer fires (a
    // loaded machine may run that timer a little later).
    await waitFor('chaos_monkey_cache_stale 1', async () => (await metricValue(replica, 'chaos_monkey_cache_stale')) === 1, 5_000);

    const before = deletes();
    const skippedBefore = await metricValue(replica, 'chaos_monkey_skipped_slots_total', { reason: 'CacheStale' });
    await world.setNamespaceLabel('fc', 'false'); // opt-out the operator cannot see
    await holdsFor('no pod deleted while the cache is stale', () => deletes() === before, 2_500);
    expect(await metricValue(replica, 'chaos_monkey_skipped_slots_total', { reason: 'CacheStale' })).toBeGreaterThanOrEqual(skippedBefore + 2);
    await waitFor('Ready=False CacheStale in status', async () => {
      const ready = (await world.getCmc('fc', 'kill')).status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'False' && ready.reason === 'CacheStale';
    }, 3_000);
    expect((await httpGet(replica, '/readyz')).status).toBe(503);

    world.sandbox.clearFaults();
    const upAt = performance.now();
    await waitFor('/readyz 200 again', async () => (await httpGet(replica, '/readyz')).status === 200, 15_000);
    const recoveryMs = performance.now() - upAt;
    await waitFor('the opt-out seen after the relist: nothing scheduled', () => replica.operator.stats().scheduled === 0, 3_000);
    await holdsFor('still no pod deleted', () => deletes() === before, 1_500);
    expect(await world.podNames('fc', 'web')).toHaveLength(3);
    expect(await metricValue(replica, 'chaos_monkey_cache_stale')).toBe(0);
    expect(replica.logs.filter((l) => l.message === STALE_LINE)).toEqual([expect.objectContaining({ level: 'warn', informers: ['namespace'] })]);
    expect(replica.logs.filter((l) => l.message === 'chaos action skipped' && l.level !== 'debug' && String(l.reason).startsWith('CacheStale'))).toEqual([]);
    process.stdout.write(`fail-closed figures: stale (readyz 503) ${Math.round(staleAfterMs)} ms after the drop (grace 500 ms); fresh ${Math.round(recoveryMs)} ms after the faults cleared\n`);
  }, 40_000);
});

describe('leadership lost with an action in flight', () => {
  let world: World;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    world = await startWorld();
    await world.createNamespace('ha');
    await world.createDeployment('ha', 'web', 3);
    // No pod cache (its fallback): each action's pods LIST is the window to hold an action in flight.
    const probe = async () => permissionChecks(OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES, OPERATOR_NAMESPACE).map((c) => ({ ...c, allowed: !(c.verb === 'watch' && c.resource === 'pods') }));
    a = await world.startOperator({ identity: 'a', overrides: { probe } });
    b = await world.startOperator({ identity: 'b', waitForLeader: false, overrides: { probe } });
    await world.createCmc('ha', 'kill', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'web' } });
    await waitFor('a first action by a', () => actionLines(a, { cmc: 'kill' }).length > 0, 8_000);
  }, 30_000);

  afterAll(async () => {
    await world?.stop();
  });

  test('no mutating request after the loss: the runner re-checks leadership before the DELETE', async () => {
    // Each action now spends 3 s in the pods LIST that precedes its DELETE.
    world.sandbox.setLatency(3_000, { verb: 'list', resource: 'pods' });
    const done = actionLines(a).length;
    await waitFor('an action completed under latency', () => actionLines(a).length > done, 10_000);
    const started = a.operator.stats().actionsStarted;
    await waitFor('the next action started (now in its LIST)', () => a.operator.stats().actionsStarted > started, 3_000);

    const coord = world.kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coord.readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE });
    lease.spec = { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60, renewTime: new Date().toISOString().replace('Z', '000Z') as unknown as Date };
    await coord.replaceNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE, body: lease });
    await waitFor('a stepped down', () => a.logs.some((l) => l.message === 'stopped leading' && l.why === 'lease taken by intruder'), 3_000);
    world.sandbox.clearRequests();

    await waitFor('the in-flight action skipped as NotLeader', () =>
      a.logs.some((l) => l.message === 'chaos action skipped' && l.reason === 'leadership lost before deleting pod ' + String(l.target) + ': request not sent'), 6_000);
    const writes = world.sandbox.requests().filter((r) => !['get', 'list', 'watch'].includes(r.verb) && r.resource !== 'leases');
    expect(writes).toEqual([]);
    expect(await metricValue(a, 'chaos_monkey_skipped_slots_total', { reason: 'NotLeader' })).toBeGreaterThanOrEqual(1);
    expect(b.operator.isLeader).toBe(false);
    world.sandbox.setLatency(0);
    expect(await world.podNames('ha', 'web')).toHaveLength(3);
  }, 30_000);
});

describe('mutating requests: abort signal and UID precondition', () => {
  let world: World;
  let connection: KubeConnection;
  let actions: KubeClusterActions;

  beforeAll(async () => {
    world = await startWorld();
    await world.createNamespace('uid');
    connection = connectFromKubeconfigText(world.sandbox.kubeconfig);
    actions = new KubeClusterActions({ connection, cpuToNanoCores: () => undefined });
  }, 30_000);

  afterAll(async () => {
    await closeConnection(connection);
    await world?.stop();
  });

  const createPod = async (name = 'solo'): Promise<string> => {
    const pod = await world.core.createNamespacedPod({ namespace: 'uid', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    return pod.metadata?.uid ?? '';
  };
  const podUid = async (name = 'solo'): Promise<string | undefined> => {
    try {
      return (await world.core.readNamespacedPod({ namespace: 'uid', name })).metadata?.uid;
    } catch {
      return undefined;
    }
  };

  test('DELETE with preconditions.uid never hits a pod re-created under the same name', async () => {
    const first = await createPod();
    await world.core.deleteNamespacedPod({ namespace: 'uid', name: 'solo', gracePeriodSeconds: 0 });
    await waitFor('the first pod gone', async () => (await podUid()) === undefined, 5_000);
    const second = await createPod();
    expect(second).not.toBe(first);
    expect(await actions.deletePod('uid', 'solo', 0, { uid: first })).toBe(false);
    expect(await podUid()).toBe(second);
    expect(await actions.deletePod('uid', 'solo', 0, { uid: second })).toBe(true);
    await waitFor('the second pod gone', async () => (await podUid()) === undefined, 5_000);
  });

  test('the signal aborts a DELETE in flight through client-node; an aborted signal sends nothing', async () => {
    await createPod();
    world.sandbox.setLatency(2_000, { verb: 'delete', resource: 'pods' });
    const term = new AbortController();
    const t0 = performance.now();
    const pending = actions.deletePod('uid', 'solo', 0, { signal: term.signal });
    term.abort(new Error('leadership lost')); // the request is on its way; the server would answer after 2 s
    await expect(pending).rejects.toThrow();
    const abortedAfterMs = performance.now() - t0;
    expect(abortedAfterMs).toBeLessThan(1_500);
    world.sandbox.setLatency(0);
    world.sandbox.clearRequests();
    await expect(actions.deletePod('uid', 'solo', 0, { signal: term.signal })).rejects.toThrow('leadership lost');
    expect(world.sandbox.requests().filter((r) => r.verb === 'delete')).toEqual([]);
    process.stdout.write(`fail-closed figures: DELETE aborted ${Math.round(abortedAfterMs)} ms after it started (server latency 2000 ms)\n`);
  });

  test('eviction with preconditions.uid: a pod re-created under the same name is never evicted; a missing pod is gone', async () => {
    const first = await createPod('evictee');
    await world.core.deleteNamespacedPod({ namespace: 'uid', name: 'evictee', gracePeriodSeconds: 0 });
    await waitFor('the first pod gone', async () => (await podUid('evictee')) === undefined, 5_000);
    const second = await createPod('evictee');
    expect(await actions.evictPod('uid', 'evictee', first, 0)).toBe('gone');
    expect(await podUid('evictee')).toBe(second);
    expect(await actions.evictPod('uid', 'evictee', second, 0)).toBe('evicted');
    await waitFor('the second pod gone', async () => (await podUid('evictee')) === undefined, 5_000);
    expect(await actions.evictPod('uid', 'nobody', '', 0)).toBe('gone');
  });

  test('an eviction with an aborted signal sends nothing', async () => {
    await createPod('evictee');
    const term = new AbortController();
    term.abort(new Error('leadership lost'));
    await expect(actions.evictPod('uid', 'evictee', '', 0, { signal: term.signal })).rejects.toThrow('leadership lost');
    expect(await podUid('evictee')).toBeDefined();
  });
});

describe('lease timing with the real derived defaults', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  }, 30_000);

  afterAll(async () => {
    await world?.stop();
  });

  test('a 1 s lease keeps its leader (renew every 133 ms, deadline 666 ms): no step-down, no transition', async () => {
    const r = await world.startOperator({ identity: 'short', env: { CHAOSMONKEY_LEASE_DURATION: '1s' } });
    const coord = world.kc.makeApiClient(k8s.CoordinationV1Api);
    const transitions = async (): Promise<number | undefined> => (await coord.readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE })).spec?.leaseTransitions;
    const before = await transitions();
    await holdsFor('leading without a step-down', () => r.operator.isLeader && !r.logs.some((l) => l.message === 'stopped leading'), 3_000);
    expect(await transitions()).toBe(before);
    expect(r.logs.filter((l) => l.message === 'became leader')).toHaveLength(1);
  });

  test('an inconsistent timing is refused at construction with a clear error', () => {
    const connection = connectFromKubeconfigText(world.sandbox.kubeconfig);
    const log = createLogger({ level: 'error', stream: createMemorySink().stream });
    expect(() => createOperator({ connection, config: testConfig({ CHAOSMONKEY_LEASE_DURATION: '2s' }), log, lease: { retryIntervalMs: 2_000 } })).toThrow(
      'invalid leader election timing: lease duration 2000 ms, renew deadline 1333 ms, retry period 2000 ms: the renew deadline must be greater than 1.2 x the retry period',
    );
    void closeConnection(connection);
  });
});
