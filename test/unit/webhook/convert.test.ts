import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { convertObject, parseDesiredVersion } from '../../../webhook/src/convert.ts';
import type { ConversionResult, JsonObject } from '../../../webhook/src/convert.ts';
import { parseCmcV1 } from '../../../api/validate.ts';
import { cmcV1, cmcV1Alpha1 } from './arbitraries.ts';

const ok = (r: ConversionResult): JsonObject => {
  if (!r.ok) throw new Error(r.message);
  return r.object;
};
const deepFreeze = <T>(o: T): T => {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
};

const alpha = (spec: JsonObject = {}, metadata: JsonObject = { name: 'c', namespace: 'ns' }): JsonObject => ({
  apiVersion: 'cm.massix.github.io/v1alpha1', kind: 'ChaosMonkeyConfiguration', metadata,
  spec: { enabled: true, minReplicas: 0, maxReplicas: 5, deploymentName: 'web', podMode: true, timeout: '30s', ...spec },
});
const hub = (spec: JsonObject = {}, metadata: JsonObject = { name: 'c', namespace: 'ns' }): JsonObject => ({
  apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata,
  spec: { enabled: true, minReplicas: 1, maxReplicas: 3, scalingMode: 'antiPressure', deployment: { name: 'web' }, timeout: '10m', ...spec },
});

describe('v1alpha1 -> v1', () => {
  test.each([
    [true, 'killPod'],
    [false, 'randomScale'],
  ])('podMode %s -> scalingMode %s; other fields carried verbatim', (podMode, scalingMode) => {
    const out = ok(convertObject(alpha({ podMode, timeout: '10m', minReplicas: 2, maxReplicas: 4, enabled: false }), 'v1'));
    expect(out).toEqual({
      apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'c', namespace: 'ns' },
      spec: { enabled: false, minReplicas: 2, maxReplicas: 4, scalingMode, deployment: { name: 'web' }, timeout: '10m' },
    });
    expect(parseCmcV1(out).errors).toEqual([]);
  });

  test('restores the v1 mode from our annotation and removes it', () => {
    const out = ok(convertObject(alpha({ podMode: false }, { name: 'c', annotations: { 'cm.massix.github.io/v1-scaling-mode': 'antiPressure', keep: 'me' } }), 'v1'));
    expect(out.spec).toMatchObject({ scalingMode: 'antiPressure' });
    expect(out.metadata).toEqual({ name: 'c', annotations: { keep: 'me' } });
  });

  test('podMode true wins over a stale annotation (a v1alpha1 client switched to pod mode)', () => {
    const out = ok(convertObject(alpha({ podMode: true }, { name: 'c', annotations: { 'cm.massix.github.io/v1-scaling-mode': 'antiPressure' } }), 'v1'));
    expect(out.spec).toMatchObject({ scalingMode: 'killPod' });
    expect(out.metadata).toEqual({ name: 'c' });
  });

  test('status and unknown top-level fields are carried', () => {
    const input = { ...alpha(), status: { accepted: true }, extra: [1] };
    expect(ok(convertObject(input, 'v1'))).toMatchObject({ status: { accepted: true }, extra: [1] });
  });
});

describe('v1 -> v1alpha1', () => {
  test.each([
    ['killPod', true, undefined],
    ['randomScale', false, undefined],
    ['antiPressure', false, 'antiPressure'],
    ['somethingNew', false, 'somethingNew'],
  ])('scalingMode %s -> podMode %s, annotation %s', (scalingMode, podMode, annotation) => {
    const out = ok(convertObject(hub({ scalingMode }), 'v1alpha1'));
    expect(out.apiVersion).toBe('cm.massix.github.io/v1alpha1');
    expect(out.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 3, deploymentName: 'web', podMode, timeout: '10m' });
    expect((out.metadata as JsonObject).annotations).toEqual(annotation === undefined ? undefined : { 'cm.massix.github.io/v1-scaling-mode': annotation });
  });

  test('the timeout is not normalised (the seed turned "10m" into "10m0s")', () => {
    expect(ok(convertObject(hub({ timeout: '10m' }), 'v1alpha1')).spec).toMatchObject({ timeout: '10m' });
  });

  test('a stale copy of our annotation on a v1 object is dropped when the mode needs none', () => {
    const out = ok(convertObject(hub({ scalingMode: 'killPod' }, { name: 'c', annotations: { 'cm.massix.github.io/v1-scaling-mode': 'antiPressure' } }), 'v1alpha1'));
    expect(out.metadata).toEqual({ name: 'c' });
  });
});

