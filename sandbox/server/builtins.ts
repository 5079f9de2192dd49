/**
 * Built-in resource types: defaults and validation shaped like kube-apiserver v1.28 for the fields we use.
 */
import type { KObject } from '../store/types.ts';
import type { StatusCause } from './status.ts';
import type { ResourceType } from './types.ts';
import { pdbDefaults, pdbValidate } from './pdb.ts';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_DELETECOLLECTION = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function get(o: unknown, path: string): unknown {
  let cur = o;
  for (const p of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

/** Defaults a container like the API server does (for the fields we show). */
function defaultContainer(c: Json): void {
  if (c.resources === undefined) c.resources = {};
  if (c.terminationMessagePath === undefined) c.terminationMessagePath = '/dev/termination-log';
  if (c.terminationMessagePolicy === undefined) c.terminationMessagePolicy = 'File';
  if (c.imagePullPolicy === undefined) {
    const image = typeof c.image === 'string' ? c.image : '';
    const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
    c.imagePullPolicy = tagged || image.includes('@') ? 'IfNotPresent' : 'Always';
  }
}

/** Defaults a pod spec (`full`: pods also get SA, tolerations, priority...). */
export function defaultPodSpec(spec: Json, full: boolean): void {
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (isObj(c)) defaultContainer(c);
  }
  if (spec.restartPolicy === undefined) spec.restartPolicy = 'Always';
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  if (spec.dnsPolicy === undefined) spec.dnsPolicy = 'ClusterFirst';
  if (full) {
    if (spec.serviceAccountName === undefined) spec.serviceAccountName = 'default';
    if (spec.serviceAccount === undefined) spec.serviceAccount = spec.serviceAccountName;
  }
  if (spec.securityContext === undefined) spec.securityContext = {};
  if (spec.schedulerName === undefined) spec.schedulerName = 'default-scheduler';
  if (full) {
    const tol = Array.isArray(spec.tolerations) ? (spec.tolerations as Json[]) : [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tol.some((t) => t.key === key && t.effect === 'NoExecute')) tol.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    spec.tolerations = tol;
    if (spec.priority === undefined) spec.priority = 0;
    if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
    if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
  }
}

/** Validates the containers of a pod spec at `prefix` (e.g. `spec`, `spec.template.spec`). */
export function validatePodSpec(spec: unknown, prefix: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = get(spec, 'containers');
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(`${prefix}.containers`));
    return causes;
  }
  containers.forEach((c, i) => {
    if (!isObj(c) || typeof c.name !== 'string' || c.name === '') causes.push(required(`${prefix}.containers[${i}].name`));
    if (!isObj(c) || typeof c.image !== 'string' || c.image === '') causes.push(required(`${prefix}.containers[${i}].image`));
  });
  return causes;
}

function podDefaults(obj: KObject, old: KObject | undefined): void {
  if (!isObj(obj.spec)) obj.spec = {};
  defaultPodSpec(obj.spec as Json, true);
  if (!old) {
    const st = isObj(obj.status) ? obj.status : {};
    if (st.phase === undefined) st.phase = 'Pending';
    if (st.qosClass === undefined) st.qosClass = 'BestEffort';
    obj.status = st;
  }
}

function deploymentDefaults(obj: KObject): void {
  if (!isObj(obj.spec)) obj.spec = {};
  const spec = obj.spec as Json;
  if (spec.replicas === undefined) spec.replicas = 1;
  if (isObj(spec.template)) {
    const t = spec.template;
    if (!isObj(t.metadata)) t.metadata = {};
    const tm = t.metadata as Json;
    if (tm.creationTimestamp === undefined) tm.creationTimestamp = null;
    if (!isObj(t.spec)) t.spec = {};
    defaultPodSpec(t.spec as Json, false);
  }
  if (spec.strategy === undefined) spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  if (!isObj(obj.status)) obj.status = {};
}

function deploymentValidate(obj: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = get(obj, 'spec.selector');
  if (!isObj(selector)) causes.push(required('spec.selector'));
  const tl = get(obj, 'spec.template.metadata.labels');
  const ml = isObj(selector) && isObj(selector.matchLabels) ? selector.matchLabels : {};
  if (isObj(selector)) {
    const labels = isObj(tl) ? tl : {};
    const mismatch = Object.entries(ml).some(([k, v]) => labels[k] !== v);
    if (mismatch) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``, field: 'spec.template.metadata.labels' });
  }
  const replicas = get(obj, 'spec.replicas');
  if (typeof replicas === 'number' && replicas < 0) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' });
  causes.push(...validatePodSpec(get(obj, 'spec.template.spec'), 'spec.template.spec'));
  return causes;
}

