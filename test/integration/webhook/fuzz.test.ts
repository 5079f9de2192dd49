/**
 * Fuzz: 1,000 malformed or hostile ConversionReviews over HTTPS (keep-alive). The server must answer
 * every one with a well-formed JSON failure (the proper HTTP status, a ConversionReview whose result is
 * Failure, the uid echoed when the request had a usable one) and still serve correct conversions after.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import https from 'node:https';
import fc from 'fast-check';
import { startWebhookServer } from '../../../webhook/src/server.ts';
import type { WebhookServer } from '../../../webhook/src/server.ts';
import { createWebhookLogger } from '../../../webhook/src/log.ts';
import { createWebhookMetrics } from '../../../webhook/src/metrics.ts';
import type { CertificateBundle } from '../../../webhook/src/certs.ts';
import { localBundle } from '../../unit/webhook/https-client.ts';

let server: WebhookServer;
let bundle: CertificateBundle;
let agent: https.Agent;

beforeAll(async () => {
  bundle = await localBundle();
  server = await startWebhookServer({ port: 0, host: '127.0.0.1', tls: { cert: bundle.certPem, key: bundle.keyPem }, logger: createWebhookLogger({ silent: true }), metrics: createWebhookMetrics({ defaultMetrics: false }), maxBodyBytes: 256 * 1024 });
  agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: bundle.caBundlePem, servername: 'localhost' });
});
afterAll(async () => {
  agent?.destroy();
  await server?.close();
});

function post(body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; type: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/convertcrd', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ENVELOPE = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' };
const validObject = { apiVersion: 'cm.massix.github.io/v1alpha1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'x', namespace: 'y' }, spec: { enabled: true, minReplicas: 0, maxReplicas: 5, deploymentName: 'w', podMode: true, timeout: '30s' } };
const json = fc.jsonValue({ maxDepth: 4 });
const uid = fc.string({ minLength: 1, maxLength: 40 });

/** Each case: the bytes to send and the uid the answer must echo ('' when the request had none usable). */
type Case = { body: Buffer; uid: string; headers?: Record<string, string> };
const text = (s: string, u = ''): Case => ({ body: Buffer.from(s, 'utf8'), uid: u });

