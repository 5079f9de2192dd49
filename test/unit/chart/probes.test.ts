/**
 * The operator container's probes hit routes the operator really serves on its port 9000 (named http):
 * the rendered httpGet paths are requested from operator/src/http/server.ts on a free port.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { HttpServer } from '../../../operator/src/http/server.ts';
import { RELEASE, field, findOne, renderObjects } from './support/render.ts';

interface Probe { httpGet: { path: string; port: string } }
let probes: Record<string, Probe>;
let ready = false;
const server = new HttpServer({
  port: 0,
  host: '127.0.0.1',
  renderMetrics: () => Promise.resolve('# none\n'),
  metricsContentType: 'text/plain; version=0.0.4',
  health: () => ({ rootNamespace: 'chaosmonkey', behavior: 'AllowAll', logLevel: 'info', informers: 2, scheduledEntries: 0 }),
  ready: () => ready,
});
let port = 0;

beforeAll(async () => {
  const c = field(findOne(renderObjects(), 'Deployment', `${RELEASE}-chaos-monkey`), 'spec.template.spec.containers.0') as Record<string, Probe>;
  probes = { startup: c.startupProbe as Probe, liveness: c.livenessProbe as Probe, readiness: c.readinessProbe as Probe };
  port = await server.start();
}, 240_000);

afterAll(async () => {
  await server.stop();
});

const status = async (path: string): Promise<number> => (await fetch(`http://127.0.0.1:${port}${path}`)).status;

describe('operator probes', () => {
  test('all three use the port named http', () => {
    for (const p of Object.values(probes)) expect(p.httpGet.port).toBe('http');
  });

  test('liveness and startup answer 200 while the caches are still syncing; readiness waits for them', async () => {
    ready = false;
    expect(await status(probes.liveness?.httpGet.path ?? '')).toBe(200);
    expect(await status(probes.startup?.httpGet.path ?? '')).toBe(200);
    expect(await status(probes.readiness?.httpGet.path ?? '')).not.toBe(200);
    ready = true;
    expect(await status(probes.readiness?.httpGet.path ?? '')).toBe(200);
  });
});
