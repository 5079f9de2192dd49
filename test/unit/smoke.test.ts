import { expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';

test('client-node 2.x loads on this Node', () => {
  expect(typeof k8s.makeInformer).toBe('function');
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
});
