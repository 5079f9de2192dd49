/**
 * Issue 13 goal 1, the read path, against the sandbox's request log over real sockets:
 * - steady state under the chart's RBAC: a killPod and a randomScale action read their Deployment
 *   and pods from the informer caches; the requests they send are exactly the DELETE / PATCH scale,
 *   the Event and the status patch (no GET deployment, no LIST pods); four watches in all;
 * - a pod created a moment ago is seen (the cache lags by the watch delay only);
 * - the Pod cache held down makes the store stale: slots skipped as CacheStale;
 * - without watch on pods (and list+watch on deployments): the start-up table says so and each
 *   action sends one GET deployment and one LIST pods with resourceVersion=0 (no quorum read).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { PolicyRule } from '../../../api/rbac.ts';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from '../../../operator/src/kube/rbac.ts';
import { OPERATOR_USER_AGENT, connectFromKubeconfigText } from '../../../operator/src/kube/connect.ts';
import { actionLines, holdsFor, OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

type Recorded = ReturnType<World['sandbox']['requests']>[number];
const key = (r: Recorded): string => `${r.verb} ${r.group === '' ? 'core' : r.group}/${r.resource}${r.subresource !== undefined ? `/${r.subresource}` : ''}`;

/** Requests of one user agent in namespace `ns`, watches and the Lease left out. */
const actionRequests = (w: World, agent: string, ns: string): Recorded[] =>
  w.sandbox.requests().filter((r) => r.userAgent === agent && r.namespace === ns && r.verb !== 'watch' && r.resource !== 'leases');

const succeeded = (replica: Replica, cmc: string): number => actionLines(replica, { cmc, result: 'succeeded' }).length;

describe('read path under the chart RBAC', () => {
  test('steady-state killPod and randomScale: only the write, the Event and the status patch; no GET deployment, no LIST pods; 4 watches', async () => {
    world = await startWorld();
    const w = world;
    await w.createNamespace('reads', 'true');
    await w.createDeployment('reads', 'web', 3);
    await w.createDeployment('reads', 'api', 2);
    const replica = await w.startOperator();
    await w.createCmc('reads', 'kill', { scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '1s' });
    await w.createCmc('reads', 'scale', { scalingMode: 'randomScale', deployment: { name: 'api' }, minReplicas: 1, maxReplicas: 4, timeout: '1s' });
    await waitFor('both CMCs acted once', () => succeeded(replica, 'kill') > 0 && succeeded(replica, 'scale') > 0, 15_000);

    // Steady state: count from a point between actions until several more of each completed.
    w.sandbox.clearRequests();
    const kills0 = succeeded(replica, 'kill');
    const scales0 = succeeded(replica, 'scale');
    await waitFor('4 more actions of each', () => succeeded(replica, 'kill') >= kills0 + 4 && succeeded(replica, 'scale') >= scales0 + 4, 20_000);
    const sent = actionRequests(w, OPERATOR_USER_AGENT, 'reads');
    const kills = succeeded(replica, 'kill') - kills0;
    const scales = succeeded(replica, 'scale') - scales0;

    const byKind = new Map<string, number>();
    for (const r of sent) byKind.set(key(r), (byKind.get(key(r)) ?? 0) + 1);
    process.stdout.write(`read-path figures: ${kills} kills + ${scales} scales sent ${JSON.stringify(Object.fromEntries(byKind))} (${(sent.length / (kills + scales)).toFixed(2)} requests per action, Lease and watches aside)\n`);
    expect(sent.filter((r) => r.resource === 'deployments' && r.subresource === undefined)).toEqual([]);
    expect(sent.filter((r) => r.resource === 'pods' && r.group === '' && r.verb === 'list')).toEqual([]);
    // Exactly the writes of the actions: DELETE pod / PATCH scale, the Event (created, or patched
    // when aggregated) and the status patch.
    const allowed = new Set(['delete core/pods', 'patch apps/deployments/scale', 'create core/events', 'patch core/events', 'patch cm.massix.github.io/chaosmonkeyconfigurations/status']);
    expect([...byKind.keys()].filter((k) => !allowed.has(k))).toEqual([]);
    // One action in flight at each end of the window may add its 3 requests.
    expect(sent.length).toBeLessThanOrEqual(3 * (kills + scales) + 6);
    expect(byKind.get('delete core/pods') ?? 0).toBeGreaterThanOrEqual(kills);
    expect(byKind.get('patch apps/deployments/scale') ?? 0).toBeGreaterThanOrEqual(scales);
    // Namespaces, CMCs, Deployments, Pods: one watch each, whatever the number of targets.
    expect(w.sandbox.openWatchCount()).toBe(4);

    // A Deployment created now is acted on at its first slot: its pods came through the watch.
    await w.createDeployment('reads', 'fresh', 2);
    const before = await w.podNames('reads', 'fresh');
    await w.createCmc('reads', 'kill-fresh', { scalingMode: 'killPod', deployment: { name: 'fresh' }, timeout: '1s' });
    const line = await waitFor('the new target acted on', () => actionLines(replica, { cmc: 'kill-fresh' })[0], 10_000);
    expect(line).toMatchObject({ result: 'succeeded' });
    expect(before).toHaveLength(2);
    expect(before).toContain(line.target);
  }, 60_000);

  test('the Pod watch held down: the store is stale, slots are skipped as CacheStale and no pod is deleted', async () => {
    world = await startWorld();
    const w = world;
    await w.createNamespace('stale', 'true');
    await w.createDeployment('stale', 'web', 3);
    const replica = await w.startOperator({ overrides: { cacheStaleAfterMs: 500 } });
    await w.createCmc('stale', 'kill', { scalingMode: 'killPod', timeout: '1s' });
    await waitFor('a first action', () => succeeded(replica, 'kill') > 0, 10_000);

    w.sandbox.failRequests({ verb: 'watch', resource: 'pods', status: 500, count: 1_000_000 });
    w.sandbox.failRequests({ verb: 'list', resource: 'pods', status: 500, count: 1_000_000 });
    w.sandbox.dropWatches();
    await waitFor('stale', () => !replica.operator.stats().fresh, 5_000);
    const deletes = (): number => w.sandbox.requests().filter((r) => r.verb === 'delete' && r.resource === 'pods' && r.namespace === 'stale').length;
    const before = deletes();
    const staleSkips = async (): Promise<number> =>
      ((await replica.operator.metrics.registry.getSingleMetric('chaos_monkey_skipped_slots_total')?.get())?.values ?? []).filter((v) => v.labels.reason === 'CacheStale').reduce((n, v) => n + v.value, 0);
    await waitFor('a slot skipped as CacheStale', async () => (await staleSkips()) > 0, 5_000);
    expect(deletes()).toBe(before);
    // dropWatches() ends every watch: the others reconnect at once, but under load one may still be down when the pod's goes stale.
    const warning = await waitFor('the stale warning', () => replica.logs.find((l) => String(l.message).startsWith('informer cache stale')), 5_000);
    expect(warning).toMatchObject({ informers: expect.arrayContaining(['pod']) });

    w.sandbox.clearFaults();
    await waitFor('fresh again', () => replica.operator.stats().fresh, 15_000);
    const kills = succeeded(replica, 'kill');
    await waitFor('acting again', () => succeeded(replica, 'kill') > kills, 10_000);
  }, 40_000);
});

