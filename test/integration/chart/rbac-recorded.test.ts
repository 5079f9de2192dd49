/**
 * RBAC proof: the sandbox records the group, resource, subresource, verb and namespace of every
 * request it serves. With the webhook (self-managed certificates) and an operator replica running
 * against it, one CMC per mode acting at least once, and a v1alpha1 object converted through the
 * webhook, every request the two components sent must be allowed by the rules the chart renders
 * (ClusterRole everywhere, Role only in the release namespace). Requests are told apart by their
 * User-Agent (the webhook's is `chaos-monkey-webhook`); the test's own setup requests are dropped
 * by clearing the record before the operator starts.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { freePort } from '../../support/free-port.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startSandbox } from '../../../sandbox/index.ts';
import type { RecordedRequest, Sandbox } from '../../../sandbox/index.ts';
import type { PolicyRule } from '../../../api/rbac.ts';
import { API_VERSION_V1, GROUP, KIND, NAMESPACE_LABEL, V1ALPHA1 } from '../../../api/names.ts';
import { startWebhook } from '../../../webhook/src/index.ts';
import { WEBHOOK_USER_AGENT } from '../../../webhook/src/kube-client.ts';
import type { RunningWebhook } from '../../../webhook/src/index.ts';
import { parseEnv } from '../../../operator/src/config/env.ts';
import { OPERATOR_USER_AGENT, connectFromKubeconfigText, credentialsOf } from '../../../operator/src/kube/connect.ts';
import { createLogger, createMemorySink } from '../../../operator/src/log/logger.ts';
import { OperatorMetrics } from '../../../operator/src/metrics/registry.ts';
import { createOperator } from '../../../operator/src/operator.ts';
import type { Operator } from '../../../operator/src/operator.ts';
import { createRandom } from '../../../operator/src/chaos/random.ts';
import { REPO_ROOT, RELEASE, field, findOne, renderObjects } from '../../unit/chart/support/render.ts';
import type { K8sObject } from '../../unit/chart/support/render.ts';
import { isAllowed } from '../../../api/rbac.ts';

const OPERATOR_NAMESPACE = 'chaosmonkey';
const WEBHOOK_AGENT = WEBHOOK_USER_AGENT;
const TARGET = 'rbac-target';
const MODES = ['killPod', 'randomScale', 'antiPressure'] as const;

/** The permissions of one component as rendered: cluster-wide rules and release-namespace rules. */
interface Grants { cluster: PolicyRule[]; namespaced: PolicyRule[] }

function grantsOf(objects: K8sObject[], name: string): Grants {
  return {
    cluster: field(findOne(objects, 'ClusterRole', name), 'rules') as PolicyRule[],
    namespaced: field(findOne(objects, 'Role', name), 'rules') as PolicyRule[],
  };
}

/**
 * True when the request is a resource request the grants allow (discovery and /version are open to
 * every user). Role rules hold in `roleNamespace` only; `'any'` accepts them in whichever namespace
 * the component ran (test files run the webhook in namespaces of their own).
 */
function allowedBy(r: RecordedRequest, grants: Grants, roleNamespace: string = OPERATOR_NAMESPACE): boolean {
  if (r.resource === '') return true;
  // The start-up permission probe: every authenticated user may create these (system:basic-user).
  if (r.group === 'authorization.k8s.io' && r.resource === 'selfsubjectaccessreviews' && r.verb === 'create') return true;
  const req = { verb: r.verb, group: r.group, resource: r.resource, ...(r.subresource !== undefined ? { subresource: r.subresource } : {}), ...(r.name !== undefined ? { name: r.name } : {}) };
  const inRoleNamespace = r.namespace !== undefined && (roleNamespace === 'any' || r.namespace === roleNamespace);
  return isAllowed(req, grants.cluster) || (inRoleNamespace && isAllowed(req, grants.namespaced));
}

const describeRequest = (r: RecordedRequest): string =>
  `${r.verb} ${r.group === '' ? 'core' : r.group}/${r.resource}${r.subresource !== undefined ? `/${r.subresource}` : ''}${r.namespace !== undefined ? ` in ${r.namespace}` : ''}${r.name !== undefined ? ` name=${r.name}` : ''}`;