function namespaceDefaults(obj: KObject, old: KObject | undefined): void {
  const name = obj.metadata.name ?? '';
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
  if (!isObj(obj.spec)) obj.spec = {};
  const spec = obj.spec as Json;
  if (spec.finalizers === undefined) spec.finalizers = ['kubernetes'];
  if (!old || !isObj(obj.status)) obj.status = { phase: 'Active', ...(isObj(old?.status) ? old.status : {}) };
}

function coreEventDefaults(obj: KObject): void {
  if (obj.eventTime === undefined) obj.eventTime = null;
  if (obj.reportingComponent === undefined) obj.reportingComponent = '';
  if (obj.reportingInstance === undefined) obj.reportingInstance = '';
  if (obj.involvedObject === undefined) obj.involvedObject = {};
}

/** Converts a stored core/v1 Event to events.k8s.io/v1. */
export function coreEventToNew(e: KObject): KObject {
  const out: KObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: e.metadata };
  out.eventTime = e.eventTime ?? null;
  if (e.series !== undefined) out.series = e.series;
  if (e.reportingComponent) out.reportingController = e.reportingComponent;
  if (e.reportingInstance) out.reportingInstance = e.reportingInstance;
  if (e.action !== undefined) out.action = e.action;
  if (e.reason !== undefined) out.reason = e.reason;
  out.regarding = e.involvedObject ?? {};
  if (e.related !== undefined) out.related = e.related;
  if (e.message !== undefined) out.note = e.message;
  if (e.type !== undefined) out.type = e.type;
  out.deprecatedSource = e.source ?? {};
  out.deprecatedFirstTimestamp = e.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = e.lastTimestamp ?? null;
  if (e.count) out.deprecatedCount = e.count;
  return out;
}

/** Converts an events.k8s.io/v1 Event to the stored core/v1 form. */
export function newEventToCore(e: KObject): KObject {
  const out: KObject = { apiVersion: 'v1', kind: 'Event', metadata: e.metadata };
  out.involvedObject = e.regarding ?? {};
  if (e.reason !== undefined) out.reason = e.reason;
  if (e.note !== undefined) out.message = e.note;
  out.source = e.deprecatedSource ?? {};
  out.firstTimestamp = e.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = e.deprecatedLastTimestamp ?? null;
  if (e.deprecatedCount !== undefined) out.count = e.deprecatedCount;
  if (e.type !== undefined) out.type = e.type;
  out.eventTime = e.eventTime ?? null;
  if (e.series !== undefined) out.series = e.series;
  if (e.action !== undefined) out.action = e.action;
  if (e.related !== undefined) out.related = e.related;
  out.reportingComponent = e.reportingController ?? '';
  out.reportingInstance = e.reportingInstance ?? '';
  return out;
}

