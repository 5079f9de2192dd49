/**
 * A minimal Kubernetes API client on node:https, for the webhook's few calls (Secret get/create/update,
 * CRD get/patch). The webhook may not use client-node (style.md: one door to the API server is the
 * operator's kube/ folder; the webhook imports api/ and node built-ins only).
 */
import https from 'node:https';
import http from 'node:http';
import { readFileSync } from 'node:fs';

/** Where the API server is and how to authenticate. */
export interface KubeConnection {
  /** Base URL, e.g. `https://10.0.0.1:443` or a local test server's `https://127.0.0.1:38123`. */
  server: string;
  /** PEM of the CA that signed the API server's certificate. */
  caPem?: string;
  /** Bearer token. */
  token?: string;
  /** File to read the bearer token from before each request (projected service-account tokens rotate). */
  tokenFile?: string;
}

/** Directory of the in-cluster service-account credentials. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The in-cluster connection: `KUBERNETES_SERVICE_HOST`/`_PORT`, the service account's CA and token files.
 * @throws Error when not running in a cluster (variables or CA file missing).
 */
export function inClusterConnection(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (host === undefined || host === '') throw new Error('not in a cluster: KUBERNETES_SERVICE_HOST is not set');
  const server = host.includes(':') ? `https://[${host}]:${port}` : `https://${host}:${port}`;
  return { server, caPem: readFileSync(`${dir}/ca.crt`, 'utf8'), tokenFile: `${dir}/token` };
}

/** Reads the namespace the pod runs in, or undefined outside a cluster. */
export function inClusterNamespace(dir = SERVICE_ACCOUNT_DIR): string | undefined {
  try {
    return readFileSync(`${dir}/namespace`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A non-2xx answer of the API server. `reason` is the Status reason when the body is a Status. */
export class KubeApiError extends Error {
  readonly code = 'CM_ERR_KUBE_API';
  readonly status: number;
  readonly reason: string | undefined;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    const s = typeof body === 'object' && body !== null ? (body as { message?: unknown; reason?: unknown }) : {};
    const message = typeof s.message === 'string' ? s.message : typeof body === 'string' ? body.slice(0, 200) : '';
    super(`${method} ${path}: HTTP ${status}${message === '' ? '' : `: ${message}`}`);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = typeof s.reason === 'string' ? s.reason : undefined;
    this.body = body;
  }
}

/** Content types of the PATCH flavours we use. */
export const MERGE_PATCH = 'application/merge-patch+json';

/** User-Agent of every request the webhook sends (audit logs; the RBAC test keys on it). */
export const WEBHOOK_USER_AGENT = 'chaos-monkey-webhook';

/** The client. Construct one per connection; it keeps connections alive. */
export class KubeClient {
  readonly #conn: KubeConnection;
  readonly #agent: https.Agent | http.Agent;
  readonly #timeoutMs: number;

  readonly #userAgent: string;

  /** `userAgent` defaults to {@link WEBHOOK_USER_AGENT}; test harnesses name themselves. */
  constructor(conn: KubeConnection, options: { timeoutMs?: number; userAgent?: string } = {}) {
    this.#conn = conn;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#userAgent = options.userAgent ?? WEBHOOK_USER_AGENT;
    this.#agent = conn.server.startsWith('https:')
      ? new https.Agent({ keepAlive: true, ca: conn.caPem, maxSockets: 4 })
      : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  /**
   * Sends one request and parses the JSON answer.
   * @returns the parsed body of a 2xx answer.
   * @throws KubeApiError on any other status; Error on network failure or timeout.
   */
  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const url = new URL(path, this.#conn.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#userAgent };
    const token = this.#conn.tokenFile !== undefined ? readFileSync(this.#conn.tokenFile, 'utf8').trim() : this.#conn.token;
    if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const lib = url.protocol === 'https:' ? https : http;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = lib.request(url, { method, headers, agent: this.#agent, timeout: this.#timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.#timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error message
    }
    if (status < 200 || status >= 300) throw new KubeApiError(method, url.pathname, status, parsed);
    return parsed;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#agent.destroy();
  }
}
