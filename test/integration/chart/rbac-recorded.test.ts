/**
 * RBAC proof, self-contained: this file starts its own sandbox (which records the group, resource,
 * subresource, verb, namespace, name and User-Agent of every request it serves) and drives the two
 * components through their flows itself:
 * - webhook (self-managed certificates): creates the TLS Secret and injects the CRD's caBundle,
 *   converts a v1alpha1 object; a second start renews the certificate (Secret update);
 * - operator: replica `a` takes the Lease, one CMC per mode acts (killPod, randomScale,
 *   antiPressure with pod metrics, killPod with killMethod evict), status conditions and Events are written, a repeated Event is
 *   aggregated (patched); replica `b` follows, then takes the Lease over when `a` stops.
 * Then every request sent with the operator's or the webhook's User-Agent must be allowed by the
 * RBAC the chart renders for that component's ServiceAccount (found through the Deployment that
 * runs it and the bindings naming that ServiceAccount), and every rule the chart grants must have
 * been used (no grant the code does not need).
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { freePort } from '../../support/free-port.ts';
import { readUntil, waitFor } from '../../support/wait-for.ts';
import type { RecordedRequest } from '../../../sandbox/index.ts';
import type { PolicyRule } from '../../../api/rbac.ts';
import { GROUP, KIND, PLURAL, V1ALPHA1 } from '../../../api/names.ts';
import { startWebhook } from '../../../webhook/src/index.ts';
import { WEBHOOK_USER_AGENT } from '../../../webhook/src/kube.ts';
import type { RunningWebhook } from '../../../webhook/src/index.ts';
import { DEFAULT_CA_VALIDITY_MS } from '../../../webhook/src/certs.ts';
import { OPERATOR_USER_AGENT, connectFromKubeconfigText, credentialsOf } from '../../../operator/src/kube/connect.ts';
import { actionLines, OPERATOR_NAMESPACE, startWorld } from '../operator/support/world.ts';
import type { World } from '../operator/support/world.ts';
import { renderObjects } from '../../unit/chart/support/render.ts';
import type { K8sObject } from '../../unit/chart/support/render.ts';
import { isAllowed } from '../../../api/rbac.ts';

const TARGET = 'rbac-target';
const MODES = { kill: 'killPod', scale: 'randomScale', pressure: 'antiPressure' } as const;

/** The permissions of one ServiceAccount as rendered: cluster-wide rules, and rules per namespace. */
interface Grants { cluster: PolicyRule[]; namespaced: Map<string, PolicyRule[]> }

interface PodTemplate { serviceAccountName?: string; containers?: { command?: string[]; args?: string[] }[] }

/**
 * What the chart grants the ServiceAccount of the pods that run `entrypoint` (e.g.
 * `operator/src/main.js`): the rules of every ClusterRoleBinding and RoleBinding naming it. Follows
 * the chart however it arranges Deployments, ServiceAccounts and roles.
 */
function grantsOf(objects: K8sObject[], entrypoint: string, releaseNamespace = OPERATOR_NAMESPACE): Grants {
  const accounts = new Set(objects.filter((o) => o.kind === 'Deployment').flatMap((d) => {
    const pod = (d.spec as { template?: { spec?: PodTemplate } } | undefined)?.template?.spec ?? {};
    const runs = (pod.containers ?? []).some((c) => [...(c.command ?? []), ...(c.args ?? [])].some((a) => a.includes(entrypoint)));
    return runs ? [pod.serviceAccountName ?? 'default'] : [];
  }));
  if (accounts.size !== 1) throw new Error(`expected one ServiceAccount running ${entrypoint}, found ${[...accounts].join(', ') || 'none'}`);
  const [account] = accounts;
  const rulesOf = (kind: string, name: string, namespace?: string): PolicyRule[] =>
    objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? releaseNamespace) === namespace))
      .flatMap((o) => (o.rules as PolicyRule[] | undefined) ?? []);
  const grants: Grants = { cluster: [], namespaced: new Map() };
  for (const b of objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
    const subjects = (b.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? [];
    if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === account && (s.namespace ?? releaseNamespace) === releaseNamespace)) continue;
    const ref = b.roleRef as { kind: string; name: string };
    if (b.kind === 'ClusterRoleBinding') {
      grants.cluster.push(...rulesOf('ClusterRole', ref.name));
    } else {
      const ns = b.metadata.namespace ?? releaseNamespace;
      const rules = ref.kind === 'ClusterRole' ? rulesOf('ClusterRole', ref.name) : rulesOf('Role', ref.name, ns);
      grants.namespaced.set(ns, [...(grants.namespaced.get(ns) ?? []), ...rules]);
    }
  }
  return grants;
}

