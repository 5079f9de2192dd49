/**
 * The operator's plain-HTTP endpoint (seed-spec.md 9; issue 4 point 9), default port 9000:
 *
 * | path | 200 | otherwise |
 * |---|---|---|
 * | GET /metrics | Prometheus text exposition (render injected) | 500 when rendering fails |
 * | GET /health | the seed's JSON document (health.ts) | 500 with the seed's error shape when the snapshot fails |
 * | GET /readyz | "ok" once every cache has synced | 503 "not ready" |
 * | GET /livez | "ok" while the process is healthy | 503 "not live" |
 * | GET / | the live view (live/page.ts), when `liveView` is given, with its CSP | 404 without `liveView`; 500 when rendering fails |
 *
 * HEAD is accepted wherever GET is. Other methods on these paths: 405 with `Allow`; any other
 * path: 404. Knows no registry or cache: it gets functions.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../ports.ts';
import { healthBody } from './health.ts';
import type { HealthSnapshot } from './health.ts';

/** Options of {@link HttpServer}. */
export interface HttpServerOptions {
  /** TCP port; 0 picks a free one (see {@link HttpServer.port}). */
  port: number;
  /** Bind address; default all interfaces ('::' with IPv4 fallback by Node). */
  host?: string;
  /** Renders /metrics. */
  renderMetrics: () => Promise<string>;
  /** Content-Type of /metrics. */
  metricsContentType: string;
  /** Snapshot for /health, taken per request. */
  health: () => HealthSnapshot;
  /** /readyz: true once every informer has synced. */
  ready: () => boolean;
  /** /livez: default always true. */
  live?: () => boolean;
  /** Renders the live view page for `GET /`; undefined: `/` answers 404. */
  liveView?: () => { html: string; csp: string };
  /** Request failures are logged here (warn). */
  log?: Logger;
}

const ROUTES = new Set(['/metrics', '/health', '/readyz', '/livez']);

/** node:http server for metrics and probes. One instance per process; `start`/`stop` are idempotent. */
export class HttpServer {
  readonly #o: HttpServerOptions;
  #server: Server | undefined;

  /** Creates a stopped server. */
  constructor(options: HttpServerOptions) {
    this.#o = options;
  }

  /** The bound port once started (useful with port 0), else undefined. */
  get port(): number | undefined {
    const address = this.#server?.address();
    return address !== null && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  /** Listens; resolves with the bound port. Rejects when the port cannot be bound (EADDRINUSE...). */
  async start(): Promise<number> {
    if (this.#server !== undefined) return this.port as number;
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#o.log?.warn('http request failed', { path: req.url, error: String(error) });
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n', req.method === 'HEAD');
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#o.port, this.#o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    return this.port as number;
  }

  /** Stops listening and closes open connections (keep-alive included). Idempotent. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const head = req.method === 'HEAD';
    if (!ROUTES.has(path) && !(path === '/' && this.#o.liveView !== undefined)) {
      send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n', head);
      return;
    }
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', false);
      return;
    }
    switch (path) {
      case '/metrics': {
        let body: string;
        try {
          body = await this.#o.renderMetrics();
        } catch (error) {
          this.#o.log?.warn('rendering metrics failed', { error: String(error) });
          send(res, 500, 'text/plain; charset=utf-8', 'metrics unavailable\n', head);
          return;
        }
        send(res, 200, this.#o.metricsContentType, body, head);
        return;
      }
      case '/health': {
        let body: string;
        try {
          body = JSON.stringify(healthBody(this.#o.health()));
        } catch (error) {
          this.#o.log?.warn('health snapshot failed', { error: String(error) });
          send(res, 500, 'application/json', JSON.stringify({ error_message: String(error), code: 500 }), head);
          return;
        }
        send(res, 200, 'application/json', body, head);
        return;
      }
      case '/': {
        const page = (this.#o.liveView as () => { html: string; csp: string })();
        res.setHeader('Content-Security-Policy', page.csp);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Referrer-Policy', 'no-referrer');
        res.setHeader('Cache-Control', 'no-store');
        send(res, 200, 'text/html; charset=utf-8', page.html, head);
        return;
      }
      case '/readyz':
        if (this.#o.ready()) send(res, 200, 'text/plain; charset=utf-8', 'ok\n', head);
        else send(res, 503, 'text/plain; charset=utf-8', 'not ready\n', head);
        return;
      default:
        if (this.#o.live?.() ?? true) send(res, 200, 'text/plain; charset=utf-8', 'ok\n', head);
        else send(res, 503, 'text/plain; charset=utf-8', 'not live\n', head);
    }
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(head ? undefined : body);
}
