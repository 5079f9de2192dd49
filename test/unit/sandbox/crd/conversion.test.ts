import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { ConversionError, convertObjects, gvkString } from '../../../../sandbox/crd/conversion.ts';
import type { ConversionCrd } from '../../../../sandbox/crd/conversion.ts';
import { freePort } from '../../../support/free-port.ts';

type Review = { request: { uid: string; desiredAPIVersion: string; objects: Record<string, unknown>[] } };
type Handler = (review: Review, path: string) => { status?: number; body: unknown };

const SVC_HOST = 'chaos-monkey.chaosmonkey.svc';
let server: Server;
let base: string;
let caBundle: string;
let otherCaBundle: string;
let handler: Handler;
const received: { path: string; review: Review }[] = [];

/** A webhook that converts by rewriting apiVersion and renaming spec.old -> spec.new; tests swap in faults. */
const goodHandler: Handler = (review) => ({
  body: {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    response: {
      uid: review.request.uid,
      result: { status: 'Success' },
      convertedObjects: review.request.objects.map((o) => {
        const { old, ...spec } = (o.spec ?? {}) as Record<string, unknown>;
        const metadata = { ...(o.metadata as Record<string, unknown>), labels: { converted: 'yes' }, resourceVersion: 'tampered' };
        return { ...o, apiVersion: review.request.desiredAPIVersion, metadata, spec: { ...spec, new: old } };
      }),
    },
  },
});

beforeAll(async () => {
  const ext = [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: SVC_HOST }, { type: 7 as const, ip: '127.0.0.1' }] }];
  const pems = await selfsigned.generate([{ name: 'commonName', value: SVC_HOST }], { keyType: 'ec', extensions: ext });
  const other = await selfsigned.generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec', extensions: ext });
  caBundle = Buffer.from(pems.cert).toString('base64');
  otherCaBundle = Buffer.from(other.cert).toString('base64');
  server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      received.push({ path: req.url ?? '', review });
      const out = handler(review, req.url ?? '');
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json' });
      res.end(typeof out.body === 'string' ? out.body : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const crd = (clientConfig: NonNullable<NonNullable<ConversionCrd['spec']['conversion']>['webhook']>['clientConfig'], strategy = 'Webhook'): ConversionCrd => ({
  spec: { group: 'cm.massix.github.io', names: { kind: 'ChaosMonkeyConfiguration' }, conversion: { strategy, webhook: { conversionReviewVersions: ['v1'], clientConfig } } },
});
const serviceCrd = (ca = caBundle) => crd({ caBundle: ca, service: { name: 'chaos-monkey', namespace: 'chaosmonkey', path: '/convertcrd', port: 443 } });
const SERVICE_MAP = (): Record<string, string> => ({ [`${SVC_HOST}:443`]: base });
const obj = (name: string, apiVersion = 'cm.massix.github.io/v1alpha1') => ({
  apiVersion,
  kind: 'ChaosMonkeyConfiguration',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '7', labels: { a: 'b' } },
  spec: { old: name },
});
const failure = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConversionError);
    return (e as Error).message;
  }
  throw new Error('no error');
};
const PREFIX = 'conversion webhook for cm.massix.github.io/v1alpha1, Kind=ChaosMonkeyConfiguration';

