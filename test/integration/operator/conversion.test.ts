/**
 * Seed script step 25 through the real conversion path: the sandbox stores CMCs as v1 and calls
 * the webhook (self-managed certificate, CA injected into the CRD) over HTTPS; a v1alpha1 object
 * applied by a user is read back as v1 and the operator acts on it.
 */
import { freePort } from '../../support/free-port.ts';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { API_VERSION_V1ALPHA1, GROUP, KIND, PLURAL, V1ALPHA1 } from '../../../api/names.ts';
import { connectFromKubeconfigText, credentialsOf } from '../../../operator/src/kube/connect.ts';
import { startWebhook } from '../../../webhook/src/index.ts';
import type { RunningWebhook } from '../../../webhook/src/index.ts';
import { actionLines, OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

let world: World;
let webhook: RunningWebhook | undefined;
let replica: Replica;

beforeAll(async () => {
  const port = await freePort();
  world = await startWorld({ serviceMap: { [`chaos-monkey.${OPERATOR_NAMESPACE}.svc:443`]: `https://127.0.0.1:${port}` } });
  webhook = await startWebhook({
    port,
    host: '127.0.0.1',
    selfManaged: { namespace: OPERATOR_NAMESPACE, kube: credentialsOf(connectFromKubeconfigText(world.sandbox.kubeconfig)), extraIpAddresses: ['127.0.0.1'] },
    logLevel: 'error',
  });
  await world.createNamespace('target');
  await world.createDeployment('target', 'nginx-disrupt-pods', 2);
  replica = await world.startOperator();
}, 30_000);

afterAll(async () => {
  await webhook?.stop();
  await world?.stop();
});

describe('conversion (seed script step 25)', () => {
  test('a v1alpha1 CMC is read back as v1 and the operator acts on it', async () => {
    await world.custom.createNamespacedCustomObject({
      group: GROUP,
      version: V1ALPHA1,
      namespace: 'target',
      plural: PLURAL,
      body: {
        apiVersion: API_VERSION_V1ALPHA1,
        kind: KIND,
        metadata: { name: 'chaosmonkey-nginx-disrupt-pods', namespace: 'target' },
        spec: { minReplicas: 0, maxReplicas: 1, podMode: true, timeout: '1s', enabled: true, deploymentName: 'nginx-disrupt-pods' },
      },
    });
    const v1 = await world.getCmc('target', 'chaosmonkey-nginx-disrupt-pods');
    expect(v1.apiVersion).toBe('cm.massix.github.io/v1');
    expect(v1.spec).toMatchObject({ deployment: { name: 'nginx-disrupt-pods' }, scalingMode: 'killPod', enabled: true, timeout: '1s' });
    const before = await world.podNames('target', 'nginx-disrupt-pods');
    await waitFor('a pod killed by the converted CMC', async () => !(await world.podNames('target', 'nginx-disrupt-pods')).every((n) => before.includes(n)), 6_000);
    // The log line follows the DELETE and the Event: wait for it rather than read it at once.
    await waitFor('the kill log line', () => actionLines(replica, { cmc: 'chaosmonkey-nginx-disrupt-pods', mode: 'killPod' }).length > 0, 2_000);
  });
});
