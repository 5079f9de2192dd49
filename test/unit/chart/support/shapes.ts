/**
 * The Kubernetes object shapes the chart relies on: for each kind, its apiVersion, whether it is
 * namespaced, and the fields that must be present. {@link shapeErrors} returns one line per problem.
 */
import { field } from './render.ts';
import type { K8sObject } from './render.ts';

/** Shape of one kind. */
export interface KindShape {
  apiVersion: string;
  namespaced: boolean;
  /** Dotted paths that must be present and non-empty. */
  required: string[];
}

const podTemplate = ['spec.template.metadata.labels', 'spec.template.spec.containers', 'spec.template.spec.serviceAccountName'];

/** Every kind the chart may render. */
export const KIND_SHAPES: Readonly<Record<string, KindShape>> = {
  ServiceAccount: { apiVersion: 'v1', namespaced: true, required: [] },
  Service: { apiVersion: 'v1', namespaced: true, required: ['spec.selector', 'spec.ports'] },
  ConfigMap: { apiVersion: 'v1', namespaced: true, required: ['data'] },
  Deployment: { apiVersion: 'apps/v1', namespaced: true, required: ['spec.replicas', 'spec.selector.matchLabels', ...podTemplate] },
  PodDisruptionBudget: { apiVersion: 'policy/v1', namespaced: true, required: ['spec.selector.matchLabels'] },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', namespaced: false, required: ['rules'] },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', namespaced: false, required: ['roleRef.kind', 'roleRef.name', 'roleRef.apiGroup', 'subjects'] },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', namespaced: true, required: ['rules'] },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', namespaced: true, required: ['roleRef.kind', 'roleRef.name', 'roleRef.apiGroup', 'subjects'] },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', namespaced: true, required: ['spec.podSelector', 'spec.policyTypes'] },
  CustomResourceDefinition: { apiVersion: 'apiextensions.k8s.io/v1', namespaced: false, required: ['spec.group', 'spec.names.kind', 'spec.names.plural', 'spec.scope', 'spec.versions'] },
  ServiceMonitor: { apiVersion: 'monitoring.coreos.com/v1', namespaced: true, required: ['spec.selector', 'spec.endpoints'] },
  Certificate: { apiVersion: 'cert-manager.io/v1', namespaced: true, required: ['spec.secretName', 'spec.dnsNames', 'spec.issuerRef.name'] },
  Issuer: { apiVersion: 'cert-manager.io/v1', namespaced: true, required: ['spec'] },
};

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Problems of one object against {@link KIND_SHAPES}; empty when it conforms. */
export function shapeErrors(obj: K8sObject, releaseNamespace: string): string[] {
  const id = `${String(obj.kind)}/${String(obj.metadata?.name)}`;
  const shape = KIND_SHAPES[obj.kind];
  if (shape === undefined) return [`${id}: kind not expected in this chart`];
  const errors: string[] = [];
  if (obj.apiVersion !== shape.apiVersion) errors.push(`${id}: apiVersion ${obj.apiVersion}, want ${shape.apiVersion}`);
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || !DNS1123_SUBDOMAIN.test(name) || name.length > 253) errors.push(`${id}: bad metadata.name`);
  if (shape.namespaced && obj.metadata.namespace !== releaseNamespace) errors.push(`${id}: namespace ${String(obj.metadata.namespace)}, want ${releaseNamespace}`);
  if (!shape.namespaced && obj.metadata.namespace !== undefined) errors.push(`${id}: cluster-scoped object has a namespace`);
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) errors.push(`${id}: label ${k} has a bad value ${JSON.stringify(v)}`);
  }
  for (const path of shape.required) {
    if (isEmpty(field(obj, path))) errors.push(`${id}: missing ${path}`);
  }
  return errors;
}
