/**
 * Every permission the conversion webhook uses (self-managed certificates). The chart renders these;
 * a test compares them and checks the requests recorded by the embedded test API server against them.
 */
import type { PolicyRule } from '../../api/rbac.ts';

/** Cluster-wide: read and patch our own CRD's caBundle. */
export const WEBHOOK_CLUSTER_RULES: readonly PolicyRule[] = [
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'patch'], resourceNames: ['chaosmonkeyconfigurations.cm.massix.github.io'] },
];

/** In the release namespace: the TLS Secret. */
export const WEBHOOK_NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] },
];
