/**
 * Lease renewal costs one request (issue 13): a leader PUTs the Lease it last wrote (its
 * resourceVersion is the lock) and reads the Lease only after that PUT answers 409 Conflict.
 * Counted on the sandbox's request log, under a fake clock so each tick is one attempt.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CoordinationV1Api } from '@kubernetes/client-node';
import type { V1Lease } from '@kubernetes/client-node';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { closeConnection, connectFromKubeconfigText } from '../../../operator/src/kube/connect.ts';
import type { KubeConnection } from '../../../operator/src/kube/connect.ts';
import { LeaderElector, microTime } from '../../../operator/src/kube/leader.ts';
import { createLogger, createMemorySink } from '../../../operator/src/log/logger.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { waitFor } from '../../support/wait-for.ts';

const NS = 'lease-ns';
const LEASE = 'renewal-count';
const RETRY_MS = 400; // 3 s lease: client-go ratios give a 400 ms retry period

let sandbox: Sandbox;
let operatorConnection: KubeConnection;
let testConnection: KubeConnection;
let coord: CoordinationV1Api;

beforeAll(async () => {
  sandbox = await startSandbox({ deploymentController: false, disruptionController: false });
  operatorConnection = connectFromKubeconfigText(sandbox.kubeconfig);
  testConnection = connectFromKubeconfigText(sandbox.kubeconfig, { userAgent: 'chaos-monkey-tests' });
  coord = testConnection.kubeConfig.makeApiClient(CoordinationV1Api);
  const { CoreV1Api } = await import('@kubernetes/client-node');
  await testConnection.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
}, 30_000);

afterAll(async () => {
  await closeConnection(operatorConnection);
  await closeConnection(testConnection);
  await sandbox?.stop();
});

/** The operator's Lease requests, as `VERB` strings, in order. */
function leaseRequests(): string[] {
  return sandbox.requests()
    .filter((r) => r.resource === 'leases' && r.userAgent === 'chaos-monkey-operator')
    .map((r) => `${r.verb}:${r.status}`);
}

describe('Lease renewal requests', () => {
  const clock = new FakeClock();
  const sink = createMemorySink();
  let elector: LeaderElector;
  let attempts = 0;

  /** Advances one retry period and waits until that attempt's requests are answered. */
  async function tick(expectedRequests: number): Promise<void> {
    attempts++;
    await clock.advanceAsync(RETRY_MS);
    await waitFor(`${expectedRequests} lease requests`, () => leaseRequests().length >= expectedRequests, 5_000, 5);
  }

  test('a stale resourceVersion gets kube-apiserver\'s 409 Conflict Status', async () => {
    const created = await coord.createNamespacedLease({ namespace: NS, body: { metadata: { name: 'stale' }, spec: { holderIdentity: 'x' } } });
    await coord.replaceNamespacedLease({ name: 'stale', namespace: NS, body: { ...created, spec: { holderIdentity: 'y' } } });
    const failure = await coord.replaceNamespacedLease({ name: 'stale', namespace: NS, body: { ...created, spec: { holderIdentity: 'z' } } }).catch((error: unknown) => error);
    expect((failure as { code?: unknown }).code).toBe(409);
    const status: unknown = JSON.parse(String((failure as { body?: unknown }).body));
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on leases.coordination.k8s.io "stale": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'stale', group: 'coordination.k8s.io', kind: 'leases' },
    });
  });

  test('N renewals of a leader are N PUTs and no GET', async () => {
    elector = new LeaderElector({
      connection: operatorConnection,
      namespace: NS,
      leaseName: LEASE,
      identity: 'me',
      leaseDurationMs: 3_000,
      clock,
      log: createLogger({ level: 'error', stream: sink.stream }),
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    });
    sandbox.clearRequests();
    elector.start(); // first attempt at once: GET (404) then create
    await waitFor('leadership', () => elector.isLeader, 5_000, 5);
    expect(leaseRequests()).toEqual(['get:404', 'create:201']);
    const n = 10;
    for (let i = 1; i <= n; i++) await tick(2 + i);
    expect(leaseRequests().slice(2)).toEqual(Array.from({ length: n }, () => 'update:200'));
    expect(elector.holdsLease()).toBe(true);
    expect(attempts).toBe(n);
  });

  test('after someone else writes the Lease, the failed PUT is followed by one GET and the decision', async () => {
    const before = leaseRequests().length;
    const lease = await coord.readNamespacedLease({ name: LEASE, namespace: NS });
    const spec = { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60, renewTime: microTime(clock.now()) as unknown as Date };
    await coord.replaceNamespacedLease({ name: LEASE, namespace: NS, body: { ...lease, spec } as V1Lease });
    await tick(before + 2);
    expect(leaseRequests().slice(before)).toEqual(['update:409', 'get:200']);
    expect(elector.isLeader).toBe(false);
    // A follower polls with one GET per period and writes nothing while the intruder's Lease is valid.
    await tick(before + 3);
    expect(leaseRequests().slice(before + 2)).toEqual(['get:200']);
    await elector.stop();
  });
});