const hostile: fc.Arbitrary<Case> = fc.oneof(
  // not JSON at all, truncated JSON, binary garbage, invalid UTF-8
  fc.string({ maxLength: 200 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }).map((s) => text(s)),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b)]), uid: '' })),
  fc.tuple(fc.constant(JSON.stringify({ ...ENVELOPE, request: { uid: 'cut', desiredAPIVersion: 'cm.massix.github.io/v1', objects: [validObject] } })), fc.nat()).map(([s, n]) => text(s.slice(0, n % (s.length - 1)))),
  // JSON that is not a review object
  json.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => text(JSON.stringify(v))),
  // missing or broken request / uid
  fc.record({ request: fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.array(json, { maxLength: 3 })) }).map((r) => text(JSON.stringify({ ...ENVELOPE, ...r }))),
  fc.oneof(fc.constant(undefined), fc.constant(''), fc.integer(), fc.constant(null), fc.array(fc.string())).map((u) => text(JSON.stringify({ ...ENVELOPE, request: { uid: u, desiredAPIVersion: 'cm.massix.github.io/v1', objects: [] } }))),
  // wrong review envelope
  fc.tuple(uid, fc.constantFrom('apiextensions.k8s.io/v1beta1', 'v1', '', 'admission.k8s.io/v1')).map(([u, v]) => text(JSON.stringify({ apiVersion: v, kind: 'ConversionReview', request: { uid: u, desiredAPIVersion: 'cm.massix.github.io/v1', objects: [] } }), u)),
  // bad desiredAPIVersion
  fc.tuple(uid, fc.oneof(json, fc.constantFrom('cm.massix.github.io/v2', 'cm.massix.github.io/', 'apps/v1', 'cm.massix.github.io/V1'))).map(([u, d]) => text(JSON.stringify({ ...ENVELOPE, request: { uid: u, desiredAPIVersion: d, objects: [validObject] } }), u)),
  // objects not an array
  fc.tuple(uid, fc.oneof(fc.constant(null), fc.string(), fc.dictionary(fc.string(), json))).map(([u, o]) => text(JSON.stringify({ ...ENVELOPE, request: { uid: u, desiredAPIVersion: 'cm.massix.github.io/v1', objects: o } }), u)),
  // one broken object among valid ones (random values, wrong kind/group, missing or mistyped spec fields, prototype keys)
  fc.tuple(uid, fc.oneof(
    json,
    fc.constant(JSON.parse('{"__proto__":{"polluted":true},"apiVersion":"cm.massix.github.io/v1alpha1","kind":"ChaosMonkeyConfiguration","metadata":{"name":"p"}}')),
    fc.record({ apiVersion: fc.constant('cm.massix.github.io/v1alpha1'), kind: fc.constant('ChaosMonkeyConfiguration'), metadata: fc.constant({ name: 'z' }), spec: fc.dictionary(fc.constantFrom('enabled', 'minReplicas', 'maxReplicas', 'deploymentName', 'podMode', 'timeout', 'deployment', 'scalingMode'), json, { maxKeys: 5 }) }),
    fc.constantFrom('Pod', 'chaosmonkeyconfiguration', '').map((k) => ({ ...validObject, kind: k })),
    fc.constantFrom('example.com/v1alpha1', 'v1', 'cm.massix.github.io/v3', '/').map((a) => ({ ...validObject, apiVersion: a })),
  ), fc.nat(3)).map(([u, bad, at]) => {
    const objects: unknown[] = [validObject, validObject, validObject];
    objects.splice(at, 0, bad);
    return text(JSON.stringify({ ...ENVELOPE, request: { uid: u, desiredAPIVersion: 'cm.massix.github.io/v1', objects } }), u);
  }),
  // nesting deep enough to break a recursive encoder, where the server quotes the value in its message
  fc.integer({ min: 20_000, max: 60_000 }).map((depth) => text(`{"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview","request":{"uid":"deep","desiredAPIVersion":${'['.repeat(depth)}${']'.repeat(depth)},"objects":[]}}`, 'deep')),
  fc.integer({ min: 20_000, max: 60_000 }).map((depth) => text(`{"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview","request":{"uid":"deep2","desiredAPIVersion":"cm.massix.github.io/v1","objects":[{"apiVersion":${'['.repeat(depth)}${']'.repeat(depth)}}]}}`, 'deep2')),
  // over the size limit
  fc.constant({ body: Buffer.alloc(300 * 1024, 0x20), uid: '' }),
  fc.constant({ body: Buffer.alloc(300 * 1024, 0x20), uid: '', headers: { 'transfer-encoding': 'chunked' } }),
);

describe('fuzz: hostile ConversionReviews', () => {
  test('1,000 cases: every answer is a well-formed JSON failure and the server stays up', async () => {
    const cases = fc.sample(hostile, { numRuns: 1000, seed: 20261125 });
    expect(cases).toHaveLength(1000);
    const problems: string[] = [];
    // 8 in flight at a time over keep-alive connections.
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(async (c, j) => {
        const r = await post(c.body, c.headers);
        const where = `case ${i + j} (${c.body.subarray(0, 80).toString('utf8')})`;
        if (![200, 400, 413, 500].includes(r.status)) problems.push(`${where}: HTTP ${r.status}`);
        if (r.type !== 'application/json') problems.push(`${where}: content-type ${r.type}`);
        let parsed: { apiVersion?: string; kind?: string; response?: { uid?: unknown; result?: { status?: string; message?: unknown } } };
        try {
          parsed = JSON.parse(r.text);
        } catch {
          problems.push(`${where}: body is not JSON: ${r.text.slice(0, 80)}`);
          return;
        }
        if (parsed.apiVersion !== 'apiextensions.k8s.io/v1' || parsed.kind !== 'ConversionReview') problems.push(`${where}: not a ConversionReview`);
        if (parsed.response?.result?.status !== 'Failure' || typeof parsed.response.result.message !== 'string' || parsed.response.result.message === '') problems.push(`${where}: not a Failure with a message: HTTP ${r.status} ${r.text.slice(0, 200)}`);
        if (parsed.response?.uid !== c.uid) problems.push(`${where}: uid ${JSON.stringify(parsed.response?.uid)} instead of ${JSON.stringify(c.uid)}`);
      }));
    }
    expect(problems).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Still up, and still converting correctly.
    const ok = await post(Buffer.from(JSON.stringify({ ...ENVELOPE, request: { uid: 'after', desiredAPIVersion: 'cm.massix.github.io/v1', objects: [validObject] } })));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).response).toMatchObject({ uid: 'after', result: { status: 'Success' } });
  });
});
