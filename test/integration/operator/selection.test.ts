/**
 * spec.selection and spec.podSelector (issue 12 point 2) against the sandbox over real sockets:
 * fixed 2 kills exactly 2 Running pods per action (a Pending pod is never touched), `all` under
 * guard minAvailable leaves the guard's count, podSelector hits only matching pods, pods that are
 * all Pending are no candidates, and a victim deleted behind the operator's back (404) is retried
 * at once on the next candidate within the same action, a skipped slot and not a failure.
 * Killed pods keep a 30 s grace, so they stay visible (terminating) and are never candidates again.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionLines, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

let world: World;
let replica: Replica;

/** The operator's chaos decision lines of CMC `cmc` (every result), optionally of one result. */
function decisions(cmc: string, result?: string): Record<string, unknown>[] {
  return replica.logs.filter((l) => typeof l.message === 'string' && l.message.startsWith('chaos action') && l.cmc === cmc && (result === undefined || l.result === result));
}

/** Pod DELETEs the operator sent in `namespace` (name and answer status). */
function operatorDeletes(namespace: string): { name: string; status: number }[] {
  return world.sandbox
    .requests()
    .filter((r) => r.namespace === namespace && r.resource === 'pods' && r.verb === 'delete' && r.subresource === undefined && r.userAgent !== 'chaos-monkey-tests')
    .map((r) => ({ name: r.name ?? '', status: r.status }));
}

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await replica.operator.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

/** Pods of `namespace` not terminating, Running, with their labels. */
async function livePods(namespace: string): Promise<{ name: string; phase: string; labels: Record<string, string> }[]> {
  const pods = (await world.core.listNamespacedPod({ namespace })).items;
  return pods.filter((p) => p.metadata?.deletionTimestamp == null).map((p) => ({ name: p.metadata?.name ?? '', phase: p.status?.phase ?? '', labels: p.metadata?.labels ?? {} }));
}

/** Stops a CMC and waits until its action lines stop growing (two equal counts 1.2 s apart). */
async function disable(namespace: string, name: string): Promise<void> {
  await world.patchCmcSpec(namespace, name, { enabled: false });
  let count = -1;
  await waitFor(`${namespace}/${name} quiet`, () => {
    const now = decisions(name).length;
    const quiet = now === count;
    count = now;
    return quiet;
  }, 10_000, 1_200);
}

