/**
 * Where the operator finds its cluster (architecture.md "kube"): in-cluster service account,
 * KUBECONFIG, ~/.kube/config, or none (the operator then exits; `npm start`'s launcher runs its demo).
 * The rest of the operator holds a {@link KubeConnection} and never sees client-node's KubeConfig.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, ServerConfiguration, createConfiguration, setHeaderMiddleware } from '@kubernetes/client-node';
import type { ApiConstructor, ApiType, RequestContext } from '@kubernetes/client-node';
import { closeRawKube, rawKubeOf } from './raw-request.ts';
import type { RawKube } from './raw-request.ts';

/** Service-account directory mounted in every pod. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Where credentials come from. `none`: no cluster is configured. `in-cluster-unusable`: in a pod
 * (`KUBERNETES_SERVICE_HOST` set) whose service-account file `missing` is absent or unreadable.
 */
export type ClusterSource =
  | { kind: 'in-cluster' }
  | { kind: 'in-cluster-unusable'; missing: string }
  | { kind: 'kubeconfig'; path: string }
  | { kind: 'none' };

/** Inputs of {@link detectClusterSource}; injectable so the rule is tested without a file system. */
export interface DetectInputs {
  env: Readonly<Record<string, string | undefined>>;
  /** True when the file exists and this process may read it. */
  readable: (path: string) => boolean;
  homeDir: string;
}

/** The service-account files in-cluster credentials need, in the order they are checked. */
export const SERVICE_ACCOUNT_FILES: readonly string[] = [join(SERVICE_ACCOUNT_DIR, 'token'), join(SERVICE_ACCOUNT_DIR, 'ca.crt')];

/**
 * Pure rule, in kubectl/client-go order: in-cluster when `KUBERNETES_SERVICE_HOST` is set and the
 * service-account token and CA are readable; else `KUBECONFIG` when set and non-empty (first path
 * of a `:`-separated list that is readable, else the first one); else, in a pod, `in-cluster-unusable`
 * naming the first unreadable file (a pod never falls through to `~/.kube/config` or `none`);
 * else `~/.kube/config` when readable; else none.
 */
export function detectClusterSource(inputs: DetectInputs): ClusterSource {
  const { env, readable, homeDir } = inputs;
  const inPod = (env.KUBERNETES_SERVICE_HOST ?? '') !== '';
  const missing = SERVICE_ACCOUNT_FILES.find((file) => !readable(file));
  if (inPod && missing === undefined) return { kind: 'in-cluster' };
  const fromEnv = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  if (fromEnv.length > 0) {
    return { kind: 'kubeconfig', path: fromEnv.find((p) => readable(p)) ?? (fromEnv[0] as string) };
  }
  if (inPod) return { kind: 'in-cluster-unusable', missing: missing as string };
  const home = join(homeDir, '.kube', 'config');
  if (readable(home)) return { kind: 'kubeconfig', path: home };
  return { kind: 'none' };
}

/** Thrown by {@link connectTo} when the configured credentials cannot be used; its message says why. */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

/** User-Agent of every request the operator sends. */
export const OPERATOR_USER_AGENT = 'chaos-monkey-operator';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * KubeConfig whose requests share one connection pool. client-node 2.0.1 builds a new undici
 * Agent for every request (a TLS handshake per request, and idle keep-alive sockets piling up:
 * measured 70 reconciles/s and +250 MiB RSS for 1,000 CMCs). The first Agent built is kept and
 * reused; later ones are closed unused. Bearer tokens are still applied per request (headers), so
 * rotating service-account tokens keep working; a rotated client certificate needs a restart.
 */
class PooledKubeConfig extends KubeConfig {
  #dispatcher: Dispatcher | undefined;
  readonly #userAgent: string;

  constructor(userAgent: string = OPERATOR_USER_AGENT) {
    super();
    this.#userAgent = userAgent;
  }

