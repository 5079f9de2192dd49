/**
 * kube/raw-request.ts, the hot writers' fast path, against the sandbox over real sockets: answers
 * that are not 2xx become client-node's ApiException, so api-errors.ts maps them to the same typed
 * errors as before (Status message, reason, code); an aborted signal stops the request; the
 * credentials and User-Agent are the connection's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { dump, load } from 'js-yaml';
import { ApiException } from '@kubernetes/client-node';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { ConflictError, NotFoundError } from '../../../operator/src/errors.ts';
import { statusCodeOf, toChaosError } from '../../../operator/src/kube/api-errors.ts';
import { closeConnection, connectFromKubeconfigText, rawKube } from '../../../operator/src/kube/connect.ts';
import type { KubeConnection } from '../../../operator/src/kube/connect.ts';

let sandbox: Sandbox;
let connection: KubeConnection;

beforeAll(async () => {
  sandbox = await startSandbox({ deploymentController: false, disruptionController: false });
  connection = connectFromKubeconfigText(sandbox.kubeconfig);
  await rawKube(connection).request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'raw' } } });
}, 30_000);

afterAll(async () => {
  await closeConnection(connection);
  await sandbox?.stop();
});

describe('raw requests', () => {
  test('a 404 is an ApiException carrying the Status, mapped to NotFoundError with the API message', async () => {
    const error = await rawKube(connection).request({ method: 'DELETE', path: '/api/v1/namespaces/raw/pods/nope', query: { gracePeriodSeconds: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect(statusCodeOf(error)).toBe(404);
    const mapped = toChaosError(error, 'delete pod raw/nope');
    expect(mapped).toBeInstanceOf(NotFoundError);
    expect(mapped.message).toBe('delete pod raw/nope: HTTP 404: pods "nope" not found');
  });

  test('a create of an existing name is a 409 mapped to ConflictError; a created object is answered 201 and read on request', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'raw' }, data: { a: '1' } };
    const created = await rawKube(connection).request({ method: 'POST', path: '/api/v1/namespaces/raw/configmaps', body, read: true });
    expect(created.status).toBe(201);
    expect((created.body as { metadata?: { uid?: unknown } }).metadata?.uid).toEqual(expect.any(String));
    const again = await rawKube(connection).request({ method: 'POST', path: '/api/v1/namespaces/raw/configmaps', body }).catch((e: unknown) => e);
    expect(toChaosError(again, 'create')).toBeInstanceOf(ConflictError);
    expect(JSON.parse(String((again as ApiException<string>).body))).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });
  });

  test('a merge patch is sent with its content type and its answer is not read unless asked', async () => {
    const patched = await rawKube(connection).request({ method: 'PATCH', path: '/api/v1/namespaces/raw/configmaps/cm', body: { data: { b: '2' } }, contentType: 'application/merge-patch+json' });
    expect(patched).toEqual({ status: 200 });
    const read = await rawKube(connection).request({ method: 'GET', path: '/api/v1/namespaces/raw/configmaps/cm', read: true });
    expect((read.body as { data?: unknown }).data).toEqual({ a: '1', b: '2' });
  });

  test('an aborted signal rejects with an AbortError and sends nothing', async () => {
    sandbox.clearRequests();
    const controller = new AbortController();
    controller.abort();
    const error = await rawKube(connection).request({ method: 'DELETE', path: '/api/v1/namespaces/raw/configmaps/cm', signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(sandbox.requests()).toEqual([]);
  });

  test('requests carry the connection\'s User-Agent and credentials (the sandbox records them as authorized)', async () => {
    sandbox.clearRequests();
    await rawKube(connection).request({ method: 'GET', path: '/api/v1/namespaces/raw', read: true });
    expect(sandbox.requests().map((r) => [r.verb, r.resource, r.userAgent, r.status])).toEqual([['get', 'namespaces', 'chaos-monkey-operator', 200]]);
  });

  test('a kubeconfig proxy-url is honoured: the request goes through the proxy (client-node\'s proxy agent)', async () => {
    const tunnels: string[] = [];
    const sockets: { destroy: () => void }[] = [];
    const proxy = createServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(String(req.url));
      sockets.push(client);
      const [host, port] = String(req.url).split(':');
      const upstream = connect(Number(port), host, () => {
        sockets.push(upstream);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const config = load(sandbox.kubeconfig) as { clusters: { cluster: Record<string, unknown> }[] };
    for (const c of config.clusters) c.cluster['proxy-url'] = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const proxied = connectFromKubeconfigText(dump(config));
    try {
      const answer = await rawKube(proxied).request({ method: 'GET', path: '/api/v1/namespaces/raw', read: true });
      expect(answer.status).toBe(200);
      expect(tunnels).toEqual([new URL(connection.server).host]);
    } finally {
      await closeConnection(proxied);
      for (const socket of sockets) socket.destroy(); // the tunnels (keep-alive) are no longer the server's
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
