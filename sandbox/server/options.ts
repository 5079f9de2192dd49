/**
 * Public types of the sandbox (docs/sandbox.md); re-exported by sandbox/index.ts.
 */
import type { RequestIdent } from './route.ts';
import type { SandboxIdentity } from './authz.ts';

export type { SandboxIdentity } from './authz.ts';

/** Options of startSandbox(). */
export interface SandboxOptions {
  /** Port on 127.0.0.1; default 0 = a random free port. */
  port?: number;
  /** HTTPS with a generated CA (default true); false = plain HTTP (kubeconfig sets insecure-skip-tls-verify). */
  tls?: boolean;
  /** CRD YAML files applied at start. */
  crdFiles?: string[];
  /** CRD webhook service refs: `<name>.<namespace>.svc:<port>` -> base URL `https://127.0.0.1:9443`. */
  serviceMap?: Record<string, string>;
  /** Default true; false skips CRD schema/CEL validation. */
  validation?: boolean;
  /** Default true. */
  deploymentController?: boolean;
  /** Default true: PodDisruptionBudget status is kept by the disruption controller; false leaves it to the caller. */
  disruptionController?: boolean;
  /**
   * Default true: a kubelet stand-in moves every new pod to phase Running (Ready) right after creation.
   * false: pods stay Pending with PodScheduled=False/Unschedulable, like the recorded cluster that had no
   * schedulable node (conformance replay).
   */
  startPods?: boolean;
  /**
   * Opt-in RBAC: bearer token -> RBAC-limited identity (docs/sandbox.md "RBAC"). Requests carrying one of
   * these tokens are authorized like kube-apiserver's RBAC authorizer does (403 Status when denied);
   * every other request (the kubeconfig's own token included) keeps full access.
   */
  identities?: Record<string, SandboxIdentity>;
}

/** One served request, as recorded: what it addressed, who sent it, how it was answered. */
export interface RecordedRequest extends RequestIdent {
  userAgent: string;
  status: number;
  /** The `resourceVersion` query parameter when one was sent (e.g. "0" on a LIST served from the watch cache in kube-apiserver). */
  resourceVersion?: string;
  /** The query string without its `?`, when there was one (e.g. `resourceVersion=0&labelSelector=app%3Dweb`). */
  query?: string;
}

/** A rule for failRequests(). */
export interface FailRule {
  verb?: string;
  resource?: string;
  status: 429 | 500 | 503;
  count: number;
  retryAfterSeconds?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** e.g. https://127.0.0.1:38123 */
  url: string;
  /** kubeconfig YAML (cluster "sandbox", user with a token). */
  kubeconfig: string;
  /** The same kubeconfig with another bearer token (e.g. one of `identities`). */
  kubeconfigWithToken(token: string): string;
  /** Sets (or with undefined removes, i.e. full access) the RBAC identity of a bearer token: an RBAC change. */
  setIdentity(token: string, identity: SandboxIdentity | undefined): void;
  /** CA certificate PEM of the serving cert ('' without TLS). */
  caPem: string;
  writeKubeconfig(path: string): Promise<void>;
  /** Closes all connections (watches included). */
  stop(): Promise<void>;
  /** Stops and starts again on the SAME port with the SAME state. */
  restart(): Promise<void>;
  /** Closes every open watch stream (clients see the stream end). */
  dropWatches(): void;
  /** Every resourceVersion older than the current one becomes too old (410 Expired on watch). */
  compact(): void;
  failRequests(rule: FailRule): void;
  /** Removes every failRequests() rule. */
  clearFaults(): void;
  /** Delay before answering every API request, or only those matching `match` (verb and/or resource). */
  setLatency(ms: number, match?: { verb?: string; resource?: string }): void;
  setValidation(enabled: boolean): void;
  setPodMetrics(namespace: string, pod: string, containers: { name: string; cpu: string; memory?: string }[]): void;
  setPodPhase(namespace: string, pod: string, phase: string): void;
  openWatchCount(): number;
  requests(): RecordedRequest[];
  clearRequests(): void;
}
