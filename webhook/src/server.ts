/**
 * The webhook's HTTPS server: `POST /convertcrd`, `GET /healthz`, `GET /metrics`. HTTPS only.
 * Every answer is JSON (except /metrics): bad input gets the proper HTTP status and a ConversionReview
 * Failure (on /convertcrd) or a Kubernetes Status (elsewhere); nothing a client sends can crash it.
 * The serving certificate can be swapped at any time with {@link WebhookServer.setCertificate}
 * (tls.Server.setSecureContext): new handshakes use it, open connections are not disturbed.
 */
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { failureReview, handleConversionReview } from './review.ts';
import type { WebhookLogger } from './log.ts';
import { countConversions } from './metrics.ts';
import type { WebhookMetrics } from './metrics.ts';

/** Largest request body accepted (3 MiB, as kube-apiserver's webhook request limit). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Path of the conversion endpoint (seed and CRD). */
export const CONVERT_PATH = '/convertcrd';

/** A PEM certificate chain and its private key. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind; default `0.0.0.0`. */
  host?: string;
  /** Initial certificate and key. */
  tls: TlsMaterial;
  logger: WebhookLogger;
  metrics: WebhookMetrics;
  /** Body size limit in bytes; default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  /** How long close() lets in-flight requests finish before cutting connections; default 10 s. */
  shutdownGraceMs?: number;
}

/** A running server. */
export interface WebhookServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /**
   * Replaces the serving certificate for new TLS handshakes.
   * @throws Error when the pair is unusable (bad PEM, key not matching): the current certificate stays.
   */
  setCertificate(material: TlsMaterial): void;
  /** Stops accepting, lets in-flight requests finish (bounded by shutdownGraceMs), closes every connection. Idempotent. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

function send(res: ServerResponse, status: number, body: string, contentType = JSON_TYPE, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
}

/** Kubernetes-style Status body for errors outside the conversion endpoint. */
function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function pathClass(path: string): string {
  return path === CONVERT_PATH || path === '/healthz' || path === '/metrics' ? path : 'other';
}

/**
 * Starts the HTTPS server and resolves once it listens.
 * @throws when the initial certificate is unusable or the port cannot be bound.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { logger, metrics } = options;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const graceMs = options.shutdownGraceMs ?? 10_000;

  const answer = (res: ServerResponse, path: string, status: number, body: string, contentType?: string, headers?: Record<string, string>): void => {
    metrics.requests.inc({ path: pathClass(path), code: String(status) });
    send(res, status, body, contentType, headers);
  };

  const refuseBody = (res: ServerResponse, path: string, status: number, message: string): void => {
    const start = process.hrtime.bigint();
    countConversions(metrics, [], 'failure');
    answer(res, path, status, JSON.stringify(failureReview('', message)), JSON_TYPE, status === 413 ? { connection: 'close' } : {});
    metrics.reviewDuration.observe({ result: 'failure' }, Number(process.hrtime.bigint() - start) / 1e9);
    logger.info('conversion refused', { status, reason: message });
  };

  const convert = (res: ServerResponse, path: string, raw: Buffer): void => {
    const start = process.hrtime.bigint();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      refuseBody(res, path, 400, `malformed JSON body: ${(err as Error).message}`);
      return;
    }
    const outcome = handleConversionReview(parsed);
    let text: string;
    let status: number = outcome.httpStatus;
    let result = outcome.result;
    try {
      text = JSON.stringify(outcome.review);
    } catch (err) {
      // Only reachable with hostile objects (e.g. nesting deeper than the stack): still a JSON answer.
      status = 500;
      result = 'failure';
      text = JSON.stringify(failureReview(outcome.review.response.uid, `cannot encode the converted objects: ${(err as Error).message}`));
    }
    countConversions(metrics, outcome.directions, result);
    answer(res, path, status, text);
    metrics.reviewDuration.observe({ result }, Number(process.hrtime.bigint() - start) / 1e9);
    if (result === 'failure') logger.info('conversion failed', { uid: outcome.review.response.uid, status, reason: outcome.message });
    else logger.debug('conversion done', { uid: outcome.review.response.uid, objects: outcome.directions.length });
  };

  const readBody = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) {
      refuseBody(res, path, 413, `request body of ${declared} bytes exceeds the limit of ${maxBody} bytes`);
      drainThenClose(req);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBody) {
        refused = true;
        chunks.length = 0;
        refuseBody(res, path, 413, `request body exceeds the limit of ${maxBody} bytes`);
        drainThenClose(req);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      try {
        convert(res, path, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      } catch (err) {
        // Defensive: convert() catches what it expects; this keeps anything else from killing the process.
        logger.error('conversion handler failed', { error: (err as Error).message });
        send(res, 500, JSON.stringify(failureReview('', 'internal error while converting')));
      }
    });
    req.on('error', (err) => logger.debug('request stream error', { error: err.message }));
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const method = req.method ?? 'GET';
      if (path === CONVERT_PATH) {
        if (method !== 'POST') {
          req.resume();
          answer(res, path, 405, JSON.stringify(failureReview('', `method ${method} not allowed on ${CONVERT_PATH}: use POST`)), JSON_TYPE, { allow: 'POST' });
          return;
        }
        readBody(req, res, path);
        return;
      }
      req.resume();
      if (path === '/healthz' || path === '/metrics') {
        if (method !== 'GET' && method !== 'HEAD') {
          answer(res, path, 405, statusBody(405, 'MethodNotAllowed', `method ${method} not allowed on ${path}: use GET`), JSON_TYPE, { allow: 'GET, HEAD' });
          return;
        }
        if (path === '/healthz') {
          answer(res, path, 200, '{"status":"ok"}');
          return;
        }
        metrics.render().then(
          (text) => answer(res, path, 200, text, metrics.contentType),
          (err: unknown) => answer(res, path, 500, statusBody(500, 'InternalError', `metrics: ${(err as Error).message}`)),
        );
        return;
      }
      answer(res, path, 404, statusBody(404, 'NotFound', `no route for ${method} ${path}: the webhook serves POST ${CONVERT_PATH}, GET /healthz and GET /metrics`));
    } catch (err) {
      // Defensive: nothing above should throw, but a request must never take the process down.
      logger.error('request handler failed', { error: (err as Error).message });
      send(res, 500, statusBody(500, 'InternalError', 'internal error'));
    }
  };

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, handler);
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 30_000;
  server.on('clientError', (err: Error, socket: Socket) => {
    logger.debug('client error', { error: err.message });
    if (socket.writable) {
      const body = statusBody(400, 'BadRequest', `bad HTTP request: ${err.message}`);
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    } else {
      socket.destroy();
    }
  });
  server.on('tlsClientError', (err: Error) => logger.debug('TLS handshake failed', { error: err.message }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.error('server error', { error: err.message }));
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    setCertificate(material: TlsMaterial): void {
      // createSecureContext validates the PEMs and that the key matches the certificate.
      tls.createSecureContext({ cert: material.cert, key: material.key });
      server.setSecureContext({ cert: material.cert, key: material.key, minVersion: 'TLSv1.2' });
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** After an early 413, read and discard what the client still sends (bounded), then close the connection. */
function drainThenClose(req: IncomingMessage): void {
  let drained = 0;
  const limit = 16 * 1024 * 1024;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > limit) req.socket.destroy();
  });
  req.resume();
}
