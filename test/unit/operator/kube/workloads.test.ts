/**
 * What the Deployment and Pod caches keep (kube/workloads.ts), that a slim object reads the same as
 * the full one, and label selector matching as kube-apiserver's labels.Selector does it.
 */
import { describe, expect, test } from '@jest/globals';
import { deploymentInfoOf, podInfoOf, selectorMatches, slimDeployment, slimPod } from '../../../../operator/src/kube/workloads.ts';
import type { SlimPod } from '../../../../operator/src/kube/workloads.ts';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'ns',
    uid: 'd1',
    resourceVersion: '9',
    generation: 4,
    labels: { app: 'web' },
    annotations: { 'deployment.kubernetes.io/revision': '3' },
    managedFields: [{ manager: 'kubectl' }],
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
    template: { metadata: { labels: { app: 'web', tier: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    strategy: { type: 'RollingUpdate' },
  },
  status: { observedGeneration: 4, replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
});

// Timestamps as the API sends them (strings); client-node's types say Date (what its deserializer makes).
const pod = (): SlimPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'ns',
    uid: 'p1',
    resourceVersion: '11',
    labels: { app: 'web', tier: 'a' },
    creationTimestamp: '2026-01-01T00:00:00Z',
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-x' }],
    managedFields: [{ manager: 'kubelet' }],
  },
  spec: { containers: [{ name: 'c', image: 'nginx' }], nodeName: 'n1' },
  status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true }] },
}) as unknown as SlimPod;

describe('slimDeployment', () => {
  test('keeps identity, generation, replicas, selector and the four guard status fields only; reads the same', () => {
    const full = deployment();
    const slim = slimDeployment(full);
    expect(slim).toEqual({
      metadata: { name: 'web', namespace: 'ns', uid: 'd1', resourceVersion: '9', generation: 4 },
      spec: { replicas: 3, selector: full.spec.selector },
      status: { observedGeneration: 4, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    expect(deploymentInfoOf(slim, 'ns', 'web')).toEqual(deploymentInfoOf(full, 'ns', 'web'));
    expect(deploymentInfoOf(slim, 'ns', 'web')).toMatchObject({ uid: 'd1', replicas: 3, generation: 4, observedGeneration: 4, readyReplicas: 2 });
    expect(full.metadata.managedFields).toHaveLength(1); // the argument is left as it was
  });
  test('a Deployment without status (not yet seen by its controller) reads zeros and no observedGeneration', () => {
    const { status: _s, ...fresh } = deployment();
    const info = deploymentInfoOf(slimDeployment(fresh), 'ns', 'web');
    expect(info).toMatchObject({ readyReplicas: 0, updatedReplicas: 0, availableReplicas: 0 });
    expect(info).not.toHaveProperty('observedGeneration');
  });
});

describe('slimPod', () => {
  test('keeps identity, labels, timestamps, phase and the Ready condition only; reads the same', () => {
    const full = pod();
    const slim = slimPod(full);
    expect(slim).toEqual({
      metadata: { name: 'web-1', namespace: 'ns', uid: 'p1', resourceVersion: '11', labels: { app: 'web', tier: 'a' }, creationTimestamp: '2026-01-01T00:00:00Z' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(podInfoOf(slim, 'ns')).toEqual(podInfoOf(full, 'ns'));
    expect(podInfoOf(slim, 'ns')).toEqual({ namespace: 'ns', name: 'web-1', uid: 'p1', phase: 'Running', terminating: false, labels: { app: 'web', tier: 'a' }, creationTimestamp: Date.parse('2026-01-01T00:00:00Z'), ready: true });
  });
  test('a terminating pod stays terminating; a pod without conditions is not ready', () => {
    const full = { ...pod(), metadata: { ...pod().metadata, deletionTimestamp: '2026-01-01T00:01:00Z' as unknown as Date }, status: { phase: 'Pending' } };
    expect(podInfoOf(slimPod(full), 'ns')).toMatchObject({ terminating: true, ready: false, phase: 'Pending' });
  });
  test('client-node Dates (a LIST answer) and strings (a watch event) read the same', () => {
    const dated = { ...pod(), metadata: { ...pod().metadata, creationTimestamp: new Date('2026-01-01T00:00:00Z') } };
    expect(podInfoOf(slimPod(dated), 'ns').creationTimestamp).toBe(podInfoOf(slimPod(pod()), 'ns').creationTimestamp);
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'web', tier: 'a' };
  test.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchLabels: { app: 'web', zone: 'x' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a', 'b'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['b'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['x'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['b'] }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn' as const, values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['a'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' as const }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' as const }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' as const }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a'] }] }, true],
  ])('%j -> %s', (selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
  test('an empty selector matches nothing (never "every pod"); an unknown operator matches nothing', () => {
    expect(selectorMatches({}, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: {}, matchExpressions: [] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Gt' as never }] }, labels)).toBe(false);
  });
  test('a pod without labels matches only DoesNotExist/NotIn selectors', () => {
    expect(selectorMatches({ matchLabels: { app: 'web' } }, undefined)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, undefined)).toBe(true);
  });
});