describe('identity and failures', () => {
  test.each(['v1', 'v1alpha1'] as const)('same version (%s) returns the very same object', (v) => {
    const input = v === 'v1' ? hub() : alpha();
    const r = convertObject(input, v);
    expect(r).toEqual({ ok: true, object: input, direction: 'identity' });
    expect(ok(r)).toBe(input);
  });

  test.each([
    [null, /object #3 \(no metadata.name\): must be a JSON object/],
    [[], /must be a JSON object/],
    [{ ...hub(), apiVersion: 'apps/v1' }, /object ns\/c: apiVersion: group of "apps\/v1" is not cm.massix.github.io/],
    [{ ...hub(), apiVersion: 'v1' }, /group of "v1"/],
    [{ ...hub(), apiVersion: 7 }, /apiVersion: required string/],
    [{ ...hub(), kind: 'Pod' }, /object ns\/c: kind: expected "ChaosMonkeyConfiguration", got "Pod"/],
    [{ ...hub(), apiVersion: 'cm.massix.github.io/v2' }, /unsupported version "cm.massix.github.io\/v2"/],
    [{ ...hub(), metadata: 'x' }, /metadata: required object/],
    [{ ...hub(), spec: undefined }, /object ns\/c: cannot convert from cm.massix.github.io\/v1: spec: Required/],
    [hub({ deployment: undefined }), /object ns\/c: cannot convert from cm.massix.github.io\/v1: spec.deployment: Required value/],
    [hub({ deployment: { name: 3 } }), /spec.deployment.name: Invalid value: "integer"/],
    [hub({ timeout: 5, enabled: 'x' }), /spec.enabled: .*; spec.timeout: Invalid value: "integer"/],
    [alpha({ podMode: undefined }), /object ns\/c: cannot convert from cm.massix.github.io\/v1alpha1: spec.podMode: Required value/],
    [alpha({ deploymentName: null }), /spec.deploymentName: Required value/],
  ])('%j fails with a message naming object and field', (input, message) => {
    const target = (input as JsonObject | null)?.apiVersion === 'cm.massix.github.io/v1alpha1' ? 'v1' : 'v1alpha1';
    const r = convertObject(input, target, 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  test('parseDesiredVersion names the bad value and the supported ones', () => {
    expect(parseDesiredVersion('cm.massix.github.io/v1')).toEqual({ ok: true, version: 'v1' });
    const r = parseDesiredVersion('cm.massix.github.io/v3');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('"cm.massix.github.io/v3"') });
    expect(parseDesiredVersion(undefined).ok).toBe(false);
  });
});

describe('lossless round trips (property tests)', () => {
  test('v1 -> v1alpha1 -> v1 gives back the same object, metadata and status included', () => {
    fc.assert(fc.property(cmcV1, (obj) => {
      deepFreeze(obj);
      const alphaObj = ok(convertObject(obj, 'v1alpha1'));
      expect(alphaObj.apiVersion).toBe('cm.massix.github.io/v1alpha1');
      expect(ok(convertObject(alphaObj, 'v1'))).toEqual(obj);
    }), { numRuns: 500 });
  });

  test('v1alpha1 -> v1 -> v1alpha1 gives back the same object, and the v1 object is valid', () => {
    fc.assert(fc.property(cmcV1Alpha1, (obj) => {
      deepFreeze(obj);
      const v1 = ok(convertObject(obj, 'v1'));
      expect(parseCmcV1(v1).errors).toEqual([]);
      expect(ok(convertObject(v1, 'v1alpha1'))).toEqual(obj);
    }), { numRuns: 500 });
  });

  test('metadata other than our annotations is never changed', () => {
    fc.assert(fc.property(cmcV1, (obj) => {
      const { annotations: a, ...meta } = ok(convertObject(obj, 'v1alpha1')).metadata as JsonObject;
      const { annotations: b, ...orig } = obj.metadata as JsonObject;
      expect(meta).toEqual(orig);
      const rest = { ...(a as Record<string, string> | undefined) };
      delete rest['cm.massix.github.io/v1-scaling-mode'];
      delete rest['cm.massix.github.io/v1-guardrails'];
      expect(Object.keys(rest).length === 0 ? undefined : rest).toEqual(b);
    }), { numRuns: 300 });
  });
});

describe('issue 11 fields travel through v1alpha1 in an annotation', () => {
  const fields = { dryRun: true, killMethod: 'evict', gracePeriodSeconds: 7, guard: { minAvailable: '50%', skipDuringRollout: true, minPodAge: '2m' } };

  test('v1 -> v1alpha1 moves them out of spec into cm.massix.github.io/v1-guardrails, and back', () => {
    const alphaObj = ok(convertObject(hub({ scalingMode: 'killPod', ...fields }, { name: 'c' }), 'v1alpha1'));
    const alphaSpec = alphaObj.spec as JsonObject;
    for (const key of Object.keys(fields)) expect(alphaSpec[key]).toBeUndefined();
    const annotations = (alphaObj.metadata as JsonObject).annotations as Record<string, string>;
    expect(JSON.parse(annotations['cm.massix.github.io/v1-guardrails'] ?? 'null')).toEqual(fields);
    const back = ok(convertObject(alphaObj, 'v1'));
    expect(back.spec).toMatchObject(fields);
    expect((back.metadata as JsonObject).annotations).toBeUndefined();
  });

  test('issue 12: selection and podSelector travel the same way, and back', () => {
    const targeting = { selection: { mode: 'fixed-percent', value: 30 }, podSelector: { matchLabels: { tier: 'canary' }, matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['stable'] }] } };
    const alphaObj = ok(convertObject(hub({ scalingMode: 'killPod', dryRun: true, ...targeting }, { name: 'c' }), 'v1alpha1'));
    expect(Object.keys(alphaObj.spec as JsonObject)).not.toEqual(expect.arrayContaining(['selection']));
    expect((alphaObj.spec as JsonObject).podSelector).toBeUndefined();
    const annotations = (alphaObj.metadata as JsonObject).annotations as Record<string, string>;
    expect(JSON.parse(annotations['cm.massix.github.io/v1-guardrails'] ?? 'null')).toEqual({ dryRun: true, ...targeting });
    const back = ok(convertObject(alphaObj, 'v1'));
    expect(back.spec).toMatchObject({ dryRun: true, ...targeting });
    expect((back.metadata as JsonObject).annotations).toBeUndefined();
  });

  test('the annotation text is canonical: the same whatever the v1 key order', () => {
    const text = (spec: JsonObject): string | undefined =>
      (((ok(convertObject(hub(spec, { name: 'c' }), 'v1alpha1')).metadata as JsonObject).annotations ?? {}) as Record<string, string>)['cm.massix.github.io/v1-guardrails'];
    expect(text({ guard: { minPodAge: '1m' }, dryRun: true })).toBe('{"dryRun":true,"guard":{"minPodAge":"1m"}}');
    expect(text({ dryRun: true, guard: { minPodAge: '1m' } })).toBe('{"dryRun":true,"guard":{"minPodAge":"1m"}}');
  });

  test('a v1 object without them gets no annotation', () => {
    const alphaObj = ok(convertObject(hub({ scalingMode: 'killPod' }, { name: 'c' }), 'v1alpha1'));
    expect((alphaObj.metadata as JsonObject).annotations).toBeUndefined();
  });

  test.each([['not json {'], ['[1,2]'], ['"x"'], ['{"other":1}']])('an unreadable annotation %s restores nothing and is removed', (text) => {
    const out = ok(convertObject(alpha({ podMode: true }, { name: 'c', annotations: { 'cm.massix.github.io/v1-guardrails': text } }), 'v1'));
    expect(Object.keys(out.spec as JsonObject).sort()).toEqual(['deployment', 'enabled', 'maxReplicas', 'minReplicas', 'scalingMode', 'timeout']);
    expect((out.metadata as JsonObject).annotations).toBeUndefined();
  });
});

