import { describe, expect, test } from '@jest/globals';
import { handleConversionReview } from '../../../webhook/src/review.ts';

const object = (apiVersion: string, name: string): Record<string, unknown> => apiVersion.endsWith('v1alpha1')
  ? { apiVersion, kind: 'ChaosMonkeyConfiguration', metadata: { name, namespace: 'ns' }, spec: { enabled: true, minReplicas: 0, maxReplicas: 5, deploymentName: 'web', podMode: false, timeout: '30s' } }
  : { apiVersion, kind: 'ChaosMonkeyConfiguration', metadata: { name, namespace: 'ns' }, spec: { enabled: true, minReplicas: 0, maxReplicas: 5, scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '30s' } };
const review = (request: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request, ...extra });

describe('handleConversionReview', () => {
  test('converts a mixed list in order, echoes the uid, counts directions', () => {
    const out = handleConversionReview(review({
      uid: 'u-1', desiredAPIVersion: 'cm.massix.github.io/v1',
      objects: [object('cm.massix.github.io/v1alpha1', 'a'), object('cm.massix.github.io/v1', 'b')],
    }));
    expect(out.httpStatus).toBe(200);
    expect(out.result).toBe('success');
    expect(out.directions).toEqual(['v1alpha1->v1', 'identity']);
    expect(out.review.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(out.review.kind).toBe('ConversionReview');
    expect(out.review.response.uid).toBe('u-1');
    expect(out.review.response.result).toEqual({ status: 'Success' });
    const converted = out.review.response.convertedObjects as Array<Record<string, unknown>>;
    expect(converted.map((o) => [o.apiVersion, (o.metadata as { name: string }).name])).toEqual([['cm.massix.github.io/v1', 'a'], ['cm.massix.github.io/v1', 'b']]);
    expect(converted[0]!.spec).toMatchObject({ scalingMode: 'randomScale' });
  });

  test('an empty object list gives an empty array, not null (the seed sent null)', () => {
    const out = handleConversionReview(review({ uid: 'u', desiredAPIVersion: 'cm.massix.github.io/v1alpha1', objects: [] }));
    expect(out.review.response.convertedObjects).toEqual([]);
  });

  test('all or nothing: one bad object fails the review with its index, name and field', () => {
    const bad = { ...object('cm.massix.github.io/v1alpha1', 'broken'), spec: { podMode: true } };
    const out = handleConversionReview(review({ uid: 'u-2', desiredAPIVersion: 'cm.massix.github.io/v1', objects: [object('cm.massix.github.io/v1alpha1', 'a'), bad] }));
    expect(out.httpStatus).toBe(200);
    expect(out.result).toBe('failure');
    expect(out.review.response.uid).toBe('u-2');
    expect(out.review.response.convertedObjects).toBeUndefined();
    expect(out.review.response.result).toEqual({ status: 'Failure', message: expect.stringMatching(/^request\.objects\[1\]: object ns\/broken: .*spec\.enabled: Required value/) });
  });

  test.each([
    [null, 400, '', /ConversionReview JSON object/],
    [[1], 400, '', /ConversionReview JSON object/],
    [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' }, 400, '', /request: required object is missing/],
    [review({ desiredAPIVersion: 'cm.massix.github.io/v1', objects: [] }), 400, '', /request\.uid/],
    [review({ uid: 42, objects: [] }), 400, '', /request\.uid/],
    [review({ uid: 'u', desiredAPIVersion: 'cm.massix.github.io/v1', objects: [] }, { apiVersion: 'apiextensions.k8s.io/v1beta1' }), 200, 'u', /expected apiVersion "apiextensions.k8s.io\/v1"/],
    [review({ uid: 'u', desiredAPIVersion: 'cm.massix.github.io/v9', objects: [] }), 200, 'u', /desiredAPIVersion: unsupported value "cm.massix.github.io\/v9"/],
    [review({ uid: 'u', objects: [] }), 200, 'u', /desiredAPIVersion/],
    [review({ uid: 'u', desiredAPIVersion: 'cm.massix.github.io/v1', objects: {} }), 200, 'u', /request\.objects: required array/],
  ])('%j -> HTTP %s Failure (uid %j)', (body, httpStatus, uid, message) => {
    const out = handleConversionReview(body);
    expect(out.httpStatus).toBe(httpStatus);
    expect(out.result).toBe('failure');
    expect(out.review.response.uid).toBe(uid);
    expect(out.review.response.result).toEqual({ status: 'Failure', message: expect.stringMatching(message) });
  });

  test('never throws: a value nested deeper than the stack is named, not printed', () => {
    const deep = JSON.parse(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    const out = handleConversionReview(review({ uid: 'd', desiredAPIVersion: deep, objects: [] }));
    expect(out.review.response).toEqual({ uid: 'd', result: { status: 'Failure', message: expect.stringContaining('<deeply nested array>') } });
  });
});
