/**
 * RBAC helpers for the chart tests: normalising PolicyRules for comparison, and deciding whether
 * one API request is allowed by a set of rules the way Kubernetes' RBAC authorizer does
 * (pkg/apis/rbac/v1 evaluation helpers: group, resource[/subresource], verb, resourceName).
 */
import type { PolicyRule } from '../../../../api/rbac.ts';

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

/** The parts of a resource request that RBAC looks at. */
export interface ResourceRequest {
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

/**
 * True when one of the rules allows the request. As in Kubernetes: the resource matches as
 * `resource` or `resource/subresource` (a rule for `pods` does not allow `pods/status`); a rule with
 * resourceNames only allows requests that name one of them (so never `list`, `watch` of a
 * collection, or `create`).
 */
export function isAllowed(request: ResourceRequest, rules: readonly PolicyRule[]): boolean {
  const resource = request.subresource === undefined || request.subresource === '' ? request.resource : `${request.resource}/${request.subresource}`;
  return rules.some((rule) => {
    if (!covers(rule.verbs, request.verb)) return false;
    if (!covers(rule.apiGroups, request.group)) return false;
    if (!covers(rule.resources, resource)) return false;
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
