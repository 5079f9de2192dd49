/**
 * Issue 9 point 2: the operator under the seed's RBAC (main.tf's ClusterRole, see support/seed-rbac.ts)
 * and under rules missing what cannot be done without, against the sandbox's RBAC authorizer over
 * real sockets; plus status-write healing (403 retried, overwritten status repaired).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { PolicyRule } from '../../../api/rbac.ts';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from '../../../operator/src/kube/rbac.ts';
import { connectFromKubeconfigText } from '../../../operator/src/kube/connect.ts';
import { OPERATOR_NAMESPACE, actionLines, holdsFor, httpGet, startWorld, waitFor } from './support/world.ts';
import type { World } from './support/world.ts';
import { SEED_IDENTITY, SEED_TOKEN } from './support/seed-rbac.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const TOKEN = 'limited-token';
const USER = 'system:serviceaccount:chaosmonkey:limited';
const without = (rules: readonly PolicyRule[], verb: string, resource: string): PolicyRule[] =>
  rules.map((r) => (r.resources.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : { ...r }));
/**
 * User-Agent of the limited replicas: their requests follow the rules given here, not the chart's, so
 * the whole-run RBAC proof (chart/rbac-recorded.test.ts, which checks `chaos-monkey-operator`) skips them.
 */
const LIMITED_AGENT = 'chaos-monkey-operator-limited-rbac';
const ours = (w: World): ReturnType<World['sandbox']['requests']> => w.sandbox.requests().filter((r) => r.userAgent === LIMITED_AGENT);
const limited = (w: World, token: string): ReturnType<typeof connectFromKubeconfigText> => connectFromKubeconfigText(w.sandbox.kubeconfigWithToken(token), { userAgent: LIMITED_AGENT });

