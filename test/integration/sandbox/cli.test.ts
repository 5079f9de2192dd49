/**
 * The standalone sandbox (`sandbox/cli.ts`) as a separate process: it writes a kubeconfig, serves HTTPS with the
 * CA the kubeconfig carries, answers the `/sandbox/` HTTP helpers, and exits 0 on SIGTERM.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';

function get(url: string, ca: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sandbox CLI', () => {
  test('starts, writes a kubeconfig, serves, and stops cleanly on SIGTERM', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sandbox-cli-')), 'kubeconfig');
    const child = spawn(process.execPath, ['sandbox/cli.ts', '--port', '0', '--kubeconfig-out', file, '--crd', 'crds/chaosmonkeyconfigurations.yaml'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`exited early: ${out}`)));
      });
      const kc = load(readFileSync(file, 'utf8')) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[] };
      const cluster = kc.clusters[0]?.cluster;
      expect(cluster?.server).toBe(url);
      const ca = Buffer.from(cluster?.['certificate-authority-data'] ?? '', 'base64').toString();
      const version = await get(`${url}/version`, ca);
      expect(JSON.parse(version.body)).toMatchObject({ major: '1', minor: '28' });
      const crds = await get(`${url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, ca);
      expect(JSON.parse(crds.body).items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual(['chaosmonkeyconfigurations.cm.massix.github.io']);
      expect((await get(`${url}/sandbox/watches`, ca)).body).toBe('{"open":0}');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
