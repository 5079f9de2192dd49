import { describe, expect, test } from '@jest/globals';
import { parseCmcV1, parseCmcV1Alpha1, formatFieldErrors } from '../../../api/validate.ts';

const v1 = (spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'cm.massix.github.io/v1',
  kind: 'ChaosMonkeyConfiguration',
  metadata: { name: 'c', namespace: 'ns' },
  spec: { enabled: true, minReplicas: 1, maxReplicas: 3, scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '30s', ...spec },
});
const v1alpha1 = (spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'cm.massix.github.io/v1alpha1',
  kind: 'ChaosMonkeyConfiguration',
  metadata: { name: 'c', namespace: 'ns' },
  spec: { enabled: true, minReplicas: 0, maxReplicas: 5, deploymentName: 'web', podMode: true, timeout: '30s', ...spec },
});

describe('parseCmcV1', () => {
  test('accepts a valid object and gives the timeout in ms', () => {
    const r = parseCmcV1(v1({ timeout: '1m30s' }));
    expect(r.errors).toEqual([]);
    expect(r.value?.spec.deployment.name).toBe('web');
    expect(r.timeoutMs).toBe(90_000);
  });

  test.each([
    [{ minReplicas: undefined }, 'spec.minReplicas', 'FieldValueRequired'],
    [{ minReplicas: '1' }, 'spec.minReplicas', 'FieldValueTypeInvalid'],
    [{ minReplicas: 1.5 }, 'spec.minReplicas', 'FieldValueTypeInvalid'],
    [{ minReplicas: -1, maxReplicas: 3 }, 'spec.minReplicas', 'FieldValueInvalid'],
    [{ minReplicas: 4, maxReplicas: 3 }, 'spec', 'FieldValueInvalid'],
    [{ enabled: 'yes' }, 'spec.enabled', 'FieldValueTypeInvalid'],
    [{ scalingMode: 'nuke' }, 'spec.scalingMode', 'FieldValueNotSupported'],
    [{ scalingMode: 3 }, 'spec.scalingMode', 'FieldValueTypeInvalid'],
    [{ deployment: undefined }, 'spec.deployment', 'FieldValueRequired'],
    [{ deployment: {} }, 'spec.deployment.name', 'FieldValueRequired'],
    [{ deployment: { name: '' } }, 'spec.deployment.name', 'FieldValueInvalid'],
    [{ deployment: 'web' }, 'spec.deployment', 'FieldValueTypeInvalid'],
    [{ timeout: '10' }, 'spec.timeout', 'FieldValueInvalid'],
    [{ timeout: '500ms' }, 'spec.timeout', 'FieldValueInvalid'],
    [{ timeout: '-5s' }, 'spec.timeout', 'FieldValueInvalid'],
    [{ timeout: null }, 'spec.timeout', 'FieldValueRequired'],
  ])('%j -> error on %s (%s)', (override, field, reason) => {
    const r = parseCmcV1(v1(override));
    expect(r.value).toBeUndefined();
    expect(r.timeoutMs).toBeUndefined();
    expect(r.errors).toContainEqual(expect.objectContaining({ field, reason }));
  });

  test('reports every error at once and formats them on one line', () => {
    const r = parseCmcV1(v1({ enabled: 1, timeout: 'x', scalingMode: 'nope' }));
    expect(r.errors.map((e) => e.field).sort()).toEqual(['spec.enabled', 'spec.scalingMode', 'spec.timeout']);
    expect(formatFieldErrors(r.errors)).toMatch(/^spec\.enabled: .*; spec\.scalingMode: .*; spec\.timeout: /);
  });

  test.each([null, 42, 'str', [], {}, { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: {} }])('never throws on %j', (input) => {
    const r = parseCmcV1(input);
    expect(r.value).toBeUndefined();
    expect(r.errors.length).toBeGreaterThan(0);
  });

  test('rejects the wrong apiVersion or kind', () => {
    expect(parseCmcV1({ ...v1(), apiVersion: 'cm.massix.github.io/v1alpha1' }).errors).toContainEqual(expect.objectContaining({ field: 'apiVersion' }));
    expect(parseCmcV1({ ...v1(), kind: 'Pod' }).errors).toContainEqual(expect.objectContaining({ field: 'kind' }));
  });
});

