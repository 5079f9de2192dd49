/**
 * spec.guard (issue 11 point 4) against the sandbox over real sockets: minAvailable blocks with
 * the numbers (killPod and randomScale), a rollout in progress (a pod made unready through the
 * sandbox's setPodPhase, so availableReplicas < desired) is skipped, minPodAge spares young pods,
 * and a guard that passes acts. Blocked: Blocked=True and Ready=False with reason GuardNotMet,
 * actions_total{result="blocked"}, and no mutating request sent (the sandbox's request log).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
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

/** Mutating requests the operator sent to pods and scales in `namespace`. */
function mutations(world: World, namespace: string): unknown[] {
  return world.sandbox.requests().filter((r) => r.namespace === namespace && ((r.resource === 'pods' && r.verb === 'delete') || r.subresource === 'scale') && r.userAgent !== 'chaos-monkey-tests');
}

/** Waits until the CMC is Blocked with reason GuardNotMet; returns the Blocked condition. */
async function guardBlocked(world: World, namespace: string, name: string): Promise<Condition> {
  return waitFor(`${namespace}/${name} Blocked GuardNotMet`, async () => {
    const c = await condition(world, namespace, name, 'Blocked');
    return c?.reason === 'GuardNotMet' ? c : undefined;
  });
}

describe('spec.guard on the target', () => {
  let world: World;
  let replica: Replica;

  beforeAll(async () => {
    world = await startWorld();
    for (const ns of ['gmin', 'gscale', 'groll', 'gage', 'gok']) await world.createNamespace(ns);
    await world.createDeployment('gmin', 'web', 3);
    await world.createDeployment('gscale', 'web', 3);
    await world.createDeployment('groll', 'web', 2);
    await world.createDeployment('gage', 'web', 2);
    await world.createDeployment('gok', 'web', 2);
    // A pod that is not ready: available 1 of 2 desired, the Deployment counts as rolling out.
    const [cold] = await world.podNames('groll', 'web');
    await world.sandbox.setPodPhase('groll', cold ?? '', 'Pending');
    await waitFor('groll web has 1 available replica', async () => (await world.apps.readNamespacedDeployment({ namespace: 'groll', name: 'web' })).status?.availableReplicas === 1);
    replica = await world.startOperator();
    await world.createCmc('gmin', 'min', { guard: { minAvailable: 3, skipDuringRollout: false } });
    await world.createCmc('gscale', 'rs', { scalingMode: 'randomScale', minReplicas: 1, maxReplicas: 2, guard: { minAvailable: '100%' } });
    await world.createCmc('groll', 'roll', { guard: {} });
    await world.createCmc('gage', 'young', { guard: { minPodAge: '1h' } });
    await world.createCmc('gok', 'ok', { guard: { minAvailable: '50%', minPodAge: '0s' } });
  }, 60_000);

  afterAll(async () => {
    await world?.stop();
  });

  test('minAvailable blocks a pod kill with the numbers: Blocked/Ready GuardNotMet, metric blocked, no DELETE', async () => {
    const blocked = await guardBlocked(world, 'gmin', 'min');
    expect(blocked.status).toBe('True');
    expect(blocked.message).toMatch(/^guard minAvailable: 3 of 3 desired pods are ready, 2 would be after killing web-[0-9a-f]{10}-\w{5}, below minAvailable 3$/);
    const cmc = await world.getCmc('gmin', 'min');
    expect(cmc.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'GuardNotMet' });
    expect(cmc.status?.lastAction).toMatchObject({ result: 'Blocked', mode: 'killPod' });
    expect(await metricValue(replica, 'chaos_monkey_actions_total', { mode: 'killPod', result: 'blocked' })).toBeGreaterThanOrEqual(1);
    expect(mutations(world, 'gmin')).toEqual([]);
  });

  test('randomScale: a new count below minAvailable (100% of 3) is blocked before the PATCH', async () => {
    const blocked = await guardBlocked(world, 'gscale', 'rs');
    expect(blocked.message).toMatch(/^guard minAvailable: scaling from 3 to [12] replicas would go below minAvailable 3 \(100% of the desired replicas, rounded up\)$/);
    expect(mutations(world, 'gscale')).toEqual([]);
    expect(await world.replicasOf('gscale', 'web')).toBe(3);
  });

  test('skipDuringRollout (default with guard): an unready pod means rolling out, nothing killed', async () => {
    const blocked = await guardBlocked(world, 'groll', 'roll');
    expect(blocked.message).toBe('guard skipDuringRollout: deployment rolling out: 2 updated and 1 available of 2 desired replicas');
    expect(mutations(world, 'groll')).toEqual([]);
  });

  test('minPodAge: every pod younger than 1h, none killed', async () => {
    const blocked = await guardBlocked(world, 'gage', 'young');
    expect(blocked.message).toBe('guard minPodAge: all 2 pods are younger than 1h');
    await holdsFor('no DELETE in gage', () => mutations(world, 'gage').length === 0, 1_500);
  });

  test('a guard that passes acts: a pod is deleted, Blocked stays False', async () => {
    const status = await waitFor('ok killed a pod', async () => {
      const s = (await world.getCmc('gok', 'ok')).status;
      return s?.lastAction?.result === 'Succeeded' ? s : undefined;
    });
    const killed = status.lastAction?.target ?? '';
    expect(killed).toMatch(/^web-[0-9a-f]{10}-\w{5}$/);
    await waitFor(`${killed} is gone`, async () => !(await world.podNames('gok', 'web')).includes(killed));
    expect(status.conditions?.find((c) => c.type === 'Blocked')).toMatchObject({ status: 'False', reason: 'None' });
    expect(mutations(world, 'gok').length).toBeGreaterThanOrEqual(1);
  });
});
