/**
 * Issue 11 guardrails against the sandbox over real sockets: dry run (spec.dryRun and
 * CHAOSMONKEY_DRY_RUN: decided, reported, nothing mutating sent, proved by the sandbox's request
 * log), the pause annotations (global on the operator's namespace within 1 s, per namespace,
 * paused-until ending by itself on the fake clock), killMethod delete spelled out, and
 * spec.gracePeriodSeconds on the DELETE.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { PAUSED_ANNOTATION, PAUSED_UNTIL_ANNOTATION } from '../../../api/names.ts';
import type { Condition } from '../../../api/v1.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { OPERATOR_NAMESPACE, holdsFor, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

/** Sum of a metric's series whose labels include `labels`. */
async function metricValue(replica: Replica, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await replica.operator.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

/** Whether a metric has a series with exactly these label values. */
async function hasSeries(replica: Replica, name: string, labels: Record<string, string>): Promise<boolean> {
  const values = (await replica.operator.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.some((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
}

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

async function annotate(world: World, namespace: string, annotations: Record<string, string | null>): Promise<void> {
  await world.core.patchNamespace({ name: namespace, body: { metadata: { annotations } } }, merge);
}

async function condition(world: World, namespace: string, name: string, type: string): Promise<Condition | undefined> {
  return (await world.getCmc(namespace, name)).status?.conditions?.find((c) => c.type === type);
}

/** Mutating requests the operator sent to pods and scales in `namespace`. */
function mutations(world: World, namespace: string): unknown[] {
  return world.sandbox.requests().filter((r) => r.namespace === namespace && ((r.resource === 'pods' && ['delete', 'create'].includes(r.verb)) || r.subresource === 'scale' || r.subresource === 'eviction') && r.userAgent !== 'chaos-monkey-tests');
}

describe('real clock: dry run, killMethod delete, grace period, pause', () => {
  let world: World;
  let replica: Replica;

  beforeAll(async () => {
    world = await startWorld();
    for (const ns of ['dry', 'unsup', 'grace']) await world.createNamespace(ns);
    await world.createDeployment('dry', 'web', 3);
    await world.createDeployment('dry', 'api', 2);
    await world.createDeployment('dry', 'hpa', 3);
    (await world.podNames('dry', 'hpa')).forEach((pod, i) => world.sandbox.setPodMetrics('dry', pod, [{ name: 'c', cpu: `${100 * (i + 1)}m` }]));
    await world.createDeployment('unsup', 'web', 2);
    await world.createDeployment('grace', 'web', 2);
    replica = await world.startOperator();
    await world.createCmc('dry', 'kp', { scalingMode: 'killPod', deployment: { name: 'web' }, dryRun: true });
    await world.createCmc('dry', 'ap', { scalingMode: 'antiPressure', minReplicas: 1, deployment: { name: 'hpa' }, dryRun: true });
    await world.createCmc('dry', 'rs', { scalingMode: 'randomScale', minReplicas: 3, maxReplicas: 5, deployment: { name: 'api' }, dryRun: true });
    await world.createCmc('unsup', 'deleting', { killMethod: 'delete', dryRun: true });
    await world.createCmc('grace', 'slow', { gracePeriodSeconds: 30 });
  }, 60_000);

  afterAll(async () => {
    await world?.stop();
  });

  test('spec.dryRun: decided and reported (status, Event, log, metric), no mutating request sent', async () => {
    const podsBefore = await world.podNames('dry', 'web');
    const kp = await waitFor('killPod dry run recorded', async () => {
      const s = (await world.getCmc('dry', 'kp')).status;
      return s?.lastAction?.result === 'DryRun' ? s : undefined;
    });
    expect(podsBefore).toContain(kp.lastAction?.target);
    expect(kp.lastAction?.message).toMatch(new RegExp(`dry run: would delete pod ${kp.lastAction?.target ?? ''}`));
    expect(kp.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const rs = await waitFor('randomScale dry run recorded', async () => {
      const s = (await world.getCmc('dry', 'rs')).status;
      return s?.lastAction?.result === 'DryRun' ? s : undefined;
    });
    expect(rs.lastAction?.target).toBe('deployment/api');
    const busiest = (await world.podNames('dry', 'hpa'))[2];
    const ap = await waitFor('antiPressure dry run recorded', async () => {
      const s = (await world.getCmc('dry', 'ap')).status;
      return s?.lastAction?.result === 'DryRun' ? s : undefined;
    });
    expect(ap.lastAction?.target).toBe(busiest);
    expect(ap.lastAction?.message).toMatch(/would delete pod .*, the busiest of 3 running pods \(0\.3 CPU cores\)/);
    expect(await metricValue(replica, 'chaos_monkey_actions_total', { mode: 'antiPressure', result: 'dry_run' })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(replica, 'chaos_monkey_antihpawatcher_pods_killed', { namespace: 'dry' })).toBe(0);
    expect(rs.lastAction?.message).toMatch(/would scale deployment api to [345] replicas/);

    const events = await world.events('dry');
    const dryEvents = events.filter((e) => e.reason === 'DryRun');
    expect(dryEvents.some((e) => e.involvedObject.kind === 'ChaosMonkeyConfiguration' && e.involvedObject.name === 'kp' && /would delete pod web-/.test(e.message ?? ''))).toBe(true);
    expect(dryEvents.some((e) => e.involvedObject.name === 'rs' && /would scale deployment api to/.test(e.message ?? ''))).toBe(true);
    expect(replica.logs.some((l) => l.message === 'chaos action (dry run: nothing sent)' && l.cmc === 'kp' && l.result === 'dry_run')).toBe(true);
    expect(await metricValue(replica, 'chaos_monkey_actions_total', { mode: 'killPod', result: 'dry_run' })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(replica, 'chaos_monkey_actions_total', { mode: 'randomScale', result: 'dry_run' })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(replica, 'chaos_monkey_podwatcher_pods_killed', { namespace: 'dry' })).toBe(0); // grace's CMC really kills

    expect(mutations(world, 'dry')).toEqual([]);
    expect(await world.podNames('dry', 'web')).toEqual(podsBefore);
    expect(await world.replicasOf('dry', 'api')).toBe(2);
  });

  test('killMethod delete (the default, spelled out) acts', async () => {
    // Here as a dry run, so the namespace stays untouched.
    await waitFor('deleting acts', async () => (await world.getCmc('unsup', 'deleting')).status?.lastAction?.result === 'DryRun');
    await holdsFor('no action in unsup', () => mutations(world, 'unsup').length === 0, 1_500);
  });

  test('spec.gracePeriodSeconds overrides CHAOSMONKEY_KILL_GRACE_SECONDS on the DELETE', async () => {
    const target = await waitFor('slow killed a pod', async () => {
      const s = (await world.getCmc('grace', 'slow')).status;
      return s?.lastAction?.result === 'Succeeded' ? s.lastAction.target : undefined;
    });
    const pod = await world.core.readNamespacedPod({ namespace: 'grace', name: target });
    expect(pod.metadata?.deletionGracePeriodSeconds).toBe(30);
  });

  test('a pause on the operator namespace blocks every CMC within 1 s; removing it resumes', async () => {
    const started = Date.now();
    await annotate(world, OPERATOR_NAMESPACE, { [PAUSED_ANNOTATION]: 'incident 4711' });
    for (const [ns, name] of [['dry', 'kp'], ['dry', 'rs'], ['grace', 'slow']] as const) {
      await waitFor(`${name} Blocked Paused`, async () => (await condition(world, ns, name, 'Blocked'))?.reason === 'Paused', 2_000, 20);
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1_000);
    const blocked = await condition(world, 'grace', 'slow', 'Blocked');
    expect(blocked?.status).toBe('True');
    expect(blocked?.message).toContain('incident 4711');
    expect(await metricValue(replica, 'chaos_monkey_paused', { scope: 'global' })).toBe(1);
    // Events about a Namespace (cluster-scoped) go to "default", as kube's own.
    const nsEvents = (await world.events('default')).filter((e) => e.involvedObject.kind === 'Namespace' && e.involvedObject.name === OPERATOR_NAMESPACE && e.reason === 'Paused');
    expect(nsEvents).toHaveLength(1);
    expect(nsEvents[0]?.message).toContain('incident 4711');
    expect(replica.logs.filter((l) => l.message === 'all chaos paused')).toHaveLength(1);

    // None starts: at most an action already in flight when the status flipped lands, then silence.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const deletesAtPause = world.sandbox.requests().filter((r) => r.namespace === 'grace' && r.verb === 'delete' && r.resource === 'pods').length;
    const blockedBefore = await metricValue(replica, 'chaos_monkey_actions_total', { result: 'blocked' });
    await holdsFor('no pod deleted while paused', () => world.sandbox.requests().filter((r) => r.namespace === 'grace' && r.verb === 'delete' && r.resource === 'pods').length <= deletesAtPause + 1, 2_500);
    const deletesWhilePaused = world.sandbox.requests().filter((r) => r.namespace === 'grace' && r.verb === 'delete' && r.resource === 'pods').length;
    await holdsFor('still none', () => world.sandbox.requests().filter((r) => r.namespace === 'grace' && r.verb === 'delete' && r.resource === 'pods').length === deletesWhilePaused, 1_500);
    expect(await metricValue(replica, 'chaos_monkey_actions_total', { result: 'blocked' })).toBeGreaterThan(blockedBefore);
    expect(await metricValue(replica, 'chaos_monkey_skipped_slots_total', { reason: 'Paused' })).toBeGreaterThanOrEqual(1);

    await annotate(world, OPERATOR_NAMESPACE, { [PAUSED_ANNOTATION]: null });
    await waitFor('slow unblocked', async () => (await condition(world, 'grace', 'slow', 'Blocked'))?.reason === 'None');
    expect(await metricValue(replica, 'chaos_monkey_paused', { scope: 'global' })).toBe(0);
    await waitFor('deletes resume', () => world.sandbox.requests().filter((r) => r.namespace === 'grace' && r.verb === 'delete' && r.resource === 'pods').length > deletesWhilePaused, 5_000);
    expect((await world.events('default')).filter((e) => e.involvedObject.kind === 'Namespace' && e.involvedObject.name === OPERATOR_NAMESPACE && e.reason === 'Resumed')).toHaveLength(1);
    expect(replica.logs.filter((l) => l.message === 'all chaos resumed')).toHaveLength(1);
  });

  test('a pause on another namespace blocks only the CMCs there', async () => {
    await annotate(world, 'grace', { [PAUSED_ANNOTATION]: 'load test' });
    const blocked = await waitFor('slow Blocked Paused', async () => {
      const c = await condition(world, 'grace', 'slow', 'Blocked');
      return c?.reason === 'Paused' ? c : undefined;
    }, 2_000);
    expect(blocked.message).toBe('chaos in namespace grace paused by annotation cm.massix.github.io/paused: load test');
    expect(await metricValue(replica, 'chaos_monkey_paused', { scope: 'grace' })).toBe(1);
    expect((await condition(world, 'dry', 'kp', 'Blocked'))?.reason).toBe('None');
    const kpBefore = (await world.getCmc('dry', 'kp')).status?.lastAction?.time;
    await waitFor('kp keeps acting', async () => (await world.getCmc('dry', 'kp')).status?.lastAction?.time !== kpBefore, 5_000);

    await annotate(world, 'grace', { [PAUSED_ANNOTATION]: null });
    await waitFor('slow unblocked', async () => (await condition(world, 'grace', 'slow', 'Blocked'))?.reason === 'None');
    expect(await hasSeries(replica, 'chaos_monkey_paused', { scope: 'grace' })).toBe(false);
  });
});

describe('fake clock: paused-until ends by itself; CHAOSMONKEY_DRY_RUN', () => {
  const MINUTE = 60_000;
  let world: World;
  let replica: Replica;
  let clock: FakeClock;

  beforeAll(async () => {
    world = await startWorld();
    await world.createNamespace('held');
    await world.createNamespace('free');
    await world.createDeployment('held', 'web', 2);
    await world.createDeployment('free', 'web', 2);
    clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);
    await annotate(world, 'held', { [PAUSED_ANNOTATION]: 'freeze', [PAUSED_UNTIL_ANNOTATION]: new Date(clock.now() + 60 * MINUTE).toISOString() });
    replica = await world.startOperator({ overrides: { clock }, env: { CHAOSMONKEY_DRY_RUN: 'true' } });
    await world.createCmc('held', 'kp', { timeout: '10m' });
    await world.createCmc('free', 'kp', { timeout: '10m' });
    await waitFor('scheduled', () => replica.operator.stats().scheduled === 2);
  }, 60_000);

  afterAll(async () => {
    await world?.stop();
  });

  test('a paused namespace known at start: Blocked Paused with the end time, slots blocked', async () => {
    const blocked = await waitFor('held Blocked', async () => {
      const c = await condition(world, 'held', 'kp', 'Blocked');
      return c?.reason === 'Paused' ? c : undefined;
    });
    expect(blocked.message).toContain('freeze (until ');
    expect(await metricValue(replica, 'chaos_monkey_paused', { scope: 'held' })).toBe(1);
    await clock.advanceAsync(10 * MINUTE);
    await waitFor('blocked slot counted', async () => (await metricValue(replica, 'chaos_monkey_actions_total', { result: 'blocked' })) === 1, 5_000);
    // CHAOSMONKEY_DRY_RUN: the free namespace's CMC (no spec.dryRun) decides and sends nothing.
    await waitFor('free dry run', async () => (await world.getCmc('free', 'kp')).status?.lastAction?.result === 'DryRun', 5_000);
    expect((await world.getCmc('held', 'kp')).status?.lastAction).toBeUndefined();
    expect(mutations(world, 'held')).toEqual([]);
    expect(mutations(world, 'free')).toEqual([]);
  });

  test('paused-until passes: resumed without any change to the namespace', async () => {
    await clock.advanceAsync(50 * MINUTE - 1);
    expect((await condition(world, 'held', 'kp', 'Blocked'))?.reason).toBe('Paused');
    await clock.advanceAsync(1);
    await waitFor('held unblocked', async () => (await condition(world, 'held', 'kp', 'Blocked'))?.reason === 'None', 2_000);
    expect(await hasSeries(replica, 'chaos_monkey_paused', { scope: 'held' })).toBe(false);
    expect(replica.logs.filter((l) => l.message === 'chaos in namespace held resumed')).toHaveLength(1);
    await clock.advanceAsync(10 * MINUTE);
    await waitFor('held acts (as a dry run)', async () => (await world.getCmc('held', 'kp')).status?.lastAction?.result === 'DryRun', 5_000);
    expect(mutations(world, 'held')).toEqual([]);
  });
});
