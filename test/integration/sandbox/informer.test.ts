/**
 * client-node's makeInformer over the sandbox (HTTPS, real sockets): initial list, a dropped watch, and a
 * compaction (410 Expired) during which objects were added and deleted; the informer must recover with a correct cache.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { startSandboxServer } from '../../../sandbox/server/sandbox.ts';
import type { SandboxServer } from '../../../sandbox/server/sandbox.ts';

function pod(name: string): k8s.V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'inf' } }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1.0' }] } };
}

/** Resolves when `pred` holds, re-checking on every informer callback (no sleeps). */
function whenCache(inf: k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod>, pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pred()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => reject(new Error(`cache never matched: ${inf.list().map((p) => p.metadata?.name).join(',')}`)), timeoutMs);
    const check = (): void => {
      if (pred()) {
        clearTimeout(timer);
        resolve();
      }
    };
    inf.on('add', check);
    inf.on('update', check);
    inf.on('delete', check);
  });
}

describe('client-node informer over the sandbox', () => {
  let s: SandboxServer;
  let core: k8s.CoreV1Api;
  let informer: k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod>;
  let stopped = false;
  const errors: unknown[] = [];
  const connects: number[] = [];

  beforeAll(async () => {
    s = await startSandboxServer({});
    const kc = new k8s.KubeConfig();
    kc.loadFromString(s.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedPod({ namespace: 'default', body: pod('p1') });
    informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    informer.on('error', (err) => {
      if (!stopped) errors.push(err);
    });
    informer.on('connect', () => connects.push(Date.now()));
    await informer.start();
  });

  afterAll(async () => {
    stopped = true;
    await informer.stop();
    await s.shutdown();
  });

  const names = (): string[] => informer.list().map((p) => p.metadata?.name ?? '').sort();

  test('initial list fills the cache', async () => {
    await whenCache(informer, () => names().includes('p1'));
    expect(names()).toEqual(['p1']);
    expect(s.openWatchCount()).toBe(1);
  });

  test('recovers after dropWatches() and sees later changes', async () => {
    const before = connects.length;
    s.dropWatches();
    expect(s.openWatchCount()).toBe(0);
    await core.createNamespacedPod({ namespace: 'default', body: pod('p2') });
    await whenCache(informer, () => names().includes('p2'));
    expect(connects.length).toBeGreaterThan(before);
    expect(names()).toEqual(['p1', 'p2']);
  });

  test('recovers from 410 Expired (compact during an outage) with a correct cache', async () => {
    // Outage: the stream is closed, then objects change and history is compacted before the client reconnects.
    const listsBefore = s.requests().filter((r) => r.verb === 'list' && r.resource === 'pods').length;
    s.dropWatches();
    const podType = s.registry.find('', 'v1', 'pods');
    if (!podType) throw new Error('pods type missing');
    await s.objects.create(podType, 'default', pod('p3'));
    await s.objects.remove(podType, 'default', 'p1', { gracePeriodSeconds: 0 });
    s.compact();
    await whenCache(informer, () => names().join(',') === 'p2,p3');
    expect(names()).toEqual(['p2', 'p3']);
    // The informer got ERROR 410 Expired on its watch and relisted.
    expect(s.requests().filter((r) => r.verb === 'list' && r.resource === 'pods').length).toBeGreaterThan(listsBefore);
    // The cache follows new changes after the relist.
    await core.deleteNamespacedPod({ name: 'p2', namespace: 'default', gracePeriodSeconds: 0 });
    await whenCache(informer, () => names().join(',') === 'p3');
    expect(errors).toEqual([]);
  });
});