/** Polls `probe` until it returns a value other than undefined/false; throws after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let sandbox: Sandbox | undefined;
let rendered: K8sObject[] = [];
let webhook: RunningWebhook | undefined;
let operator: Operator | undefined;
let early: RecordedRequest[] = [];
let late: RecordedRequest[] = [];
let actionCounts: Record<string, number> = {};

beforeAll(async () => {
  // Rendering first: on a cold machine the first call builds the helm-template stand-in (about a minute).
  rendered = renderObjects();
  const port = await freePort();
  sandbox = await startSandbox({
    crdFiles: [join(REPO_ROOT, 'crds', 'chaosmonkeyconfigurations.yaml')],
    serviceMap: { [`chaos-monkey.${OPERATOR_NAMESPACE}.svc:443`]: `https://127.0.0.1:${port}` },
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sandbox.kubeconfig);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const create = (o: k8s.KubernetesObject & Record<string, unknown>): Promise<unknown> => objects.create(o);

  await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } });
  await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: TARGET, labels: { [NAMESPACE_LABEL]: 'true' } } });
  const connection = connectFromKubeconfigText(sandbox.kubeconfig);
  webhook = await startWebhook({
    port,
    host: '127.0.0.1',
    selfManaged: { namespace: OPERATOR_NAMESPACE, kube: credentialsOf(connection), extraIpAddresses: ['127.0.0.1'] },
    logLevel: 'error',
  });
  const labels = { app: 'web' };
  await create({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: TARGET, labels },
    spec: { replicas: 4, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
  });
  const pods = await waitFor('4 pods', async () => {
    const list = await core.listNamespacedPod({ namespace: TARGET, labelSelector: 'app=web' });
    return list.items.length === 4 ? list.items.map((p) => p.metadata?.name ?? '') : undefined;
  }, 10_000);
  pods.forEach((pod, i) => sandbox?.setPodMetrics(TARGET, pod, [{ name: 'web', cpu: `${100 * (i + 1)}m` }]));
  const cmc = (name: string, scalingMode: string, minReplicas: number, maxReplicas: number): Promise<unknown> => create({
    apiVersion: API_VERSION_V1, kind: KIND, metadata: { name, namespace: TARGET },
    spec: { enabled: true, scalingMode, minReplicas, maxReplicas, deployment: { name: 'web' }, timeout: '1s' },
  });
  await cmc('kill', 'killPod', 0, 10);
  await cmc('scale', 'randomScale', 3, 6);
  await cmc('pressure', 'antiPressure', 1, 10);
  // A deprecated v1alpha1 object: stored as v1 through a ConversionReview sent to the webhook.
  await create({ apiVersion: `${GROUP}/${V1ALPHA1}`, kind: KIND, metadata: { name: 'legacy', namespace: TARGET }, spec: { deploymentName: 'web', enabled: false } });

  early = sandbox.requests();
  sandbox.clearRequests();

  const { config, warnings } = parseEnv({ CHAOSMONKEY_NAMESPACE: OPERATOR_NAMESPACE, CHAOSMONKEY_METRICS_PORT: '0', CHAOSMONKEY_LEASE_DURATION: '3s', CHAOSMONKEY_POD_NAME: 'rbac-proof' });
  expect(warnings).toEqual([]);
  const metrics = new OperatorMetrics({ rootNamespace: OPERATOR_NAMESPACE, behavior: 'AllowAll', defaultMetrics: false });
  operator = createOperator({
    connection,
    config,
    log: createLogger({ level: 'error', stream: createMemorySink().stream }),
    random: createRandom('rbac-proof'),
    metrics,
    lease: { retryIntervalMs: 200 },
  });
  await operator.start();
  const succeeded = async (): Promise<Record<string, number>> => {
    const values = (await metrics.registry.getSingleMetric('chaos_monkey_actions_total')?.get())?.values ?? [];
    return Object.fromEntries(MODES.map((mode) => [mode, values.filter((v) => v.labels.mode === mode && v.labels.result === 'succeeded').reduce((n, v) => n + v.value, 0)]));
  };
  actionCounts = await waitFor('one successful action per mode', async () => {
    const counts = await succeeded();
    return MODES.every((m) => (counts[m] ?? 0) >= 1) ? counts : undefined;
  }, 20_000);
  await operator.stop();
  operator = undefined;
  await webhook.stop();
  webhook = undefined;
  late = sandbox.requests();
}, 240_000);

afterAll(async () => {
  await operator?.stop();
  await webhook?.stop();
  await sandbox?.stop();
});

/**
 * Requests logged by every sandbox of this jest run (scripts/run-jest.mjs sets SANDBOX_REQUEST_LOG
 * and scripts/jest-sequencer.mjs runs this file last), or this file's own when run alone. Test
 * harnesses send with User-Agents of their own, so only the components' requests are checked.
 */
function requestsOfTheWholeRun(): { source: string; requests: RecordedRequest[] } {
  const file = process.env.SANDBOX_REQUEST_LOG;
  if (file === undefined || file === '' || !existsSync(file)) return { source: 'this file', requests: [...early, ...late] };
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  return { source: file, requests: lines.map((l) => JSON.parse(l) as RecordedRequest) };
}

