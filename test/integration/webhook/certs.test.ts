/**
 * Self-managed certificates against the sandbox: several replicas starting at once agree on one
 * certificate (optimistic concurrency on the Secret), renewal keeps the CA, a CA change keeps the old CA
 * in the trust bundle, and the caBundle follows the Secret.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { connectWebhookKube } from '../../../webhook/src/kube.ts';
import type { WebhookKube } from '../../../webhook/src/kube.ts';
import { createWebhookLogger } from '../../../webhook/src/log.ts';
import { bundleFromSecret, ensureCertificate, splitPemCertificates, startSelfManagedCertificates } from '../../../webhook/src/certs.ts';
import type { CertificateBundle } from '../../../webhook/src/certs.ts';

const DAY = 86_400_000;
let sandbox: Sandbox;
const CRD_NAME = 'chaosmonkeyconfigurations.cm.massix.github.io';
let client: WebhookKube;
const logger = createWebhookLogger({ silent: true });
const secretIn = (namespace: string) => client.core.readNamespacedSecret({ namespace, name: 'chaos-monkey-tls' });
const caBundleOf = async (kube: WebhookKube): Promise<string> => Buffer.from((await kube.crds.readCustomResourceDefinition({ name: CRD_NAME })).spec.conversion?.webhook?.clientConfig?.caBundle ?? '', 'base64').toString('utf8');
/** A client of `sandbox` as the webhook's own (the tests name themselves in the audit log). */
const clientOf = (sandbox: Sandbox): WebhookKube => {
  const config = load(sandbox.kubeconfig) as { users: { user: { token: string } }[] };
  return connectWebhookKube({ server: sandbox.url, caPem: sandbox.caPem, token: config.users[0]!.user.token }, { userAgent: 'chaos-monkey-tests' });
};

beforeAll(async () => {
  sandbox = await startSandbox({ crdFiles: [new URL('../../../crds/chaosmonkeyconfigurations.yaml', import.meta.url).pathname] });
  client = clientOf(sandbox);
  for (const name of ['race', 'renew', 'rotate']) await client.core.createNamespace({ body: { metadata: { name } } });
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('self-managed certificates', () => {
  test('four replicas starting together end with the same certificate, written once', async () => {
    const results = await Promise.all([0, 1, 2, 3].map(() => ensureCertificate({ client, namespace: 'race', logger })));
    const certs = new Set(results.map((r) => r.bundle.certPem));
    expect(certs.size).toBe(1);
    expect(results.filter((r) => r.action === 'created')).toHaveLength(1);
    expect(results.every((r) => ['created', 'adopted', 'reused'].includes(r.action))).toBe(true);
    const stored = bundleFromSecret(await secretIn('race'));
    expect(stored?.certPem).toBe(results[0]!.bundle.certPem);
    const secret = await secretIn('race');
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
      expect(await caBundleOf(client)).toBe(first.caBundlePem);
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
      expect(bundleFromSecret(await secretIn('renew'))?.certPem).toBe(second.certPem);
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
      expect(await caBundleOf(client)).toBe(second.caBundlePem);
    } finally {
      managed.stop();
    }
  });

  test('a Secret with garbage is replaced', async () => {
    const resourceVersion = (await secretIn('race')).metadata?.resourceVersion;
    await client.core.replaceNamespacedSecret({ namespace: 'race', name: 'chaos-monkey-tls', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'chaos-monkey-tls', namespace: 'race', resourceVersion }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from('nope').toString('base64'), 'tls.key': '', 'ca.crt': '', 'ca.key': '' } } });
    const r = await ensureCertificate({ client, namespace: 'race', logger });
    expect(r.action).toBe('renewed');
    expect(bundleFromSecret(await secretIn('race'))?.certPem).toBe(r.bundle.certPem);
  });

  test('without the CRD the webhook still starts; the caBundle is injected once the CRD exists', async () => {
    const bare = await startSandbox({});
    const bareClient = clientOf(bare);
    try {
      await bareClient.core.createNamespace({ body: { metadata: { name: 'chaosmonkey' } } });
      const managed = await startSelfManagedCertificates({ client: bareClient, namespace: 'chaosmonkey', logger, onRotate: () => undefined });
      try {
        const crd = load(readFileSync(new URL('../../../crds/chaosmonkeyconfigurations.yaml', import.meta.url), 'utf8'));
        await bareClient.crds.createCustomResourceDefinition({ body: crd as V1CustomResourceDefinition });
        await managed.check();
        expect(await caBundleOf(bareClient)).toBe(managed.current().caBundlePem);
      } finally {
        managed.stop();
      }
    } finally {
      await bare.stop();
    }
  });
});
