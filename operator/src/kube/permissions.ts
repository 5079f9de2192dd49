/**
 * The start-up permission probe (issue 9 point 2): one SelfSubjectAccessReview per permission of
 * kube/rbac.ts (plus the fallbacks), answered by the API server for the operator's own identity.
 * Creating a SelfSubjectAccessReview needs `create` on authorization.k8s.io/selfsubjectaccessreviews,
 * which every authenticated user has through the default system:basic-user ClusterRole; if even
 * that is refused or the server cannot be reached, the answers are "unknown" (see permission-plan.ts).
 */
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from './rbac.ts';
import { describeApiError } from './api-errors.ts';
import type { KubeConnection } from './connect.ts';
import { permissionChecks } from './permission-plan.ts';
import type { PermissionAnswer, PermissionCheck } from './permission-plan.ts';

/** Asks the API server about every permission; never throws (failures become `allowed: undefined`). */
export async function probePermissions(connection: KubeConnection, ownNamespace: string): Promise<PermissionAnswer[]> {
  const api = connection.kubeConfig.makeApiClient(AuthorizationV1Api);
  const ask = async (check: PermissionCheck): Promise<PermissionAnswer> => {
    const [resource, subresource] = check.resource.split('/');
    try {
      const review = await api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: check.verb,
              group: check.group,
              resource: resource ?? '',
              ...(subresource !== undefined ? { subresource } : {}),
              ...(check.namespace !== undefined ? { namespace: check.namespace } : {}),
            },
          },
        },
      });
      return { ...check, allowed: review.status?.allowed === true };
    } catch (error) {
      return { ...check, allowed: undefined, error: describeApiError(error).error };
    }
  };
  return Promise.all(permissionChecks(OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES, ownNamespace).map(ask));
}
