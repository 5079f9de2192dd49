/**
 * The real entry point as a child process (`node operator/src/main.ts`): against a cluster given
 * by KUBECONFIG it acts and, on SIGTERM, releases the Lease, closes its watches and exits 0; with
 * no cluster at all it runs the demo and chaos shows in its log within 30 s.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { World } from './support/world.ts';

interface Child {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function run(env: Record<string, string | undefined>): Child {
  const proc = spawn(process.execPath, ['operator/src/main.ts'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ raw: line });
    }
  });
  proc.stderr?.on('data', (d: Buffer) => lines.push({ stderr: d.toString() }));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, lines, exited };
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
    expect(world.sandbox.openWatchCount()).toBe(2);
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
  test('runs the demo: says so, kills and rescales within 30 s, and stops on SIGINT', async () => {
    const child = run({ ...baseEnv(), HOME: tmp, TMPDIR: tmp });
    try {
      const banner = await waitFor('the demo banner', () => child.lines.find((l) => /^no cluster found: running the demo on the embedded API server at https:\/\/127\.0\.0\.1:\d+, kubeconfig written to /.test(String(l.message))), 20_000);
      expect(String(banner.kubeconfig)).toContain(tmp);
      for (const mode of ['killPod', 'randomScale', 'antiPressure']) {
        await waitFor(`a ${mode} action`, () => child.lines.some((l) => l.message === 'chaos action' && l.mode === mode && l.namespace === 'demo'), 30_000);
      }
      child.proc.kill('SIGINT');
      expect(await child.exited).toBe(0);
    } finally {
      child.proc.kill('SIGKILL');
    }
  }, 60_000);
});
