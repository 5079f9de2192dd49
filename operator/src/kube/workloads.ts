/**
 * Deployments and Pods as the operator reads them (issue 13 goal 1): what the cluster-wide
 * informer caches keep of each object, how a cached (or fetched) object becomes a
 * {@link DeploymentInfo} / {@link PodInfo}, and how a metav1.LabelSelector matches labels when pods
 * are chosen from the cache instead of by a `labelSelector` LIST. Pure: no I/O.
 *
 * Memory: a cached Deployment keeps name, namespace, uid, resourceVersion, generation,
 * spec.replicas, spec.selector and the four status fields the guards read; a cached Pod keeps name,
 * namespace, uid, resourceVersion, labels, creation and deletion timestamps, status.phase and its
 * Ready condition. Everything else (pod specs, managedFields, container statuses) is dropped
 * before client-node caches the object.
 */
import type { KubernetesObject, V1LabelSelector } from '@kubernetes/client-node';
import type { DeploymentInfo, LabelSelector, PodInfo } from '../ports.ts';
import { matchesLabelSelector } from '../../../api/label-selector.ts';

/** The fields of a Deployment the cache keeps (a subset of apps/v1 Deployment, same shape). */
export interface SlimDeployment extends KubernetesObject {
  spec?: { replicas?: number; selector?: V1LabelSelector };
  status?: { observedGeneration?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** The fields of a Pod the cache keeps (a subset of core/v1 Pod, same shape). */
export interface SlimPod extends KubernetesObject {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

type Meta = NonNullable<KubernetesObject['metadata']>;

/** name, namespace, uid and resourceVersion (client-node's cache keys and change detection). */
function identity(meta: Meta): Meta {
  const out: Meta = { name: meta.name ?? '' };
  if (meta.namespace !== undefined) out.namespace = meta.namespace;
  if (meta.uid !== undefined) out.uid = meta.uid;
  if (meta.resourceVersion !== undefined) out.resourceVersion = meta.resourceVersion;
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** What {@link deploymentInfoOf} and the guards read of a Deployment; never mutates its argument. */
export function slimDeployment(obj: KubernetesObject & { spec?: { replicas?: unknown; selector?: unknown }; status?: Record<string, unknown> }): SlimDeployment {
  const metadata = identity(obj.metadata ?? {});
  const generation = num(obj.metadata?.generation);
  if (generation !== undefined) metadata.generation = generation;
  const out: SlimDeployment = { metadata };
  const spec: NonNullable<SlimDeployment['spec']> = {};
  const replicas = num(obj.spec?.replicas);
  if (replicas !== undefined) spec.replicas = replicas;
  if (obj.spec?.selector !== undefined && obj.spec.selector !== null) spec.selector = obj.spec.selector as V1LabelSelector;
  out.spec = spec;
  const s = obj.status ?? {};
  const status: NonNullable<SlimDeployment['status']> = {};
  for (const key of ['observedGeneration', 'readyReplicas', 'updatedReplicas', 'availableReplicas'] as const) {
    const v = num(s[key]);
    if (v !== undefined) status[key] = v;
  }
  if (Object.keys(status).length > 0) out.status = status;
  return out;
}

/** What {@link podInfoOf} reads of a Pod; the Ready condition is the only condition kept. */
export function slimPod(obj: KubernetesObject & { status?: { phase?: unknown; conditions?: unknown } }): SlimPod {
  const meta = obj.metadata ?? {};
  const metadata = identity(meta);
  if (meta.labels !== undefined && meta.labels !== null) metadata.labels = meta.labels;
  if (meta.creationTimestamp !== undefined && meta.creationTimestamp !== null) metadata.creationTimestamp = meta.creationTimestamp;
  if (meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null) metadata.deletionTimestamp = meta.deletionTimestamp;
  const out: SlimPod = { metadata };
  const phase = obj.status?.phase;
  const conditions = Array.isArray(obj.status?.conditions) ? (obj.status.conditions as { type?: unknown; status?: unknown }[]) : [];
  const ready = conditions.find((c) => c !== null && typeof c === 'object' && c.type === 'Ready');
  if (typeof phase === 'string' || ready !== undefined) {
    out.status = {};
    if (typeof phase === 'string') out.status.phase = phase;
    if (ready !== undefined) out.status.conditions = [{ type: 'Ready', status: String(ready.status) }];
  }
  return out;
}

/** The operator's copy of a metav1.LabelSelector. */
export function toSelector(sel: V1LabelSelector | undefined): LabelSelector {
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

/** A Deployment (cached slim object or a GET answer) as the operator sees it. */
export function deploymentInfoOf(d: SlimDeployment, namespace: string, name: string): DeploymentInfo {
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
}

/** A Pod (cached slim object, or a LIST item deserialized by client-node: timestamps as Date) as the operator sees it. */
export function podInfoOf(pod: SlimPod, namespace: string): PodInfo {
  const meta = pod.metadata ?? {};
  const raw: unknown = meta.creationTimestamp;
  const created = raw instanceof Date ? raw.getTime() : raw !== undefined && raw !== null ? Date.parse(String(raw)) : undefined;
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

/**
 * Whether `labels` match `selector` (api/label-selector.ts: kube-apiserver's labels.Selector rules),
 * except that an empty selector matches nothing here (callers never mean "every pod", seed-spec.md 5.2).
 */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if ((selector.matchLabels === undefined || Object.keys(selector.matchLabels).length === 0) && (selector.matchExpressions ?? []).length === 0) return false;
  return matchesLabelSelector(labels ?? {}, selector);
}
