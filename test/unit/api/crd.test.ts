import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { V1ALPHA1_DEFAULTS, withV1Alpha1Defaults } from '../../../api/defaults.ts';
import { parseGoDuration } from '../../../api/duration.ts';
import { CRD_NAME, GROUP, KIND, PLURAL, SHORT_NAME, SINGULAR } from '../../../api/names.ts';
import { SCALING_MODES, SELECTION_MODES } from '../../../api/v1.ts';
import { CRON_PATTERN, EXCLUDED_DAY_PATTERN, TIME_RANGE_PATTERN, TIME_ZONE_PATTERN } from '../../../api/schedule.ts';
import { LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN, parseCmcV1, POD_SELECTOR_LIMITS, TIMEOUT_XOR_CRON_MESSAGE } from '../../../api/validate.ts';
import { checkCronWithCroner } from '../../../operator/src/scheduler/croner.ts';
import { applyDefaults, prune, validateCustomResource } from '../../../sandbox/crd/schema.ts';

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

  test('v1 requires every seed spec field but timeout (exactly one of timeout and schedule.cron) and lists the scaling modes of api/v1.ts', () => {
    const spec = version('v1').schema.openAPIV3Schema.properties.spec;
    expect([...spec.required].sort()).toEqual(['deployment', 'enabled', 'maxReplicas', 'minReplicas', 'scalingMode']);
    expect(spec['x-kubernetes-validations']).toContainEqual({ rule: 'has(self.timeout) != (has(self.schedule) && has(self.schedule.cron))', message: TIMEOUT_XOR_CRON_MESSAGE });
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

describe('spec.schedule in the v1 schema (issue 12)', () => {
  const schema = (): Parameters<typeof validateCustomResource>[0] => version('v1').schema.openAPIV3Schema;
  const seed = { enabled: true, minReplicas: 0, maxReplicas: 3, scalingMode: 'killPod', deployment: { name: 'web' } };
  const object = (spec: Record<string, unknown>): Record<string, unknown> => ({ apiVersion: 'cm.massix.github.io/v1', kind: KIND, metadata: { name: 'c', namespace: 'ns' }, spec: { ...seed, ...spec } });
  /** What the sandbox (and kube-apiserver) does on create: prune, default, validate; and what api/validate.ts says. */
  const admit = (spec: Record<string, unknown>): { crd: string[]; ours: string[] } => {
    const obj = applyDefaults(schema(), prune(schema(), object(spec)));
    return {
      crd: validateCustomResource(schema(), obj, KIND).map((c) => `${c.field}: ${c.message}`),
      ours: parseCmcV1(object(spec), { checkCron: checkCronWithCroner }).errors.map((e) => `${e.field}: ${e.message}`),
    };
  };

  test('the patterns are the ones of api/schedule.ts', () => {
    const props = version('v1').schema.openAPIV3Schema.properties.spec.properties.schedule.properties;
    expect(props.timeZone.pattern).toBe(TIME_ZONE_PATTERN);
    expect(props.excludedTimesOfDay.items.pattern).toBe(TIME_RANGE_PATTERN);
    expect(props.excludedDays.items.pattern).toBe(EXCLUDED_DAY_PATTERN);
    expect(props.cron.pattern).toBe(CRON_PATTERN);
    // Bounded sizes (kube-apiserver's CEL cost estimation and plain hygiene).
    expect([props.timeZone.maxLength, props.cron.maxLength, props.excludedWeekdays.maxItems, props.excludedTimesOfDay.maxItems, props.excludedDays.maxItems]).toEqual([64, 128, 7, 16, 366]);
  });

  test.each([
    ['timeout only (the seed)', { timeout: '30s' }],
    ['cron only', { schedule: { cron: '0 2 * * 1-5', timeZone: 'Europe/Rome' } }],
    ['@every', { schedule: { cron: '@every 1h30m' } }],
    ['timeout with windows', { timeout: '10m', schedule: { timeZone: 'America/New_York', excludedWeekdays: ['Sat', 'Sun'], excludedTimesOfDay: ['18:00-08:30', '12:00:30-13:00:15'], excludedDays: ['Dec 24', '2026-12-31', 'Feb 29'] } }],
  ])('accepts %s, in the CRD and in validate.ts', (_name, spec) => {
    expect(admit(spec)).toEqual({ crd: [], ours: [] });
  });

  test.each([
    ['both timeout and cron', { timeout: '30s', schedule: { cron: '0 2 * * *' } }],
    ['neither', { schedule: { timeZone: 'UTC' } }],
    ['neither, no schedule', {}],
  ])('the CEL rule rejects %s, as validate.ts does', (_name, spec) => {
    const { crd, ours } = admit(spec);
    expect(crd).toEqual([`spec: Invalid value: "object": ${TIMEOUT_XOR_CRON_MESSAGE}`]);
    expect(ours).toEqual([`spec: Invalid value: "object": ${TIMEOUT_XOR_CRON_MESSAGE}`]);
  });

  test.each([
    ['spec.schedule.timeZone', { timeZone: 'Europe Rome' }],
    ['spec.schedule.excludedWeekdays[0]', { excludedWeekdays: ['Saturday'] }],
    ['spec.schedule.excludedTimesOfDay[0]', { excludedTimesOfDay: ['18:00-8:30'] }],
    ['spec.schedule.excludedTimesOfDay[0]', { excludedTimesOfDay: ['24:00-08:00'] }],
    ['spec.schedule.excludedDays[0]', { excludedDays: ['December 24'] }],
    ['spec.schedule.cron', { cron: '0 2 * *' }],
    ['spec.schedule.cron', { cron: '@daily' }],
  ])('the CRD rejects %s by its pattern or enum, and so does validate.ts', (field, schedule: Record<string, unknown>) => {
    const { crd, ours } = admit({ timeout: schedule.cron === undefined ? '1m' : undefined, schedule });
    expect(crd.some((c) => c.startsWith(field))).toBe(true);
    expect(ours.some((c) => c.startsWith(field))).toBe(true);
  });

  test.each([
    ['spec.schedule.timeZone', { timeZone: 'Mars/Olympus_Mons' }, 'IANA time zone'],
    ['spec.schedule.excludedTimesOfDay[0]', { excludedTimesOfDay: ['08:00-08:00'] }, 'start different from end'],
    ['spec.schedule.excludedDays[0]', { excludedDays: ['Feb 30'] }, 'day of the year'],
    ['spec.schedule.excludedDays[0]', { excludedDays: ['2027-02-29'] }, 'a date such as'],
    ['spec.schedule.cron', { cron: '61 2 * * *' }, 'Invalid value for minute'],
    ['spec.schedule.cron', { cron: '0 0 30 2 *' }, 'matches no date'],
    ['spec.schedule.cron', { cron: '@every 500ms' }, 'at least 1s'],
  ])('what the pattern lets through, validate.ts rejects with a field error: %s %j', (field, schedule: Record<string, unknown>, text) => {
    const { crd, ours } = admit({ ...(schedule.cron === undefined ? { timeout: '1m' } : {}), schedule });
    expect(crd).toEqual([]);
    expect(ours).toEqual([expect.stringContaining(text)]);
    expect(ours[0]?.startsWith(`${field}: Invalid value: `)).toBe(true);
  });
});
