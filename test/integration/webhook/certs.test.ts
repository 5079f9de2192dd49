/**
 * Self-managed certificates against the sandbox: several replicas starting at once agree on one
 * certificate (optimistic concurrency on the Secret), renewal keeps the CA, a CA change keeps the old CA
 * in the trust bundle, and the caBundle follows the Secret.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { KubeClient } from '../../../webhook/src/kube-client.ts';
import { createWebhookLogger } from '../../../webhook/src/log.ts';
import { bundleFromSecret, ensureCertificate, splitPemCertificates, startSelfManagedCertificates } from '../../../webhook/src/certs.ts';
import type { CertificateBundle } from '../../../webhook/src/certs.ts';

const DAY = 86_400_000;
let sandbox: Sandbox;
let client: KubeClient;
const logger = createWebhookLogger({ silent: true });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers walked by path in assertions
const get = (path: string): Promise<any> => client.request('GET', path);
const secretPath = (ns: string) => `/api/v1/namespaces/${ns}/secrets/chaos-monkey-tls`;
const caBundleOfCrd = async (): Promise<string> => Buffer.from((await get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/chaosmonkeyconfigurations.cm.massix.github.io')).spec.conversion.webhook.clientConfig.caBundle ?? '', 'base64').toString('utf8');

beforeAll(async () => {
  sandbox = await startSandbox({ crdFiles: [new URL('../../../crds/chaosmonkeyconfigurations.yaml', import.meta.url).pathname] });
  const config = load(sandbox.kubeconfig) as { users: { user: { token: string } }[] };
  client = new KubeClient({ server: sandbox.url, caPem: sandbox.caPem, token: config.users[0]!.user.token }, { userAgent: 'chaos-monkey-tests' });
  for (const name of ['race', 'renew', 'rotate']) await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
});
afterAll(async () => {
  client?.close();
  await sandbox?.stop();
});

describe('self-managed certificates', () => {
  test('four replicas starting together end with the same certificate, written once', async () => {
    const results = await Promise.all([0, 1, 2, 3].map(() => ensureCertificate({ client, namespace: 'race', logger })));
    const certs = new Set(results.map((r) => r.bundle.certPem));
    expect(certs.size).toBe(1);
    expect(results.filter((r) => r.action === 'created')).toHaveLength(1);
    expect(results.every((r) => ['created', 'adopted', 'reused'].includes(r.action))).toBe(true);
    const stored = bundleFromSecret(await get(secretPath('race')));
    expect(stored?.certPem).toBe(results[0]!.bundle.certPem);
    const secret = await get(secretPath('race'));
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(new X509Certificate(stored!.certPem).checkHost('chaos-monkey.race.svc.cluster.local')).toBe('chaos-monkey.race.svc.cluster.local');
    // A later start reuses it.
    expect((await ensureCertificate({ client, namespace: 'race', logger })).action).toBe('reused');
  });

  test('renewal inside the window re-issues the serving certificate, keeps the CA and reports the rotation', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const rotated: CertificateBundle[] = [];
    const managed = await startSelfManagedCertificates({ client, namespace: 'renew', logger, now: () => now, servingValidityMs: 10 * DAY, renewBeforeMs: 2 * DAY, onRotate: (b) => rotated.push(b) });
    try {
      const first = managed.current();
      expect(await caBundleOfCrd()).toBe(first.caBundlePem);
      now = new Date('2026-01-05T00:00:00Z');
      await managed.check();
      expect(rotated).toHaveLength(0); // still outside the renewal window
      now = new Date('2026-01-09T00:00:00Z');
      const second = await managed.check();
      expect(rotated).toHaveLength(1);
      expect(second.certPem).not.toBe(first.certPem);
      expect(second.caCertPem).toBe(first.caCertPem);
      expect(second.caBundlePem).toBe(first.caBundlePem);
      expect(second.notAfter.getTime()).toBe(new Date('2026-01-19T00:00:00Z').getTime());
      expect(bundleFromSecret(await get(secretPath('renew')))?.certPem).toBe(second.certPem);
    } finally {
      managed.stop();
    }
  });

  test('a CA near its end is replaced; the trust bundle keeps the old CA; the CRD caBundle follows', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const opts = { client, namespace: 'rotate', logger, now: () => now, servingValidityMs: 10 * DAY, caValidityMs: 30 * DAY, renewBeforeMs: 2 * DAY };
    const managed = await startSelfManagedCertificates({ ...opts, onRotate: () => undefined });
    try {
      const first = managed.current();
      now = new Date('2026-01-25T00:00:00Z'); // CA ends 01-31: too close to outlive a new serving cert
      const second = await managed.check();
      expect(second.caCertPem).not.toBe(first.caCertPem);
      const trusted = splitPemCertificates(second.caBundlePem).map((p) => new X509Certificate(p).fingerprint256);
      expect(trusted).toEqual([new X509Certificate(second.caCertPem).fingerprint256, new X509Certificate(first.caCertPem).fingerprint256]);
      expect(await caBundleOfCrd()).toBe(second.caBundlePem);
    } finally {
      managed.stop();
    }
  });

  test('a Secret with garbage is replaced', async () => {
    await client.request('PUT', secretPath('race'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'chaos-monkey-tls', namespace: 'race', resourceVersion: (await get(secretPath('race'))).metadata.resourceVersion }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from('nope').toString('base64'), 'tls.key': '', 'ca.crt': '', 'ca.key': '' } });
    const r = await ensureCertificate({ client, namespace: 'race', logger });
    expect(r.action).toBe('renewed');
    expect(bundleFromSecret(await get(secretPath('race')))?.certPem).toBe(r.bundle.certPem);
  });

  test('without the CRD the webhook still starts; the caBundle is injected once the CRD exists', async () => {
    const bare = await startSandbox({});
    const config = load(bare.kubeconfig) as { users: { user: { token: string } }[] };
    const bareClient = new KubeClient({ server: bare.url, caPem: bare.caPem, token: config.users[0]!.user.token }, { userAgent: 'chaos-monkey-tests' });
    try {
      await bareClient.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chaosmonkey' } });
      const managed = await startSelfManagedCertificates({ client: bareClient, namespace: 'chaosmonkey', logger, onRotate: () => undefined });
      try {
        const crd = load(readFileSync(new URL('../../../crds/chaosmonkeyconfigurations.yaml', import.meta.url), 'utf8'));
        await bareClient.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
        await managed.check();
        const stored = await bareClient.request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/chaosmonkeyconfigurations.cm.massix.github.io') as { spec: { conversion: { webhook: { clientConfig: { caBundle: string } } } } };
        expect(Buffer.from(stored.spec.conversion.webhook.clientConfig.caBundle, 'base64').toString('utf8')).toBe(managed.current().caBundlePem);
      } finally {
        managed.stop();
      }
    } finally {
      bareClient.close();
      await bare.stop();
    }
  });
});
