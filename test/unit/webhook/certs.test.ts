import { beforeAll, describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { bundleFromSecret, checkBundle, issueBundle, serviceDnsNames, splitPemCertificates } from '../../../webhook/src/certs.ts';
import type { CertificateBundle, CertificatePolicy } from '../../../webhook/src/certs.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const policy: CertificatePolicy = { dnsNames: serviceDnsNames('chaos-monkey', 'chaosmonkey'), ipAddresses: [], renewBeforeMs: 30 * DAY, servingValidityMs: 365 * DAY, caValidityMs: 3650 * DAY };
let bundle: CertificateBundle;

beforeAll(async () => {
  bundle = await issueBundle(undefined, policy, NOW);
});

describe('issued certificates', () => {
  test('serving certificate: EC P-256, both Service names, serverAuth, signed by the CA, 1 year', () => {
    const cert = new X509Certificate(bundle.certPem);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(cert.subjectAltName).toBe('DNS:chaos-monkey.chaosmonkey.svc, DNS:chaos-monkey.chaosmonkey.svc.cluster.local');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(cert.verify(new X509Certificate(bundle.caCertPem).publicKey)).toBe(true);
    expect(bundle.notAfter.toISOString()).toBe(new Date(NOW.getTime() + 365 * DAY).toISOString());
    expect(new X509Certificate(bundle.caCertPem).ca).toBe(true);
    expect(splitPemCertificates(bundle.caBundlePem)).toEqual([bundle.caCertPem]);
  });

  test('checkBundle accepts a fresh bundle and gives the reason for each defect', () => {
    expect(checkBundle(bundle, policy, NOW)).toBeUndefined();
    expect(checkBundle(bundle, policy, new Date(NOW.getTime() + 340 * DAY))).toMatch(/within the renewal window/);
    expect(checkBundle(bundle, { ...policy, dnsNames: ['chaos-monkey.other.svc'] }, NOW)).toMatch(/does not cover chaos-monkey.other.svc/);
    expect(checkBundle(bundle, { ...policy, ipAddresses: ['127.0.0.1'] }, NOW)).toMatch(/does not cover 127.0.0.1/);
    expect(checkBundle({ ...bundle, keyPem: bundle.caKeyPem }, policy, NOW)).toMatch(/serving key does not match/);
    expect(checkBundle({ ...bundle, certPem: 'garbage' }, policy, NOW)).toMatch(/unreadable/);
  });

  test('a certificate from another CA is refused', async () => {
    const other = await issueBundle(undefined, policy, NOW);
    expect(checkBundle({ ...bundle, certPem: other.certPem, keyPem: other.keyPem }, policy, NOW)).toMatch(/not signed by the CA/);
  });

  test('Secret round trip: data keys tls.crt, tls.key, ca.crt, ca.key; incomplete Secrets give undefined', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const data = { 'tls.crt': b64(bundle.certPem), 'tls.key': b64(bundle.keyPem), 'ca.crt': b64(bundle.caBundlePem), 'ca.key': b64(bundle.caKeyPem) };
    expect(bundleFromSecret({ data })).toEqual(bundle);
    expect(bundleFromSecret({ data: { ...data, 'ca.key': undefined as unknown as string } })).toBeUndefined();
    expect(bundleFromSecret({})).toBeUndefined();
  });
});