function newEventValidate(obj: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const ns = get(obj, 'regarding.namespace') ?? '';
  if (ns !== (obj.metadata.namespace ?? '')) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(ns)}: does not match event.namespace`, field: 'involvedObject.namespace' });
  }
  if (obj.eventTime === undefined || obj.eventTime === null) causes.push(required('eventTime'));
  return causes;
}

const podFields = (o: KObject): Record<string, unknown> => ({
  'metadata.name': o.metadata.name ?? '',
  'metadata.namespace': o.metadata.namespace ?? '',
  'status.phase': get(o, 'status.phase') ?? '',
  'spec.nodeName': get(o, 'spec.nodeName') ?? '',
  'spec.restartPolicy': get(o, 'spec.restartPolicy') ?? '',
  'spec.schedulerName': get(o, 'spec.schedulerName') ?? '',
  'spec.serviceAccountName': get(o, 'spec.serviceAccountName') ?? '',
  'status.podIP': get(o, 'status.podIP') ?? '',
  'status.nominatedNodeName': get(o, 'status.nominatedNodeName') ?? '',
  ...internalFields(o),
});

/** Internal (non-selectable) values controllers read without parsing the object: uid, deletion, controller owner. */
function internalFields(o: KObject): Record<string, unknown> {
  const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
  return { $uid: o.metadata.uid, $deleting: !!o.metadata.deletionTimestamp, $ownerUid: owner?.uid, $ownerKind: owner?.kind, $ownerName: owner?.name };
}

const eventFields = (o: KObject): Record<string, unknown> => {
  const f: Record<string, unknown> = { 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '' };
  for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) f[`involvedObject.${k}`] = get(o, `involvedObject.${k}`) ?? '';
  f.reason = o.reason ?? '';
  f.reportingComponent = o.reportingComponent ?? '';
  f.source = get(o, 'source.component') ?? '';
  f.type = o.type ?? '';
  return f;
};

function base(p: Partial<ResourceType> & Pick<ResourceType, 'group' | 'version' | 'resource' | 'kind' | 'singular' | 'namespaced'>): ResourceType {
  const apiVersion = p.group ? `${p.group}/${p.version}` : p.version;
  return {
    listKind: `${p.kind}List`,
    storeKey: `${p.group}/${p.resource}`,
    builtin: true,
    verbs: ALL_VERBS,
    subresources: [],
    hasGeneration: false,
    statusSubresource: false,
    fieldLabels: [],
    invalidKind: p.group ? `${p.kind}.${p.group}` : p.kind,
    storageApiVersion: apiVersion,
    storageKind: p.kind,
    ...p,
  };
}

/** The built-in types, in discovery order. */
export function builtinTypes(): ResourceType[] {
  return [
    base({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singular: 'namespace', shortNames: ['ns'], namespaced: false, verbs: NO_DELETECOLLECTION, subresources: ['status'], statusSubresource: true, fieldLabels: ['status.phase'], fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'status.phase': get(o, 'status.phase') ?? '' }), defaults: namespaceDefaults }),
    base({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', singular: 'pod', shortNames: ['po'], categories: ['all'], namespaced: true, subresources: ['status', 'eviction'], statusSubresource: true, fieldLabels: ['status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.podIP', 'status.nominatedNodeName'], fields: podFields, defaults: podDefaults, validate: (o) => validatePodSpec(o.spec, 'spec') }),
    base({ group: '', version: 'v1', resource: 'events', kind: 'Event', singular: 'event', shortNames: ['ev'], namespaced: true, storeKey: '/events', fieldLabels: Object.keys(eventFields({ metadata: {} })), fields: eventFields, defaults: coreEventDefaults }),
    base({ group: '', version: 'v1', resource: 'secrets', kind: 'Secret', singular: 'secret', namespaced: true, fieldLabels: ['type'], fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '', type: o.type ?? '' }), defaults: (o) => { if (o.type === undefined) o.type = 'Opaque'; } }),
    base({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', singular: 'configmap', shortNames: ['cm'], namespaced: true }),
    base({ group: '', version: 'v1', resource: 'services', kind: 'Service', singular: 'service', shortNames: ['svc'], categories: ['all'], namespaced: true, verbs: NO_DELETECOLLECTION, subresources: ['status'], statusSubresource: true }),
    base({ group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', singular: 'serviceaccount', shortNames: ['sa'], namespaced: true }),
    base({ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singular: 'deployment', shortNames: ['deploy'], categories: ['all'], namespaced: true, subresources: ['status', 'scale'], statusSubresource: true, hasGeneration: true, defaults: deploymentDefaults, validate: deploymentValidate }),
    base({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', singular: 'poddisruptionbudget', shortNames: ['pdb'], namespaced: true, subresources: ['status'], statusSubresource: true, hasGeneration: true, deleteReturnsStatus: true, defaults: pdbDefaults, validate: pdbValidate }),
    base({ group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', singular: 'event', shortNames: ['ev'], namespaced: true, storeKey: '/events', storageApiVersion: 'v1', fieldLabels: Object.keys(eventFields({ metadata: {} })), fields: eventFields, invalidKind: 'Event', invalidGroup: '', toStorage: newEventToCore, fromStorage: (objs) => objs.map(coreEventToNew), validate: newEventValidate }),
    base({ group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', singular: 'customresourcedefinition', shortNames: ['crd', 'crds'], namespaced: false, subresources: ['status'], statusSubresource: true, hasGeneration: true }),
    base({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', singular: 'lease', namespaced: true, requireRvOnUpdate: true }),
    base({ group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', kind: 'PodMetrics', singular: '', namespaced: true, verbs: ['get', 'list'], storeKey: 'metrics.k8s.io/pods', readOnly: true }),
  ];
}
