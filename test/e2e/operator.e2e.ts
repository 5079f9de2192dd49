/**
 * End-to-end checks against a real cluster where chaos-monkey is installed (helm chart, default
 * AllowAll): `E2E_KUBECONFIG=~/.kube/config npm run e2e`. Not part of `npm test` (it needs a
 * cluster); the same behaviours run in-process against the sandbox in test/integration/operator.
 * Everything happens in a fresh namespace that is deleted at the end.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { API_VERSION_V1, GROUP, KIND, NAMESPACE_LABEL, PLURAL, V1 } from '../../api/names.ts';
import type { ChaosMonkeyConfigurationV1 } from '../../api/v1.ts';
import { closeConnection, connectFromKubeconfigText } from '../../operator/src/kube/connect.ts';
import { holdsFor, waitFor } from '../integration/operator/support/world.ts';
import { readFileSync } from 'node:fs';

const KUBECONFIG = process.env.E2E_KUBECONFIG;
if (KUBECONFIG === undefined || KUBECONFIG === '') {
  throw new Error('E2E_KUBECONFIG is not set: point it at a kubeconfig for a cluster where the chaos-monkey chart is installed (see docs/operator.md, "End-to-end tests").');
}
const connection = connectFromKubeconfigText(readFileSync(KUBECONFIG, 'utf8'), { userAgent: 'chaos-monkey-e2e' });
const kc = connection.kubeConfig;
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const NS = `cm-e2e-${process.pid}`;
const TIMEOUT = '5s';
const SLOW = 60_000;

async function podNames(app: string): Promise<string[]> {
  const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` });
  return list.items.filter((p) => p.metadata?.deletionTimestamp == null).map((p) => p.metadata?.name ?? '').sort();
}
async function replicas(name: string): Promise<number> {
  return (await apps.readNamespacedDeployment({ namespace: NS, name })).spec?.replicas ?? 1;
}
async function cmc(name: string): Promise<ChaosMonkeyConfigurationV1> {
  return (await custom.getNamespacedCustomObject({ group: GROUP, version: V1, namespace: NS, plural: PLURAL, name })) as ChaosMonkeyConfigurationV1;
}
async function createDeployment(name: string, count: number): Promise<void> {
  const labels = { app: name };
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: { replicas: count, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9' }] } } },
    },
  });
}
async function createCmc(name: string, spec: Record<string, unknown>): Promise<void> {
  await custom.createNamespacedCustomObject({
    group: GROUP,
    version: V1,
    namespace: NS,
    plural: PLURAL,
    body: { apiVersion: API_VERSION_V1, kind: KIND, metadata: { name }, spec: { enabled: true, minReplicas: 1, maxReplicas: 4, timeout: TIMEOUT, ...spec } },
  });
}

beforeAll(async () => {
  await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
  await createDeployment('scale', 2);
  await createDeployment('pods', 2);
  await waitFor('4 pods', async () => (await podNames('scale')).length + (await podNames('pods')).length === 4, SLOW);
  await createCmc('scale', { scalingMode: 'randomScale', minReplicas: 2, maxReplicas: 5, deployment: { name: 'scale' } });
  await createCmc('pods', { scalingMode: 'killPod', deployment: { name: 'pods' } });
}, 120_000);

afterAll(async () => {
  await core.deleteNamespace({ name: NS }).catch(() => undefined);
  await closeConnection(connection);
});

describe(`chaos-monkey in the cluster (namespace ${NS})`, () => {
  test('status is written: Ready=True with the next action time', async () => {
    const c = await waitFor('Ready=True', async () => {
      const x = await cmc('pods');
      return x.status?.conditions?.find((k) => k.type === 'Ready')?.status === 'True' ? x : undefined;
    }, SLOW);
    expect(Date.parse(c.status?.nextActionAt ?? '')).toBeGreaterThan(Date.now() - 10_000);
  }, SLOW);

  test('randomScale changes the replicas', async () => {
    await waitFor('a rescale', async () => (await replicas('scale')) !== 2, SLOW);
  }, SLOW);

  test('killPod changes pod names and keeps the count', async () => {
    const before = await podNames('pods');
    await waitFor('a killed pod', async () => !(await podNames('pods')).every((n) => before.includes(n)), SLOW);
    await waitFor('count back at 2', async () => (await podNames('pods')).length === 2, SLOW);
    const events = (await core.listNamespacedEvent({ namespace: NS })).items;
    expect(events.some((e) => e.reason === 'ChaosMonkeyTarget' && e.message === 'Pod got killed by Chaos Monkey')).toBe(true);
  }, SLOW);

  test('selection fixed 2: one action kills two Running pods, one Event on each', async () => {
    await createDeployment('batch', 3);
    await waitFor('3 batch pods', async () => (await podNames('batch')).length === 3, SLOW);
    await createCmc('batch', { scalingMode: 'killPod', deployment: { name: 'batch' }, selection: { mode: 'fixed', value: 2 } });
    const done = await waitFor('a succeeded batch', async () => {
      const a = (await cmc('batch')).status?.lastAction;
      return a?.result === 'Succeeded' ? a : undefined;
    }, SLOW);
    const victims = done.target.split(', ');
    expect(victims).toHaveLength(2);
    const events = (await core.listNamespacedEvent({ namespace: NS })).items;
    for (const pod of victims) expect(events.some((e) => e.reason === 'ChaosMonkeyTarget' && e.involvedObject.name === pod)).toBe(true);
  }, SLOW);

  test('CEL rules of the CRD: timeout and schedule.cron together, selection on randomScale, are refused', async () => {
    const refused = async (name: string, spec: Record<string, unknown>): Promise<string> => {
      try {
        await createCmc(name, spec);
      } catch (error) {
        return String((error as { body?: unknown }).body ?? error);
      }
      throw new Error(`${name} was accepted`);
    };
    expect(await refused('both', { scalingMode: 'killPod', deployment: { name: 'pods' }, schedule: { cron: '*/5 * * * *' } })).toContain('422');
    expect(await refused('sel', { scalingMode: 'randomScale', deployment: { name: 'scale' }, selection: { mode: 'all' } })).toContain('422');
  }, SLOW);

  test('an excluded time of day covering now: Blocked OutsideWindow, nothing killed', async () => {
    await createDeployment('night', 2);
    await waitFor('2 night pods', async () => (await podNames('night')).length === 2, SLOW);
    const now = new Date();
    const hh = (d: Date): string => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    // From a minute ago until an hour from now, in UTC (wraps midnight when it must).
    const window = `${hh(new Date(now.getTime() - 60_000))}-${hh(new Date(now.getTime() + 3_600_000))}`;
    await createCmc('night', { scalingMode: 'killPod', deployment: { name: 'night' }, schedule: { excludedTimesOfDay: [window] } });
    const blocked = await waitFor('Blocked=OutsideWindow', async () => {
      const c = await cmc('night');
      const b = c.status?.conditions?.find((k) => k.type === 'Blocked');
      return b?.status === 'True' && b.reason === 'OutsideWindow' ? c : undefined;
    }, SLOW);
    expect(Date.parse(blocked.status?.nextActionAt ?? '')).toBeGreaterThan(now.getTime() + 3_000_000);
    const names = (await podNames('night')).join();
    await holdsFor('night pods unchanged', async () => (await podNames('night')).join() === names, 12_000, 1_000);
  }, SLOW);

  test('disabling stops the chaos', async () => {
    await custom.patchNamespacedCustomObject({ group: GROUP, version: V1, namespace: NS, plural: PLURAL, name: 'scale', body: { spec: { enabled: false } } }, merge);
    await waitFor('Paused=True', async () => (await cmc('scale')).status?.conditions?.find((k) => k.type === 'Paused')?.status === 'True', SLOW);
    const r = await replicas('scale');
    await holdsFor('replicas unchanged', async () => (await replicas('scale')) === r, 12_000, 1_000);
  }, SLOW);

  test('the opt-out label stops chaos in the namespace', async () => {
    await core.patchNamespace({ name: NS, body: { metadata: { labels: { [NAMESPACE_LABEL]: 'false' } } } }, merge);
    await waitFor('Blocked=True', async () => (await cmc('pods')).status?.conditions?.find((k) => k.type === 'Blocked')?.status === 'True', SLOW);
    const names = (await podNames('pods')).join();
    await holdsFor('pod names unchanged', async () => (await podNames('pods')).join() === names, 12_000, 1_000);
  }, SLOW);
});
