/**
 * PodDisruptionBudgets and the eviction subresource beyond the recorded exchanges (conformance pdb.json):
 * the disruption controller's arithmetic, the eviction answers kube-apiserver gives in the cases the recording
 * could not provoke deterministically (status lagging generation, two budgets, unready pods), and `create
 * pods/eviction` under the sandbox's RBAC.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import type { SandboxServer } from '../../../../sandbox/server/sandbox.ts';
import { computePdbStatus, DELETION_TIMEOUT_MS } from '../../../../sandbox/controllers/disruption.ts';
import type { PodView } from '../../../../sandbox/controllers/disruption.ts';
import type { KObject } from '../../../../sandbox/store/types.ts';
import { call, pod, start } from './helpers.ts';
import { readUntil } from '../../../support/wait-for.ts';

const NOW = Date.parse('2024-01-01T00:10:00Z');

function pdb(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KObject {
  return { metadata: { name: 'b', generation: 2 }, spec: { selector: { matchLabels: { app: 'a' } }, ...spec }, status };
}

function pods(n: number, extra: Partial<PodView> = {}): PodView[] {
  return Array.from({ length: n }, (_, i) => ({ name: `p${i}`, labels: { app: 'a' }, deleting: false, ready: true, ...extra }));
}

const dep = { kind: 'Deployment', name: 'd', uid: 'u1' };

describe('computePdbStatus (kube disruption controller arithmetic)', () => {
  test('integer minAvailable counts matching pods; only Ready, non-terminating pods are healthy', () => {
    const ps = [...pods(3), { name: 'x', labels: { app: 'other' }, deleting: false, ready: true }, { name: 'slow', labels: { app: 'a' }, deleting: false, ready: false }, { name: 'gone', labels: { app: 'a' }, deleting: true, ready: true }];
    const r = computePdbStatus(pdb({ minAvailable: 2 }), ps, () => undefined, NOW);
    expect(r).toEqual({ status: { observedGeneration: 2, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 5, conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 2, lastTransitionTime: '2024-01-01T00:10:00Z', reason: 'SufficientPods', message: '' }] } });
  });

  test('maxUnavailable and percentage minAvailable use the owning Deployment scale, percentages rounded up', () => {
    const owned = pods(4, { controller: dep });
    const max = computePdbStatus(pdb({ maxUnavailable: '30%' }), owned, () => 5, NOW);
    expect(max).toMatchObject({ status: { expectedPods: 5, desiredHealthy: 3, currentHealthy: 4, disruptionsAllowed: 1 } });
    const min = computePdbStatus(pdb({ minAvailable: '50%' }), owned, () => 5, NOW);
    expect(min).toMatchObject({ status: { expectedPods: 5, desiredHealthy: 3, disruptionsAllowed: 1 } });
    const none = computePdbStatus(pdb({ maxUnavailable: 0 }), owned, () => 4, NOW);
    expect(none).toMatchObject({ status: { desiredHealthy: 4, disruptionsAllowed: 0, conditions: [{ status: 'False', reason: 'InsufficientPods' }] } });
  });

  test('unmanaged pods do not count towards a scale; an unknown controller is a sync error', () => {
    expect(computePdbStatus(pdb({ maxUnavailable: 1 }), pods(2), () => undefined, NOW)).toMatchObject({ status: { expectedPods: 0, desiredHealthy: 0, currentHealthy: 2, disruptionsAllowed: 0 } });
    expect(computePdbStatus(pdb({ maxUnavailable: 1 }), pods(1, { controller: { kind: 'StatefulSet', name: 's', uid: 'u2' } }), () => undefined, NOW)).toEqual({ error: 'found no controllers for pod "p0"' });
  });

  test('a pod in disruptedPods is not healthy until DeletionTimeout passes; the entry then drops', () => {
    const at = new Date(NOW - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const fresh = computePdbStatus(pdb({ minAvailable: 1 }, { disruptedPods: { p0: at } }), pods(2), () => undefined, NOW);
    expect(fresh).toMatchObject({ status: { currentHealthy: 1, disruptionsAllowed: 0, disruptedPods: { p0: at } } });
    const old = new Date(NOW - DELETION_TIMEOUT_MS - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const expired = computePdbStatus(pdb({ minAvailable: 1 }, { disruptedPods: { p0: old } }), pods(2), () => undefined, NOW);
    expect(expired).toMatchObject({ status: { currentHealthy: 2, disruptionsAllowed: 1 } });
    expect('status' in expired && expired.status.disruptedPods).toBeFalsy();
  });
});

describe('over HTTP', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(async () => {
    await s.shutdown();
  });
  const NS = '/api/v1/namespaces/default';
  const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
  const evict = (name: string, deleteOptions?: Record<string, unknown>): Promise<Awaited<ReturnType<typeof call>>> =>
    call(s, 'POST', `${NS}/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, ...(deleteOptions ? { deleteOptions } : {}) });
  const settled = (name: string, pred: (st: Record<string, number>) => boolean): Promise<Record<string, unknown>> =>
    readUntil(`PDB ${name} settled`, async () => (await call(s, 'GET', `${PDBS}/${name}`)).body, (b) => b.status?.observedGeneration === b.metadata.generation && pred(b.status), 5_000, 10);

  test('Deployment-owned pods: maxUnavailable from the scale; an eviction spends the budget until the replacement is Ready; maxUnavailable 0 is 429 naming the budget', async () => {
    await call(s, 'POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } });
    expect((await call(s, 'POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } })).status).toBe(201);
    const st = await settled('web', (x) => x.currentHealthy === 3);
    expect(st.status).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    const names = (await call(s, 'GET', `${NS}/pods?labelSelector=app%3Dweb`)).body.items.map((p: KObject) => p.metadata.name) as string[];
    const first = await evict(names[0] as string);
    expect(first.status).toBe(201);
    const victim = await call(s, 'GET', `${NS}/pods/${names[0]}`);
    expect(victim.body.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(victim.body.status.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }));
    // Like a ReplicaSet, the Deployment controller replaces the terminating pod; the budget recovers.
    const recovered = await settled('web', (x) => x.currentHealthy === 3 && x.disruptionsAllowed === 1);
    expect(recovered.status).toMatchObject({ expectedPods: 3, desiredHealthy: 2 });
    await call(s, 'PATCH', `${PDBS}/web`, { spec: { maxUnavailable: 0 } }, 'application/merge-patch+json');
    await settled('web', (x) => x.desiredHealthy === 3);
    const second = await evict(names[1] as string);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect(second.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: "Cannot evict pod as it would violate the pod's disruption budget.", reason: 'TooManyRequests', details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 3 healthy pods and has 3 currently' }] }, code: 429 });
    expect((await call(s, 'GET', `${NS}/pods/${names[1]}`)).body.metadata.deletionTimestamp).toBeUndefined();
  });

  test('two budgets selecting a pod: 500 Status; no budget: 201; dryRun: 201 and the pod stays', async () => {
    await call(s, 'POST', `${NS}/pods`, pod('two-1', { app: 'two' }));
    for (const n of ['two-a', 'two-b']) await call(s, 'POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: n }, spec: { minAvailable: 0, selector: { matchLabels: { app: 'two' } } } });
    const r = await evict('two-1');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });
    await call(s, 'POST', `${NS}/pods`, pod('free-1', { app: 'free' }));
    expect((await evict('free-1', { dryRun: ['All'] })).status).toBe(201);
    expect((await call(s, 'GET', `${NS}/pods/free-1`)).body.metadata.deletionTimestamp).toBeUndefined();
    expect((await evict('free-1', { gracePeriodSeconds: 0 })).status).toBe(201);
    expect((await call(s, 'GET', `${NS}/pods/free-1`)).status).toBe(404);
  });

  test('an unready pod goes without spending budget while the budget is met (IfHealthyBudget)', async () => {
    for (const n of ['ur-1', 'ur-2']) await call(s, 'POST', `${NS}/pods`, pod(n, { app: 'ur' }));
    await call(s, 'POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'ur' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'ur' } } } });
    await settled('ur', (x) => x.currentHealthy === 2);
    await s.setPodPhase('default', 'ur-2', 'Unknown');
    const st = await settled('ur', (x) => x.currentHealthy === 1);
    expect(st.status).toMatchObject({ disruptionsAllowed: 0, desiredHealthy: 1 });
    expect((await evict('ur-2')).status).toBe(201);
    expect((await evict('ur-1')).status).toBe(429);
  });

  test('kubectl-style Table: Min Available, Max Unavailable (N/A when unset), Allowed Disruptions', async () => {
    const r = await call(s, 'GET', `${PDBS}/ur`, undefined, 'application/json', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(r.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    expect(r.body.rows[0].cells.slice(0, 4)).toEqual(['ur', '1', 'N/A', 0]);
  });
});

describe('eviction against budgets whose status the test writes (no disruption controller)', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await start({ disruptionController: false });
  });
  afterAll(async () => {
    await s.shutdown();
  });
  const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
  const evict = (name: string): Promise<Awaited<ReturnType<typeof call>>> =>
    call(s, 'POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } });
  const writeStatus = async (name: string, status: Record<string, unknown>): Promise<void> => {
    const r = await call(s, 'PATCH', `${PDBS}/${name}/status`, { status }, 'application/merge-patch+json');
    expect(r.status).toBe(200);
  };

  test('status not yet observed for this generation: 429 "still being processed" with Retry-After 10', async () => {
    await call(s, 'POST', '/api/v1/namespaces/default/pods', pod('lag-1', { app: 'lag' }));
    const created = await call(s, 'POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'lag' }, spec: { minAvailable: 0, selector: { matchLabels: { app: 'lag' } } } });
    expect(created.body.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    const r = await evict('lag-1');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('10');
    expect(r.body.details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget lag is still being processed by the server.' }], retryAfterSeconds: 10 });
  });

  test('an allowed eviction decrements disruptionsAllowed, records the pod in disruptedPods and flips the condition at 0', async () => {
    await call(s, 'POST', '/api/v1/namespaces/default/pods', pod('ok-1', { app: 'ok' }));
    await call(s, 'POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'ok' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'ok' } } } });
    await writeStatus('ok', { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'SufficientPods', message: '' }] });
    expect((await evict('ok-1')).status).toBe(201);
    const after = (await call(s, 'GET', `${PDBS}/ok`)).body.status;
    expect(after.disruptionsAllowed).toBe(0);
    expect(Object.keys(after.disruptedPods)).toEqual(['ok-1']);
    expect(after.conditions[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });

  test('negative disruptionsAllowed: 403 Forbidden on the budget', async () => {
    await call(s, 'POST', '/api/v1/namespaces/default/pods', pod('neg-1', { app: 'neg' }));
    await call(s, 'POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'neg' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'neg' } } } });
    await writeStatus('neg', { observedGeneration: 1, disruptionsAllowed: -1 });
    const r = await evict('neg-1');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ reason: 'Forbidden', message: 'poddisruptionbudget.policy "neg" is forbidden: pdb disruptions allowed is negative', details: { name: 'neg', group: 'policy', kind: 'poddisruptionbudget' } });
  });
});
