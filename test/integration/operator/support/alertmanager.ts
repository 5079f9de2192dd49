/**
 * A real Alertmanager (Debian package prometheus-alertmanager; .ci/run installs it) started on a
 * free loopback port with a minimal config, for the stop-condition tests. No clustering, its own
 * storage directory, killed by {@link RealAlertmanager.kill}.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../../../support/free-port.ts';
import { waitFor } from '../../../support/wait-for.ts';

const NAMES = ['prometheus-alertmanager', 'alertmanager'];

/** Path of the Alertmanager binary (PATH, then /usr/bin); throws a clear error when absent. */
export function alertmanagerBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), '/usr/bin'];
  for (const dir of dirs) {
    for (const name of NAMES) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  throw new Error('Alertmanager binary not found (prometheus-alertmanager / alertmanager on PATH or in /usr/bin): install the Debian package prometheus-alertmanager (.ci/run does when it is missing)');
}

/** One running Alertmanager. */
export interface RealAlertmanager {
  url: string;
  /** POSTs alerts to /api/v2/alerts; `resolved` sets endsAt to now. */
  post(labels: Record<string, string>, options?: { resolved?: boolean }): Promise<void>;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** Kills it (if running) and removes its directory. */
  stop(): Promise<void>;
}

const CONFIG = 'route:\n  receiver: none\nreceivers:\n  - name: none\n';

/** Starts Alertmanager and waits for /-/ready. */
export async function startAlertmanager(): Promise<RealAlertmanager> {
  const binary = alertmanagerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'cm-alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), CONFIG);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child: ChildProcess = spawn(binary, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.path=${join(dir, 'data')}`, '--cluster.listen-address='], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  try {
    await waitFor('Alertmanager /-/ready', async () => {
      if (!alive) throw new Error(`Alertmanager exited:\n${output.join('')}`);
      try {
        return (await fetch(`${url}/-/ready`)).ok;
      } catch {
        return false;
      }
    }, 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const kill = async (): Promise<void> => {
    if (alive) child.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    async post(labels, options = {}) {
      const now = new Date();
      const alert = { labels, annotations: {}, startsAt: new Date(now.getTime() - 60_000).toISOString(), ...(options.resolved === true ? { endsAt: now.toISOString() } : {}) };
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([alert]) });
      if (!res.ok) throw new Error(`POST /api/v2/alerts: HTTP ${res.status} ${await res.text()}`);
    },
    kill,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
