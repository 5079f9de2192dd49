/**
 * Integration harness: a sandbox (real HTTPS API server, the shipped CRD) plus client-node clients
 * for the test's own reads and writes, and a factory for operator replicas running in-process
 * against it. Helpers wait on predicates with a deadline, never on fixed sleeps.
 */
import * as k8s from '@kubernetes/client-node';
import { startSandbox } from '../../../../sandbox/index.ts';
import type { Sandbox, SandboxOptions } from '../../../../sandbox/index.ts';
import { API_VERSION_V1, GROUP, KIND, NAMESPACE_LABEL, PLURAL, V1 } from '../../../../api/names.ts';
import type { ChaosMonkeyConfigurationV1, CmcSpecV1 } from '../../../../api/v1.ts';
import { parseEnv } from '../../../../operator/src/config/env.ts';
import type { OperatorConfig } from '../../../../operator/src/config/env.ts';
import { closeConnection, connectFromKubeconfigText } from '../../../../operator/src/kube/connect.ts';
import { createLogger, createMemorySink } from '../../../../operator/src/log/logger.ts';
import { createOperator } from '../../../../operator/src/operator.ts';
import type { Operator, OperatorOptions } from '../../../../operator/src/operator.ts';
import { createRandom } from '../../../../operator/src/chaos/random.ts';
import { CRD_FILE } from '../../../../demo/index.ts';

/** The operator's namespace in every test world. */
export const OPERATOR_NAMESPACE = 'chaosmonkey';

import { waitFor } from '../../../support/wait-for.ts';

export { waitFor, holdsFor } from '../../../support/wait-for.ts';

/** A running replica plus its log lines. */
export interface Replica {
  operator: Operator;
  logs: Record<string, unknown>[];
  identity: string;
}

/** Options of {@link World.startOperator}. */
export interface ReplicaOptions {
  env?: Record<string, string>;
  identity?: string;
  overrides?: Partial<OperatorOptions>;
  /** Wait for this replica to become leader (default true when leader election is on). */
  waitForLeader?: boolean;
}

/** One sandbox plus clients. */
export interface World {
  sandbox: Sandbox;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  replicas: Replica[];
  /** Builds and starts an operator replica against the sandbox (stopped by {@link World.stop}). */
  startOperator(options?: ReplicaOptions): Promise<Replica>;
  /** Namespace, optionally labelled with the opt-in label value. */
  createNamespace(name: string, label?: string): Promise<void>;
  setNamespaceLabel(name: string, value: string | null): Promise<void>;
  createDeployment(namespace: string, name: string, replicas: number): Promise<void>;
  createCmc(namespace: string, name: string, spec: Partial<Record<keyof CmcSpecV1, unknown>>): Promise<ChaosMonkeyConfigurationV1>;
  patchCmcSpec(namespace: string, name: string, spec: Partial<Record<keyof CmcSpecV1, unknown>>): Promise<void>;
  getCmc(namespace: string, name: string): Promise<ChaosMonkeyConfigurationV1>;
  deleteCmc(namespace: string, name: string): Promise<void>;
  podNames(namespace: string, app: string): Promise<string[]>;
  replicasOf(namespace: string, deployment: string): Promise<number>;
  events(namespace: string): Promise<k8s.CoreV1Event[]>;
  stop(): Promise<void>;
}

/** Default spec of test CMCs: fast (1s is the CRD minimum). */
export const FAST_SPEC: CmcSpecV1 = { enabled: true, minReplicas: 1, maxReplicas: 4, scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '1s' };

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Test configuration: the operator's namespace, quiet logs, a 3 s lease (renew deadline 2 s, retry 400 ms, derived as in production). */
export function testConfig(env: Record<string, string> = {}): OperatorConfig {
  const { config, warnings } = parseEnv({ CHAOSMONKEY_NAMESPACE: OPERATOR_NAMESPACE, CHAOSMONKEY_LOGLEVEL: 'info', CHAOSMONKEY_METRICS_PORT: '0', CHAOSMONKEY_LEASE_DURATION: '3s', ...env });
  if (warnings.length > 0) throw new Error(`bad test env: ${warnings.join('; ')}`);
  return config;
}