describe('read path without the caches (RBAC fallbacks)', () => {
  const TOKEN = 'no-cache-token';
  const AGENT = 'chaos-monkey-operator-no-cache';
  const rules: PolicyRule[] = [
    ...OPERATOR_CLUSTER_RULES.map((r) => (r.resources.includes('pods') && r.apiGroups.includes('') ? { ...r, verbs: r.verbs.filter((v) => v !== 'watch') } : { ...r })).filter((r) => !r.resources.includes('deployments')),
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
  ];

  test('no watch on pods, only get on deployments: the table says so; one GET deployment and one LIST pods (resourceVersion=0) per kill', async () => {
    world = await startWorld({ identities: { [TOKEN]: { user: 'system:serviceaccount:chaosmonkey:no-cache', clusterRules: rules, namespaceRules: { [OPERATOR_NAMESPACE]: [...OPERATOR_NAMESPACE_RULES] } } } });
    const w = world;
    await w.createNamespace('fallback', 'true');
    await w.createDeployment('fallback', 'web', 3);
    const connection = connectFromKubeconfigText(w.sandbox.kubeconfigWithToken(TOKEN), { userAgent: AGENT });
    const replica = await w.startOperator({ overrides: { connection } });
    const table = replica.logs.find((l) => typeof l.message === 'string' && l.message.startsWith('permissions at start-up')) as { permissions: { permission: string; granted: string; then: string }[] };
    const row = (p: string): { granted: string; then: string } | undefined => table.permissions.find((r) => r.permission === p);
    expect(row('watch core/pods')).toMatchObject({ granted: 'no', then: expect.stringContaining('one LIST per action') });
    expect(row('list core/pods')).toMatchObject({ granted: 'yes', then: expect.stringContaining('resourceVersion=0') });
    expect(row('list apps/deployments')).toMatchObject({ granted: 'no', then: expect.stringContaining('one GET per action') });
    expect(row('get apps/deployments')).toMatchObject({ granted: 'yes', then: expect.stringContaining('one GET per action') });
    expect(replica.operator.permissions?.fatal).toEqual([]);
    expect(w.sandbox.openWatchCount()).toBe(2);

    await w.createCmc('fallback', 'kill', { scalingMode: 'killPod', timeout: '1s' });
    await waitFor('two kills', () => succeeded(replica, 'kill') >= 2, 15_000);
    const sent = actionRequests(w, AGENT, 'fallback');
    const lists = sent.filter((r) => r.resource === 'pods' && r.group === '' && r.verb === 'list');
    expect(lists.length).toBeGreaterThanOrEqual(2);
    expect(lists.map((r) => r.resourceVersion)).toEqual(lists.map(() => '0'));
    expect(sent.filter((r) => r.resource === 'deployments' && r.verb === 'get').length).toBeGreaterThanOrEqual(2);
    expect(sent.filter((r) => r.status === 403)).toEqual([]);
    await holdsFor('still no 403', () => actionRequests(w, AGENT, 'fallback').every((r) => r.status !== 403), 500);
  }, 40_000);
});
