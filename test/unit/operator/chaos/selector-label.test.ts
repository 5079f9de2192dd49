/**
 * The seed's `label_selector` / `selector` label value (internal/watcher/crd.go: matchLabels as
 * `k=v` joined by ","), with keys sorted so the value is stable.
 */
import { expect, test } from '@jest/globals';
import { seedSelectorLabel } from '../../../../operator/src/chaos/selector-label.ts';

test.each([
  [{ matchLabels: { app: 'web' } }, 'app=web'],
  [{ matchLabels: { tier: 'front', app: 'web', 'app.kubernetes.io/name': 'x' } }, 'app=web,app.kubernetes.io/name=x,tier=front'],
  [{ matchLabels: { app: 'expr' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['front'] }] }, 'app=expr'],
  [{ matchExpressions: [{ key: 'tier', operator: 'Exists' as const }] }, ''],
  [{}, ''],
])('%j -> %p', (selector, expected) => {
  expect(seedSelectorLabel(selector)).toBe(expected);
});
