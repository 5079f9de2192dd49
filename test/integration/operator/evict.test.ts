/**
 * Issue 11 `spec.killMethod: evict` against the sandbox over real sockets: the kill is a POST
 * pods/<name>/eviction (policy/v1) carrying the CMC's grace period and the pod's UID; the sandbox's
 * disruption controller and eviction subresource answer as kube-apiserver v1.28 does, so a
 * PodDisruptionBudget at 0 allowed disruptions gives a 429 that the operator reports as Blocked
 * DisruptionBudget (condition, Warning Event naming the PDB, actions_total{result="blocked"}),
 * with no pod deleted.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Condition } from '../../../api/v1.ts';
import { holdsFor, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

async function metricValue(replica: Replica, name: string, labels: Record<string, string>): Promise<number> {
  const values = (await replica.operator.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

async function condition(world: World, namespace: string, name: string, type: string): Promise<Condition | undefined> {
  return (await world.getCmc(namespace, name)).status?.conditions?.find((c) => c.type === type);
}

async function createPdb(world: World, namespace: string, name: string, spec: k8s.V1PodDisruptionBudgetSpec): Promise<void> {
  const policy = world.kc.makeApiClient(k8s.PolicyV1Api);
  await policy.createNamespacedPodDisruptionBudget({ namespace, body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace }, spec } });
  // The sandbox's disruption controller computes the status (as kube's does) shortly after.
  await waitFor(`${namespace}/${name} observed`, async () => (await policy.readNamespacedPodDisruptionBudget({ namespace, name })).status?.observedGeneration === 1);
}

/** Requests the operator (not the tests) sent to pods in `namespace`, as `verb resource[/sub]`. */
function podWrites(world: World, namespace: string): string[] {
  return world.sandbox
    .requests()
    .filter((r) => r.namespace === namespace && r.resource === 'pods' && r.verb !== 'list' && r.verb !== 'watch' && r.verb !== 'get' && r.userAgent !== 'chaos-monkey-tests')
    .map((r) => `${r.verb} pods${r.subresource !== undefined ? `/${r.subresource}` : ''}`);
}

describe('killMethod evict', () => {
  let world: World;
  let replica: Replica;

  beforeAll(async () => {
    world = await startWorld();
    for (const ns of ['evict-ok', 'evict-pdb']) await world.createNamespace(ns);
    await world.createDeployment('evict-ok', 'web', 3);
    await world.createDeployment('evict-pdb', 'web', 2);
    await createPdb(world, 'evict-ok', 'web-budget', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    await createPdb(world, 'evict-pdb', 'web-pdb', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    replica = await world.startOperator();
    await world.createCmc('evict-ok', 'ev', { killMethod: 'evict', gracePeriodSeconds: 30 });
    await world.createCmc('evict-pdb', 'ev', { killMethod: 'evict' });
  }, 60_000);

  afterAll(async () => {
    await world?.stop();
  });

  test('a PDB that allows it: the pod is evicted (no DELETE sent), with the CMC grace period', async () => {
    const target = await waitFor('ev evicted a pod', async () => {
      const s = (await world.getCmc('evict-ok', 'ev')).status;
      return s?.lastAction?.result === 'Succeeded' ? s.lastAction.target : undefined;
    });
    const pod = await world.core.readNamespacedPod({ namespace: 'evict-ok', name: target });
    expect(pod.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.reason).toBe('EvictionByEvictionAPI');
    const writes = podWrites(world, 'evict-ok');
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes)).toEqual(new Set(['create pods/eviction']));
    expect((await world.events('evict-ok')).some((e) => e.reason === 'ChaosMonkeyTarget' && e.involvedObject.name === target)).toBe(true);
    expect((await condition(world, 'evict-ok', 'ev', 'Blocked'))?.status).toBe('False');
  });

  test('a PDB at 0 allowed disruptions: Blocked DisruptionBudget naming the PDB, a Warning Event, metric blocked, no pod deleted', async () => {
    const podsBefore = await world.podNames('evict-pdb', 'web');
    const blocked = await waitFor('Blocked DisruptionBudget', async () => {
      const c = await condition(world, 'evict-pdb', 'ev', 'Blocked');
      return c?.reason === 'DisruptionBudget' ? c : undefined;
    });
    expect(blocked.status).toBe('True');
    expect(blocked.message).toContain('web-pdb');
    expect((await condition(world, 'evict-pdb', 'ev', 'Ready'))).toMatchObject({ status: 'False', reason: 'DisruptionBudget' });
    expect((await world.getCmc('evict-pdb', 'ev')).status?.lastAction?.result).toBe('Blocked');
    const warning = (await world.events('evict-pdb')).find((e) => e.reason === 'DisruptionBudget');
    expect(warning).toMatchObject({ type: 'Warning', involvedObject: { kind: 'ChaosMonkeyConfiguration', name: 'ev' } });
    expect(warning?.message).toContain('PodDisruptionBudget web-pdb');
    expect(warning?.message).toContain('needs 2 healthy pods and has 2 currently');
    expect(await metricValue(replica, 'chaos_monkey_actions_total', { mode: 'killPod', result: 'blocked' })).toBeGreaterThan(0);
    await holdsFor('no pod of evict-pdb deleted', async () => (await world.podNames('evict-pdb', 'web')).join() === podsBefore.join(), 1_500);
    expect(podWrites(world, 'evict-pdb').every((w) => w === 'create pods/eviction')).toBe(true);
    expect(podWrites(world, 'evict-pdb').length).toBeGreaterThan(0);
  });
});
