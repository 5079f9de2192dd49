/**
 * The pure helpers of kube/: cluster detection order, label selector rendering, status merge
 * patches, API error mapping, MicroTime format and the Event namespace rule.
 */
import { describe, expect, test } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import { selectorToQuery } from '../../../../operator/src/kube/cluster-actions.ts';
import { detectClusterSource } from '../../../../operator/src/kube/connect.ts';
import { toChaosError } from '../../../../operator/src/kube/api-errors.ts';
import { eventNamespaceFor } from '../../../../operator/src/kube/events.ts';
import { microTime } from '../../../../operator/src/kube/leader.ts';
import { canonicalJson, statusPatch } from '../../../../operator/src/kube/status-writer.ts';
import { ConflictError, GoneError, NotFoundError, RejectedError, ThrottledError, UnavailableError, ForbiddenError } from '../../../../operator/src/errors.ts';

describe('detectClusterSource', () => {
  const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
  const CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';
  const files = (...present: string[]) => (p: string): boolean => present.includes(p);
  test.each([
    ['in-cluster wins', { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBECONFIG: '/k' }, [TOKEN, CA, '/k'], { kind: 'in-cluster' }],
    ['a pod without a token is unusable, naming the token', { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, [CA, '/home/u/.kube/config'], { kind: 'in-cluster-unusable', missing: TOKEN }],
    ['a pod without a CA is unusable, naming the CA', { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, [TOKEN], { kind: 'in-cluster-unusable', missing: CA }],
    ['a pod without credentials but with KUBECONFIG uses it', { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBECONFIG: '/k' }, ['/k'], { kind: 'kubeconfig', path: '/k' }],
    ['service-account files without KUBERNETES_SERVICE_HOST are not in-cluster', {}, [TOKEN, CA], { kind: 'none' }],
    ['KUBECONFIG, first existing path', { KUBECONFIG: '/a:/b' }, ['/b'], { kind: 'kubeconfig', path: '/b' }],
    ['KUBECONFIG pointing nowhere is still chosen', { KUBECONFIG: '/a' }, [], { kind: 'kubeconfig', path: '/a' }],
    ['empty KUBECONFIG falls through to ~/.kube/config', { KUBECONFIG: '' }, ['/home/u/.kube/config'], { kind: 'kubeconfig', path: '/home/u/.kube/config' }],
    ['nothing at all', {}, [], { kind: 'none' }],
  ])('%s', (_name, env, present, expected) => {
    expect(detectClusterSource({ env, readable: files(...present), homeDir: '/home/u' })).toEqual(expected);
  });
});

describe('selectorToQuery', () => {
  test.each([
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['web', 'api'] }] }, 'tier in (api,web)'],
    [{ matchExpressions: [{ key: 'x', operator: 'NotIn' as const, values: ['1'] }, { key: 'y', operator: 'Exists' as const }, { key: 'z', operator: 'DoesNotExist' as const }] }, 'x notin (1),y,!z'],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' as const }] }, 'app=web,!canary'],
    [{}, ''],
  ])('%j -> %s', (selector, query) => {
    expect(selectorToQuery(selector)).toBe(query);
  });
});

describe('statusPatch', () => {
  test('equal statuses (any key order) need no patch', () => {
    expect(statusPatch({ observedGeneration: 2, nextActionAt: 't' }, { nextActionAt: 't', observedGeneration: 2 })).toBeUndefined();
  });
  test('changed keys carry their value, vanished keys become null', () => {
    expect(statusPatch({ observedGeneration: 1, nextActionAt: 't' }, { observedGeneration: 2 })).toEqual({ observedGeneration: 2, nextActionAt: null });
  });
  test('first status patches everything', () => {
    expect(statusPatch(undefined, { observedGeneration: 1 })).toEqual({ observedGeneration: 1 });
  });
  test('canonicalJson ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: undefined }], a: 'x' })).toBe('{"a":"x","b":[1,{"d":1}]}');
  });
});

describe('toChaosError', () => {
  const api = (code: number, headers: Record<string, string> = {}): ApiException<string> =>
    new ApiException(code, 'x', JSON.stringify({ kind: 'Status', message: `server says ${code}` }), headers);
  test.each([
    [404, NotFoundError],
    [409, ConflictError],
    [410, GoneError],
    [403, ForbiddenError],
    [422, RejectedError],
    [500, UnavailableError],
  ])('HTTP %i -> %p with the Status message', (code, type) => {
    const error = toChaosError(api(code), 'get thing');
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(`get thing: HTTP ${code}: server says ${code}`);
  });
  test('429 keeps Retry-After in ms', () => {
    const error = toChaosError(api(429, { 'retry-after': '3' }), 'list');
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(3000);
    expect(error.retryable).toBe(true);
  });
  test('network failures are retryable Unavailable', () => {
    const error = toChaosError(new TypeError('fetch failed'), 'delete pod a/b');
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe('delete pod a/b: fetch failed');
  });
});

describe('small formats', () => {
  test('microTime has six fractional digits', () => {
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  });
  test('Events about cluster-scoped objects go to default', () => {
    expect(eventNamespaceFor({ apiVersion: 'v1', kind: 'Namespace', name: 'demo' })).toBe('default');
    expect(eventNamespaceFor({ apiVersion: 'v1', kind: 'Pod', namespace: 'demo', name: 'p' })).toBe('demo');
  });
});
