/**
 * The shipped artefact (scripts/build.ts, docs/adr/0007-bundle-production-entries.md): the two
 * esbuild bundles, copied with package.json alone into a directory that has no node_modules in
 * reach (as in the image), start with the image's NODE_OPTIONS against the sandbox: the operator
 * syncs its caches, writes a CMC's status and exits 0 on SIGTERM; the webhook issues its
 * certificate and listens.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildDist } from '../../../scripts/build.ts';
import { OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { World } from './support/world.ts';
import { spawnNode } from '../../support/child.ts';
import type { Child } from '../../support/child.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** The image's NODE_OPTIONS (Dockerfile ENV) and the flags its ENTRYPOINT gives `node`, as arguments. */
const NODE_ARGS = [
  ...(/NODE_OPTIONS="([^"]*)"/.exec(DOCKERFILE)?.[1] ?? '').split(/\s+/).filter((a) => a !== ''),
  ...(JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(DOCKERFILE)?.[1] ?? '["node"]') as string[]).slice(1),
];

let app: string;
let world: World;
const children: Child[] = [];

function run(entry: string, args: string[] = []): Child {
  const child = spawnNode([...NODE_ARGS, entry, ...args], {
    cwd: app,
    env: { PATH: process.env.PATH, HOME: app, KUBECONFIG: join(app, 'kubeconfig'), CHAOSMONKEY_METRICS_PORT: '0', CHAOSMONKEY_LEASE_DURATION: '3s', NODE_ENV: 'production' },
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'cm-bundle-'));
  await buildDist(join(app, 'dist'));
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  world = await startWorld();
  await writeFile(join(app, 'kubeconfig'), world.sandbox.kubeconfig);
  await world.createNamespace('bundle');
  await world.createDeployment('bundle', 'web', 2);
  await world.createCmc('bundle', 'kill', { scalingMode: 'killPod', timeout: '1h', deployment: { name: 'web' } });
}, 60_000);

afterAll(async () => {
  for (const c of children) c.proc.kill('SIGKILL');
  await world?.stop();
  await rm(app, { recursive: true, force: true });
});

describe('the bundled entry points', () => {
  test('hold every dependency: nothing resolves from node_modules', () => {
    expect(existsSync(join(app, 'node_modules'))).toBe(false);
    const main = readFileSync(join(app, 'dist', 'operator', 'src', 'main.js'), 'utf8');
    expect(main).not.toMatch(/from\s*"@kubernetes\/client-node"|from\s*"winston"|from\s*"prom-client"/);
  });

  test('the operator syncs, writes status and exits 0 on SIGTERM', async () => {
    const child = run('dist/operator/src/main.js');
    await waitFor('caches synced', () => child.lines.some((l) => l.message === 'caches synced'), 20_000);
    const status = await waitFor('the CMC status', async () => {
      const cmc = (await world.getCmc('bundle', 'kill')) as { status?: { nextActionAt?: string } };
      return cmc.status?.nextActionAt;
    }, 20_000);
    expect(typeof status).toBe('string');
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.lines.filter((l) => l.stderr !== undefined)).toEqual([]);
  }, 60_000);

  test('the webhook issues its certificate and listens', async () => {
    const child = run('dist/webhook/src/main.js', ['--port=0', '--cert-mode=self-managed', `--namespace=${OPERATOR_NAMESPACE}`]);
    await waitFor('webhook listening', () => child.lines.some((l) => l.message === 'webhook listening') || child.lines.some((l) => l.level === 'error'), 20_000);
    expect(child.lines.filter((l) => l.level === 'error')).toEqual([]);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  }, 60_000);
});
