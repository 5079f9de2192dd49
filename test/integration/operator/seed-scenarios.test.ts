/**
 * The seed's end-to-end script (seed-spec.md 12, tests/kubetest.sh), adapted to one process: the
 * sandbox, the operator and the script's fixtures (namespace `target`, deployments
 * nginx-disrupt-scale / nginx-disrupt-pods / nginx-antihpa and one CMC each), with 1s timeouts.
 * Scenarios run in the seed's order and build on each other, as the script does.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionLines, httpGet, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

const NS = 'target';
const SCALE = 'nginx-disrupt-scale';
const PODS = 'nginx-disrupt-pods';
const HPA = 'nginx-antihpa';
const cmcOf = (dep: string): string => `chaosmonkey-${dep}`;

let world: World;
let replica: Replica;

function condition(cmc: { status?: { conditions?: { type: string; status: string; reason: string }[] } }, type: string): { status: string; reason: string } | undefined {
  return cmc.status?.conditions?.find((c) => c.type === type);
}

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace(NS);
  await world.createDeployment(NS, SCALE, 2);
  await world.createDeployment(NS, PODS, 2);
  await world.createDeployment(NS, HPA, 6);
  // Step 6 of the script ("reset"): every CMC enabled, with its mode.
  await world.createCmc(NS, cmcOf(SCALE), { scalingMode: 'randomScale', minReplicas: 2, maxReplicas: 5, deployment: { name: SCALE } });
  await world.createCmc(NS, cmcOf(PODS), { scalingMode: 'killPod', minReplicas: 6, maxReplicas: 8, deployment: { name: PODS } });
  replica = await world.startOperator();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('seed kubetest.sh scenarios', () => {
  test('randomScale changes the replicas of its deployment (step 8)', async () => {
    const seen = await waitFor('a rescale to a value other than 2', async () => {
      const r = await world.replicasOf(NS, SCALE);
      return r !== 2 ? r : undefined;
    });
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(seen).toBeLessThanOrEqual(5);
    const events = await world.events(NS);
    expect(events.some((e) => e.reason === 'ChaosMonkey' && e.involvedObject.name === SCALE && /^Converted to \d+ replicas$/.test(e.message ?? ''))).toBe(true);
  });

  test('killPod changes the pod names and keeps the count (steps 9, 11)', async () => {
    const before = await world.podNames(NS, PODS);
    await waitFor('a killed pod', async () => !(await world.podNames(NS, PODS)).every((n) => before.includes(n)));
    await waitFor('the pod count back at 2', async () => (await world.podNames(NS, PODS)).length === 2);
    const victim = await waitFor('the kill log line', () => actionLines(replica, { cmc: cmcOf(PODS), mode: 'killPod' }).find((l) => before.includes(String(l.target))));
    expect(await world.podNames(NS, PODS)).not.toContain(victim.target);
    const events = await world.events(NS);
    expect(events.some((e) => e.reason === 'ChaosMonkeyTarget' && e.message === 'Pod got killed by Chaos Monkey' && before.includes(e.involvedObject.name ?? ''))).toBe(true);
  });

  test('antiPressure kills the busiest pod and keeps the count (steps 10, 12)', async () => {
    const pods = await world.podNames(NS, HPA);
    expect(pods).toHaveLength(6);
    const busiest = pods[3] as string;
    pods.forEach((p, i) => world.sandbox.setPodMetrics(NS, p, [{ name: 'c', cpu: p === busiest ? '1500m' : `${100 + i}m` }, { name: 'sidecar', cpu: '20000000n' }]));
    await world.createCmc(NS, cmcOf(HPA), { scalingMode: 'antiPressure', minReplicas: 2, maxReplicas: 6, timeout: '1s', deployment: { name: HPA } });
    await waitFor('the busiest pod to be killed', async () => !(await world.podNames(NS, HPA)).includes(busiest));
    // The log line is written after the DELETE and its Event: wait for it rather than read it at once.
    const first = await waitFor('the antiPressure log line', () => actionLines(replica, { cmc: cmcOf(HPA) })[0]);
    expect(first).toMatchObject({ mode: 'antiPressure', target: busiest, result: 'succeeded' });
    await waitFor('the pod count back at 6', async () => (await world.podNames(NS, HPA)).length === 6);
  });

  test('disabled randomScale and antiPressure stop (steps 13-15)', async () => {
    await world.patchCmcSpec(NS, cmcOf(SCALE), { enabled: false });
    await world.patchCmcSpec(NS, cmcOf(HPA), { enabled: false });
    for (const name of [cmcOf(SCALE), cmcOf(HPA)]) {
      await waitFor(`${name} Paused=True`, async () => condition(await world.getCmc(NS, name), 'Paused')?.status === 'True');
    }
    // Disabled means unscheduled (no nextActionAt); quiet.test.ts proves a disabled CMC stays quiet over ten periods of fake time.
    const cmc = await world.getCmc(NS, cmcOf(SCALE));
    expect(condition(cmc, 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(cmc.status?.nextActionAt).toBeUndefined();
  });

  test('hot mode switch killPod -> randomScale changes replicas (step 16)', async () => {
    await world.patchCmcSpec(NS, cmcOf(PODS), { scalingMode: 'randomScale' });
    const r = await waitFor('nginx-disrupt-pods rescaled', async () => {
      const n = await world.replicasOf(NS, PODS);
      return n !== 2 ? n : undefined;
    });
    expect(r).toBeGreaterThanOrEqual(6);
    expect(r).toBeLessThanOrEqual(8);
  });

  test('hot mode switch randomScale -> killPod plus re-enable kills pods and keeps the count (step 17)', async () => {
    await world.patchCmcSpec(NS, cmcOf(SCALE), { scalingMode: 'killPod', enabled: true });
    await world.apps.patchNamespacedDeploymentScale(
      { namespace: NS, name: SCALE, body: { spec: { replicas: 2 } } },
      (await import('@kubernetes/client-node')).setHeaderOptions('Content-Type', 'application/merge-patch+json'),
    );
    await waitFor('2 pods of nginx-disrupt-scale', async () => (await world.podNames(NS, SCALE)).length === 2);
    const before = await world.podNames(NS, SCALE);
    await waitFor('a killed pod of nginx-disrupt-scale', async () => !(await world.podNames(NS, SCALE)).every((n) => before.includes(n)));
    await waitFor('the count back at 2', async () => (await world.podNames(NS, SCALE)).length === 2);
    expect(await world.replicasOf(NS, SCALE)).toBe(2);
  });

  test('the operator never crashed: /livez and /readyz answer ok (step 18)', async () => {
    expect(await httpGet(replica, '/livez')).toEqual({ status: 200, body: 'ok\n' });
    expect(await httpGet(replica, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
  });

  test('/metrics exposes the 25 names the seed script checks (step 19)', async () => {
    const { status, body } = await httpGet(replica, '/metrics');
    expect(status).toBe(200);
    const names = [
      'nswatcher_events', 'nswatcher_event_duration_bucket', 'nswatcher_cmc_spawned', 'nswatcher_cmc_active', 'nswatcher_restarts',
      'crdwatcher_events', 'crdwatcher_pw_spawned', 'crdwatcher_pw_active', 'crdwatcher_dw_spawned', 'crdwatcher_dw_active',
      'crdwatcher_ah_spawned', 'crdwatcher_ah_active', 'crdwatcher_event_duration_bucket', 'crdwatcher_restarts',
      'podwatcher_pods_added', 'podwatcher_pods_removed', 'podwatcher_pods_killed', 'podwatcher_pods_active', 'podwatcher_restarts',
      'deploymentwatcher_deployments_rescaled', 'deploymentwatcher_random_distribution', 'deploymentwatcher_last_scale',
      'antihpawatcher_runs', 'antihpawatcher_pods_killed', 'antihpawatcher_average_cpu',
    ].map((n) => `chaos_monkey_${n}`);
    expect(names).toHaveLength(25);
    expect(names.filter((n) => !body.includes(n))).toEqual([]);
    expect(body).toMatch(/chaos_monkey_actions_total\{mode="killPod",result="succeeded"\} [1-9]/);
    expect(body).toMatch(/chaos_monkey_leader 1/);
  });

  test('/health returns the seed document with status "up" (step 20)', async () => {
    const { status, body } = await httpGet(replica, '/health');
    expect(status).toBe(200);
    const health = JSON.parse(body) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'up', root_namespace: 'chaosmonkey', behavior: 'ALLOWALL', loglevel: 'info' });
    expect(health.total_watchers).toBeGreaterThanOrEqual(3);
  });

  test('opt-out label under AllowAll stops all chaos in the namespace (step 21)', async () => {
    await world.setNamespaceLabel(NS, 'false');
    for (const name of [cmcOf(SCALE), cmcOf(PODS), cmcOf(HPA)]) {
      await waitFor(`${name} Blocked=True`, async () => condition(await world.getCmc(NS, name), 'Blocked')?.reason === 'NamespaceOptedOut', 2_000);
    }
    // Nothing left armed; that it stays quiet: quiet.test.ts (fake clock).
    await waitFor('nothing scheduled', () => replica.operator.stats().scheduled === 0, 2_000);
  });

  test('DenyAll ignores the namespace until it is labelled "true" (steps 22-24)', async () => {
    await replica.operator.stop();
    const denyAll = await world.startOperator({ env: { CHAOSMONKEY_BEHAVIOR: 'DenyAll' } });
    await world.setNamespaceLabel(NS, null);
    await world.patchCmcSpec(NS, cmcOf(SCALE), { scalingMode: 'randomScale', minReplicas: 2, maxReplicas: 4 });
    await world.patchCmcSpec(NS, cmcOf(PODS), { scalingMode: 'killPod', minReplicas: 0, maxReplicas: 1 });
    await waitFor('NamespaceNotOptedIn', async () => condition(await world.getCmc(NS, cmcOf(PODS)), 'Blocked')?.reason === 'NamespaceNotOptedIn');
    const pods = await world.podNames(NS, PODS);
    const replicas = await world.replicasOf(NS, SCALE);
    // Nothing armed without the opt-in label; that it stays quiet: quiet.test.ts (fake clock).
    expect(denyAll.operator.stats().scheduled).toBe(0);
    expect(actionLines(denyAll)).toHaveLength(0);

    await world.setNamespaceLabel(NS, 'true');
    await waitFor('a killed pod after opt-in', async () => !(await world.podNames(NS, PODS)).every((n) => pods.includes(n)));
    await waitFor('a rescale after opt-in', async () => (await world.replicasOf(NS, SCALE)) !== replicas);
  });
});
