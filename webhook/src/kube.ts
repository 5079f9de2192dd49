/**
 * The webhook's door to the API server, on client-node (as the operator's kube/ folder): the typed
 * APIs for its few calls (Secret get/create/replace in its namespace, the CRD get/merge-patch; see
 * rbac.ts). Where in-cluster credentials live is client-node's business (`KubeConfig.loadFromCluster`):
 * no path is written here.
 */
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  ServerConfiguration,
  createConfiguration,
  setHeaderMiddleware,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { V1Secret } from '@kubernetes/client-node';

/** client-node's Secret, for modules that may not import client-node themselves. */
export type Secret = V1Secret;

/** User-Agent of every request the webhook sends (audit logs; the RBAC test keys on it). */
export const WEBHOOK_USER_AGENT = 'chaos-monkey-webhook';

/** An API server given explicitly (the operator's demo, tests): URL, CA PEM, bearer token. */
export interface KubeConnection {
  server: string;
  caPem?: string;
  token?: string;
}

/** The typed APIs the webhook uses. */
export interface WebhookKube {
  core: CoreV1Api;
  crds: ApiextensionsV1Api;
}

/** Per-call options that send a PATCH as a JSON merge patch (client-node defaults to JSON patch). */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * The in-cluster configuration (service-account token, CA and namespace, as client-node finds them);
 * outside a cluster, the kubeconfig named by `KUBECONFIG`.
 * @throws Error when neither `KUBERNETES_SERVICE_HOST` nor `KUBECONFIG` is set.
 */
export function inClusterConfig(env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  if ((env.KUBERNETES_SERVICE_HOST ?? '') !== '') {
    kc.loadFromCluster();
    return kc;
  }
  // Outside a cluster (local development against a real API server): the kubeconfig KUBECONFIG names.
  if ((env.KUBECONFIG ?? '') !== '') {
    kc.loadFromDefault();
    return kc;
  }
  throw new Error('not in a cluster: KUBERNETES_SERVICE_HOST is not set (outside a cluster, set KUBECONFIG)');
}

/** The namespace the pod runs in (client-node reads the service account's), or undefined outside a cluster. */
export function inClusterNamespace(): string | undefined {
  const kc = new KubeConfig();
  kc.loadFromCluster();
  return kc.getContextObject(kc.getCurrentContext())?.namespace?.trim() || undefined;
}

function configFor(conn: KubeConnection): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'cluster', server: conn.server, skipTLSVerify: false, ...(conn.caPem !== undefined ? { caData: Buffer.from(conn.caPem, 'utf8').toString('base64') } : {}) }],
    users: [{ name: 'user', ...(conn.token !== undefined ? { token: conn.token } : {}) }],
    contexts: [{ name: 'context', cluster: 'cluster', user: 'user' }],
    currentContext: 'context',
  });
  return kc;
}

/**
 * The webhook's APIs on `conn`, or on the in-cluster credentials when `conn` is undefined.
 * `userAgent` defaults to {@link WEBHOOK_USER_AGENT}; test harnesses name themselves.
 * @throws Error when `conn` is undefined and the process is not in a cluster.
 */
export function connectWebhookKube(conn?: KubeConnection, options: { userAgent?: string } = {}): WebhookKube {
  const kc = conn === undefined ? inClusterConfig() : configFor(conn);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('no current cluster');
  // client-node's makeApiClient would name every request `kubernetes-client-javascript/<version>`.
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    middleware: [setHeaderMiddleware('User-Agent', options.userAgent ?? WEBHOOK_USER_AGENT)],
  });
  return { core: new CoreV1Api(configuration), crds: new ApiextensionsV1Api(configuration) };
}

/** HTTP status of a failed API call, undefined for other failures (network, timeout). */
export function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** One line for logs: `HTTP <code>: <Status message>` for API errors, else the error's message. */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiException)) return err instanceof Error ? err.message : String(err);
  let body: unknown = err.body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return `HTTP ${err.code}: ${text.slice(0, 200)}`;
    }
  }
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? `HTTP ${err.code}: ${message}` : `HTTP ${err.code}`;
}
