/**
 * What the informer caches keep of each object (kube/informers.ts): a CMC without managedFields and
 * kubectl's last-applied annotation, a Namespace reduced to what toNamespaceInfo reads.
 */
import { describe, expect, test } from '@jest/globals';
import { LAST_APPLIED_ANNOTATION, slimCmc, slimNamespace, toNamespaceInfo } from '../../../../operator/src/kube/informers.ts';

const cmc = () => ({
  apiVersion: 'cm.massix.github.io/v1',
  kind: 'ChaosMonkeyConfiguration',
  metadata: {
    name: 'c',
    namespace: 'ns',
    uid: 'u1',
    generation: 3,
    resourceVersion: '42',
    labels: { team: 'a' },
    annotations: { [LAST_APPLIED_ANNOTATION]: '{"big":"manifest"}', keep: 'me' },
    managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
  },
  spec: { enabled: true, deployment: { name: 'web' }, timeout: '1m' },
  status: { observedGeneration: 3, nextActionAt: '2026-01-01T00:00:00Z' },
});

describe('slimCmc', () => {
  test('drops managedFields and the last-applied annotation, keeps everything else', () => {
    const input = cmc();
    const slim = slimCmc(input);
    expect(slim.metadata).toEqual({ name: 'c', namespace: 'ns', uid: 'u1', generation: 3, resourceVersion: '42', labels: { team: 'a' }, annotations: { keep: 'me' } });
    expect(slim.spec).toBe(input.spec);
    expect(slim.status).toBe(input.status);
    expect(slim.apiVersion).toBe(input.apiVersion);
    // The argument is left as it was.
    expect(input.metadata.managedFields).toHaveLength(1);
    expect(input.metadata.annotations[LAST_APPLIED_ANNOTATION]).toBe('{"big":"manifest"}');
  });

  test('leaves annotations out when only the last-applied one was there', () => {
    const input = cmc();
    input.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: '{}' } as typeof input.metadata.annotations;
    expect(slimCmc(input).metadata).not.toHaveProperty('annotations');
  });

  test('returns the same object when there is nothing to drop', () => {
    const { managedFields: _m, annotations: _a, ...metadata } = cmc().metadata;
    const input = { ...cmc(), metadata };
    expect(slimCmc(input)).toBe(input);
  });
});

describe('slimNamespace', () => {
  test('keeps name, uid, resourceVersion, labels, deletionTimestamp and phase only, and reads the same', () => {
    const input = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'ns',
        uid: 'u',
        resourceVersion: '7',
        labels: { 'cm.massix.github.io/namespace': 'true' },
        annotations: { [LAST_APPLIED_ANNOTATION]: '{}' },
        managedFields: [{ manager: 'kubectl' }],
        deletionTimestamp: new Date('2026-01-01T00:00:00Z'),
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    };
    const slim = slimNamespace(input);
    expect(slim).toEqual({
      metadata: { name: 'ns', uid: 'u', resourceVersion: '7', labels: { 'cm.massix.github.io/namespace': 'true' }, deletionTimestamp: input.metadata.deletionTimestamp },
      status: { phase: 'Terminating' },
    });
    expect(toNamespaceInfo(slim)).toEqual(toNamespaceInfo(input));
  });

  test('an active namespace without labels or status', () => {
    const slim = slimNamespace({ metadata: { name: 'x', resourceVersion: '1' } });
    expect(slim).toEqual({ metadata: { name: 'x', resourceVersion: '1' } });
    expect(toNamespaceInfo(slim)).toEqual({ name: 'x', labels: {}, terminating: false });
  });

  test('keeps the pause annotations (issue 11) and no other annotation', () => {
    const annotations = { 'cm.massix.github.io/paused': 'incident', 'cm.massix.github.io/paused-until': '2026-01-01T00:00:00Z', [LAST_APPLIED_ANNOTATION]: '{}', other: 'x' };
    const slim = slimNamespace({ metadata: { name: 'x', resourceVersion: '1', annotations } });
    const kept = { 'cm.massix.github.io/paused': 'incident', 'cm.massix.github.io/paused-until': '2026-01-01T00:00:00Z' };
    expect(slim.metadata?.annotations).toEqual(kept);
    expect(toNamespaceInfo(slim)).toEqual({ name: 'x', labels: {}, terminating: false, annotations: kept });
  });
});