/** Starts a sandbox with the shipped CRD and the operator's namespace. */
export async function startWorld(options: SandboxOptions = {}): Promise<World> {
  const sandbox = await startSandbox({ crdFiles: [CRD_FILE], ...options });
  // The operator's pooled KubeConfig (plain client-node 2.0.1 opens a connection per request).
  const connection = connectFromKubeconfigText(sandbox.kubeconfig, { userAgent: 'chaos-monkey-tests' });
  const kc = connection.kubeConfig;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const replicas: Replica[] = [];
  const connections = [connection];
  let seq = 0;

  const world: World = {
    sandbox,
    kc,
    core,
    apps,
    custom,
    replicas,
    async startOperator(o: ReplicaOptions = {}) {
      const sink = createMemorySink();
      const identity = o.identity ?? `replica-${++seq}`;
      const config = testConfig({ CHAOSMONKEY_POD_NAME: identity, ...o.env });
      const log = createLogger({ level: config.logLevel, stream: sink.stream, defaultMeta: { identity } });
      const replicaConnection = connectFromKubeconfigText(sandbox.kubeconfig);
      connections.push(replicaConnection);
      const operator = createOperator({
        connection: replicaConnection,
        config,
        log,
        random: createRandom(`test-${identity}`),
        httpPort: 0,
        httpHost: '127.0.0.1',
        ...o.overrides,
      });
      const replica = { operator, logs: sink.lines, identity };
      replicas.push(replica);
      await operator.start();
      if (o.waitForLeader ?? config.leaderElect) await waitFor(`${identity} to lead`, () => operator.isLeader, 10_000);
      return replica;
    },
    async createNamespace(name, label) {
      await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(label !== undefined ? { labels: { [NAMESPACE_LABEL]: label } } : {}) } } });
    },
    async setNamespaceLabel(name, value) {
      await core.patchNamespace({ name, body: { metadata: { labels: { [NAMESPACE_LABEL]: value } } } }, merge);
    },
    async createDeployment(namespace, name, count) {
      const labels = { app: name };
      await apps.createNamespacedDeployment({
        namespace,
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace, labels },
          spec: { replicas: count, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
        },
      });
      await waitFor(`${count} pods of ${namespace}/${name}`, async () => (await world.podNames(namespace, name)).length === count);
    },
    async createCmc(namespace, name, spec) {
      const body = { apiVersion: API_VERSION_V1, kind: KIND, metadata: { name, namespace }, spec: { ...FAST_SPEC, ...spec } };
      return (await custom.createNamespacedCustomObject({ group: GROUP, version: V1, namespace, plural: PLURAL, body })) as ChaosMonkeyConfigurationV1;
    },
    async patchCmcSpec(namespace, name, spec) {
      await custom.patchNamespacedCustomObject({ group: GROUP, version: V1, namespace, plural: PLURAL, name, body: { spec } }, merge);
    },
    async getCmc(namespace, name) {
      return (await custom.getNamespacedCustomObject({ group: GROUP, version: V1, namespace, plural: PLURAL, name })) as ChaosMonkeyConfigurationV1;
    },
    async deleteCmc(namespace, name) {
      await custom.deleteNamespacedCustomObject({ group: GROUP, version: V1, namespace, plural: PLURAL, name });
    },
    async podNames(namespace, app) {
      const list = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
      return list.items.filter((p) => p.metadata?.deletionTimestamp == null).map((p) => p.metadata?.name ?? '').sort();
    },
    async replicasOf(namespace, deployment) {
      const d = await apps.readNamespacedDeployment({ namespace, name: deployment });
      return d.spec?.replicas ?? 1;
    },
    async events(namespace) {
      return (await core.listNamespacedEvent({ namespace })).items;
    },
    async stop() {
      await Promise.all(replicas.map((r) => r.operator.stop()));
      await Promise.all(connections.map((c) => closeConnection(c)));
      await sandbox.stop();
    },
  };
  await world.createNamespace(OPERATOR_NAMESPACE);
  return world;
}

/** GET http://127.0.0.1:<replica's port><path>: status and body text. */
export async function httpGet(replica: Replica, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${replica.operator.httpPort}${path}`);
  return { status: res.status, body: await res.text() };
}

/** Log lines of chaos decisions that acted (message "chaos action"). */
export function actionLines(replica: Replica, filter: Record<string, unknown> = {}): Record<string, unknown>[] {
  return replica.logs.filter((l) => l.message === 'chaos action' && Object.entries(filter).every(([k, v]) => l[k] === v));
}