describe('parseCmcV1: issue 11 optional fields', () => {
  test('all absent, or all valid, parses', () => {
    expect(parseCmcV1(v1()).errors).toEqual([]);
    const full = { dryRun: true, killMethod: 'evict', gracePeriodSeconds: 0, guard: { minAvailable: '100%', skipDuringRollout: false, minPodAge: '1m30s' } };
    expect(parseCmcV1(v1(full)).errors).toEqual([]);
    expect(parseCmcV1(v1({ guard: { minAvailable: 3 } })).errors).toEqual([]);
  });

  test.each([
    [{ dryRun: 'yes' }, 'spec.dryRun', 'FieldValueTypeInvalid'],
    [{ killMethod: 'shoot' }, 'spec.killMethod', 'FieldValueNotSupported'],
    [{ gracePeriodSeconds: -1 }, 'spec.gracePeriodSeconds', 'FieldValueInvalid'],
    [{ gracePeriodSeconds: 1.5 }, 'spec.gracePeriodSeconds', 'FieldValueTypeInvalid'],
    [{ guard: 'x' }, 'spec.guard', 'FieldValueTypeInvalid'],
    [{ guard: { minAvailable: -1 } }, 'spec.guard.minAvailable', 'FieldValueInvalid'],
    [{ guard: { minAvailable: '101%' } }, 'spec.guard.minAvailable', 'FieldValueInvalid'],
    [{ guard: { minAvailable: '5' } }, 'spec.guard.minAvailable', 'FieldValueInvalid'],
    [{ guard: { skipDuringRollout: 1 } }, 'spec.guard.skipDuringRollout', 'FieldValueTypeInvalid'],
    [{ guard: { minPodAge: 'soon' } }, 'spec.guard.minPodAge', 'FieldValueInvalid'],
    [{ guard: { minPodAge: '-5s' } }, 'spec.guard.minPodAge', 'FieldValueInvalid'],
  ])('%j is rejected at %s (%s)', (override, field, reason) => {
    expect(parseCmcV1(v1(override)).errors).toEqual([expect.objectContaining({ field, reason })]);
  });
});

describe('parseCmcV1: issue 12 selection and podSelector', () => {
  test.each([
    [{ selection: { mode: 'one' } }],
    [{ selection: {} }],
    [{ selection: { mode: 'all' } }],
    [{ selection: { mode: 'fixed', value: 1 } }],
    [{ selection: { mode: 'fixed-percent', value: 100 } }],
    [{ selection: { mode: 'random-max-percent', value: 1 } }],
    [{ podSelector: {} }],
    [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', tier: '' } } }],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'Exists' }, { key: 'y', operator: 'DoesNotExist', values: [] }] } }],
    [{ scalingMode: 'antiPressure', podSelector: { matchLabels: { tier: 'canary' } } }],
  ])('%j parses', (override) => {
    expect(parseCmcV1(v1(override)).errors).toEqual([]);
  });

  test.each([
    [{ selection: { mode: 'some' } }, 'spec.selection.mode', 'FieldValueNotSupported'],
    [{ selection: { mode: 'fixed' } }, 'spec.selection', 'FieldValueInvalid'],
    [{ selection: { mode: 'fixed', value: 0 } }, 'spec.selection', 'FieldValueInvalid'],
    [{ selection: { mode: 'fixed-percent', value: 101 } }, 'spec.selection', 'FieldValueInvalid'],
    [{ selection: { mode: 'random-max-percent', value: 0 } }, 'spec.selection', 'FieldValueInvalid'],
    [{ selection: { mode: 'all', value: 3 } }, 'spec.selection', 'FieldValueInvalid'],
    [{ selection: { value: 3 } }, 'spec.selection', 'FieldValueInvalid'],
    [{ selection: { mode: 'fixed', value: 1.5 } }, 'spec.selection.value', 'FieldValueTypeInvalid'],
    [{ selection: { mode: 'all' }, scalingMode: 'antiPressure' }, 'spec', 'FieldValueInvalid'],
    [{ podSelector: { matchLabels: { tier: 'canary' } }, scalingMode: 'randomScale' }, 'spec', 'FieldValueInvalid'],
    [{ podSelector: { matchLabels: { '-bad': 'x' } } }, 'spec.podSelector.matchLabels', 'FieldValueInvalid'],
    [{ podSelector: { matchLabels: { tier: 'has space' } } }, 'spec.podSelector.matchLabels.tier', 'FieldValueInvalid'],
    [{ podSelector: { matchLabels: { tier: 'x'.repeat(64) } } }, 'spec.podSelector.matchLabels.tier', 'FieldValueInvalid'],
    [{ podSelector: { matchLabels: { [`${'a'.repeat(254)}/x`]: 'v' } } }, 'spec.podSelector.matchLabels', 'FieldValueInvalid'],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } }, 'spec.podSelector.matchExpressions[0].values', 'FieldValueRequired'],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['a'] }] } }, 'spec.podSelector.matchExpressions[0].values', 'FieldValueInvalid'],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] } }, 'spec.podSelector.matchExpressions[0].operator', 'FieldValueNotSupported'],
    [{ podSelector: { matchExpressions: [{ key: 'Bad/Prefix/x', operator: 'Exists' }] } }, 'spec.podSelector.matchExpressions[0].key', 'FieldValueInvalid'],
    [{ podSelector: { matchExpressions: 'tier' } }, 'spec.podSelector.matchExpressions', 'FieldValueTypeInvalid'],
    [{ podSelector: { matchExpressions: Array.from({ length: 33 }, () => ({ key: 'x', operator: 'Exists' })) } }, 'spec.podSelector.matchExpressions', 'FieldValueInvalid'],
  ])('%j is rejected at %s (%s)', (override, field, reason) => {
    expect(parseCmcV1(v1(override)).errors).toEqual([expect.objectContaining({ field, reason })]);
  });
});

