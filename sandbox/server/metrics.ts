/**
 * metrics.k8s.io/v1beta1 PodMetrics: read-only views of the pods that have values set by setPodMetrics();
 * list (one namespace or all) filtered by the pods' labels, get by name.
 */
import type { Store } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import { parseLabelSelector, matchesLabels } from '../lib/label-selector.ts';
import { SelectorError } from '../lib/selector-error.ts';
import { kubeTime } from './objects.ts';
import { badRequest, methodNotAllowed, notFound } from './status.ts';

/** Per-container usage set by setPodMetrics. */
export interface ContainerMetrics {
  name: string;
  cpu: string;
  memory?: string;
}

function build(podBody: string, metrics: Map<string, ContainerMetrics[]>, now: string): KObject | undefined {
  const pod = JSON.parse(podBody) as KObject;
  const m = metrics.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
  if (!m) return undefined;
  const metadata: Record<string, unknown> = { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: now };
  if (pod.metadata.labels) metadata.labels = pod.metadata.labels;
  return { kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata, timestamp: now, window: '10.000s', containers: m.map((c) => ({ name: c.name, usage: { cpu: c.cpu, memory: c.memory ?? '0' } })) } as KObject;
}

/** Answers a PodMetrics get or list. */
export function handlePodMetrics(store: Store, metrics: Map<string, ContainerMetrics[]>, now: Date, verb: string, namespace: string | undefined, name: string | undefined, query: URLSearchParams): KObject | object {
  const ts = kubeTime(now);
  if (verb === 'get') {
    const e = store.get('/pods', namespace ?? '', name ?? '');
    const o = e ? build(e.body, metrics, ts) : undefined;
    if (!o) throw notFound({ group: 'metrics.k8s.io', resource: 'pods' }, name ?? '');
    return o;
  }
  if (verb !== 'list') throw methodNotAllowed();
  let reqs;
  try {
    reqs = parseLabelSelector(query.get('labelSelector') ?? '');
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
  const items: KObject[] = [];
  for (const e of store.iterate('/pods', namespace)) {
    if (reqs.length > 0 && !matchesLabels(reqs, e.labels)) continue;
    const o = build(e.body, metrics, ts);
    if (o) items.push(o);
  }
  return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}