describe('issue 12 spec.schedule travels through v1alpha1 in the same annotation', () => {
  const cronOnly = (): JsonObject => {
    const o = hub({ scalingMode: 'killPod', schedule: { cron: '0 2 * * 1-5', timeZone: 'Europe/Rome', excludedDays: ['Dec 24'] } }, { name: 'c', namespace: 'ns' });
    delete (o.spec as JsonObject).timeout;
    return o;
  };

  test('a cron-only v1 object round-trips losslessly: v1alpha1 gets no timeout, the schedule in the annotation', () => {
    const original = deepFreeze(cronOnly());
    const alphaObj = ok(convertObject(original, 'v1alpha1'));
    expect(alphaObj.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 3, deploymentName: 'web', podMode: true });
    const annotations = (alphaObj.metadata as JsonObject).annotations as Record<string, string>;
    expect(JSON.parse(annotations['cm.massix.github.io/v1-guardrails'] ?? 'null')).toEqual({ schedule: (original.spec as JsonObject).schedule });
    expect(ok(convertObject(alphaObj, 'v1'))).toEqual(original);
  });

  test('the v1alpha1 default timeout (30s) added on the way (a PUT at v1alpha1) is dropped again: the cron stays the only cadence', () => {
    const alphaObj = ok(convertObject(cronOnly(), 'v1alpha1'));
    const defaulted = { ...alphaObj, spec: { ...(alphaObj.spec as JsonObject), timeout: '30s' } };
    const back = ok(convertObject(defaulted, 'v1'));
    expect(back).toEqual(cronOnly());
    expect(parseCmcV1(back).errors).toEqual([]);
  });

  test('another timeout set at v1alpha1 is kept: v1 then names the conflict (the CRD rule rejects the write)', () => {
    const alphaObj = ok(convertObject(cronOnly(), 'v1alpha1'));
    const edited = { ...alphaObj, spec: { ...(alphaObj.spec as JsonObject), timeout: '5m' } };
    const back = ok(convertObject(edited, 'v1'));
    expect((back.spec as JsonObject).timeout).toBe('5m');
    expect(parseCmcV1(back).errors.map((e) => e.message)).toEqual(['Invalid value: "object": exactly one of timeout and schedule.cron must be set']);
  });

  test('timeout with windows round-trips with both', () => {
    const original = deepFreeze(hub({ schedule: { excludedWeekdays: ['Sat', 'Sun'], excludedTimesOfDay: ['18:00-08:30'] } }));
    const alphaObj = ok(convertObject(original, 'v1alpha1'));
    expect((alphaObj.spec as JsonObject).timeout).toBe('10m');
    expect(ok(convertObject(alphaObj, 'v1'))).toEqual(original);
  });
});
