/**
 * {@link ClusterActions} over client-node (architecture.md "chaos": execute). Reads come from the
 * Deployment and Pod informer caches when they exist ({@link CachedReads}, kube/informers.ts: no
 * request at all); without them (RBAC lacks list/watch, the seed's ClusterRole) one request each:
 * GET deployment, LIST pods by selector with `resourceVersion=0` (served from the API server's
 * watch cache, not a quorum read from etcd). Writes: DELETE pod, POST pods/<name>/eviction, PATCH
 * deployments/<name>/scale (merge patch). antiPressure: LIST metrics.k8s.io PodMetrics, also with
 * `resourceVersion=0` (metrics-server ignores it; it always answers from its in-memory store).
 * Every failure becomes a typed error (api-errors.ts).
 *
 * The mutating calls (DELETE pod, pod eviction, PATCH scale) carry an AbortSignal: the caller's (aborted when
 * the leadership term ends) combined with a 10 s deadline (request-options.ts). A pod DELETE carries
 * `preconditions.uid` when the caller knows the pod's UID; so does an eviction's deleteOptions.
 * The writes go over raw-request.ts (no deserializing of the answers: a pod DELETE returns the
 * whole pod); errors are the same ApiExceptions, mapped by api-errors.ts.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { MetricsUnavailableError } from '../errors.ts';
import type { ClusterActions, DeploymentInfo, EvictResult, LabelSelector, MutationOptions, PodCpu, PodInfo, ScaleResult } from '../ports.ts';
import { disruptionBudgetRefusalOf, statusCodeOf, toChaosError } from './api-errors.ts';
import { rawKube } from './connect.ts';
import type { KubeConnection } from './connect.ts';
import type { CachedReads } from './informers.ts';
import type { RawKube } from './raw-request.ts';
import { mutationAbort } from './request-options.ts';
import { deploymentInfoOf, podInfoOf } from './workloads.ts';

const MERGE_PATCH = 'application/merge-patch+json';

/** Construction options of {@link KubeClusterActions}. */
export interface KubeClusterActionsOptions {
  connection: KubeConnection;
  /**
   * Parses a Kubernetes CPU quantity ("250m", "12345678n", "1") into nanocores, undefined when
   * unparsable (injected from chaos/quantity.ts so the parsing rule lives in one place).
   */
  cpuToNanoCores: (quantity: string) => number | undefined;
  /** The Deployment and Pod caches; absent (or a cache not started) = read from the API server. */
  cache?: CachedReads;
}

/**
 * Renders a metav1.LabelSelector as the `labelSelector` query string (matchLabels as `k=v`,
 * In/NotIn as `k in (a,b)`, Exists as `k`, DoesNotExist as `!k`), sorted for stable output.
 * An empty selector renders as "" (callers must not treat that as "every pod").
 */
export function selectorToQuery(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.join(',');
}

/** API path of a pod. */
function podPath(namespace: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
}

interface RawPodMetrics {
  metadata?: { name?: string };
  containers?: { name?: string; usage?: { cpu?: unknown } }[];
}

/** The kube/ implementation of {@link ClusterActions}. Stateless apart from its API clients. */
export class KubeClusterActions implements ClusterActions {
  readonly #core: CoreV1Api;
  readonly #apps: AppsV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #raw: RawKube;
  readonly #cpu: (quantity: string) => number | undefined;
  readonly #cache: CachedReads | undefined;
  /**
   * How randomScale writes: PATCH (merge patch) of deployments/<name>/scale, or PUT of a Scale when
   * the identity may only `update` that subresource (the seed's ClusterRole). Set from the
   * start-up permission plan.
   */
  scaleVerb: 'patch' | 'update' = 'patch';