describe('every request the operator and the webhook sent during the whole test run', () => {
  test('is allowed by the rendered RBAC', () => {
    const { source, requests } = requestsOfTheWholeRun();
    const ours = requests.filter((r) => r.userAgent === OPERATOR_USER_AGENT || r.userAgent === WEBHOOK_AGENT);
    const operatorCount = ours.filter((r) => r.userAgent === OPERATOR_USER_AGENT).length;
    expect(operatorCount).toBeGreaterThan(5);
    const operatorGrants = grantsOf(rendered, `${RELEASE}-chaos-monkey-operator`);
    const webhookGrants = grantsOf(rendered, `${RELEASE}-chaos-monkey-webhook`);
    const denied = ours.filter((r) => !allowedBy(r, r.userAgent === WEBHOOK_AGENT ? webhookGrants : operatorGrants, 'any')).map((r) => `${r.userAgent}: ${describeRequest(r)}`);
    expect([...new Set(denied)]).toEqual([]);
    process.stdout.write(`RBAC over the whole run (${source}): ${operatorCount} operator and ${ours.length - operatorCount} webhook requests, all allowed\n`);
  });
});

describe('every recorded request is allowed by the rendered RBAC', () => {
  const operatorGrants = (): Grants => grantsOf(rendered, `${RELEASE}-chaos-monkey-operator`);
  const webhookGrants = (): Grants => grantsOf(rendered, `${RELEASE}-chaos-monkey-webhook`);

  test('the scenario ran: one successful action per mode, operator and webhook requests recorded', () => {
    for (const m of MODES) expect(actionCounts[m]).toBeGreaterThanOrEqual(1);
    expect(late.filter((r) => r.userAgent !== WEBHOOK_AGENT && r.resource !== '').length).toBeGreaterThan(5);
    expect([...early, ...late].filter((r) => r.userAgent === WEBHOOK_AGENT).length).toBeGreaterThan(0);
  });

  test('operator: every request allowed by its ClusterRole and Role', () => {
    const requests = late.filter((r) => r.userAgent !== WEBHOOK_AGENT);
    const denied = requests.filter((r) => !allowedBy(r, operatorGrants())).map(describeRequest);
    expect([...new Set(denied)]).toEqual([]);
    const used = new Set(requests.filter((r) => r.resource !== '').map((r) => `${r.verb} ${r.group}/${r.resource}${r.subresource !== undefined ? `/${r.subresource}` : ''}`));
    // The actions of the three modes, the status writer, Events and the Lease really went through.
    for (const need of ['delete /pods', 'list metrics.k8s.io/pods', 'watch /namespaces', 'watch cm.massix.github.io/chaosmonkeyconfigurations', 'create coordination.k8s.io/leases']) {
      expect(used).toContain(need);
    }
    expect([...used].some((u) => u.endsWith('apps/deployments/scale') && /^(patch|update) /.test(u))).toBe(true);
    expect([...used].some((u) => u.endsWith('/events') && u.startsWith('create '))).toBe(true);
    expect([...used].some((u) => u.endsWith('chaosmonkeyconfigurations/status'))).toBe(true);
    process.stdout.write(`operator requests (${requests.length}): ${[...used].sort().join('; ')}\n`);
    // Informational: granted verbs this scenario did not exercise (retries, conflicts and 404 paths use them).
    const unused = [...operatorGrants().cluster, ...operatorGrants().namespaced].flatMap((rule) => rule.apiGroups.flatMap((g) => rule.resources.flatMap((res) => rule.verbs
      .filter((v) => !requests.some((r) => r.verb === v && r.group === g && (r.subresource === undefined ? r.resource : `${r.resource}/${r.subresource}`) === res))
      .map((v) => `${v} ${g}/${res}`))));
    process.stdout.write(`operator grants not exercised here: ${unused.join('; ')}\n`);
  });

  test('webhook: every request allowed by its ClusterRole and Role', () => {
    const requests = [...early, ...late].filter((r) => r.userAgent === WEBHOOK_AGENT);
    const denied = requests.filter((r) => !allowedBy(r, webhookGrants())).map(describeRequest);
    expect([...new Set(denied)]).toEqual([]);
    const used = new Set(requests.map(describeRequest));
    expect([...used].some((u) => u.startsWith('create core/secrets'))).toBe(true);
    expect([...used].some((u) => u.startsWith('patch apiextensions.k8s.io/customresourcedefinitions'))).toBe(true);
    process.stdout.write(`webhook requests (${requests.length}): ${[...used].sort().join('; ')}\n`);
  });

  test('the checker is not vacuous: a request outside the rules is denied', () => {
    const bogus: RecordedRequest = { verb: 'delete', group: 'apps', version: 'v1', resource: 'deployments', namespace: TARGET, name: 'web', userAgent: 'x', status: 200 };
    expect(allowedBy(bogus, operatorGrants())).toBe(false);
    const lease: RecordedRequest = { verb: 'update', group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: TARGET, name: 'l', userAgent: 'x', status: 200 };
    expect(allowedBy(lease, operatorGrants())).toBe(false);
    expect(allowedBy({ ...lease, namespace: OPERATOR_NAMESPACE }, operatorGrants())).toBe(true);
  });
});

