/**
 * The Go seed's tests/kubetest.sh, its commands in the release namespace run with the real kubectl
 * against the sandbox after the chart (release chaos-monkey, namespace chaosmonkey, default values)
 * is created there: exactly 1 Deployment and 1 Service, a Running pod, the JSON patch of
 * containers/0/env/1 to DenyAll, rollout restart and status of deployment chaos-monkey, and the
 * restartCount of the first container status. The port-forward of svc/chaos-monkey 9090:80 cannot
 * run here (the sandbox runs no containers); test/unit/chart/chart.test.ts resolves that port to the
 * operator's 9000. Kinds the sandbox does not serve (RBAC, PodDisruptionBudget) are left out; the
 * seed's script does not look at them.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { renderObjects } from '../../unit/chart/support/render.ts';
import { waitFor } from '../../support/wait-for.ts';
import { kubectlFor } from '../../support/kubectl.ts';

/** Kinds the sandbox does not serve (sandbox/server/builtins.ts). */
const NOT_SERVED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'PodDisruptionBudget']);

let sandbox: Sandbox | undefined;
let dir: string;
let kubeconfigFile: string;

const k = kubectlFor(() => kubeconfigFile, () => join(dir, 'cache'));
const ok = k.ok;

/** `... --no-headers | wc -l` */
const lineCount = (text: string): number => text.split('\n').filter((l) => l !== '').length;

beforeAll(async () => {
  const objects = renderObjects({ release: 'chaos-monkey', namespace: 'chaosmonkey', includeCrds: true });
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'seed-kubetest-'));
  kubeconfigFile = join(dir, 'kubeconfig');
  await sandbox.writeKubeconfig(kubeconfigFile);
  const file = join(dir, 'chart.yaml');
  writeFileSync(file, objects.filter((o) => !NOT_SERVED.has(o.kind)).map((o) => dump(o)).join('---\n'));
  await ok('create', 'namespace', 'chaosmonkey');
  await ok('create', '-f', file);
}, 240_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("the seed's tests/kubetest.sh, namespace chaosmonkey", () => {
  test('"Checking pods": a pod line contains Running', async () => {
    await waitFor('a Running pod in chaosmonkey', async () => (await ok('get', 'pods', '--namespace=chaosmonkey')).includes('Running'), 10_000);
  });

  test('"Checking deployments" and "Checking service": exactly 1 of each', async () => {
    expect(lineCount(await ok('get', 'deployments', '--namespace=chaosmonkey', '--no-headers'))).toBe(1);
    expect(lineCount(await ok('get', 'services', '--namespace=chaosmonkey', '--no-headers'))).toBe(1);
    expect(await ok('get', 'services', '--namespace=chaosmonkey', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].spec.ports[0].port}')).toBe('chaos-monkey 80');
  });

  test('"Checking that chaosmonkey did not crash even once": the first container status has restartCount 0', async () => {
    await waitFor('container statuses', async () => (await ok('-n', 'chaosmonkey', 'get', 'pods', '-o', 'jsonpath={.items[0].status.containerStatuses[0].name}')) === 'operator', 10_000);
    expect(await ok('-n', 'chaosmonkey', 'get', 'pods', '-o', 'jsonpath={.items[0].status.containerStatuses[0].restartCount}')).toBe('0');
  });

  test('"Patching deployment to inject DenyAll": the seed\'s JSON patch, rollout restart and status succeed', async () => {
    // The seed's patch text as it is (its trailing comma included: kubectl reads the patch as YAML).
    const patch = join(dir, 'deny-all.json');
    writeFileSync(patch, '[\n  { "op": "replace", "path": "/spec/template/spec/containers/0/env/1/value", "value": "DenyAll" },\n]\n');
    await ok('patch', '-n', 'chaosmonkey', 'deploy', 'chaos-monkey', '--type', 'json', `--patch-file=${patch}`);
    await ok('rollout', '-n', 'chaosmonkey', 'restart', 'deployment', 'chaos-monkey');
    const env1 = JSON.parse(await ok('-n', 'chaosmonkey', 'get', 'deploy', 'chaos-monkey', '-o', 'jsonpath={.spec.template.spec.containers[0].env[1]}')) as unknown;
    expect(env1).toEqual({ name: 'CHAOSMONKEY_BEHAVIOR', value: 'DenyAll' });
    await ok('rollout', '-n', 'chaosmonkey', 'status', 'deployment', 'chaos-monkey', '--timeout=20s');
  }, 40_000);
});