  /** User-Agent of this configuration's requests. */
  get userAgent(): string {
    return this.#userAgent;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    // Watches get their User-Agent here; generated API clients get it from makeApiClient's middleware.
    context.setHeaderParam('User-Agent', this.#userAgent);
    const created = context.getDispatcher();
    if (created === undefined) return;
    if (this.#dispatcher === undefined) {
      this.#dispatcher = created;
      return;
    }
    if (created !== this.#dispatcher) {
      context.setDispatcher(this.#dispatcher);
      void created.close().catch(() => undefined);
    }
  }

  /**
   * As client-node's, but every request names the operator (audit logs; the RBAC test tells the
   * operator's requests from the tests' own by it): client-node's own middleware would set
   * `kubernetes-client-javascript/<version>` after authentication.
   */
  override makeApiClient<T extends ApiType>(apiClientType: ApiConstructor<T>): T {
    const cluster = this.getCurrentCluster();
    if (cluster === null) throw new Error('No active cluster!');
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: this },
      middleware: [setHeaderMiddleware('User-Agent', this.#userAgent)],
    });
    return new apiClientType(configuration);
  }

  /** Closes the shared pool (its keep-alive sockets). Later requests open a new one. */
  async closePool(): Promise<void> {
    const d = this.#dispatcher;
    this.#dispatcher = undefined;
    await d?.close().catch(() => undefined);
  }
}

/** Closes the connection pool of a connection made here (idempotent); in-flight requests finish first. */
export async function closeConnection(connection: KubeConnection): Promise<void> {
  closeRawKube(connection.kubeConfig);
  if (connection.kubeConfig instanceof PooledKubeConfig) await connection.kubeConfig.closePool();
}

/** The fast-path client of a connection (raw-request.ts): one keep-alive socket pool per connection. */
export function rawKube(connection: KubeConnection): RawKube {
  const kc = connection.kubeConfig;
  return rawKubeOf(kc, kc instanceof PooledKubeConfig ? kc.userAgent : OPERATOR_USER_AGENT);
}

/** An authenticated handle on one API server. Opaque outside kube/. */
export interface KubeConnection {
  /** client-node configuration (only kube/ modules read it). */
  readonly kubeConfig: KubeConfig;
  /** API server URL, for logs. */
  readonly server: string;
  /** Namespace of the current context (in-cluster: the pod's namespace), `default` when unset. */
  readonly contextNamespace: string;
}

function fromKubeConfig(kc: KubeConfig, namespace?: string): KubeConnection {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return { kubeConfig: kc, server: cluster.server, contextNamespace: namespace ?? ctx?.namespace ?? 'default' };
}

/**
 * Connection from kubeconfig YAML text (tests, the demo). Throws when the text has no current cluster.
 * `userAgent` defaults to {@link OPERATOR_USER_AGENT}; test harnesses and the demo's set-up name themselves.
 */
export function connectFromKubeconfigText(text: string, options: { userAgent?: string } = {}): KubeConnection {
  const kc = new PooledKubeConfig(options.userAgent);
  kc.loadFromString(text);
  return fromKubeConfig(kc);
}

/**
 * Connection for a detected source (not `none`). In-cluster reads the pod's namespace from the
 * service account. Throws {@link ClusterConfigError} for `in-cluster-unusable`, and when the file
 * cannot be read or parsed.
 */
export function connectTo(source: Exclude<ClusterSource, { kind: 'none' }>): KubeConnection {
  if (source.kind === 'in-cluster-unusable') {
    throw new ClusterConfigError(
      `running in a pod (KUBERNETES_SERVICE_HOST is set) but ${source.missing} is missing or unreadable: mount the service account token (automountServiceAccountToken: true) or set KUBECONFIG`,
    );
  }
  const kc = new PooledKubeConfig();
  if (source.kind === 'in-cluster') {
    kc.loadFromCluster();
    const nsFile = join(SERVICE_ACCOUNT_DIR, 'namespace');
    const ns = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined;
    return fromKubeConfig(kc, ns);
  }
  kc.loadFromFile(source.path);
  return fromKubeConfig(kc);
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** {@link detectClusterSource} on the real process environment and file system. */
export function detectFromProcess(): ClusterSource {
  return detectClusterSource({ env: process.env, readable: isReadable, homeDir: homedir() });
}

/** Server URL, CA PEM and bearer token of a connection (for clients that do not use client-node). */
export function credentialsOf(connection: KubeConnection): { server: string; caPem?: string; token?: string } {
  const kc = connection.kubeConfig;
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const caPem = cluster?.caData !== undefined ? Buffer.from(cluster.caData, 'base64').toString('utf8') : undefined;
  return {
    server: connection.server,
    ...(caPem !== undefined ? { caPem } : {}),
    ...(user?.token !== undefined ? { token: user.token } : {}),
  };
}
