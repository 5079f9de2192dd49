/**
 * Start-up (CRD files, TLS kubeconfig), the Deployment controller (template change, deletion, status),
 * setPodPhase, and namespace deletion with finalizers.
 */
import { describe, expect, test, afterAll, beforeAll } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../../sandbox/index.ts';
import type { SandboxServer } from '../../../../sandbox/server/sandbox.ts';
import { call, start } from './helpers.ts';
import { readUntil } from '../../../support/wait-for.ts';

describe('start-up', () => {
  test('crdFiles are served; TLS kubeconfig carries the CA; writeKubeconfig writes it', async () => {
    const sb = await startSandbox({ crdFiles: ['crds/chaosmonkeyconfigurations.yaml'] });
    try {
      expect(sb.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(sb.caPem).toContain('BEGIN CERTIFICATE');
      expect(sb.kubeconfig).toContain(`certificate-authority-data: ${Buffer.from(sb.caPem).toString('base64')}`);
      const file = join(mkdtempSync(join(tmpdir(), 'sb-')), 'kubeconfig');
      await sb.writeKubeconfig(file);
      expect(readFileSync(file, 'utf8')).toBe(sb.kubeconfig);
      const { request } = await import('node:https');
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(`${sb.url}/apis/cm.massix.github.io`, { ca: sb.caPem }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c.toString()));
          res.on('end', () => resolve(t));
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toMatchObject({ kind: 'APIGroup', name: 'cm.massix.github.io', preferredVersion: { version: 'v1' } });
    } finally {
      await sb.stop();
    }
  });
});

describe('controllers', () => {
  let s: SandboxServer;
  const DEPS = '/apis/apps/v1/namespaces/default/deployments';
  const podsOf = async (app: string): Promise<{ metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string }; status: { phase: string } }[]> => (await call(s, 'GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`)).body.items;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(async () => {
    await s.shutdown();
  });

  test('a template change replaces the pods; deleting the Deployment deletes its pods', async () => {
    await call(s, 'POST', DEPS, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'roll' }, spec: { replicas: 2, selector: { matchLabels: { app: 'roll' } }, template: { metadata: { labels: { app: 'roll' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } });
    const first = await readUntil('2 pods of roll', () => podsOf('roll'), (p) => p.length === 2);
    const oldHash = first[0]?.metadata.labels['pod-template-hash'];
    await call(s, 'PATCH', `${DEPS}/roll`, { spec: { template: { spec: { containers: [{ name: 'c', image: 'x:2' }] } } } }, 'application/strategic-merge-patch+json');
    const second = await readUntil('2 pods of the new template', () => podsOf('roll'), (p) => p.length === 2 && p.every((x) => x.metadata.labels['pod-template-hash'] !== oldHash));
    expect(second.map((p) => p.metadata.name).some((n) => first.some((f) => f.metadata.name === n))).toBe(false);
    const dep = await readUntil('roll at observedGeneration 2 with 2 updated', () => call(s, 'GET', `${DEPS}/roll`), (r) => r.body.status?.observedGeneration === 2 && r.body.status?.updatedReplicas === 2);
    expect(dep.body.status.conditions[0]).toMatchObject({ type: 'Available', status: 'True' });
    await call(s, 'DELETE', `${DEPS}/roll`);
    await readUntil('no pods of roll', () => podsOf('roll'), (p) => p.length === 0);
  });

  test('setPodPhase changes the phase and readiness; the Deployment status follows', async () => {
    await call(s, 'POST', DEPS, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ph' }, spec: { replicas: 1, selector: { matchLabels: { app: 'ph' } }, template: { metadata: { labels: { app: 'ph' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } });
    const [p] = await readUntil('1 running pod of ph', () => podsOf('ph'), (l) => l.length === 1 && l[0]?.status.phase === 'Running');
    await readUntil('ph ready 1/1', () => call(s, 'GET', `${DEPS}/ph`), (r) => r.body.status?.readyReplicas === 1);
    await s.setPodPhaseAsync('default', p?.metadata.name ?? '', 'Failed');
    const got = await call(s, 'GET', `/api/v1/namespaces/default/pods/${p?.metadata.name}`);
    expect(got.body.status.phase).toBe('Failed');
    expect(got.body.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('False');
    const dep = await readUntil('ph not ready', () => call(s, 'GET', `${DEPS}/ph`), (r) => r.body.status?.readyReplicas === undefined && r.body.status?.replicas === 1);
    expect(dep.body.status.unavailableReplicas).toBe(1);
  });

  test('namespace deletion waits for finalizers of its objects', async () => {
    await call(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'slow' } });
    await call(s, 'POST', '/api/v1/namespaces/slow/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await call(s, 'POST', '/api/v1/namespaces/slow/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'free' } });
    await call(s, 'DELETE', '/api/v1/namespaces/slow');
    const held = await readUntil('configmap held terminating', () => call(s, 'GET', '/api/v1/namespaces/slow/configmaps/held'), (r) => !!r.body.metadata?.deletionTimestamp);
    expect(held.status).toBe(200);
    expect((await call(s, 'GET', '/api/v1/namespaces/slow/configmaps/free')).status).toBe(404);
    expect((await call(s, 'GET', '/api/v1/namespaces/slow')).body.status.phase).toBe('Terminating');
    await call(s, 'PATCH', '/api/v1/namespaces/slow/configmaps/held', { metadata: { finalizers: [] } }, 'application/merge-patch+json');
    await readUntil('namespace slow gone', () => call(s, 'GET', '/api/v1/namespaces/slow'), (r) => r.status === 404);
  });
});
