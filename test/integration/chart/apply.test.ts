/**
 * `kubectl apply` of the chart, against the sandbox: the CRD and every object rendered with default
 * values (and with every option on) are created through client-node's KubernetesObjectApi and read
 * back. Kinds the sandbox does not serve (RBAC, policy, networking, Prometheus Operator and
 * cert-manager kinds) are listed as skipped; the test fails if any other kind is skipped or refused.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { renderObjects } from '../../unit/chart/support/render.ts';
import type { K8sObject } from '../../unit/chart/support/render.ts';
import { waitFor } from '../operator/support/world.ts';

/** Kinds the sandbox does not serve (sandbox/server/builtins.ts): checked by the unit tests only. */
const NOT_SERVED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor', 'Certificate', 'Issuer']);

let sandbox: Sandbox;
let kc: k8s.KubeConfig;
let client: k8s.KubernetesObjectApi;
let defaults: K8sObject[];
let allOn: K8sObject[];

beforeAll(async () => {
  // Rendering first: on a cold machine the first call builds the helm-template stand-in (about a minute).
  defaults = renderObjects({ includeCrds: true });
  allOn = renderObjects({
    namespace: 'chaos-system',
    set: ['crds.managed=true', 'certificates.mode=cert-manager', 'serviceMonitor.enabled=true', 'dashboard.enabled=true', 'networkPolicy.enabled=true', 'fullnameOverride=other'],
    apiVersions: ['monitoring.coreos.com/v1'],
  });
  sandbox = await startSandbox();
  kc = new k8s.KubeConfig();
  kc.loadFromString(sandbox.kubeconfig);
  client = k8s.KubernetesObjectApi.makeApiClient(kc);
}, 240_000);

afterAll(async () => {
  await sandbox?.stop();
});

interface Outcome { applied: string[]; skipped: string[] }

const id = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

/** Creates each object (replacing the CRD when it already exists); unserved kinds are skipped. */
async function apply(objects: K8sObject[]): Promise<Outcome> {
  const outcome: Outcome = { applied: [], skipped: [] };
  for (const obj of objects) {
    try {
      if (obj.kind === 'CustomResourceDefinition') {
        const existing = await client.read({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name } }).catch(() => undefined);
        if (existing !== undefined) {
          await client.replace({ ...obj, metadata: { ...obj.metadata, resourceVersion: existing.metadata?.resourceVersion } } as k8s.KubernetesObject);
          outcome.applied.push(id(obj));
          continue;
        }
      }
      await client.create(obj as k8s.KubernetesObject);
      outcome.applied.push(id(obj));
    } catch (error) {
      // client-node resolves the resource through discovery first; an unserved kind fails there.
      if (NOT_SERVED.has(obj.kind) && error instanceof Error && /Unrecognized API version and kind|404/.test(error.message)) {
        outcome.skipped.push(id(obj));
        continue;
      }
      throw new Error(`${id(obj)} was refused: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return outcome;
}

async function namespace(name: string): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

describe('the chart applied to the sandbox', () => {
  test('default values: the CRD and every served object are created, the Deployment gets its 2 pods', async () => {
    await namespace('chaosmonkey');
    const objects = defaults;
    expect(objects[0]?.kind).toBe('CustomResourceDefinition');
    const { applied, skipped } = await apply(objects);
    expect(applied.length + skipped.length).toBe(objects.length);
    expect(applied).toEqual(expect.arrayContaining([
      'CustomResourceDefinition/chaosmonkeyconfigurations.cm.massix.github.io',
      'ServiceAccount/cm-chaos-monkey',
      'Service/chaos-monkey',
      'Deployment/cm-chaos-monkey',
    ]));
    for (const s of skipped) expect(NOT_SERVED.has(s.split('/')[0] as string)).toBe(true);
    process.stdout.write(`chart objects not served by the sandbox (checked by unit tests only): ${skipped.join(', ')}\n`);

    const core = kc.makeApiClient(k8s.CoreV1Api);
    const svc = await core.readNamespacedService({ name: 'chaos-monkey', namespace: 'chaosmonkey' });
    expect(svc.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([['http', 80, 'http'], ['https', 443, 'https']]);
    const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    await waitFor('2 pods behind the Service, each with the operator and the webhook container', async () => {
      const pods = await core.listNamespacedPod({ namespace: 'chaosmonkey', labelSelector: selector });
      return pods.items.length === 2 && pods.items.every((p) => p.spec?.containers.map((c) => c.name).join() === 'operator,webhook');
    }, 10_000);
  }, 60_000);

  test('every option on, another namespace: the managed CRD replaces the static one and the rest is created', async () => {
    await namespace('chaos-system');
    const objects = allOn;
    const { applied, skipped } = await apply(objects);
    expect(applied).toEqual(expect.arrayContaining(['CustomResourceDefinition/chaosmonkeyconfigurations.cm.massix.github.io', 'ConfigMap/other-dashboard', 'Deployment/other']));
    for (const s of skipped) expect(NOT_SERVED.has(s.split('/')[0] as string)).toBe(true);
    const crd = await kc.makeApiClient(k8s.ApiextensionsV1Api).readCustomResourceDefinition({ name: 'chaosmonkeyconfigurations.cm.massix.github.io' });
    expect(crd.spec.conversion?.webhook?.clientConfig?.service?.namespace).toBe('chaos-system');
    expect(crd.metadata?.annotations?.['cert-manager.io/inject-ca-from']).toBe('chaos-system/other-webhook-serving');
  }, 60_000);
});
