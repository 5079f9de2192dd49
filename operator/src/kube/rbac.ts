/**
 * Every permission the operator's kube/ layer uses (kubebuilder's markers idea, style.md 11).
 * The chart's ClusterRole and Role are rendered from values that a test compares with these tables,
 * and an integration test checks every request the operator sent to the sandbox against them.
 */
import type { PolicyRule } from '../../../api/rbac.ts';

/** Cluster-wide rules (ClusterRole). */
export const OPERATOR_CLUSTER_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['cm.massix.github.io'], resources: ['chaosmonkeyconfigurations'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['cm.massix.github.io'], resources: ['chaosmonkeyconfigurations/status'], verbs: ['get', 'patch', 'update'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch', 'update'] },
  { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['list'] },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

/** Rules in the operator's own namespace (Role): the leader-election Lease. */
export const OPERATOR_NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];