/** True when the request is allowed: discovery and /version are open to every user; Role rules hold in their namespace only. */
function allowedBy(r: RecordedRequest, grants: Grants): boolean {
  if (r.resource === '') return true;
  // The start-up permission probe: every authenticated user may create these (system:basic-user).
  if (r.group === 'authorization.k8s.io' && r.resource === 'selfsubjectaccessreviews' && r.verb === 'create') return true;
  const req = { verb: r.verb, group: r.group, resource: r.resource, ...(r.subresource !== undefined ? { subresource: r.subresource } : {}), ...(r.name !== undefined ? { name: r.name } : {}) };
  return isAllowed(req, grants.cluster) || (r.namespace !== undefined && isAllowed(req, grants.namespaced.get(r.namespace) ?? []));
}

const describeRequest = (r: RecordedRequest): string =>
  `${r.verb} ${r.group === '' ? 'core' : r.group}/${r.resource}${r.subresource !== undefined ? `/${r.subresource}` : ''}${r.namespace !== undefined ? ` in ${r.namespace}` : ''}${r.name !== undefined ? ` name=${r.name}` : ''}`;

/** Every (verb, group/resource) a set of grants names, e.g. `patch apps/deployments/scale`. */
const grantedPairs = (g: Grants): string[] => [...g.cluster, ...[...g.namespaced.values()].flat()]
  .flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.flatMap((res) => rule.verbs.map((v) => `${v} ${group}/${res}`))));

const usedPair = (r: RecordedRequest): string => `${r.verb} ${r.group}/${r.resource}${r.subresource !== undefined ? `/${r.subresource}` : ''}`;

let world: World | undefined;
let webhook: RunningWebhook | undefined;
let rendered: K8sObject[] = [];
let requests: RecordedRequest[] = [];

beforeAll(async () => {
  // Rendering first: on a cold machine the first call may build the renderer.
  rendered = renderObjects();
  const port = await freePort();
  world = await startWorld({ serviceMap: { [`chaos-monkey.${OPERATOR_NAMESPACE}.svc:443`]: `https://127.0.0.1:${port}` } });
  const w = world;
  const kube = credentialsOf(connectFromKubeconfigText(w.sandbox.kubeconfig));
  const selfManaged = { namespace: OPERATOR_NAMESPACE, kube, extraIpAddresses: ['127.0.0.1'] };

  // Webhook: Secret created, caBundle injected; a v1alpha1 object converted on its way to storage.
  webhook = await startWebhook({ port, host: '127.0.0.1', selfManaged, logLevel: 'error' });
  await w.createNamespace(TARGET, 'true');
  await w.custom.createNamespacedCustomObject({
    group: GROUP, version: V1ALPHA1, namespace: TARGET, plural: PLURAL,
    body: { apiVersion: `${GROUP}/${V1ALPHA1}`, kind: KIND, metadata: { name: 'legacy', namespace: TARGET }, spec: { deploymentName: 'legacy-web', enabled: false } },
  });

  for (const name of Object.keys(MODES)) await w.createDeployment(TARGET, name, 3);
  (await w.podNames(TARGET, 'pressure')).forEach((pod, i) => w.sandbox.setPodMetrics(TARGET, pod, [{ name: 'c', cpu: `${100 * (i + 1)}m` }]));
  await w.createCmc(TARGET, 'kill', { scalingMode: MODES.kill, deployment: { name: 'kill' }, minReplicas: 0, maxReplicas: 10 });
  await w.createCmc(TARGET, 'scale', { scalingMode: MODES.scale, deployment: { name: 'scale' }, minReplicas: 2, maxReplicas: 5 });
  await w.createCmc(TARGET, 'pressure', { scalingMode: MODES.pressure, deployment: { name: 'pressure' }, minReplicas: 1, maxReplicas: 10 });
  // killMethod evict: the kill goes through pods/eviction (no budget covers these pods: 201).
  await w.createDeployment(TARGET, 'evict', 3);
  await w.createCmc(TARGET, 'evict', { scalingMode: MODES.kill, deployment: { name: 'evict' }, killMethod: 'evict' });

  // Operator: `a` leads (Lease created, then renewed), `b` follows (reads the Lease).
  const a = await w.startOperator({ identity: 'a' });
  const b = await w.startOperator({ identity: 'b', waitForLeader: false });
  for (const cmc of Object.keys(MODES)) await waitFor(`a ${cmc} action`, () => actionLines(a, { cmc }).length >= 1, 20_000);
  await waitFor('a evict action', () => actionLines(a, { cmc: 'evict', result: 'succeeded' }).length >= 1, 20_000);
  await waitFor('Ready written to a CMC status', async () => (await w.getCmc(TARGET, 'kill')).status?.conditions?.some((c) => c.type === 'Ready') === true);
  // The same "Watcher modified" Event twice: the second is aggregated into the first (patch).
  const modified = async (): Promise<number> => (await w.events(TARGET)).filter((e) => e.reason === 'Modified').reduce((n, e) => n + (e.count ?? 1), 0);
  await w.patchCmcSpec(TARGET, 'kill', { maxReplicas: 9 });
  await waitFor('one Modified event', async () => (await modified()) === 1);
  await w.patchCmcSpec(TARGET, 'kill', { maxReplicas: 8 });
  await readUntil('the Modified event counted twice', () => w.events(TARGET), (list) => list.some((e) => e.reason === 'Modified' && e.count === 2));
  // Handover: `a` stops, `b` takes the Lease over and acts.
  await a.operator.stop();
  await waitFor('b to lead', () => b.operator.isLeader, 15_000);
  await waitFor('an action by b', () => actionLines(b).length >= 1, 20_000);
  await b.operator.stop();

  // Webhook restart with a renewal window longer than any validity: the Secret is updated; reads convert through it.
  await webhook.stop();
  webhook = await startWebhook({ port, host: '127.0.0.1', selfManaged: { ...selfManaged, renewBeforeMs: 2 * DEFAULT_CA_VALIDITY_MS }, logLevel: 'error' });
  const legacy = (await w.custom.getNamespacedCustomObject({ group: GROUP, version: V1ALPHA1, namespace: TARGET, plural: PLURAL, name: 'legacy' })) as { spec: { deploymentName?: string } };
  expect(legacy.spec.deploymentName).toBe('legacy-web');
  await webhook.stop();
  webhook = undefined;
  requests = w.sandbox.requests();
}, 240_000);