describe('convertObjects', () => {
  test('strategy None rewrites apiVersion only and never calls out', async () => {
    received.length = 0;
    const input = [obj('a')];
    const out = await convertObjects(crd(undefined, 'None'), input, 'cm.massix.github.io/v1', {});
    expect(out).toEqual([{ ...obj('a'), apiVersion: 'cm.massix.github.io/v1' }]);
    expect(input[0]?.apiVersion).toBe('cm.massix.github.io/v1alpha1');
    expect(received).toHaveLength(0);
  });

  test('webhook via service reference: one review with a fresh uid, only objects needing conversion, metadata restored', async () => {
    handler = goodHandler;
    received.length = 0;
    const out = await convertObjects(serviceCrd(), [obj('a'), obj('b', 'cm.massix.github.io/v1'), obj('c')], 'cm.massix.github.io/v1', SERVICE_MAP());
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/convertcrd?timeout=30s');
    expect(received[0]?.review.request.desiredAPIVersion).toBe('cm.massix.github.io/v1');
    expect(received[0]?.review.request.objects.map((o) => (o.metadata as { name: string }).name)).toEqual(['a', 'c']);
    expect(out).toEqual([
      { ...obj('a', 'cm.massix.github.io/v1'), metadata: { ...obj('a').metadata, labels: { converted: 'yes' } }, spec: { new: 'a' } },
      obj('b', 'cm.massix.github.io/v1'),
      { ...obj('c', 'cm.massix.github.io/v1'), metadata: { ...obj('c').metadata, labels: { converted: 'yes' } }, spec: { new: 'c' } },
    ]);
    await convertObjects(serviceCrd(), [obj('a')], 'cm.massix.github.io/v1', SERVICE_MAP());
    expect(received[1]?.review.request.uid).not.toBe(received[0]?.review.request.uid);
  });

  test('webhook via url', async () => {
    handler = goodHandler;
    received.length = 0;
    const out = await convertObjects(crd({ url: `${base}/convert`, caBundle }), [obj('a')], 'cm.massix.github.io/v1', {});
    expect((out[0] as { apiVersion: string }).apiVersion).toBe('cm.massix.github.io/v1');
    expect(received[0]?.path).toBe('/convert?timeout=30s');
  });

  test('a server certificate not signed by caBundle is rejected', async () => {
    handler = goodHandler;
    expect(await failure(convertObjects(serviceCrd(otherCaBundle), [obj('a')], 'cm.massix.github.io/v1', SERVICE_MAP()))).toBe(
      `${PREFIX} failed: Post "https://${SVC_HOST}:443/convertcrd?timeout=30s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
  });

  test('connection refused and unknown service', async () => {
    const port = await freePort();
    expect(await failure(convertObjects(serviceCrd(), [obj('a')], 'cm.massix.github.io/v1', { [`${SVC_HOST}:443`]: `https://127.0.0.1:${port}` }))).toBe(
      `${PREFIX} failed: Post "https://${SVC_HOST}:443/convertcrd?timeout=30s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    expect(await failure(convertObjects(serviceCrd(), [obj('a')], 'cm.massix.github.io/v1', {}))).toBe(
      `${PREFIX} failed: Post "https://${SVC_HOST}:443/convertcrd?timeout=30s": dial tcp: lookup ${SVC_HOST} on 127.0.0.1:53: no such host`,
    );
  });

  test('a webhook that never answers times out', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: SVC_HOST }], {
      keyType: 'ec',
      extensions: [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: SVC_HOST }] }],
    });
    const silent = createServer({ key: pems.private, cert: pems.cert }, () => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const map = { [`${SVC_HOST}:443`]: `https://127.0.0.1:${(silent.address() as AddressInfo).port}` };
      const ca = Buffer.from(pems.cert).toString('base64');
      expect(await failure(convertObjects(serviceCrd(ca), [obj('a')], 'cm.massix.github.io/v1', map, { timeoutMs: 200 }))).toBe(
        `${PREFIX} failed: Post "https://${SVC_HOST}:443/convertcrd?timeout=30s": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      );
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test.each<[string, Handler, string]>([
    ['wrong uid', (r) => ({ body: { ...(goodHandler(r, '').body as object), response: { uid: 'nope', result: { status: 'Success' }, convertedObjects: [] } } }), `${PREFIX} failed: expected response.uid="fixed", got "nope"`],
    ['failure with message', () => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: 'fixed', result: { status: 'Failure', message: 'cannot convert' } } } }), `${PREFIX} failed: cannot convert`],
    ['failure without message', () => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: 'fixed', result: { status: 'Failure' } } } }), `${PREFIX} failed: response.result.status was 'Failure', not 'Success'`],
    ['no response', () => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' } }), `${PREFIX} failed: no response provided`],
    ['wrong kind of review', () => ({ body: { apiVersion: 'v1', kind: 'Status' } }), `${PREFIX} failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got /v1, Kind=Status`],
    ['wrong count', (r) => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: r.request.uid, result: { status: 'Success' }, convertedObjects: [] } } }), `${PREFIX} returned 0 objects, expected 1`],
    [
      'wrong apiVersion',
      (r) => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: r.request.uid, result: { status: 'Success' }, convertedObjects: r.request.objects } } }),
      `${PREFIX} returned invalid converted object at index 0: invalid groupVersion (expected cm.massix.github.io/v1, received cm.massix.github.io/v1alpha1)`,
    ],
    [
      'changed name',
      (r) => ({
        body: {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'ConversionReview',
          response: { uid: r.request.uid, result: { status: 'Success' }, convertedObjects: r.request.objects.map((o) => ({ ...o, apiVersion: 'cm.massix.github.io/v1', metadata: { ...(o.metadata as object), name: 'zzz' } })) },
        },
      }),
      `${PREFIX} returned invalid converted object at index 0: must have the same name: a != zzz`,
    ],
    ['HTTP 500', () => ({ status: 500, body: 'boom' }), `${PREFIX} failed: an error on the server ("boom") has prevented the request from succeeding`],
    ['HTTP 404', () => ({ status: 404, body: '' }), `${PREFIX} failed: the server could not find the requested resource`],
    ['not JSON', () => ({ body: '{nope' }), `${PREFIX} failed: couldn't get version/kind; json parse error:`],
  ])('invalid answer: %s', async (_name, h, message) => {
    handler = h;
    const msg = await failure(convertObjects(serviceCrd(), [obj('a')], 'cm.massix.github.io/v1', SERVICE_MAP(), { uid: () => 'fixed' }));
    expect(msg.startsWith(message)).toBe(true);
  });

  test('gvkString matches Go', () => {
    expect(gvkString('cm.massix.github.io/v1alpha1', 'ChaosMonkeyConfiguration')).toBe('cm.massix.github.io/v1alpha1, Kind=ChaosMonkeyConfiguration');
    expect(gvkString('v1', 'Pod')).toBe('/v1, Kind=Pod');
  });
});
