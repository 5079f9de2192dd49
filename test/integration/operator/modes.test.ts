/**
 * Mode details the seed got wrong: killPod uses the configured grace period and never picks a pod
 * that is already terminating; pods are selected by the Deployment's full selector (including
 * matchExpressions); the operator's own namespace is never a target unless
 * CHAOSMONKEY_TARGET_SELF says so; several CMCs may share a target, and renaming the target moves
 * the chaos (the seed keyed its watchers by Deployment name).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { actionLines, OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

let world: World;
let replica: Replica;

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace('modes');
  await world.createDeployment('modes', 'web', 3);
  replica = await world.startOperator({ env: { CHAOSMONKEY_KILL_GRACE_SECONDS: '30' } });
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

describe('killPod details', () => {
  test('deletes with the configured grace period and never picks a terminating pod', async () => {
    await world.createCmc('modes', 'graceful', { scalingMode: 'killPod', deployment: { name: 'web' } });
    await waitFor('four kills', () => actionLines(replica, { cmc: 'graceful' }).length >= 4, 10_000);
    const victims = actionLines(replica, { cmc: 'graceful' }).map((l) => String(l.target));
    expect(new Set(victims).size).toBe(victims.length);
    const pods = (await world.core.listNamespacedPod({ namespace: 'modes', labelSelector: 'app=web' })).items;
    const terminating = pods.filter((p) => p.metadata?.deletionTimestamp != null);
    expect(terminating.map((p) => p.metadata?.name).sort()).toEqual(expect.arrayContaining(victims.slice(0, 3).sort()));
    expect(terminating.every((p) => p.metadata?.deletionGracePeriodSeconds === 30)).toBe(true);
    await world.deleteCmc('modes', 'graceful');
  });

  test('selects pods with the full selector, matchExpressions included', async () => {
    await world.apps.createNamespacedDeployment({
      namespace: 'modes',
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'expr', namespace: 'modes' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'expr' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
          template: { metadata: { labels: { app: 'expr', tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        },
      },
    });
    await waitFor('2 expr pods', async () => (await world.podNames('modes', 'expr')).length === 2);
    await world.createCmc('modes', 'expr', { scalingMode: 'killPod', deployment: { name: 'expr' } });
    const line = await waitFor('a kill', () => actionLines(replica, { cmc: 'expr' })[0], 5_000);
    expect(String(line.target)).toMatch(/^expr-/);
    await world.deleteCmc('modes', 'expr');
  });
});

describe('targets (seed-spec 13, bugs 6 and 7)', () => {
  test('two CMCs on the same Deployment both act', async () => {
    await world.createCmc('modes', 'first', { scalingMode: 'killPod', deployment: { name: 'web' } });
    await world.createCmc('modes', 'second', { scalingMode: 'killPod', deployment: { name: 'web' } });
    await waitFor('a kill by each CMC', () => actionLines(replica, { cmc: 'first', result: 'succeeded' }).length >= 1 && actionLines(replica, { cmc: 'second', result: 'succeeded' }).length >= 1);
    await world.deleteCmc('modes', 'first');
    await world.deleteCmc('modes', 'second');
  });

  test('renaming the target moves the chaos to the new Deployment', async () => {
    await world.createDeployment('modes', 'other', 2);
    await world.createCmc('modes', 'mover', { scalingMode: 'killPod', deployment: { name: 'web' } });
    await waitFor('a kill in web', () => actionLines(replica, { cmc: 'mover' }).find((l) => String(l.target).startsWith('web-')));
    await world.patchCmcSpec('modes', 'mover', { deployment: { name: 'other' } });
    const moved = await waitFor('a kill in other', () => actionLines(replica, { cmc: 'mover' }).find((l) => String(l.target).startsWith('other-')));
    const after = actionLines(replica, { cmc: 'mover' }).slice(actionLines(replica, { cmc: 'mover' }).indexOf(moved));
    expect(after.every((l) => String(l.target).startsWith('other-'))).toBe(true);
    await world.deleteCmc('modes', 'mover');
  });
});

describe("the operator's own namespace", () => {
  test('is never a target unless CHAOSMONKEY_TARGET_SELF=true', async () => {
    await world.createDeployment(OPERATOR_NAMESPACE, 'self', 2);
    await world.createCmc(OPERATOR_NAMESPACE, 'self', { scalingMode: 'killPod', deployment: { name: 'self' } });
    const blocked = await waitFor('Blocked=True OwnNamespace', async () => {
      const c = await world.getCmc(OPERATOR_NAMESPACE, 'self');
      return c.status?.conditions?.find((x) => x.type === 'Blocked' && x.reason === 'OwnNamespace');
    });
    expect(blocked.status).toBe('True');
    expect(actionLines(replica, { cmc: 'self' })).toHaveLength(0);

    await replica.operator.stop();
    const selfish = await world.startOperator({ env: { CHAOSMONKEY_TARGET_SELF: 'true' } });
    await waitFor('a kill in the own namespace', () => actionLines(selfish, { cmc: 'self', namespace: OPERATOR_NAMESPACE }).length > 0, 5_000);
  });
});
