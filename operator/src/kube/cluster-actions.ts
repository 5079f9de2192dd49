/**
 * {@link ClusterActions} over client-node (architecture.md "chaos": execute). One request per method:
 * GET deployment, LIST pods by selector, DELETE pod, POST pods/<name>/eviction, PATCH deployments/<name>/scale (merge patch),
 * LIST metrics.k8s.io PodMetrics. Every failure becomes a typed error (api-errors.ts).
 *
 * The mutating calls (DELETE pod, pod eviction, PATCH scale) carry an AbortSignal: the caller's (aborted when
 * the leadership term ends) combined with a 10 s deadline (request-options.ts). A pod DELETE carries
 * `preconditions.uid` when the caller knows the pod's UID; so does an eviction's deleteOptions.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import { MetricsUnavailableError } from '../errors.ts';
import type { ClusterActions, DeploymentInfo, EvictResult, LabelSelector, MutationOptions, PodCpu, PodInfo, ScaleResult } from '../ports.ts';
import { disruptionBudgetRefusalOf, statusCodeOf, toChaosError } from './api-errors.ts';
import type { KubeConnection } from './connect.ts';
import { mutationRequestOptions } from './request-options.ts';

/** Construction options of {@link KubeClusterActions}. */
export interface KubeClusterActionsOptions {
  connection: KubeConnection;
  /**
   * Parses a Kubernetes CPU quantity ("250m", "12345678n", "1") into nanocores, undefined when
   * unparsable (injected from chaos/quantity.ts so the parsing rule lives in one place).
   */
  cpuToNanoCores: (quantity: string) => number | undefined;
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

function toSelector(sel: V1LabelSelector | undefined): LabelSelector {
  const out: LabelSelector = {};
  if (sel?.matchLabels !== undefined) out.matchLabels = { ...sel.matchLabels };
  if (sel?.matchExpressions !== undefined) {
    out.matchExpressions = sel.matchExpressions.map((e) => ({
      key: e.key,
      operator: e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
      ...(e.values !== undefined ? { values: [...e.values] } : {}),
    }));
  }
  return out;
}

function toPodInfo(pod: V1Pod, namespace: string): PodInfo {
  const meta = pod.metadata ?? {};
  // client-node deserializes metav1.Time to a Date.
  const created = meta.creationTimestamp instanceof Date ? meta.creationTimestamp.getTime() : meta.creationTimestamp !== undefined ? Date.parse(String(meta.creationTimestamp)) : undefined;
  return {
    namespace: meta.namespace ?? namespace,
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    labels: { ...(meta.labels ?? {}) },
    ...(created !== undefined && Number.isFinite(created) ? { creationTimestamp: created } : {}),
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  };
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
  readonly #cpu: (quantity: string) => number | undefined;
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
    this.#cpu = options.cpuToNanoCores;
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentInfo | undefined> {
    try {
      const d = await this.#apps.readNamespacedDeployment({ namespace, name });
      return {
        namespace,
        name,
        uid: d.metadata?.uid ?? '',
        replicas: d.spec?.replicas ?? 1,
        selector: toSelector(d.spec?.selector),
        ...(typeof d.metadata?.generation === 'number' ? { generation: d.metadata.generation } : {}),
        ...(typeof d.status?.observedGeneration === 'number' ? { observedGeneration: d.status.observedGeneration } : {}),
        readyReplicas: d.status?.readyReplicas ?? 0,
        updatedReplicas: d.status?.updatedReplicas ?? 0,
        availableReplicas: d.status?.availableReplicas ?? 0,
      };
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw toChaosError(error, `get deployment ${namespace}/${name}`);
    }
  }

  async listPods(namespace: string, selector: LabelSelector): Promise<PodInfo[]> {
    const labelSelector = selectorToQuery(selector);
    if (labelSelector === '') return []; // never "every pod of the namespace" (seed bug, seed-spec.md 5.2)
    try {
      const list = await this.#core.listNamespacedPod({ namespace, labelSelector });
      return list.items.map((p) => toPodInfo(p, namespace));
    } catch (error) {
      throw toChaosError(error, `list pods ${namespace} (${labelSelector})`);
    }
  }

  async deletePod(namespace: string, name: string, gracePeriodSeconds: number, options: MutationOptions & { uid?: string } = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    try {
      await this.#core.deleteNamespacedPod(
        { namespace, name, gracePeriodSeconds, ...(options.uid !== undefined ? { body: { preconditions: { uid: options.uid } } } : {}) },
        mutationRequestOptions(options),
      );
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
      await this.#core.createNamespacedPodEviction(
        {
          namespace,
          name,
          body: {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name, namespace },
            deleteOptions: { gracePeriodSeconds, ...(uid !== '' ? { preconditions: { uid } } : {}) },
          },
        },
        mutationRequestOptions(options),
      );
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
      const scale =
        this.scaleVerb === 'update'
          ? await this.#apps.replaceNamespacedDeploymentScale(
              { namespace, name, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas } } },
              mutationRequestOptions(options),
            )
          : await this.#apps.patchNamespacedDeploymentScale(
              { namespace, name, body: { spec: { replicas } } },
              mutationRequestOptions(options, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
            );
      // The Scale's metadata.uid is the Deployment's (kube-apiserver's scaleFromDeployment copies it).
      return { replicas: scale.spec?.replicas ?? replicas, uid: scale.metadata?.uid };
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
