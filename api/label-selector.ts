/**
 * metav1.LabelSelector matching, as kube-apiserver's labels.Selector does: every matchLabels pair,
 * In (key present, value listed), NotIn (key absent or value not listed), Exists, DoesNotExist.
 * Pure; shared by the pod choice (chaos/selection.ts) and the Pod cache (kube/workloads.ts).
 */
import type { LabelSelectorV1 } from './v1.ts';

/**
 * True when `labels` satisfy `selector`. An empty selector matches everything (callers that must
 * never mean "every pod" check for emptiness first); an unknown operator matches nothing (fail closed).
 */
export function matchesLabelSelector(labels: Readonly<Record<string, string>>, selector: LabelSelectorV1): boolean {
  const has = (key: string): boolean => Object.hasOwn(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(key) || labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has(expr.key) || !values.includes(labels[expr.key] as string)) return false;
        break;
      case 'NotIn':
        if (has(expr.key) && values.includes(labels[expr.key] as string)) return false;
        break;
      case 'Exists':
        if (!has(expr.key)) return false;
        break;
      case 'DoesNotExist':
        if (has(expr.key)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
