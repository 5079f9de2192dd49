/** Where the webhook's self-managed mode finds its API server: in a pod, or KUBECONFIG outside one. */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inClusterConfig } from '../../../webhook/src/kube.ts';

describe('inClusterConfig', () => {
  test('outside a cluster with KUBECONFIG set, it uses that kubeconfig', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wh-kc-'));
    const file = join(dir, 'config');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config',
      'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]',
      'users: [{ name: u, user: { token: abc } }]',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'current-context: x', '',
    ].join('\n'));
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      expect(inClusterConfig({ KUBECONFIG: file }).getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test('with neither KUBERNETES_SERVICE_HOST nor KUBECONFIG it refuses with a clear message', () => {
    expect(() => inClusterConfig({})).toThrow('not in a cluster: KUBERNETES_SERVICE_HOST is not set (outside a cluster, set KUBECONFIG)');
  });
});
