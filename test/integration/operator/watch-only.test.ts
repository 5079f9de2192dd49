/**
 * The watch-only Namespace source (the seed's ClusterRole has `watch` but no `list` on namespaces)
 * on a quiet collection: client-node aborts a watch that delivered nothing for its request timeout
 * (30 s). That is routine, not an error: the source reconnects at once, the cache keeps every
 * Namespace and nothing is reported as an error (it used to log a warning every minute on a real
 * kube-apiserver). Shortened to 300 ms here.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { closeConnection, connectFromKubeconfigText } from '../../../operator/src/kube/connect.ts';
import type { KubeConnection } from '../../../operator/src/kube/connect.ts';
import { WatchOnlySource, isInactivityTimeout } from '../../../operator/src/kube/watch-only.ts';
import { WatchHealth } from '../../../operator/src/kube/watch-health.ts';
import { createLogger, createMemorySink } from '../../../operator/src/log/logger.ts';
import { systemClock } from '../../../operator/src/scheduler/clock.ts';
import { waitFor } from '../../support/wait-for.ts';

let sandbox: Sandbox;
let connection: KubeConnection;

beforeAll(async () => {
  sandbox = await startSandbox({ deploymentController: false, disruptionController: false });
  connection = connectFromKubeconfigText(sandbox.kubeconfig);
  const core = connection.kubeConfig.makeApiClient(CoreV1Api);
  for (const name of ['quiet-a', 'quiet-b']) await core.createNamespace({ body: { metadata: { name } } });
}, 30_000);

afterAll(async () => {
  await closeConnection(connection);
  await sandbox?.stop();
});

test('client-node inactivity timeouts are recognised by their error name only', () => {
  expect(isInactivityTimeout(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(true);
  expect(isInactivityTimeout(new Error('Forbidden'))).toBe(false);
  expect(isInactivityTimeout(undefined)).toBe(false);
});

test('a quiet watch that times out on the client reconnects at once: no error, nothing deleted', async () => {
  const errors: unknown[] = [];
  const deleted: string[] = [];
  let reconnects = 0;
  const sink = createMemorySink();
  const source = new WatchOnlySource({
    connection,
    path: '/api/v1/namespaces',
    timeoutSeconds: 3600,
    slim: (o) => o,
    clock: systemClock,
    log: createLogger({ level: 'debug', stream: sink.stream }),
    settleMs: 50,
    inactivityTimeoutMs: 300,
    onReconnect: () => {
      reconnects += 1;
    },
    onError: (error) => errors.push(error),
    health: new WatchHealth({ clock: systemClock }),
  });
  source.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
  await source.start();
  try {
    await source.firstSync;
    await waitFor('three reconnections after quiet periods', () => reconnects >= 3, 10_000);
    expect(errors).toEqual([]);
    expect(deleted).toEqual([]);
    expect(source.restarts).toBe(0);
    expect(source.list().map((o) => o.metadata?.name)).toEqual(expect.arrayContaining(['quiet-a', 'quiet-b']));
  } finally {
    await source.stop();
  }
}, 30_000);
