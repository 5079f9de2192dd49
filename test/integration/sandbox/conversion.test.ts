/**
 * CRD conversion through a real HTTPS ConversionReview webhook (a tiny server in the test): writes at a
 * non-storage version are stored in the storage version, reads/lists/watches at that version are converted back,
 * and a failing webhook gives a 500 InternalError Status with kube's message.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateServingCert } from '../../../sandbox/server/tls.ts';
import type { SandboxServer } from '../../../sandbox/server/sandbox.ts';
import { WatchReader, call, start } from '../../unit/sandbox/server/helpers.ts';

type Obj = { apiVersion: string; spec?: Record<string, unknown>; [k: string]: unknown };

/** v1alpha1 spec.sizeText (string) <-> v1 spec.size (integer). */
function convert(o: Obj, to: string): Obj {
  const spec = { ...(o.spec ?? {}) };
  if (to.endsWith('/v1')) {
    if (typeof spec.sizeText === 'string') spec.size = Number(spec.sizeText);
    delete spec.sizeText;
  } else {
    if (typeof spec.size === 'number') spec.sizeText = String(spec.size);
    delete spec.size;
  }
  return { ...o, apiVersion: to, spec };
}

describe('CRD conversion webhook', () => {
  let s: SandboxServer;
  let webhook: https.Server;
  let reviews = 0;
  const T1 = '/apis/conv.example.com/v1/namespaces/default/shapes';
  const TA = '/apis/conv.example.com/v1alpha1/namespaces/default/shapes';

  beforeAll(async () => {
    const cert = await generateServingCert(['conv.system.svc']);
    webhook = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        reviews++;
        const review = JSON.parse(body) as { request: { uid: string; desiredAPIVersion: string; objects: Obj[] } };
        const converted = review.request.objects.map((o) => convert(o, review.request.desiredAPIVersion));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects: converted } }));
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    const port = (webhook.address() as AddressInfo).port;
    s = await start({ serviceMap: { 'conv.system.svc:443': `https://127.0.0.1:${port}` } });
    const schema = (props: Record<string, unknown>): unknown => ({ openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: props } } } });
    const crd = await call(s, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'shapes.conv.example.com' },
      spec: {
        group: 'conv.example.com', scope: 'Namespaced', names: { plural: 'shapes', kind: 'Shape' },
        conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { caBundle: Buffer.from(cert.caPem).toString('base64'), service: { name: 'conv', namespace: 'system', path: '/convert', port: 443 } } } },
        versions: [
          { name: 'v1', served: true, storage: true, schema: schema({ size: { type: 'integer' } }) },
          { name: 'v1alpha1', served: true, storage: false, schema: schema({ sizeText: { type: 'string' } }) },
        ],
      },
    });
    expect(crd.status).toBe(201);
  });

  afterAll(async () => {
    await s.shutdown();
    webhook.closeAllConnections();
    await new Promise((r) => webhook.close(r));
  });

  test('a write at v1alpha1 is stored as v1', async () => {
    const created = await call(s, 'POST', TA, { apiVersion: 'conv.example.com/v1alpha1', kind: 'Shape', metadata: { name: 'sq' }, spec: { sizeText: '4' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ apiVersion: 'conv.example.com/v1alpha1', spec: { sizeText: '4' } });
    const stored = JSON.parse(s.store.get('conv.example.com/shapes', 'default', 'sq')?.body ?? '{}') as Obj;
    expect(stored.spec).toEqual({ size: 4 });
    const v1 = await call(s, 'GET', `${T1}/sq`);
    expect(v1.body).toMatchObject({ apiVersion: 'conv.example.com/v1', spec: { size: 4 } });
  });

  test('reads, lists and watches at v1alpha1 are converted by the webhook', async () => {
    const before = reviews;
    await call(s, 'POST', T1, { apiVersion: 'conv.example.com/v1', kind: 'Shape', metadata: { name: 'tri' }, spec: { size: 3 } });
    const one = await call(s, 'GET', `${TA}/tri`);
    expect(one.body).toMatchObject({ apiVersion: 'conv.example.com/v1alpha1', spec: { sizeText: '3' } });
    const list = await call(s, 'GET', TA);
    expect(list.body.items.map((i: Obj) => [i.apiVersion, (i.spec as { sizeText: string }).sizeText])).toEqual([
      ['conv.example.com/v1alpha1', '4'],
      ['conv.example.com/v1alpha1', '3'],
    ]);
    const w = await WatchReader.open(s, `${TA}?watch=true`);
    await w.until((e) => e.length >= 2);
    expect(w.events.map((e) => e.object.spec.sizeText)).toEqual(['4', '3']);
    await call(s, 'PATCH', `${T1}/tri`, { spec: { size: 5 } }, 'application/merge-patch+json');
    await w.until((e) => e.length >= 3);
    expect(w.events[2]).toMatchObject({ type: 'MODIFIED', object: { apiVersion: 'conv.example.com/v1alpha1', spec: { sizeText: '5' } } });
    w.close();
    expect(reviews).toBeGreaterThan(before);
  });

  test('a failing webhook gives 500 InternalError with kube-apiserver\'s message', async () => {
    webhook.closeAllConnections();
    await new Promise((r) => webhook.close(r));
    const r = await call(s, 'GET', `${TA}/sq`);
    expect(r.status).toBe(500);
    expect(r.body.reason).toBe('InternalError');
    expect(r.body.message).toMatch(/^conversion webhook for conv\.example\.com\/v1, Kind=Shape failed: Post "https:\/\/conv\.system\.svc:443\/convert\?timeout=30s": /);
    // reads at the storage version still work
    expect((await call(s, 'GET', `${T1}/sq`)).status).toBe(200);
  });
});
