import { afterEach, describe, expect, test } from '@jest/globals';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebhook } from '../../../webhook/src/start.ts';
import type { RunningWebhook } from '../../../webhook/src/start.ts';
import { createWebhookLogger } from '../../../webhook/src/log.ts';
import { createWebhookMetrics } from '../../../webhook/src/metrics.ts';
import { httpsRequest, localBundle } from './https-client.ts';
import { waitFor } from '../../support/wait-for.ts';

let webhook: RunningWebhook | undefined;
let dir: string | undefined;
afterEach(async () => {
  await webhook?.stop();
  webhook = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('certificate files are reloaded without a restart or a failed request', () => {
  test('atomic replace of both files: new handshakes get the new certificate, no request fails meanwhile', async () => {
    dir = await mkdtemp(join(tmpdir(), 'whk-'));
    const first = await localBundle();
    const second = await localBundle();
    await writeFile(join(dir, 'tls.crt'), first.certPem);
    await writeFile(join(dir, 'tls.key'), first.keyPem);
    webhook = await startWebhook({
      port: 0, host: '127.0.0.1', certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), certReloadIntervalMs: 200,
      logger: createWebhookLogger({ silent: true }), metrics: createWebhookMetrics({ defaultMetrics: false }),
    });
    const ca = first.caBundlePem + second.caBundlePem;
    const agent = new https.Agent({ keepAlive: true, ca, servername: 'localhost' });
    const port = webhook.port;
    const seen = new Set<string>();
    const failures: string[] = [];
    let stop = false;
    // Clients hammer the server (new handshakes and keep-alive) while the files change.
    const load = (async () => {
      while (!stop) {
        for (const opts of [{}, { agent }]) {
          try {
            const r = await httpsRequest({ port, ca, path: '/healthz', ...opts });
            if (r.status !== 200) failures.push(`status ${r.status}`);
            seen.add(r.fingerprint);
          } catch (err) {
            failures.push((err as Error).message);
            if (failures.length > 20) stop = true; // bail out: the assertion below reports them
          }
        }
      }
    })();
    await waitFor('first certificate served', () => seen.has(fingerprint(first.certPem)) || stop, 10_000, 20);
    expect(failures).toEqual([]);
    await writeFile(join(dir, 'tls.crt.new'), second.certPem);
    await writeFile(join(dir, 'tls.key.new'), second.keyPem);
    await rename(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
    await rename(join(dir, 'tls.crt.new'), join(dir, 'tls.crt'));
    await waitFor('second certificate served', async () => (await httpsRequest({ port, ca: second.caBundlePem, path: '/healthz' })).fingerprint === fingerprint(second.certPem), 10_000, 20);
    stop = true;
    await load;
    agent.destroy();
    expect(failures).toEqual([]);
    expect(seen).toEqual(new Set([fingerprint(first.certPem), fingerprint(second.certPem)]));
  });

  test('a mismatched pair is not applied; the pair is picked up once the key arrives (Kubernetes ..data symlink swap)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'whk-'));
    const first = await localBundle();
    const second = await localBundle();
    // Layout of a mounted Secret: files are symlinks through ..data -> a timestamped directory.
    const v1 = join(dir, '..v1');
    await mkdir(v1);
    await writeFile(join(v1, 'tls.crt'), first.certPem);
    await writeFile(join(v1, 'tls.key'), first.keyPem);
    await symlink('..v1', join(dir, '..data'));
    await symlink('..data/tls.crt', join(dir, 'tls.crt'));
    await symlink('..data/tls.key', join(dir, 'tls.key'));
    const metrics = createWebhookMetrics({ defaultMetrics: false });
    webhook = await startWebhook({
      port: 0, host: '127.0.0.1', certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), certReloadIntervalMs: 100,
      logger: createWebhookLogger({ silent: true }), metrics,
    });
    const port = webhook.port;
    const failures = async (): Promise<number> => (await metrics.certificateLoads.get()).values.find((v) => v.labels.result === 'failure')?.value ?? 0;
    // Half-written update: new certificate, old key.
    const v2 = join(dir, '..v2');
    await mkdir(v2);
    await writeFile(join(v2, 'tls.crt'), second.certPem);
    await writeFile(join(v2, 'tls.key'), first.keyPem);
    await symlink('..v2', join(dir, '..data.tmp'));
    await rename(join(dir, '..data.tmp'), join(dir, '..data'));
    await waitFor('the bad pair to be refused', async () => (await failures()) > 0, 10_000, 20);
    const still = await httpsRequest({ port, ca: first.caBundlePem, path: '/healthz' });
    expect([still.status, still.fingerprint]).toEqual([200, fingerprint(first.certPem)]);
    // The key lands: the next check applies the pair.
    await writeFile(join(v2, 'tls.key'), second.keyPem);
    await waitFor('second certificate served', async () => (await httpsRequest({ port, ca: second.caBundlePem + first.caBundlePem, path: '/healthz' })).fingerprint === fingerprint(second.certPem), 10_000, 20);
  });
});
