import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { startWebhookServer } from '../../../webhook/src/server.ts';
import type { WebhookServer } from '../../../webhook/src/server.ts';
import { createWebhookLogger } from '../../../webhook/src/log.ts';
import { createWebhookMetrics } from '../../../webhook/src/metrics.ts';
import type { WebhookMetrics } from '../../../webhook/src/metrics.ts';
import type { CertificateBundle } from '../../../webhook/src/certs.ts';
import { httpsRequest, localBundle } from './https-client.ts';

let server: WebhookServer;
let metrics: WebhookMetrics;
let bundle: CertificateBundle;
const post = (body: string | Buffer, headers: Record<string, string> = {}) => httpsRequest({ port: server.port, ca: bundle.caBundlePem, method: 'POST', path: '/convertcrd?timeout=30s', body, headers: { 'content-type': 'application/json', ...headers } });
const review = (request: unknown) => JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request });
const alpha = { apiVersion: 'cm.massix.github.io/v1alpha1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'a', namespace: 'ns' }, spec: { enabled: true, minReplicas: 0, maxReplicas: 5, deploymentName: 'web', podMode: false, timeout: '30s' } };

beforeAll(async () => {
  bundle = await localBundle();
  metrics = createWebhookMetrics({ defaultMetrics: false });
  server = await startWebhookServer({ port: 0, host: '127.0.0.1', tls: { cert: bundle.certPem, key: bundle.keyPem }, logger: createWebhookLogger({ silent: true }), metrics, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server.close();
});

describe('webhook HTTPS server', () => {
  test('POST /convertcrd converts and echoes the uid', async () => {
    const r = await post(review({ uid: 'abc', desiredAPIVersion: 'cm.massix.github.io/v1', objects: [alpha] }));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.text);
    expect(body.response.uid).toBe('abc');
    expect(body.response.result.status).toBe('Success');
    expect(body.response.convertedObjects[0].spec).toEqual({ enabled: true, minReplicas: 0, maxReplicas: 5, scalingMode: 'randomScale', deployment: { name: 'web' }, timeout: '30s' });
  });

  test.each([
    ['malformed JSON', '{"apiVersion":', 400, /malformed JSON body/],
    ['empty body', '', 400, /malformed JSON body/],
    ['JSON that is not an object', '"hello"', 400, /ConversionReview JSON object/],
    ['missing request', JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' }), 400, /request: required object is missing/],
    ['unknown desired version', review({ uid: 'u', desiredAPIVersion: 'cm.massix.github.io/v2', objects: [] }), 200, /desiredAPIVersion: unsupported value/],
  ])('%s gets its HTTP status and a ConversionReview Failure', async (_name, body, status, message) => {
    const r = await post(body);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json');
    const parsed = JSON.parse(r.text);
    expect(parsed).toMatchObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { result: { status: 'Failure' } } });
    expect(parsed.response.result.message).toMatch(message);
  });

  test('a body over the limit gets 413 whether announced by content-length or streamed chunked', async () => {
    const big = Buffer.alloc(200 * 1024, 0x61);
    const announced = await post(big);
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.text).response.result.message).toMatch(/exceeds the limit of 65536 bytes/);
    const chunked = await post(big, { 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).response.result.status).toBe('Failure');
  });

  test('wrong method -> 405 JSON with Allow; wrong path -> 404 JSON Status', async () => {
    const get = await httpsRequest({ port: server.port, ca: bundle.caBundlePem, path: '/convertcrd' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(JSON.parse(get.text).response.result.status).toBe('Failure');
    const del = await httpsRequest({ port: server.port, ca: bundle.caBundlePem, method: 'DELETE', path: '/healthz' });
    expect(del.status).toBe(405);
    expect(JSON.parse(del.text)).toMatchObject({ kind: 'Status', code: 405, reason: 'MethodNotAllowed' });
    const missing = await httpsRequest({ port: server.port, ca: bundle.caBundlePem, method: 'POST', path: '/convert', body: '{}' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
  });

  test('/healthz answers ok; /metrics counts conversions by direction and result', async () => {
    const health = await httpsRequest({ port: server.port, ca: bundle.caBundlePem, path: '/healthz' });
    expect([health.status, JSON.parse(health.text)]).toEqual([200, { status: 'ok' }]);
    await post(review({ uid: 'm', desiredAPIVersion: 'cm.massix.github.io/v1', objects: [alpha, alpha] }));
    const m = await httpsRequest({ port: server.port, ca: bundle.caBundlePem, path: '/metrics' });
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toContain('text/plain');
    const v = /chaosmonkey_webhook_conversions_total\{direction="v1alpha1->v1",result="success"\} (\d+)/.exec(m.text);
    expect(Number(v?.[1])).toBeGreaterThanOrEqual(3);
    expect(m.text).toMatch(/chaosmonkey_webhook_conversions_total\{direction="invalid",result="failure"\} \d+/);
    expect(m.text).toMatch(/chaosmonkey_webhook_review_duration_seconds_count\{result="success"\} \d+/);
  });

  test('setCertificate swaps the certificate for new handshakes and rejects a mismatched pair', async () => {
    const other = await localBundle();
    expect(() => server.setCertificate({ cert: other.certPem, key: bundle.keyPem })).toThrow();
    const before = await httpsRequest({ port: server.port, ca: bundle.caBundlePem, path: '/healthz' });
    expect(before.fingerprint).toBe(new X509Certificate(bundle.certPem).fingerprint256);
    server.setCertificate({ cert: other.certPem, key: other.keyPem });
    const after = await httpsRequest({ port: server.port, ca: other.caBundlePem, path: '/healthz' });
    expect(after.status).toBe(200);
    expect(after.fingerprint).toBe(new X509Certificate(other.certPem).fingerprint256);
    server.setCertificate({ cert: bundle.certPem, key: bundle.keyPem });
  });

  test('plain HTTP is refused (HTTPS only)', async () => {
    const http = await import('node:http');
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/healthz' }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${e.message}`));
      req.end();
    });
    expect(outcome).not.toBe('status 200');
  });
});
