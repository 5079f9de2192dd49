/**
 * The real entry points as child processes. The image's (`node operator/src/main.ts`): against a
 * cluster given by KUBECONFIG it acts and, on SIGTERM, releases the Lease, closes its watches and
 * exits 0; with no cluster, or in a pod without usable service-account credentials, it exits 1
 * saying why. `npm start`'s launcher (`node demo/start.ts`): with no cluster it runs the demo,
 * prints three commands to try and chaos shows in its log within 30 s; in a pod, never the demo.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { World } from './support/world.ts';
import { spawnNode } from '../../support/child.ts';
import type { Child } from '../../support/child.ts';

const OPERATOR = 'operator/src/main.ts';
const LAUNCHER = 'demo/start.ts';
const TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function run(env: Record<string, string | undefined>, entry = OPERATOR): Child {
  return spawnNode([entry], { env: env as NodeJS.ProcessEnv });
}

const baseEnv = (): Record<string, string | undefined> => ({ PATH: process.env.PATH, CHAOSMONKEY_METRICS_PORT: '0', CHAOSMONKEY_LEASE_DURATION: '3s' });

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cm-main-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('main.ts against KUBECONFIG', () => {
  let world: World;
  let child: Child | undefined;
  beforeAll(async () => {
    world = await startWorld();
    await world.createNamespace('main');
    await world.createDeployment('main', 'web', 2);
    await world.createCmc('main', 'kill', { deployment: { name: 'web' } });
  }, 30_000);
  afterAll(async () => {
    child?.proc.kill('SIGKILL');
    await world?.stop();
  });

  test('acts, then on SIGTERM releases the Lease, closes its watches and exits 0', async () => {
    const kubeconfig = join(tmp, 'kubeconfig');
    await world.sandbox.writeKubeconfig(kubeconfig);
    child = run({ ...baseEnv(), KUBECONFIG: kubeconfig, HOME: tmp, CHAOSMONKEY_POD_NAME: 'main-proc' });
    const c = child;
    await waitFor('a chaos action in the log', () => c.lines.some((l) => l.message === 'chaos action' && l.cmc === 'kill'), 20_000);
    expect(world.sandbox.openWatchCount()).toBe(4); // Namespaces, CMCs, Deployments, Pods
    const coord = world.kc.makeApiClient(k8s.CoordinationV1Api);
    expect((await coord.readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE })).spec?.holderIdentity).toBe('main-proc');
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect((await coord.readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE })).spec?.holderIdentity ?? '').toBe('');
    await waitFor('watches closed', () => world.sandbox.openWatchCount() === 0, 3_000);
    expect(c.lines.some((l) => l.message === 'released leader lease')).toBe(true);
  }, 40_000);
});

describe('main.ts with no cluster', () => {
  test('exits 1 with one line saying no cluster was found, and runs no demo', async () => {
    const child = run({ ...baseEnv(), HOME: tmp, TMPDIR: tmp });
    expect(await child.exited).toBe(1);
    const stderr = child.lines.filter((l) => l.stderr !== undefined).map((l) => String(l.stderr)).join('');
    expect(stderr).toMatch(/^chaos-monkey failed to start: no cluster found: set KUBECONFIG, .*\n$/);
    expect(child.lines.some((l) => /demo/.test(String(l.message)))).toBe(false);
  }, 30_000);
});

describe('in a pod without usable service-account credentials', () => {
  test.each([OPERATOR, LAUNCHER])('%s exits 1 naming the missing token file, never the demo', async (entry) => {
    expect(existsSync(TOKEN_FILE)).toBe(false); // this machine is not a pod
    const child = run({ ...baseEnv(), HOME: tmp, TMPDIR: tmp, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, entry);
    expect(await child.exited).toBe(1);
    const stderr = child.lines.filter((l) => l.stderr !== undefined).map((l) => String(l.stderr)).join('');
    expect(stderr).toBe(`chaos-monkey failed to start: running in a pod (KUBERNETES_SERVICE_HOST is set) but ${TOKEN_FILE} is missing or unreadable: mount the service account token (automountServiceAccountToken: true) or set KUBECONFIG\n`);
    expect(child.lines.some((l) => /demo/.test(String(l.message)))).toBe(false);
  }, 30_000);
});

describe('npm start (demo/start.ts) with no cluster', () => {
  test('runs the demo: says so, names three commands to try, kills and rescales within 30 s, and stops on SIGINT', async () => {
    const child = run({ ...baseEnv(), HOME: tmp, TMPDIR: tmp }, LAUNCHER);
    try {
      const banner = await waitFor('the demo banner', () => child.lines.find((l) => /^no cluster found: running the demo on the embedded API server at https:\/\/127\.0\.0\.1:\d+, kubeconfig written to /.test(String(l.message))), 20_000);
      expect(String(banner.kubeconfig)).toContain(tmp);
      const started = await waitFor('the operator started', () => child.lines.find((l) => l.message === 'chaos-monkey operator started'), 20_000);
      const ready = await waitFor('demo ready', () => child.lines.find((l) => l.message === 'demo ready'), 5_000);
      expect(ready.try).toEqual([
        `kubectl --kubeconfig ${String(banner.kubeconfig)} get cmc,pods -n demo`,
        `curl -s http://localhost:${String(started.metricsPort)}/metrics | grep ^chaos_monkey`,
      ]);
      expect(String(ready.stop)).toMatch(/Ctrl-C/);
      expect(ready.liveView).toBe(`http://localhost:${String(started.metricsPort)}/`);
      const page = await fetch(String(ready.liveView));
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('demo-kill-pod');
      for (const mode of ['killPod', 'randomScale', 'antiPressure']) {
        await waitFor(`a ${mode} action`, () => child.lines.some((l) => l.message === 'chaos action' && l.mode === mode && l.namespace === 'demo'), 30_000);
      }
      child.proc.kill('SIGINT');
      expect(await child.exited).toBe(0);
    } finally {
      child.proc.kill('SIGKILL');
    }
  }, 60_000);

  test('with CHAOSMONKEY_LOG_FORMAT=text: the three commands as plain lines, one readable line per chaos action, SIGINT exits 0', async () => {
    const child = run({ ...baseEnv(), HOME: tmp, TMPDIR: tmp, CHAOSMONKEY_LOG_FORMAT: 'text' }, LAUNCHER);
    try {
      const text = (): string[] => child.lines.map((l) => String(l.raw ?? ''));
      await waitFor('the three commands', () => text().some((l) => /^ {2}press Ctrl-C/.test(l)), 20_000);
      expect(text().some((l) => /^ {2}kubectl --kubeconfig \S+ get cmc,pods -n demo$/.test(l))).toBe(true);
      expect(text().some((l) => /^ {2}curl -s http:\/\/localhost:\d+\/metrics/.test(l))).toBe(true);
      expect(text().some((l) => /^Live view \(refreshes every 5 s\): http:\/\/localhost:\d+\/$/.test(l))).toBe(true);
      await waitFor('a chaos line', () => text().some((l) => /^\S+Z INFO {2}\[chaos\] chaos action namespace=demo cmc=demo-\S+ mode=\w+ /.test(l)), 30_000);
      expect(child.lines.filter((l) => l.raw === undefined && l.stderr === undefined)).toEqual([]); // no JSON
      const signalled = performance.now();
      child.proc.kill('SIGINT');
      expect(await child.exited).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(10_000);
    } finally {
      child.proc.kill('SIGKILL');
    }
  }, 60_000);
});
