/** Shape of an RBAC PolicyRule, shared by the operator's and the webhook's permission tables. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
