/**
 * The hot writers' fast path (issue 13 point 2): one request over node:http(s) with one shared
 * keep-alive Agent per connection, authenticated by client-node's own KubeConfig
 * (`applyToHTTPSOptions`: CA, client certificate, bearer token, exec/token-file providers; reused
 * for {@link CREDENTIALS_TTL_MS} and recomputed after a 401), without
 * client-node's per-request machinery (a new undici Agent, fetch Request/Headers/streams, and the
 * ObjectSerializer over responses we do not read). Profiled at 1,000 CMCs, that machinery was most
 * of the operator's CPU per action (docs/operator.md "CPU per action").
 *
 * Failures throw what client-node throws, so api-errors.ts maps them unchanged: a non-2xx answer is
 * an `ApiException` (code, Status body text, headers); an aborted request an `AbortError`; a
 * network failure the socket's error. A request on a reused keep-alive socket that the server had
 * closed meanwhile (ECONNRESET before any answer) is sent once more on a fresh socket, as Node's
 * documentation advises. A kubeconfig `proxy-url` is honoured: those requests go through the proxy
 * agent client-node builds for it.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { SecureContextOptions } from 'node:tls';
import { ApiException } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';

/** What {@link RawKube.request} sends. */
export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/demo/pods/web-1`. */
  path: string;
  query?: Readonly<Record<string, string | number | undefined>>;
  /** Serialized as JSON. */
  body?: unknown;
  /** Default `application/json`; a PATCH says its patch type here. */
  contentType?: string;
  signal?: AbortSignal;
  /**
   * Deadline of the whole request, ms: once it passes the request is aborted with a `TimeoutError`
   * DOMException as its reason (what `AbortSignal.timeout` gives), so it rejects with an AbortError.
   * A timer cleared when the request settles: nothing fires later, unlike `AbortSignal.timeout`,
   * whose timer and DOMException outlive every request (seen in the per-action CPU profile).
   */
  deadlineMs?: number;
  /** true: parse and return the response body. false (default): the body is drained unread. */
  read?: boolean;
}

/** What {@link RawKube.open} sends: a GET whose answer is streamed (a watch). */
export interface RawStreamRequest {
  path: string;
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  signal?: AbortSignal;
  /**
   * The socket's inactivity timeout, ms, from the request on: when nothing arrives for that long
   * `onIdle` is called (it ends the request, e.g. through `signal`).
   */
  idleTimeoutMs?: number;
  onIdle?: () => void;
}

/** A 2xx answer. `body` is the parsed JSON when the request asked to read it. */
export interface RawResponse {
  status: number;
  body?: unknown;
}

/** Largest response body read into memory (an error Status, a Scale): 1 MiB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** How long client-node's computed credentials are reused (client-go re-reads token files every 60 s). */
export const CREDENTIALS_TTL_MS = 10_000;

/** Keep-alive sockets kept per API server; more concurrent requests queue on the Agent. */
export const MAX_SOCKETS = 32;

function headersOf(raw: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** Requests to one API server over a shared keep-alive Agent, authenticated like client-node. */
export class RawKube {
  readonly #kc: KubeConfig;
  readonly #base: URL;
  readonly #request: typeof httpsRequest | typeof httpRequest;
  readonly #userAgent: string;
  #agent: HttpsAgent | HttpAgent | undefined;
  #auth: { at: number; options: HttpsRequestOptions } | undefined;
  /** The kubeconfig names a `proxy-url`: requests go through client-node's proxy agent instead of ours. */
  readonly #viaProxy: boolean;

  constructor(kc: KubeConfig, userAgent: string) {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig has no current cluster');
    this.#kc = kc;
    this.#base = new URL(cluster.server);
    this.#request = this.#base.protocol === 'http:' ? httpRequest : httpsRequest;
    this.#userAgent = userAgent;
    this.#viaProxy = cluster.proxyUrl !== undefined && cluster.proxyUrl !== '';
  }

  /** The shared Agent, built once from the TLS options client-node derives from the kubeconfig (one TLS context). */
  #sharedAgent(tls: HttpsRequestOptions): HttpsAgent | HttpAgent {
    // client-node caches its (proxy) agent per cluster and user: the same one every time.
    if (this.#viaProxy && tls.agent instanceof HttpAgent) return tls.agent;
    if (this.#agent !== undefined) return this.#agent;
    const common = { keepAlive: true, maxSockets: MAX_SOCKETS, scheduling: 'lifo' as const };
    if (this.#base.protocol === 'http:') {
      this.#agent = new HttpAgent(common);
      return this.#agent;
    }
    const context: SecureContextOptions = {};
    for (const key of ['ca', 'cert', 'key', 'pfx', 'passphrase'] as const) {
      if (tls[key] !== undefined) (context as Record<string, unknown>)[key] = tls[key];
    }
    this.#agent = new HttpsAgent({
      ...common,
      secureContext: createSecureContext(context),
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
    });
    return this.#agent;
  }

  /**
   * client-node's credentials (headers, basic auth, TLS material), recomputed at most every
   * {@link CREDENTIALS_TTL_MS} and after any 401 (token files and exec plugins rotate).
   */
  async #credentials(): Promise<HttpsRequestOptions> {
    const now = performance.now();
    if (this.#auth !== undefined && now - this.#auth.at < CREDENTIALS_TTL_MS) return this.#auth.options;
    const options: HttpsRequestOptions = {};
    await this.#kc.applyToHTTPSOptions(options);
    this.#auth = { at: now, options };
    return options;
  }

  /**
   * Sends one request. Resolves on 2xx; rejects with an ApiException (other statuses), an
   * AbortError (signal) or the network error.
   */
  async request(r: RawRequest): Promise<RawResponse> {
    if (r.deadlineMs === undefined) return this.#requestWith(r, r.signal);
    r.signal?.throwIfAborted();
    const controller = new AbortController();
    const outer = r.signal;
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), r.deadlineMs);
    try {
      return await this.#requestWith(r, controller.signal);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  async #requestWith(r: RawRequest, signal: AbortSignal | undefined): Promise<RawResponse> {
    signal?.throwIfAborted();
    const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
    const options = await this.#options(r.method, r.path, r.query, signal);
    const headers = options.headers as OutgoingHttpHeaders;
    if (payload !== undefined) {
      headers['Content-Type'] = r.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const read = r.read === true;
    try {
      return await this.#send(options, payload, read);
    } catch (error) {
      if (!isStaleSocket(error) || signal?.aborted === true) throw error;
      return await this.#send(options, payload, read);
    }
  }

  /**
   * Opens a streaming GET (a watch) on the shared Agent. Resolves with the response once the server
   * answered 2xx (the caller reads it to its end or aborts through `signal`); rejects like
   * {@link request} otherwise. The request's 'error' is handled here: after the answer, failures
   * reach the caller as the response's 'error' or 'close'.
   */
  async open(r: RawStreamRequest): Promise<IncomingMessage> {
    r.signal?.throwIfAborted();
    const options = await this.#options('GET', r.path, r.query, r.signal);
    if (r.idleTimeoutMs !== undefined) options.timeout = r.idleTimeoutMs;
    const attempt = (): Promise<IncomingMessage> =>
      new Promise((resolve, reject) => {
        const req = this.#request(options, (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve(res);
            return;
          }
          readText(res).then((text) => reject(this.#failure(status, options, text, res)), reject);
        });
        const onIdle = r.onIdle;
        if (onIdle !== undefined) req.on('timeout', onIdle);
        this.#onRequestError(req, reject);
        req.end();
      });
    try {
      return await attempt();
    } catch (error) {
      if (!isStaleSocket(error) || r.signal?.aborted === true) throw error;
      return await attempt();
    }
  }

  /** The request options of one call: the shared Agent, client-node's credentials, the path with its query. */
  async #options(method: string, apiPath: string, query: Readonly<Record<string, string | number | boolean | undefined>> | undefined, signal: AbortSignal | undefined): Promise<RequestOptions> {
    const auth = await this.#credentials();
    const agent = this.#sharedAgent(auth);
    let path = apiPath;
    if (query !== undefined) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
      const text = q.toString();
      if (text !== '') path += `?${text}`;
    }
    const headers: OutgoingHttpHeaders = { ...(auth.headers as OutgoingHttpHeaders | undefined), Accept: 'application/json', 'User-Agent': this.#userAgent };
    return {
      protocol: this.#base.protocol,
      hostname: this.#base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.#base.port,
      method,
      path: `${this.#base.pathname.replace(/\/$/, '')}${path}`,
      headers,
      agent,
      ...(auth.auth !== undefined ? { auth: auth.auth } : {}),
      ...(signal !== undefined ? { signal } : {}),
    };
  }

  /** A non-2xx answer as client-node's ApiException (a 401 also drops the cached credentials). */
  #failure(status: number, options: RequestOptions, text: string, res: IncomingMessage): ApiException<string> {
    if (status === 401) this.#auth = undefined; // stale credentials: recompute for the next request
    return new ApiException(status, `HTTP-Code: ${status}\nMessage: ${options.method ?? ''} ${options.path ?? ''}\nBody: ${text}`, text, headersOf(res.headers));
  }

  #onRequestError(req: ClientRequest, reject: (error: Error) => void): void {
    req.on('error', (error: Error) => {
      // Mark a failure on a reused keep-alive socket before any answer: retried once by request().
      if (req.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') (error as Error & { staleSocket?: boolean }).staleSocket = true;
      reject(error);
    });
  }

  #send(options: RequestOptions, payload: string | undefined, read: boolean): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = this.#request(options, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300 && !read) {
          res.on('end', () => resolve({ status }));
          res.on('error', reject);
          res.resume();
          return;
        }
        readText(res).then((text) => {
          if (status < 200 || status >= 300) {
            reject(this.#failure(status, options, text, res));
            return;
          }
          try {
            resolve({ status, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }, reject);
      });
      this.#onRequestError(req, reject);
      req.end(payload);
    });
  }

  /** Closes the keep-alive sockets (later requests open new ones). */
  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
  }
}

function isStaleSocket(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { staleSocket?: unknown }).staleSocket === true;
}

const clients = new WeakMap<KubeConfig, RawKube>();

/** The {@link RawKube} of a KubeConfig (one per connection, so one Agent and one socket pool). */
export function rawKubeOf(kc: KubeConfig, userAgent: string): RawKube {
  let client = clients.get(kc);
  if (client === undefined) {
    client = new RawKube(kc, userAgent);
    clients.set(kc, client);
  }
  return client;
}

/** Closes the socket pool of `kc`'s {@link RawKube}, if it has one. */
export function closeRawKube(kc: KubeConfig): void {
  clients.get(kc)?.close();
}