describe('under the seed ClusterRole (main.tf)', () => {
  test('one table at start-up, watch-only Namespaces, scale by update, no status writes, no Lease, and chaos acts', async () => {
    world = await startWorld({ identities: { [SEED_TOKEN]: SEED_IDENTITY } });
    const w = world;
    await w.createNamespace('target', 'true');
    await w.createDeployment('target', 'web', 3);
    await w.createCmc('target', 'kill', { scalingMode: 'killPod' });
    await w.createCmc('target', 'scale', { scalingMode: 'randomScale', minReplicas: 2, maxReplicas: 5 });
    // The seed grants no pods/eviction: an evict CMC is blocked (fail closed), never a DELETE instead.
    await w.createDeployment('target', 'ev', 2);
    await w.createCmc('target', 'evict', { scalingMode: 'killPod', deployment: { name: 'ev' }, killMethod: 'evict' });
    w.sandbox.clearRequests();
    const replica = await w.startOperator({ overrides: { connection: limited(w, SEED_TOKEN) }, waitForLeader: false });

    const tables = replica.logs.filter((l) => typeof l.message === 'string' && l.message.startsWith('permissions at start-up'));
    expect(tables).toHaveLength(1);
    const table = tables[0] as { table: string; permissions: { permission: string; granted: string; then: string }[] };
    process.stdout.write(`start-up permission table under the seed ClusterRole:${table.table}\n`);
    const row = (p: string): { granted: string; then: string } | undefined => table.permissions.find((r) => r.permission === p);
    expect(row('list core/namespaces')).toMatchObject({ granted: 'no', then: expect.stringContaining('watch-only') });
    expect(row('patch apps/deployments/scale')).toMatchObject({ granted: 'no', then: expect.stringContaining('update (PUT)') });
    expect(row('patch cm.massix.github.io/chaosmonkeyconfigurations/status')).toMatchObject({ granted: 'no', then: 'no status writes' });
    expect(row('create coordination.k8s.io/leases')).toMatchObject({ granted: 'no', then: expect.stringContaining('NO LEADER ELECTION') });
    expect(replica.logs.some((l) => l.level === 'error' && String(l.message).startsWith('NO LEADER ELECTION'))).toBe(true);
    expect(row('create core/pods/eviction')).toMatchObject({ granted: 'no', then: expect.stringContaining('Blocked (EvictionForbidden)') });
    // main.tf grants deployments get/patch/update only: no Deployment cache, one GET per action; pods get/list/watch/delete: the pod cache.
    expect(row('list apps/deployments')).toMatchObject({ granted: 'no', then: expect.stringContaining('one GET per action') });
    expect(row('get apps/deployments')).toMatchObject({ granted: 'yes', then: expect.stringContaining('one GET per action') });
    expect(row('watch core/pods')).toMatchObject({ granted: 'yes', then: 'pod cache (informer)' });
    const blocked = await waitFor('the evict CMC blocked', () => replica.logs.find((l) => l.message === 'chaos action blocked' && l.cmc === 'evict'), 15_000);
    expect(String(blocked.reason)).toContain('may not create pods/eviction');
    expect(await w.podNames('target', 'ev')).toHaveLength(2);

    await waitFor('a pod killed and a scale written', () => actionLines(replica, { mode: 'killPod' }).length > 0 && actionLines(replica, { mode: 'randomScale' }).length > 0, 15_000);
    expect((await httpGet(replica, '/readyz')).status).toBe(200);
    expect(JSON.parse((await httpGet(replica, '/health')).body)).toMatchObject({ status: 'up' });
    const sent = ours(w);
    expect(sent.filter((r) => r.status === 403).map((r) => `${r.verb} ${r.resource}/${r.subresource ?? ''}`)).toEqual([]);
    expect(sent.some((r) => r.verb === 'watch' && r.resource === 'namespaces')).toBe(true);
    expect(sent.some((r) => r.verb === 'list' && r.resource === 'namespaces')).toBe(false);
    expect(sent.some((r) => r.verb === 'update' && r.subresource === 'scale')).toBe(true);
    expect(sent.some((r) => r.verb === 'get' && r.resource === 'deployments' && r.subresource === undefined)).toBe(true);
    expect(sent.some((r) => r.verb === 'list' && r.resource === 'pods' && r.namespace !== undefined)).toBe(false);
    expect(sent.some((r) => r.subresource === 'status' || r.resource === 'leases')).toBe(false);
    expect(sent.filter((r) => r.resource === 'pods' && (r.subresource === 'eviction' || r.name?.startsWith('ev-') === true) && r.verb !== 'get')).toEqual([]);
  }, 60_000);
});

describe('what cannot work at all', () => {
  test('no delete on pods, no watch on CMCs: one error per missing rule, not ready, /health down', async () => {
    const rules = without(without(OPERATOR_CLUSTER_RULES, 'delete', 'pods'), 'watch', 'chaosmonkeyconfigurations');
    world = await startWorld({ identities: { [TOKEN]: { user: USER, clusterRules: rules, namespaceRules: { [OPERATOR_NAMESPACE]: [...OPERATOR_NAMESPACE_RULES] } } } });
    const w = world;
    void w.startOperator({ overrides: { connection: limited(w, TOKEN), permissionRecheckMs: 60_000 }, waitForLeader: false });
    const replica = await waitFor('replica built', () => w.replicas[0]);
    await waitFor('probe answered', () => replica.operator.permissions !== undefined);
    const port = await waitFor('http port', () => replica.operator.httpPort);
    const get = async (path: string): Promise<{ status: number; body: string }> => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    expect((await get('/readyz')).status).toBe(503);
    const health = JSON.parse((await get('/health')).body) as { status: string; problems: string[] };
    expect(health.status).toBe('down');
    expect(health.problems.join('\n')).toContain('resources: ["pods"], verbs: ["delete"]');
    expect(health.problems.join('\n')).toContain('resources: ["chaosmonkeyconfigurations"], verbs: ["watch"]');
    const errors = (): Record<string, unknown>[] => replica.logs.filter((l) => l.level === 'error' && String(l.message).startsWith('missing RBAC rule'));
    await holdsFor('one line per problem, not repeated within the minute', () => errors().length === 2, 1_500);
    expect(ours(w).some((r) => r.status === 403)).toBe(false); // nothing hammered the API server
  }, 30_000);

  test('a fixed RBAC is picked up by the recheck: ready without a restart', async () => {
    const rules = without(OPERATOR_CLUSTER_RULES, 'delete', 'pods');
    const identity = { user: USER, clusterRules: rules, namespaceRules: { [OPERATOR_NAMESPACE]: [...OPERATOR_NAMESPACE_RULES] } };
    world = await startWorld({ identities: { [TOKEN]: identity } });
    const w = world;
    void w.startOperator({ overrides: { connection: limited(w, TOKEN), permissionRecheckMs: 300 }, waitForLeader: false });
    const replica = await waitFor('replica built', () => w.replicas[0]);
    await waitFor('not ready: delete pods missing', () => replica.operator.permissions?.fatal.length === 1);
    w.sandbox.setIdentity(TOKEN, { ...identity, clusterRules: [...OPERATOR_CLUSTER_RULES] });
    await replica.operator.ready;
    await waitFor('ready', async () => (await httpGet(replica, '/readyz')).status === 200);
    expect(JSON.parse((await httpGet(replica, '/health')).body)).toMatchObject({ status: 'up' });
  }, 30_000);
});

