/**
 * The seed's RBAC, exactly as massix/chaos-monkey's main.tf (resource "kubernetes_cluster_role"
 * "chaos-monkey-cr") declares it: a ClusterRole bound to the `chaosmonkey` ServiceAccount of the
 * `chaosmonkey` namespace, no Role (so no Leases).
 */
import type { PolicyRule } from '../../../../api/rbac.ts';
import type { SandboxIdentity } from '../../../../sandbox/index.ts';

export const SEED_CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: ['*'], resources: ['namespaces'], verbs: ['watch'] },
  { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get', 'list'] },
  { apiGroups: ['*'], resources: ['deployments'], verbs: ['patch', 'get', 'scale', 'update'] },
  { apiGroups: ['*'], resources: ['chaosmonkeyconfigurations'], verbs: ['list', 'patch', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] },
  { apiGroups: ['*'], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
  { apiGroups: ['*'], resources: ['events'], verbs: ['create', 'patch'] },
];

/** The seed's ServiceAccount under its ClusterRole. */
export const SEED_IDENTITY: SandboxIdentity = { user: 'system:serviceaccount:chaosmonkey:chaosmonkey', clusterRules: SEED_CLUSTER_RULES, roleName: 'chaosmonkey' };

/** The bearer token tests give that identity. */
export const SEED_TOKEN = 'seed-service-account-token';
