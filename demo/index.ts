/**
 * No-cluster mode of `npm start` (issue 4 point 13): the embedded API server (sandbox) with the CRD
 * from crds/, the conversion webhook wired through the sandbox's service map, a `demo` namespace
 * (opted in), a Deployment `web` of 5 replicas and three CMCs (one per mode, timeout 5s), plus
 * PodMetrics for the antiPressure CMC, refreshed as pods come and go. demo/start.ts then runs the
 * operator against it. Development only: the image ships neither this folder nor the sandbox.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../sandbox/index.ts';
import { freePort } from '../sandbox/lib/free-port.ts';
import { startWebhook } from '../webhook/src/index.ts';
import { API_VERSION_V1, KIND, NAMESPACE_LABEL } from '../api/names.ts';
import { createRandom } from '../operator/src/chaos/random.ts';
import { createObjects } from '../operator/src/kube/apply.ts';
import type { Manifest } from '../operator/src/kube/apply.ts';
import { KubeClusterActions } from '../operator/src/kube/cluster-actions.ts';
import { connectFromKubeconfigText, credentialsOf } from '../operator/src/kube/connect.ts';
import type { KubeConnection } from '../operator/src/kube/connect.ts';
import type { Logger } from '../operator/src/ports.ts';
import { systemClock } from '../operator/src/scheduler/clock.ts';

/** The single CRD source (architecture.md). */
export const CRD_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'crds', 'chaosmonkeyconfigurations.yaml');
/** Namespace of the demo workload. */
export const DEMO_NAMESPACE = 'demo';
/** The demo Deployment. */
export const DEMO_DEPLOYMENT = 'web';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  log: Logger;
  /** The operator's namespace (holds the Lease and the webhook's Secret); created by the demo. */
  operatorNamespace: string;
  /** Where to write the kubeconfig; default `<tmpdir>/chaos-monkey-demo/kubeconfig`. */
  kubeconfigPath?: string;
  /** Chaos interval of the three CMCs; default "5s". */
  timeout?: string;
}

/** A running demo environment. */
export interface Demo {
  connection: KubeConnection;
  /** API server URL. */
  url: string;
  kubeconfigPath: string;
  /** Stops the metrics refresher, the webhook and the sandbox. Idempotent. */
  stop(): Promise<void>;
}

/** The demo objects: namespace, Deployment and one CMC per mode. */
export function demoManifests(timeout: string): Manifest[] {
  const labels = { app: DEMO_DEPLOYMENT };
  const cmc = (name: string, scalingMode: string, minReplicas: number, maxReplicas: number): Manifest => ({
    apiVersion: API_VERSION_V1,
    kind: KIND,
    metadata: { name, namespace: DEMO_NAMESPACE },
    spec: { enabled: true, minReplicas, maxReplicas, scalingMode, deployment: { name: DEMO_DEPLOYMENT }, timeout },
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: DEMO_NAMESPACE, labels: { [NAMESPACE_LABEL]: 'true' } } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: DEMO_DEPLOYMENT, namespace: DEMO_NAMESPACE, labels },
      spec: {
        replicas: 5,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    },
    cmc('demo-random-scale', 'randomScale', 3, 7),
    cmc('demo-kill-pod', 'killPod', 0, 0),
    cmc('demo-anti-pressure', 'antiPressure', 2, 10),
  ];
}

/**
 * Starts the sandbox, the webhook and the demo objects. Throws when a port cannot be bound or an
 * object cannot be created (everything started so far is stopped first).
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const { log } = options;
  const webhookPort = await freePort();
  const sandbox = await startSandbox({
    crdFiles: [CRD_FILE],
    serviceMap: { [`chaos-monkey.${options.operatorNamespace}.svc:443`]: `https://127.0.0.1:${webhookPort}` },
  });
  let webhook: { stop(): Promise<void> } | undefined;
  let cancelRefresh: (() => void) | undefined;
  const stop = async (): Promise<void> => {
    cancelRefresh?.();
    cancelRefresh = undefined;
    await webhook?.stop();
    await sandbox.stop();
  };
  try {
    const kubeconfigPath = options.kubeconfigPath ?? join(tmpdir(), 'chaos-monkey-demo', 'kubeconfig');
    await mkdir(dirname(kubeconfigPath), { recursive: true });
    await sandbox.writeKubeconfig(kubeconfigPath);
    const connection = connectFromKubeconfigText(sandbox.kubeconfig, { userAgent: 'chaos-monkey-demo' });
    await createObjects(connection, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.operatorNamespace } }]);
    webhook = await startWebhook({
      port: webhookPort,
      host: '127.0.0.1',
      selfManaged: { namespace: options.operatorNamespace, kube: credentialsOf(connection), extraDnsNames: ['localhost'], extraIpAddresses: ['127.0.0.1'] },
      logLevel: 'warn',
    });
    await createObjects(connection, demoManifests(options.timeout ?? '5s'));

    // PodMetrics for antiPressure: give every pod of the demo Deployment a CPU figure, new pods included.
    const actions = new KubeClusterActions({ connection, cpuToNanoCores: () => undefined });
    const random = createRandom('demo');
    const measured = new Set<string>();
    const refresh = async (): Promise<void> => {
      try {
        const pods = await actions.listPods(DEMO_NAMESPACE, { matchLabels: { app: DEMO_DEPLOYMENT } });
        for (const pod of pods) {
          if (measured.has(pod.name)) continue;
          measured.add(pod.name);
          sandbox.setPodMetrics(DEMO_NAMESPACE, pod.name, [{ name: 'web', cpu: `${random.int(5, 950)}m`, memory: `${random.int(20, 200)}Mi` }]);
        }
      } catch (error) {
        log.debug('demo pod metrics refresh failed', { error: error instanceof Error ? error.message : String(error) });
      }
    };
    const loop = (): void => {
      cancelRefresh = systemClock.setTimer(1_000, () => {
        void refresh().finally(() => {
          if (cancelRefresh !== undefined) loop();
        });
      });
    };
    await refresh();
    loop();
    let stopping: Promise<void> | undefined;
    return {
      connection,
      url: sandbox.url,
      kubeconfigPath,
      stop: () => (stopping ??= stop()),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