beforeAll(async () => {
  world = await startWorld();
  for (const ns of ['sfixed', 'sguard', 'ssel', 'spend']) await world.createNamespace(ns);
  await world.createDeployment('sfixed', 'web', 5);
  await world.createDeployment('sguard', 'web', 4);
  await world.createDeployment('ssel', 'web', 4);
  await world.createDeployment('spend', 'web', 2);
  const [pending] = await world.podNames('sfixed', 'web');
  await world.sandbox.setPodPhase('sfixed', pending ?? '', 'Pending');
  for (const pod of await world.podNames('spend', 'web')) await world.sandbox.setPodPhase('spend', pod, 'Pending');
  const [a, b] = await world.podNames('ssel', 'web');
  for (const pod of [a, b]) await world.core.patchNamespacedPod({ namespace: 'ssel', name: pod ?? '', body: [{ op: 'add', path: '/metadata/labels/tier', value: 'canary' }] });
  replica = await world.startOperator();
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe('spec.selection', () => {
  test('fixed 2: every action deletes exactly 2 distinct Running pods, never the Pending one; pods_killed counts each pod', async () => {
    const pending = (await livePods('sfixed')).find((p) => p.phase === 'Pending')?.name;
    expect(pending).toBeDefined();
    await world.createCmc('sfixed', 'two', { selection: { mode: 'fixed', value: 2 }, gracePeriodSeconds: 30 });
    const first = await waitFor('a succeeded fixed-2 action', () => actionLines(replica, { cmc: 'two', result: 'succeeded' })[0], 10_000);
    // pods_killed grows by 2 per action (read before disabling: a CMC that stops drops its target's series).
    await waitFor('pods_killed = 2 per succeeded action', async () => {
      const killed = await metricValue('chaos_monkey_podwatcher_pods_killed', { namespace: 'sfixed', label_selector: 'app=web' });
      return killed > 0 && killed === 2 * actionLines(replica, { cmc: 'two', result: 'succeeded' }).length;
    });
    await disable('sfixed', 'two');
    expect(String(first.reason)).toBe('killed 2 of 4 candidates (selection fixed 2), chosen uniformly at random without replacement');
    expect(String(first.target)).toMatch(/^web-\S+, web-\S+$/);
    const succeeded = actionLines(replica, { cmc: 'two', result: 'succeeded' });
    const deletes = operatorDeletes('sfixed');
    expect(deletes).toHaveLength(2 * succeeded.length);
    expect(deletes.every((d) => d.status === 200)).toBe(true);
    expect(deletes.map((d) => d.name)).not.toContain(pending);
    expect(new Set(deletes.map((d) => d.name)).size).toBe(deletes.length);
    const targets = succeeded.flatMap((l) => String(l.target).split(', '));
    expect(targets.sort()).toEqual(deletes.map((d) => d.name).sort());
    expect(await metricValue('chaos_monkey_actions_total', { mode: 'killPod', result: 'succeeded' })).toBeGreaterThanOrEqual(succeeded.length);
    const killedEvents = (await world.events('sfixed')).filter((e) => e.reason === 'ChaosMonkeyTarget' && e.involvedObject.kind === 'Pod').map((e) => e.involvedObject.name);
    expect(killedEvents.sort()).toEqual(deletes.map((d) => d.name).sort());
  });

  test('all under guard minAvailable 3 of 4 ready: the batch is trimmed to 1 pod and says so', async () => {
    await world.createCmc('sguard', 'all', { selection: { mode: 'all' }, guard: { minAvailable: 3, skipDuringRollout: false }, gracePeriodSeconds: 30 });
    const first = await waitFor('a succeeded action', () => actionLines(replica, { cmc: 'all', result: 'succeeded' })[0], 10_000);
    await disable('sguard', 'all');
    expect(String(first.reason)).toBe('killed 1 of 4 candidates (selection all), chosen uniformly at random without replacement; guard minAvailable trimmed the batch from 4 to 1 pods (4 ready, minAvailable 3)');
    expect(operatorDeletes('sguard')[0]?.name).toBe(String(first.target));
    // Each DELETE belongs to an action that reported it: the pods counted in the reasons are all the DELETEs sent.
    const reported = actionLines(replica, { cmc: 'all', result: 'succeeded' }).reduce((n, l) => n + Number(/^killed (\d+) of/.exec(String(l.reason))?.[1] ?? NaN), 0);
    expect(reported).toBe(operatorDeletes('sguard').length);
  });
});

describe('spec.podSelector and candidates', () => {
  test('podSelector tier=canary with mode all: only the two canary pods are deleted; terminating, they are no candidates again', async () => {
    const canary = (await livePods('ssel')).filter((p) => p.labels.tier === 'canary').map((p) => p.name).sort();
    expect(canary).toHaveLength(2);
    await world.createCmc('ssel', 'canary', { selection: { mode: 'all' }, podSelector: { matchLabels: { tier: 'canary' } }, gracePeriodSeconds: 30 });
    const first = await waitFor('a succeeded action', () => actionLines(replica, { cmc: 'canary', result: 'succeeded' })[0], 10_000);
    expect(String(first.target).split(', ').sort()).toEqual(canary);
    const skip = await waitFor('a skip: the matching pods are terminating', () => decisions('canary', 'skipped')[0], 10_000);
    expect(String(skip.reason)).toBe('all 2 pods matching spec.podSelector are already terminating');
    await disable('ssel', 'canary');
    expect(operatorDeletes('ssel').map((d) => d.name).sort()).toEqual(canary);
  });

  test('pods that are all Pending are never candidates: skipped, no DELETE', async () => {
    await world.createCmc('spend', 'pending', { selection: { mode: 'all' } });
    const skip = await waitFor('a skip', () => decisions('pending', 'skipped')[0], 10_000);
    expect(String(skip.reason)).toBe('none of the 2 pods of the target is Running and not terminating');
    await disable('spend', 'pending');
    expect(operatorDeletes('spend')).toEqual([]);
  });
});

describe('a victim already gone', () => {
  test('a 404 on the DELETE is retried at once on the next candidate, in the same action; with none left the slot is skipped, not failed', async () => {
    await world.createNamespace('sgone');
    await world.createDeployment('sgone', 'web', 3);
    const snapshot = (await world.podNames('sgone', 'web')).sort();
    // The operator's pod DELETEs wait 1.5 s in the sandbox: the test deletes every pod meanwhile. The
    // operator chooses from its pod cache in the same turn as the action starts (no request), so once
    // the action has started its first DELETE is on its way.
    world.sandbox.setLatency(1_500, { verb: 'delete', resource: 'pods' });
    try {
      const started = replica.operator.stats().actionsStarted;
      await world.createCmc('sgone', 'late', { timeout: '10s' });
      await waitFor('the action started', () => replica.operator.stats().actionsStarted > started, 40_000, 10);
      await world.core.deleteCollectionNamespacedPod({ namespace: 'sgone', labelSelector: 'app=web', gracePeriodSeconds: 0 });
      const line = await waitFor('the action', () => decisions('late')[0], 10_000);
      expect(line.result).toBe('skipped');
      expect(String(line.reason)).toMatch(/^pod web-\S+ already gone and no other candidate left$/);
      const deletes = operatorDeletes('sgone');
      expect(deletes.map((d) => d.status)).toEqual([404, 404, 404]);
      expect(deletes.map((d) => d.name).sort()).toEqual(snapshot);
      expect(await metricValue('chaos_monkey_actions_total', { mode: 'killPod', result: 'failed' })).toBe(0);
      await world.patchCmcSpec('sgone', 'late', { enabled: false });
    } finally {
      world.sandbox.setLatency(0);
    }
  }, 60_000);
});