describe('parseCmcV1Alpha1', () => {
  test('accepts a valid object', () => {
    expect(parseCmcV1Alpha1(v1alpha1()).errors).toEqual([]);
  });

  test.each([
    [{ maxReplicas: 11 }, 'spec.maxReplicas'],
    [{ deploymentName: '' }, 'spec'],
    [{ podMode: 'true' }, 'spec.podMode'],
    [{ podMode: undefined }, 'spec.podMode'],
    [{ timeout: '1' }, 'spec.timeout'],
  ])('%j -> error on %s', (override, field) => {
    const r = parseCmcV1Alpha1(v1alpha1(override));
    expect(r.value).toBeUndefined();
    expect(r.errors).toContainEqual(expect.objectContaining({ field }));
  });
});

describe('parseCmcV1: spec.schedule of the wrong shape never throws, every problem named', () => {
  test.each([
    [{ schedule: 'nights' }, ['spec.schedule: Invalid value: "string": spec.schedule in body must be of type object']],
    [{ schedule: { timeZone: 5 } }, ['spec.schedule.timeZone: Invalid value: "integer": spec.schedule.timeZone in body must be of type string']],
    [{ schedule: { excludedWeekdays: 'Sat' } }, ['spec.schedule.excludedWeekdays: Invalid value: "string": spec.schedule.excludedWeekdays in body must be of type array']],
    [{ schedule: { excludedTimesOfDay: [null, '18:00-08:00'] } }, ['spec.schedule.excludedTimesOfDay[0]: Invalid value: "null": spec.schedule.excludedTimesOfDay[0] in body must be of type string']],
    [{ schedule: { excludedDays: Array.from({ length: 367 }, () => 'Dec 24') } }, ['spec.schedule.excludedDays: Too many: 367: must have at most 366 items']],
    // Present counts for the exactly-one rule whatever its type, as has() in the CRD's CEL rule.
    [{ schedule: { cron: ['0 2 * * *'] } }, ['spec.schedule.cron: Invalid value: "array": spec.schedule.cron in body must be of type string']],
  ])('%j', (schedule, messages) => {
    const spec: Record<string, unknown> = { ...schedule };
    if (Array.isArray((schedule as { schedule?: { cron?: unknown } }).schedule?.cron)) spec.timeout = undefined;
    const r = parseCmcV1(v1(spec));
    expect(r.value).toBeUndefined();
    expect(r.errors.map((e) => `${e.field}: ${e.message}`)).toEqual(messages);
  });
});
