/**
 * The label value the seed gave its per-target series (`label_selector` of the podwatcher metrics,
 * `selector` of the antihpawatcher metrics; seed-spec.md 5.2 step 3 and 10.3, 10.5).
 *
 * Seed source (massix/chaos-monkey, internal/watcher/crd.go, `addWatcher`): it ranges over
 * `dep.Spec.Selector.MatchLabels`, appends `fmt.Sprintf("%s=%s", label, value)` for each entry and
 * passes `strings.Join(pairs, ",")` to the pod and antiHPA watchers, which use it as their const
 * label. So: matchLabels only (matchExpressions ignored), `k=v` pairs, "," separator, no spaces.
 * The seed's order is Go map order, i.e. unspecified and different from run to run for two keys or
 * more; we sort the keys (byte order, as labels.SelectorFromSet(...).String() prints them), which
 * is byte for byte the seed's value for one key and one of its possible values for more.
 */
import type { LabelSelector } from '../ports.ts';

/** `k1=v1,k2=v2` from `selector.matchLabels`, keys sorted; "" when there are none. */
export function seedSelectorLabel(selector: LabelSelector): string {
  const labels = selector.matchLabels ?? {};
  // Label keys are ASCII (Kubernetes validates them), so code-unit order is Go's byte order.
  return Object.keys(labels)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${key}=${labels[key] ?? ''}`)
    .join(',');
}