describe('status writes heal', () => {
  test('a 403 on the status patch is retried with backoff, logged readably, and heals once RBAC allows it', async () => {
    const identity = { user: USER, clusterRules: without(OPERATOR_CLUSTER_RULES, 'patch', 'chaosmonkeyconfigurations/status'), namespaceRules: { [OPERATOR_NAMESPACE]: [...OPERATOR_NAMESPACE_RULES] } };
    world = await startWorld({ identities: { [TOKEN]: identity } });
    const w = world;
    await w.createNamespace('target', 'true');
    await w.createDeployment('target', 'web', 2);
    await w.createCmc('target', 'kill', { scalingMode: 'killPod', timeout: '60s' });
    // A probe that believes everything is granted: the status patch meets the real 403.
    const replica = await w.startOperator({
      overrides: {
        connection: limited(w, TOKEN),
        probe: () => Promise.resolve([]),
      },
    });
    const failures = (): Record<string, unknown>[] => replica.logs.filter((l) => l.message === 'reconcile failed');
    await waitFor('two failed attempts', () => failures().length >= 2, 10_000);
    const first = failures()[0] as { error: string; terminal: boolean; retryInMs: number };
    expect(first.terminal).toBe(false);
    expect(first.retryInMs).toBeGreaterThan(0);
    expect(first.error).toContain(`chaosmonkeyconfigurations.cm.massix.github.io "kill" is forbidden: User "${USER}" cannot patch resource "chaosmonkeyconfigurations/status"`);
    expect(first.error).not.toMatch(/\\"|Body:|Headers:/);
    w.sandbox.setIdentity(TOKEN, { ...identity, clusterRules: [...OPERATOR_CLUSTER_RULES] });
    await waitFor('status written', async () => (await w.getCmc('target', 'kill')).status?.nextActionAt !== undefined, 15_000);
  }, 40_000);

  test('a status someone else overwrote is repaired', async () => {
    world = await startWorld();
    const w = world;
    await w.createNamespace('target', 'true');
    await w.createDeployment('target', 'web', 2);
    await w.createCmc('target', 'kill', { scalingMode: 'killPod', timeout: '60s' });
    await w.startOperator();
    const written = await waitFor('status written', async () => (await w.getCmc('target', 'kill')).status?.nextActionAt);
    const { PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    await w.custom.patchNamespacedCustomObjectStatus(
      { group: 'cm.massix.github.io', version: 'v1', namespace: 'target', plural: 'chaosmonkeyconfigurations', name: 'kill', body: { status: { nextActionAt: '2001-01-01T00:00:00Z' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('status repaired', async () => (await w.getCmc('target', 'kill')).status?.nextActionAt === written);
  }, 30_000);
});
