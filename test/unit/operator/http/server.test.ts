import { afterEach, describe, expect, test } from '@jest/globals';
import { request } from 'node:http';
import { HttpServer } from '../../../../operator/src/http/server.ts';
import type { HttpServerOptions } from '../../../../operator/src/http/server.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, method: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function startWith(overrides: Partial<HttpServerOptions> = {}): Promise<number> {
  server = new HttpServer({
    port: 0,
    host: '127.0.0.1',
    renderMetrics: async () => '# HELP x y\nx 1\n',
    metricsContentType: 'text/plain; version=0.0.4; charset=utf-8',
    health: () => ({ rootNamespace: 'cm', behavior: 'AllowAll', logLevel: 'info', informers: 2, scheduledEntries: 3 }),
    ready: () => true,
    ...overrides,
  });
  return server.start();
}

describe('HttpServer', () => {
  test('GET /metrics renders with the given content type', async () => {
    const port = await startWith();
    const r = await call(port, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.body).toBe('# HELP x y\nx 1\n');
  });

  test('GET /health returns the seed JSON shape', async () => {
    const port = await startWith();
    const r = await call(port, 'GET', '/health');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: 'up', root_namespace: 'cm', behavior: 'ALLOWALL', loglevel: 'info', total_watchers: 6 });
  });

  test('/readyz follows the ready predicate; /livez the live one', async () => {
    let ready = false;
    let live = true;
    const port = await startWith({ ready: () => ready, live: () => live });
    expect((await call(port, 'GET', '/readyz')).status).toBe(503);
    ready = true;
    expect((await call(port, 'GET', '/readyz')).status).toBe(200);
    expect((await call(port, 'GET', '/livez')).status).toBe(200);
    live = false;
    expect((await call(port, 'GET', '/livez')).status).toBe(503);
  });

  test.each([
    ['GET', '/nope', 404],
    ['GET', '/', 404],
    ['POST', '/metrics', 405],
    ['DELETE', '/health', 405],
    ['HEAD', '/readyz', 200],
    ['GET', '/metrics?x=1', 200],
  ])('%s %s -> %d', async (method, path, status) => {
    const port = await startWith();
    const r = await call(port, method, path);
    expect(r.status).toBe(status);
    if (status === 405) expect(r.headers.allow).toBe('GET, HEAD');
  });

  test('GET / serves the live view as HTML with its CSP and no caching; HEAD has no body; POST is 405; a failing render is 500', async () => {
    let fail = false;
    const port = await startWith({
      liveView: () => {
        if (fail) throw new Error('boom');
        return { html: '<!DOCTYPE html><p>hi</p>', csp: "default-src 'none'" };
      },
    });
    const r = await call(port, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe("default-src 'none'");
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.body).toBe('<!DOCTYPE html><p>hi</p>');
    const head = await call(port, 'HEAD', '/');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await call(port, 'POST', '/')).status).toBe(405);
    expect((await call(port, 'GET', '/index.html')).status).toBe(404);
    fail = true;
    expect((await call(port, 'GET', '/')).status).toBe(500);
    expect((await call(port, 'GET', '/livez')).status).toBe(200);
  });

  test('a failing metrics render answers 500 and the server keeps serving', async () => {
    const port = await startWith({ renderMetrics: async () => Promise.reject(new Error('boom')) });
    expect((await call(port, 'GET', '/metrics')).status).toBe(500);
    expect((await call(port, 'GET', '/livez')).status).toBe(200);
  });

  test('a failing health snapshot answers 500 with the seed error shape', async () => {
    const port = await startWith({
      health: () => {
        throw new Error('no watcher');
      },
    });
    const r = await call(port, 'GET', '/health');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toMatchObject({ code: 500 });
  });

  test('start is idempotent, stop closes the port, a busy port rejects', async () => {
    const port = await startWith();
    expect(await server!.start()).toBe(port);
    const other = new HttpServer({ port, host: '127.0.0.1', renderMetrics: async () => '', metricsContentType: 'text/plain', health: () => ({ rootNamespace: '', behavior: '', logLevel: '', informers: 0, scheduledEntries: 0 }), ready: () => true });
    await expect(other.start()).rejects.toThrow(/EADDRINUSE/);
    await server!.stop();
    await server!.stop();
    await expect(call(port, 'GET', '/livez')).rejects.toThrow(/ECONNREFUSED/);
  });
});
