/**
 * The client-node APIs the operator uses, unchanged, against the sandbox over HTTPS: CoreV1Api, AppsV1Api (with
 * scale), ApiextensionsV1Api + CustomObjectsApi (status subresource), CoordinationV1Api, EventsV1Api,
 * KubernetesObjectApi; plus the Deployment controller and namespace deletion seen through the client.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { startSandboxServer } from '../../../sandbox/server/sandbox.ts';
import type { SandboxServer } from '../../../sandbox/server/sandbox.ts';
import { readUntil, waitFor } from '../../support/wait-for.ts';

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

describe('client-node APIs against the sandbox', () => {
  let s: SandboxServer;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;

  beforeAll(async () => {
    s = await startSandboxServer({});
    kc = new k8s.KubeConfig();
    kc.loadFromString(s.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'cn' } } });
  });
  afterAll(async () => {
    await s.shutdown();
  });

  test('Deployment controller keeps replicas, names pods, follows scale and replaces deleted pods', async () => {
    await apps.createNamespacedDeployment({ namespace: 'cn', body: { metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1.0' }] } } } } });
    const pods = await readUntil('3 running web pods', () => core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' }), (l) => l.items.length === 3 && l.items.every((p) => p.status?.phase === 'Running'));
    for (const p of pods.items) {
      expect(p.metadata?.name).toMatch(/^web-[0-9a-f]{10}-[a-z0-9]{5}$/);
      expect(p.metadata?.labels?.['pod-template-hash']).toMatch(/^[0-9a-f]{10}$/);
      expect(p.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    }
    const dep = await readUntil('web ready 3/3', () => apps.readNamespacedDeployment({ name: 'web', namespace: 'cn' }), (d) => d.status?.readyReplicas === 3);
    expect(dep.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });

    const scale = await apps.patchNamespacedDeploymentScale({ name: 'web', namespace: 'cn', body: { spec: { replicas: 1 } } }, mergePatch);
    expect(scale.spec?.replicas).toBe(1);
    await readUntil('1 web pod', () => core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' }), (l) => l.items.length === 1);
    const read = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'cn' });
    expect(read.status?.selector).toBe('app=web');

    const [victim] = (await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' })).items;
    await core.deleteNamespacedPod({ name: victim?.metadata?.name ?? '', namespace: 'cn' });
    const after = await readUntil('a replacement pod', () => core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' }), (l) => l.items.length === 1 && l.items[0]?.metadata?.name !== victim?.metadata?.name);
    expect(after.items[0]?.metadata?.name).toMatch(/^web-/);
  });

  test('stale rv on scale PUT is 409', async () => {
    const sc = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'cn' });
    await apps.replaceNamespacedDeploymentScale({ name: 'web', namespace: 'cn', body: { ...sc, spec: { replicas: 2 } } });
    await expect(apps.replaceNamespacedDeploymentScale({ name: 'web', namespace: 'cn', body: { ...sc, spec: { replicas: 4 } } })).rejects.toMatchObject({ code: 409 });
  });

  test('CRD + CustomObjectsApi with status subresource', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await ext.createCustomResourceDefinition({ body: {
      metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } }, status: { type: 'object', properties: { ok: { type: 'boolean' } } } } } } }] },
    } });
    const crd = await readUntil('the CRD Established', () => ext.readCustomResourceDefinition({ name: 'gadgets.example.com' }), (c) => (c.status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True'));
    expect(crd.status?.acceptedNames?.kind).toBe('Gadget');
    const created = (await custom.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'cn', plural: 'gadgets', body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { n: 1 } } })) as { metadata: { generation: number } };
    expect(created.metadata.generation).toBe(1);
    const st = (await custom.patchNamespacedCustomObjectStatus({ group: 'example.com', version: 'v1', namespace: 'cn', plural: 'gadgets', name: 'g1', body: { status: { ok: true } } }, mergePatch)) as { metadata: { generation: number }; status: { ok: boolean } };
    expect(st.status.ok).toBe(true);
    expect(st.metadata.generation).toBe(1);
    const upd = (await custom.patchNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'cn', plural: 'gadgets', name: 'g1', body: { spec: { n: 2 } } }, mergePatch)) as { metadata: { generation: number } };
    expect(upd.metadata.generation).toBe(2);
    const list = (await custom.listNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'cn', plural: 'gadgets' })) as { items: { kind: string }[] };
    expect(list.items.map((i) => i.kind)).toEqual(['Gadget']);
    await ext.deleteCustomResourceDefinition({ name: 'gadgets.example.com' });
    await waitFor('gadgets gone (404)', async () => (await fetchStatus(s, '/apis/example.com/v1/namespaces/cn/gadgets')) === 404, 5_000, 10);
  });

  test('Lease create/replace with conflicts', async () => {
    const coord = kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coord.createNamespacedLease({ namespace: 'cn', body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } } });
    const next = await coord.replaceNamespacedLease({ name: 'leader', namespace: 'cn', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } } });
    expect(next.spec?.holderIdentity).toBe('b');
    await expect(coord.replaceNamespacedLease({ name: 'leader', namespace: 'cn', body: { ...lease, spec: { holderIdentity: 'c' } } })).rejects.toMatchObject({ code: 409 });
  });

  test('EventsV1Api and CoreV1Api list the same events', async () => {
    const ev = kc.makeApiClient(k8s.EventsV1Api);
    await ev.createNamespacedEvent({ namespace: 'cn', body: { metadata: { name: 'e1' }, eventTime: new Date('2024-01-01T00:00:00Z') as unknown as k8s.V1MicroTime, reportingController: 'x/y', reportingInstance: 'i', action: 'Kill', reason: 'PodKilled', regarding: { kind: 'Pod', name: 'p', namespace: 'cn' }, note: 'n', type: 'Normal' } });
    const coreList = await core.listNamespacedEvent({ namespace: 'cn' });
    expect(coreList.items.map((e) => [e.metadata?.name, e.message])).toEqual([['e1', 'n']]);
    const newList = await ev.listNamespacedEvent({ namespace: 'cn' });
    expect(newList.items.map((e) => e.note)).toEqual(['n']);
  });

  test('KubernetesObjectApi create/read/patch/delete', async () => {
    const objs = k8s.KubernetesObjectApi.makeApiClient(kc);
    await objs.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'cn' }, data: { a: '1' } } as k8s.KubernetesObject);
    const read = (await objs.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'cn' } })) as k8s.V1ConfigMap;
    expect(read.data).toEqual({ a: '1' });
    const patched = (await objs.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'cn' }, data: { b: '2' } } as k8s.KubernetesObject, undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch)) as k8s.V1ConfigMap;
    expect(patched.data).toEqual({ a: '1', b: '2' });
    await objs.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'cn' } });
    await expect(objs.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'cn' } })).rejects.toMatchObject({ code: 404 });
  });

  test('namespace deletion: Terminating, contents removed, then the namespace', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedPod({ namespace: 'doomed', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } });
    const ns = await core.deleteNamespace({ name: 'doomed' });
    expect((ns as k8s.V1Namespace).status?.phase).toBe('Terminating');
    await expect(core.createNamespacedPod({ namespace: 'doomed', body: { metadata: { name: 'q' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } })).rejects.toMatchObject({ code: 403 });
    await waitFor('namespace doomed gone (404)', async () => (await fetchStatus(s, '/api/v1/namespaces/doomed')) === 404, 5_000, 10);
    await expect(core.readNamespacedPod({ name: 'p', namespace: 'doomed' })).rejects.toMatchObject({ code: 404 });
  });

  test('PodMetrics: list per namespace with a label selector, get by name', async () => {
    const pods = await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' });
    const name = pods.items[0]?.metadata?.name ?? '';
    s.setPodMetrics('cn', name, [{ name: 'c', cpu: '250m', memory: '64Mi' }]);
    const metrics = new k8s.Metrics(kc);
    const list = await metrics.getPodMetrics('cn');
    expect(list.items.map((m) => [m.metadata.name, m.containers[0]?.usage.cpu])).toEqual([[name, '250m']]);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const one = (await custom.getNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'cn', plural: 'pods', name })) as k8s.PodMetric;
    expect(one.containers[0]?.usage.memory).toBe('64Mi');
    const selected = (await custom.listNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'cn', plural: 'pods', labelSelector: 'app=web' })) as k8s.PodMetricsList;
    expect(selected.items).toHaveLength(1);
    const none = (await custom.listNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'cn', plural: 'pods', labelSelector: 'app=other' })) as k8s.PodMetricsList;
    expect(none.items).toHaveLength(0);
  });
});

async function fetchStatus(s: SandboxServer, path: string): Promise<number> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { ca: s.caPem }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