  constructor(options: KubeClusterActionsOptions) {
    const kc = options.connection.kubeConfig;
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#apps = kc.makeApiClient(AppsV1Api);
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#raw = rawKube(options.connection);
    this.#cpu = options.cpuToNanoCores;
    this.#cache = options.cache;
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentInfo | undefined> {
    if (this.#cache?.hasDeployments() === true) return this.#cache.getDeployment(namespace, name);
    try {
      return deploymentInfoOf(await this.#apps.readNamespacedDeployment({ namespace, name }), namespace, name);
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw toChaosError(error, `get deployment ${namespace}/${name}`);
    }
  }

  async listPods(namespace: string, selector: LabelSelector): Promise<PodInfo[]> {
    const labelSelector = selectorToQuery(selector);
    if (labelSelector === '') return []; // never "every pod of the namespace" (seed bug, seed-spec.md 5.2)
    if (this.#cache?.hasPods() === true) return this.#cache.listPods(namespace, selector);
    try {
      const list = await this.#core.listNamespacedPod({ namespace, labelSelector, resourceVersion: '0' });
      return list.items.map((p) => podInfoOf(p, namespace));
    } catch (error) {
      throw toChaosError(error, `list pods ${namespace} (${labelSelector})`);
    }
  }

  async deletePod(namespace: string, name: string, gracePeriodSeconds: number, options: MutationOptions & { uid?: string } = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    try {
      await this.#raw.request({
        method: 'DELETE',
        path: podPath(namespace, name),
        query: { gracePeriodSeconds },
        ...(options.uid !== undefined ? { body: { preconditions: { uid: options.uid } } } : {}),
        ...mutationAbort(options),
      });
      return true;
    } catch (error) {
      const code = statusCodeOf(error);
      // 409 with a UID precondition: the name now belongs to a re-created pod, ours is gone.
      if (code === 404 || (code === 409 && options.uid !== undefined)) return false;
      throw toChaosError(error, `delete pod ${namespace}/${name}`);
    }
  }

  async evictPod(namespace: string, name: string, uid: string, gracePeriodSeconds: number, options: MutationOptions = {}): Promise<EvictResult> {
    options.signal?.throwIfAborted();
    try {
      await this.#raw.request({
        method: 'POST',
        path: `${podPath(namespace, name)}/eviction`,
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name, namespace },
          deleteOptions: { gracePeriodSeconds, ...(uid !== '' ? { preconditions: { uid } } : {}) },
        },
        ...mutationAbort(options),
      });
      return 'evicted';
    } catch (error) {
      const code = statusCodeOf(error);
      if (code === 404 || (code === 409 && uid !== '')) return 'gone';
      const refusal = disruptionBudgetRefusalOf(error);
      if (refusal !== undefined) return refusal.pdb !== undefined ? { blocked: refusal.message, pdb: refusal.pdb } : { blocked: refusal.message };
      throw toChaosError(error, `evict pod ${namespace}/${name}`);
    }
  }

  async scaleDeployment(namespace: string, name: string, replicas: number, options: MutationOptions = {}): Promise<ScaleResult> {
    options.signal?.throwIfAborted();
    try {
      const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}/scale`;
      const abort = mutationAbort(options);
      const answer =
        this.scaleVerb === 'update'
          ? await this.#raw.request({ method: 'PUT', path, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas } }, ...abort, read: true })
          : await this.#raw.request({ method: 'PATCH', path, body: { spec: { replicas } }, contentType: MERGE_PATCH, ...abort, read: true });
      const scale = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as { spec?: { replicas?: unknown }; metadata?: { uid?: unknown } };
      // The Scale's metadata.uid is the Deployment's (kube-apiserver's scaleFromDeployment copies it).
      return {
        replicas: typeof scale.spec?.replicas === 'number' ? scale.spec.replicas : replicas,
        uid: typeof scale.metadata?.uid === 'string' ? scale.metadata.uid : undefined,
      };
    } catch (error) {
      throw toChaosError(error, `scale deployment ${namespace}/${name} to ${replicas}`);
    }
  }

  async podCpu(namespace: string, selector: LabelSelector): Promise<PodCpu[]> {
    const labelSelector = selectorToQuery(selector);
    if (labelSelector === '') return [];
    let list: { items?: RawPodMetrics[] };
    try {
      list = (await this.#custom.listNamespacedCustomObject({
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        namespace,
        plural: 'pods',
        labelSelector,
        resourceVersion: '0',
      })) as { items?: RawPodMetrics[] };
    } catch (error) {
      const code = statusCodeOf(error);
      if (code === 404 || code === 503) {
        throw new MetricsUnavailableError(`metrics.k8s.io is not available (HTTP ${code}) for pods of ${namespace}`, { cause: error });
      }
      throw toChaosError(error, `list pod metrics ${namespace} (${labelSelector})`);
    }
    const out: PodCpu[] = [];
    for (const item of list.items ?? []) {
      const name = item.metadata?.name;
      if (name === undefined) continue;
      let total = 0;
      let ok = true;
      for (const c of item.containers ?? []) {
        const raw = c.usage?.cpu;
        const n = typeof raw === 'string' ? this.#cpu(raw) : typeof raw === 'number' ? raw * 1e9 : undefined;
        if (n === undefined) {
          ok = false;
          break;
        }
        total += n;
      }
      if (ok) out.push({ name, cpuNanoCores: total });
    }
    return out;
  }
}
