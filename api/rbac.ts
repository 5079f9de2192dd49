/**
 * RBAC PolicyRules and their evaluation, shared by the operator's and the webhook's permission
 * tables, the chart tests and the sandbox's authorizer. Pure: no I/O.
 */

/** Shape of an RBAC PolicyRule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** A rule with every list sorted, so that equal permissions compare equal. */
export function normalizeRule(rule: PolicyRule): PolicyRule {
  const out: PolicyRule = { apiGroups: [...rule.apiGroups].sort(), resources: [...rule.resources].sort(), verbs: [...rule.verbs].sort() };
  if (rule.resourceNames !== undefined && rule.resourceNames.length > 0) out.resourceNames = [...rule.resourceNames].sort();
  return out;
}

/** Rules normalised and sorted (order-insensitive comparison of two rule lists). */
export function normalizeRules(rules: readonly PolicyRule[]): PolicyRule[] {
  return rules.map(normalizeRule).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The parts of a resource request that RBAC looks at (kube-apiserver's authorizer.Attributes). */
export interface RbacRequest {
  verb: string;
  /** API group; '' for core/v1. */
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
}

function covers(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

/** Does one rule's resource list cover `resource` or `resource/subresource` (incl. `*` and `*\/sub`)? */
function coversResource(list: readonly string[], resource: string, subresource: string | undefined): boolean {
  const combined = subresource === undefined || subresource === '' ? resource : `${resource}/${subresource}`;
  return list.some((r) => r === '*' || r === combined || (subresource !== undefined && subresource !== '' && r === `*/${subresource}`));
}

/**
 * True when one of the rules allows the request, as kube's RBAC authorizer decides
 * (pkg/apis/rbac/v1 VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches): the
 * resource matches as `resource` or `resource/subresource` (a rule for `pods` does not allow
 * `pods/status`; `*` allows both, `*\/scale` every scale subresource); a rule with resourceNames only
 * allows requests that name one of them (so never `list`, `watch` of a collection, or `create`).
 */
export function isAllowed(request: RbacRequest, rules: readonly PolicyRule[]): boolean {
  return rules.some((rule) => {
    if (!covers(rule.verbs, request.verb)) return false;
    if (!covers(rule.apiGroups, request.group)) return false;
    if (!coversResource(rule.resources, request.resource, request.subresource)) return false;
    if (rule.resourceNames !== undefined && rule.resourceNames.length > 0) {
      return request.name !== undefined && rule.resourceNames.includes(request.name);
    }
    return true;
  });
}

/** Every rule field that uses a wildcard, as "rule N: field". */
export function wildcards(rules: readonly PolicyRule[]): string[] {
  return rules.flatMap((rule, i) =>
    (['apiGroups', 'resources', 'verbs', 'resourceNames'] as const)
      .filter((k) => (rule[k] ?? []).some((v) => v.includes('*')))
      .map((k) => `rule ${i}: ${k}`));
}
