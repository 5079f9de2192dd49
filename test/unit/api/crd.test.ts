import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { V1ALPHA1_DEFAULTS, withV1Alpha1Defaults } from '../../../api/defaults.ts';
import { parseGoDuration } from '../../../api/duration.ts';
import { CRD_NAME, GROUP, KIND, PLURAL, SHORT_NAME, SINGULAR } from '../../../api/names.ts';
import { SCALING_MODES, SELECTION_MODES } from '../../../api/v1.ts';
import { LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN, POD_SELECTOR_LIMITS } from '../../../api/validate.ts';

// The shipped CRD is a test input (style.md 11): these checks keep it and api/ in agreement.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form YAML document walked by path
const crd = load(readFileSync(new URL('../../../crds/chaosmonkeyconfigurations.yaml', import.meta.url), 'utf8')) as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
const version = (name: string): any => crd.spec.versions.find((v: { name: string }) => v.name === name);

describe('crds/chaosmonkeyconfigurations.yaml', () => {
  test('names match api/names.ts', () => {
    expect(crd.metadata.name).toBe(CRD_NAME);
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.spec.names).toMatchObject({ kind: KIND, plural: PLURAL, singular: SINGULAR, shortNames: [SHORT_NAME] });
    expect(crd.spec.scope).toBe('Namespaced');
  });

  test('v1 is served and storage with a status subresource; v1alpha1 served and deprecated', () => {
    expect(version('v1')).toMatchObject({ served: true, storage: true, subresources: { status: {} } });
    expect(version('v1alpha1')).toMatchObject({
      served: true, storage: false, deprecated: true,
      deprecationWarning: 'cm.massix.github.io/v1alpha1 is now deprecated, please migrate to cm.massix.github.io/v1',
    });
  });

  test('v1 requires every spec field and lists the scaling modes of api/v1.ts', () => {
    const spec = version('v1').schema.openAPIV3Schema.properties.spec;
    expect([...spec.required].sort()).toEqual(['deployment', 'enabled', 'maxReplicas', 'minReplicas', 'scalingMode', 'timeout']);
    expect(spec.properties.scalingMode.enum).toEqual([...SCALING_MODES]);
    expect(spec['x-kubernetes-validations']).toContainEqual({ rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must be less than or equal to maxReplicas' });
  });

  test('issue 12: selection modes, label patterns and podSelector bounds are those of api/', () => {
    const spec = version('v1').schema.openAPIV3Schema.properties.spec.properties;
    expect(spec.selection.properties.mode.enum).toEqual([...SELECTION_MODES]);
    const sel = spec.podSelector.properties;
    expect(sel.matchLabels.maxProperties).toBe(POD_SELECTOR_LIMITS.matchLabels);
    expect(sel.matchLabels.additionalProperties.pattern).toBe(LABEL_VALUE_PATTERN.source);
    expect(sel.matchExpressions.maxItems).toBe(POD_SELECTOR_LIMITS.matchExpressions);
    const expr = sel.matchExpressions.items.properties;
    expect(expr.key.pattern).toBe(LABEL_KEY_PATTERN.source.replace('\\/', '/'));
    expect(expr.values.maxItems).toBe(POD_SELECTOR_LIMITS.values);
    expect(expr.values.items.pattern).toBe(LABEL_VALUE_PATTERN.source);
    // Every string a CEL rule reads has a bound (kube-apiserver estimates rule cost from maxLength/maxItems).
    expect(spec.selection.properties.mode.maxLength).toBeGreaterThan(0);
    expect(expr.operator.maxLength).toBeGreaterThan(0);
  });

  test('v1 status schema declares the fields of CmcStatusV1', () => {
    const status = version('v1').schema.openAPIV3Schema.properties.status.properties;
    expect(Object.keys(status).sort()).toEqual(['conditions', 'lastAction', 'nextActionAt', 'observedGeneration']);
  });

  test('v1 printer columns: the seed ones first, then Timeout, Ready, Blocked, Next Action, Age', () => {
    expect(version('v1').additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual(
      ['Enabled', 'Scaling Mode', 'Target Deployment', 'Min Replicas', 'Max Replicas', 'Timeout', 'Ready', 'Blocked', 'Next Action', 'Age']);
  });

  test('v1alpha1 defaults equal api/defaults.ts', () => {
    const props = version('v1alpha1').schema.openAPIV3Schema.properties.spec.properties;
    for (const [key, value] of Object.entries(V1ALPHA1_DEFAULTS)) expect(props[key].default).toEqual(value);
  });

  test('conversion: webhook on Service chaos-monkey/chaosmonkey:443/convertcrd, review v1, no caBundle', () => {
    expect(crd.spec.conversion).toEqual({
      strategy: 'Webhook',
      webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { name: 'chaos-monkey', namespace: 'chaosmonkey', port: 443, path: '/convertcrd' } } },
    });
  });

  test('the timeout regex accepts exactly what parseGoDuration accepts, on a sample', () => {
    const rule = version('v1').schema.openAPIV3Schema.properties.spec.properties.timeout['x-kubernetes-validations'][0].rule as string;
    const re = new RegExp(/^self\.matches\('(.*)'\)$/.exec(rule)![1]!, 'u');
    for (const s of ['0', '30s', '1m30s', '1.5s', '.5s', '1.s', '+5s', '-1m', '1µs', '1μs', '2h45m10.5s', '', '5', 's', '.s', '1x', '1s2', '--1s', ' 1s', '1e3s', '1h 2m']) {
      expect([s, re.test(s)]).toEqual([s, parseGoDuration(s).ok]);
    }
  });

  test('withV1Alpha1Defaults fills only absent fields and does not mutate its input', () => {
    const input = Object.freeze({ deploymentName: 'web', podMode: false, maxReplicas: 'x' as unknown as number });
    expect(withV1Alpha1Defaults(input)).toEqual({ deploymentName: 'web', podMode: false, maxReplicas: 'x', enabled: true, minReplicas: 0, timeout: '30s' });
  });
});