afterAll(async () => {
  await webhook?.stop();
  await world?.stop();
});

describe.each([
  { component: 'operator', agent: OPERATOR_USER_AGENT, entrypoint: 'operator/src/main.js' },
  { component: 'webhook', agent: WEBHOOK_USER_AGENT, entrypoint: 'webhook/src/main.js' },
])('$component: every request it sent', ({ component, agent, entrypoint }) => {
  const sent = (): RecordedRequest[] => requests.filter((r) => r.userAgent === agent);

  test('is allowed by the RBAC the chart renders for its ServiceAccount', () => {
    expect(sent().length).toBeGreaterThan(component === 'operator' ? 20 : 4);
    const grants = grantsOf(rendered, entrypoint);
    const denied = sent().filter((r) => !allowedBy(r, grants)).map(describeRequest);
    expect([...new Set(denied)]).toEqual([]);
    process.stdout.write(`${component}: ${sent().length} requests, all allowed: ${[...new Set(sent().map(usedPair))].sort().join('; ')}\n`);
  });

  test('used every rule the chart grants it (the flows ran; no spare grant)', () => {
    const used = new Set(sent().map(usedPair));
    const ownUnused = grantedPairs(grantsOf(rendered, entrypoint)).filter((p) => !used.has(p));
    // With a ServiceAccount shared by both components, the other's grants are not this one's spare ones.
    const other = requests.filter((r) => r.userAgent === OPERATOR_USER_AGENT || r.userAgent === WEBHOOK_USER_AGENT).map(usedPair);
    expect(ownUnused.filter((p) => !other.includes(p))).toEqual([]);
  });
});

describe('the checker', () => {
  test('is not vacuous: requests outside the rules are denied, Role rules hold in their namespace only', () => {
    const operator = grantsOf(rendered, 'operator/src/main.js');
    const bogus: RecordedRequest = { verb: 'delete', group: 'apps', version: 'v1', resource: 'deployments', namespace: TARGET, name: 'web', userAgent: 'x', status: 200 };
    expect(allowedBy(bogus, operator)).toBe(false);
    const lease: RecordedRequest = { verb: 'update', group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: TARGET, name: 'l', userAgent: 'x', status: 200 };
    expect(allowedBy(lease, operator)).toBe(false);
    expect(allowedBy({ ...lease, namespace: OPERATOR_NAMESPACE }, operator)).toBe(true);
    expect(() => grantsOf(rendered, 'no/such/main.js')).toThrow(/expected one ServiceAccount/);
  });
});
