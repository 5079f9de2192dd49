/**
 * The standalone entry point as a real process: starts from flags with certificate files, serves
 * HTTPS, logs JSON, and exits 0 after a graceful stop on SIGTERM.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpsRequest, localBundle } from '../../unit/webhook/https-client.ts';
import { waitFor } from '../../support/wait-for.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
let child: ChildProcess | undefined;
let dir: string | undefined;
afterAll(async () => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('npm run webhook (webhook/src/main.ts)', () => {
  test('serves with --port 0 --cert --key, logs JSON, exits 0 on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'whk-main-'));
    const bundle = await localBundle();
    await writeFile(join(dir, 'tls.crt'), bundle.certPem);
    await writeFile(join(dir, 'tls.key'), bundle.keyPem);
    child = spawn(process.execPath, [join(ROOT, 'webhook/src/main.ts'), '--port', '0', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')], {
      cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', CHAOSMONKEY_WEBHOOK_LOGLEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await waitFor('the "webhook listening" log line', () => /"message":"webhook listening"/.test(out), 20_000, 20);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const listening = lines.find((l) => l.message === 'webhook listening')!;
    expect(listening).toMatchObject({ level: 'info', component: 'webhook', certificates: 'files' });
    expect(typeof listening.timestamp).toBe('string');
    const health = await httpsRequest({ port: listening.port as number, ca: bundle.caBundlePem, path: '/healthz' });
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('"message":"webhook stopped"');
  });

  test('a bad flag exits 1 with the reason on stderr', async () => {
    const p = spawn(process.execPath, [join(ROOT, 'webhook/src/main.ts'), '--port', 'nope'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => p.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toContain('bad port "nope"');
  });
});
