/**
 * Fault injection (429/500/503 with Retry-After, latency), the `/sandbox/` HTTP helpers, request recording,
 * restart on the same port with the same state, and bad input that must never crash the server.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import type { SandboxServer } from '../../../../sandbox/server/sandbox.ts';
import { call, pod, start } from './helpers.ts';

let s: SandboxServer;
const PODS = '/api/v1/namespaces/default/pods';
beforeAll(async () => {
  s = await start();
});
afterAll(async () => {
  await s.shutdown();
});

describe('fault injection', () => {
  test('failRequests answers the chosen status N times for the chosen verb+resource, then recovers', async () => {
    s.failRequests({ verb: 'list', resource: 'pods', status: 429, count: 2, retryAfterSeconds: 3 });
    const a = await call(s, 'GET', PODS);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect(a.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 3 } });
    expect((await call(s, 'GET', `${PODS}/nothing`)).status).toBe(404); // other verbs unaffected
    expect((await call(s, 'GET', PODS)).status).toBe(429);
    expect((await call(s, 'GET', PODS)).status).toBe(200);
  });

  test('500 InternalError and 503 ServiceUnavailable Status bodies', async () => {
    s.failRequests({ resource: 'pods', status: 500, count: 1 });
    const e = await call(s, 'POST', PODS, pod('f1'));
    expect(e.body).toMatchObject({ reason: 'InternalError', code: 500 });
    s.failRequests({ verb: 'create', status: 503, count: 1, retryAfterSeconds: 1 });
    const u = await call(s, 'POST', PODS, pod('f1'));
    expect(u.status).toBe(503);
    expect(u.body.reason).toBe('ServiceUnavailable');
    expect(u.headers.get('retry-after')).toBe('1');
    expect((await call(s, 'POST', PODS, pod('f1'))).status).toBe(201);
  });

  test('setLatency delays responses', async () => {
    s.setLatency(150);
    const t0 = performance.now();
    await call(s, 'GET', '/version');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    s.setLatency(0);
  });

  test('the same operations over HTTP under /sandbox/', async () => {
    expect((await call(s, 'POST', '/sandbox/fail', { verb: 'get', resource: 'pods', status: 503, count: 1 })).status).toBe(200);
    expect((await call(s, 'GET', `${PODS}/f1`)).status).toBe(503);
    expect((await call(s, 'PUT', '/sandbox/podmetrics/default/f1', { containers: [{ name: 'c', cpu: '10m' }] })).status).toBe(200);
    const m = await call(s, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/f1');
    expect(m.body.containers[0].usage.cpu).toBe('10m');
    expect((await call(s, 'PUT', '/sandbox/podphase/default/f1', { phase: 'Failed' })).status).toBe(200);
    expect((await call(s, 'GET', `${PODS}/f1`)).body.status.phase).toBe('Failed');
    expect((await call(s, 'GET', '/sandbox/watches')).body).toEqual({ open: 0 });
    expect((await call(s, 'POST', '/sandbox/compact')).status).toBe(200);
    expect((await call(s, 'POST', '/sandbox/drop-watches')).status).toBe(200);
    expect((await call(s, 'POST', '/sandbox/latency', { ms: 0 })).status).toBe(200);
    const reqs = await call(s, 'GET', '/sandbox/requests');
    expect(reqs.body.some((r: { verb: string; resource: string; status: number }) => r.verb === 'get' && r.resource === 'pods' && r.status === 503)).toBe(true);
  });
});

describe('request recording', () => {
  test('records verb, group, version, resource, subresource, namespace, name, userAgent, status and the query string', async () => {
    s.clearRequests();
    await call(s, 'GET', '/apis/apps/v1/namespaces/default/deployments', undefined, 'application/json', { 'user-agent': 'test-agent' });
    await call(s, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/x/scale', { spec: { replicas: 1 } }, 'application/merge-patch+json');
    await call(s, 'GET', `${PODS}?watch=1&timeoutSeconds=1`);
    await call(s, 'DELETE', `${PODS}?labelSelector=none%3Dnone`);
    expect(s.requests()).toEqual([
      { verb: 'list', group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default', userAgent: 'test-agent', status: 200 },
      { verb: 'patch', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', namespace: 'default', name: 'x', userAgent: 'node', status: 404 },
      { verb: 'watch', group: '', version: 'v1', resource: 'pods', namespace: 'default', userAgent: 'node', status: 200, query: 'watch=1&timeoutSeconds=1' },
      { verb: 'deletecollection', group: '', version: 'v1', resource: 'pods', namespace: 'default', userAgent: 'node', status: 200, query: 'labelSelector=none%3Dnone' },
    ]);
  });
});

describe('bad input never crashes the server', () => {
  test.each([
    ['malformed JSON', 'POST', PODS, '{"kind":', 'application/json', 400],
    ['malformed YAML', 'POST', PODS, 'kind: [unclosed', 'application/yaml', 400],
    ['array body', 'POST', PODS, '[1,2]', 'application/json', 400],
    ['wrong kind', 'POST', PODS, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }), 'application/json', 400],
    ['missing name', 'POST', PODS, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }] } }), 'application/json', 422],
    ['metadata not an object', 'POST', PODS, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: 7 }), 'application/json', 400],
    ['patch that is not JSON', 'PATCH', `${PODS}/f1`, 'nope', 'application/merge-patch+json', 400],
    ['JSON patch that is not an array', 'PATCH', `${PODS}/f1`, '{}', 'application/json-patch+json', 400],
    ['empty body', 'POST', PODS, '', 'application/json', 400],
    ['POST to a named object', 'POST', `${PODS}/f1`, '{}', 'application/json', 405],
    ['PUT to a collection', 'PUT', PODS, '{}', 'application/json', 405],
    ['bad gracePeriodSeconds', 'DELETE', `${PODS}/f1?gracePeriodSeconds=abc`, undefined, 'application/json', 400],
    ['unknown field selector', 'GET', `${PODS}?fieldSelector=nope%3D1`, undefined, 'application/json', 400],
  ])('%s', async (_name, method, path, body, ct, status) => {
    const r = await call(s, method as string, path as string, body as string | undefined, ct as string);
    expect(r.status).toBe(status);
    expect(r.body.kind).toBe('Status');
    expect((await call(s, 'GET', '/version')).status).toBe(200);
  });

  test('a malformed %-escape in the path is 404 text', async () => {
    const r = await call(s, 'GET', '/api/v1/namespaces/%E0%A4%A/pods');
    expect(r.status).toBe(404);
    expect(r.text).toBe('404 page not found\n');
  });

  test('a YAML body is accepted', async () => {
    const r = await call(s, 'POST', PODS, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: yaml-pod\nspec:\n  containers:\n  - name: c\n    image: i:1\n', 'application/yaml');
    expect(r.status).toBe(201);
  });

  test('a body over 3 MiB is 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024 + 10) } });
    const r = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', big);
    expect(r.status).toBe(413);
    expect((await call(s, 'GET', '/version')).status).toBe(200);
  });
});

describe('restart', () => {
  test('restart() keeps the port and the state', async () => {
    const url = s.url;
    const before = await call(s, 'GET', `${PODS}/yaml-pod`);
    await s.restart();
    expect(s.url).toBe(url);
    const after = await call(s, 'GET', `${PODS}/yaml-pod`);
    expect(after.body.metadata.uid).toBe(before.body.metadata.uid);
    expect(after.body.metadata.resourceVersion).toBe(before.body.metadata.resourceVersion);
  });
});
