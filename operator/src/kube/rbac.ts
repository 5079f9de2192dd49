/**
 * Every permission the operator's kube/ layer uses (kubebuilder's markers idea, style.md 11).
 * The chart's ClusterRole and Role are rendered from values that a test compares with these tables,
 * and an integration test checks every request the operator sent to the embedded test API server against them.
 */
import type { PolicyRule } from '../../../api/rbac.ts';

/**
 * Cluster-wide rules (ClusterRole): exactly the (group, resource, verb) triples kube/ sends.
 * informers.ts: list+watch namespaces, CMCs, deployments and pods (the caches actions read); status-writer.ts: patch CMC status;
 * cluster-actions.ts: delete pods, create pods/eviction (killMethod evict), patch deployments/scale, list PodMetrics
 * (its per-action `get` deployments / `list` pods are fallbacks for an identity without list+watch, permission-plan.ts);
 * events.ts: create core/v1 Events and patch them when a repeat is aggregated.
 */
export const OPERATOR_CLUSTER_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
  { apiGroups: ['cm.massix.github.io'], resources: ['chaosmonkeyconfigurations'], verbs: ['list', 'watch'] },
  { apiGroups: ['cm.massix.github.io'], resources: ['chaosmonkeyconfigurations/status'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'delete'] },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] },
  { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['list'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

/** Rules in the operator's own namespace (Role): leader.ts reads, creates and updates its Lease. */
export const OPERATOR_NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];
