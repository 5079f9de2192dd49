/**
 * kube/raw-watch.ts (the informers' watch transport) and raw-request.ts's deadline, against the
 * sandbox over real sockets: events arrive parsed and in order, the server ending the stream is
 * `done(null)`, a compacted resourceVersion gives the ERROR event of code 410 (client-node's
 * ListWatch relists on it), a non-200 answer is an error carrying its code, an abort ends the watch with one `done`, a silent watch ends
 * with a TimeoutError; a request past its deadline rejects with an AbortError whose cause is a
 * TimeoutError.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { statusCodeOf } from '../../../operator/src/kube/api-errors.ts';
import { closeConnection, connectFromKubeconfigText, rawKube } from '../../../operator/src/kube/connect.ts';
import type { KubeConnection } from '../../../operator/src/kube/connect.ts';
import { RawWatch, splitLines } from '../../../operator/src/kube/raw-watch.ts';
import { RawKube } from '../../../operator/src/kube/raw-request.ts';
import { KubeConfig } from '@kubernetes/client-node';
import { waitFor } from '../../support/wait-for.ts';

let sandbox: Sandbox;
let connection: KubeConnection;

beforeAll(async () => {
  sandbox = await startSandbox({ deploymentController: false, disruptionController: false });
  connection = connectFromKubeconfigText(sandbox.kubeconfig);
  await rawKube(connection).request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rw' } } });
}, 30_000);

afterAll(async () => {
  await closeConnection(connection);
  await sandbox?.stop();
});

const configMap = (name: string): unknown => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'rw' }, data: { a: '1' } });

describe('splitLines', () => {
  test('hands over every complete line and keeps the partial one', () => {
    const lines: string[] = [];
    expect(splitLines('{"a":1}\n{"b"', (l) => lines.push(l))).toBe('{"b"');
    expect(splitLines('{"b":2}\n\n{"c":3}\n', (l) => lines.push(l))).toBe('');
    expect(splitLines('no newline', (l) => lines.push(l))).toBe('no newline');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});

describe('RawWatch', () => {
  test('delivers the events of a watch in order, parsed, and an abort ends it with one done', async () => {
    const events: [string, string][] = [];
    const dones: unknown[] = [];
    const watch = new RawWatch(rawKube(connection));
    const controller = await watch.watch('/api/v1/namespaces/rw/configmaps', { allowWatchBookmarks: true }, (phase, obj: { metadata?: { name?: string } }) => events.push([phase, obj.metadata?.name ?? '']), (err) => dones.push(err));
    await rawKube(connection).request({ method: 'POST', path: '/api/v1/namespaces/rw/configmaps', body: configMap('w1') });
    await rawKube(connection).request({ method: 'PATCH', path: '/api/v1/namespaces/rw/configmaps/w1', body: { data: { b: '2' } }, contentType: 'application/merge-patch+json' });
    await rawKube(connection).request({ method: 'DELETE', path: '/api/v1/namespaces/rw/configmaps/w1' });
    await waitFor('three events', () => events.length >= 3);
    expect(events).toEqual([['ADDED', 'w1'], ['MODIFIED', 'w1'], ['DELETED', 'w1']]);
    controller.abort();
    await waitFor('done', () => dones.length > 0);
    expect(dones).toHaveLength(1);
    expect(String((dones[0] as Error).name)).toBe('AbortError');
  });

  test('the server ending the watch (timeoutSeconds) is done(null)', async () => {
    const dones: unknown[] = [];
    await new RawWatch(rawKube(connection)).watch('/api/v1/namespaces/rw/configmaps', { timeoutSeconds: 1 }, () => undefined, (err) => dones.push(err));
    await waitFor('ended by the server', () => dones.length > 0, 5_000);
    expect(dones).toEqual([null]);
  });

  test('a compacted resourceVersion is an ERROR event of code 410 (ListWatch relists on it); a missing resource type an error carrying 404', async () => {
    const dones: unknown[] = [];
    const errors: unknown[] = [];
    await new RawWatch(rawKube(connection)).watch('/api/v1/namespaces/rw/configmaps', { resourceVersion: '1' }, (phase, obj: { code?: unknown }) => {
      if (phase === 'ERROR') errors.push(obj.code);
    }, () => undefined);
    await new RawWatch(rawKube(connection)).watch('/apis/nope.example.com/v1/things', {}, () => undefined, (err) => dones.push(err));
    await waitFor('the 410 and the 404', () => errors.length === 1 && dones.length === 1);
    expect(errors).toEqual([410]);
    expect(statusCodeOf(dones[0])).toBe(404);
  });

  test('a watch silent for its idle timeout ends with a TimeoutError', async () => {
    const dones: unknown[] = [];
    await new RawWatch(rawKube(connection), 300).watch('/api/v1/namespaces/rw/secrets', {}, () => undefined, (err) => dones.push(err));
    await waitFor('timed out', () => dones.length > 0, 5_000);
    expect(dones).toHaveLength(1);
    expect((dones[0] as Error).name).toBe('TimeoutError');
  });
});

describe('RawKube deadline', () => {
  test('a request past its deadline rejects with an AbortError caused by a TimeoutError; one answered in time resolves', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
        users: [{ name: 'u' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      const raw = new RawKube(kc, 'test');
      const error = (await raw.request({ method: 'GET', path: '/api', deadlineMs: 200 }).catch((e: unknown) => e)) as Error & { cause?: Error };
      expect(error.name).toBe('AbortError');
      expect(error.cause?.name).toBe('TimeoutError');
      raw.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const answered = await rawKube(connection).request({ method: 'GET', path: '/api/v1/namespaces/rw', deadlineMs: 10_000 });
    expect(answered.status).toBe(200);
  });
});
