/**
 * Custom resource conversion as kube-apiserver does it: `strategy: None` rewrites `apiVersion` only;
 * `strategy: Webhook` POSTs an apiextensions.k8s.io/v1 `ConversionReview` over HTTPS to the CRD's
 * `clientConfig.url`, or to its `service` reference resolved through a caller-given map, trusting only
 * `clientConfig.caBundle`. Failures throw {@link ConversionError} with kube-apiserver's message forms, which the
 * server answers as a 500 InternalError Status.
 */
import { request } from 'node:https';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';

/** A failed conversion. `message` follows kube-apiserver, e.g. `conversion webhook for g/v1, Kind=K failed: Post "...": ...`. */
export class ConversionError extends Error {
  override readonly name = 'ConversionError';
  /** @param message kube-apiserver-style text. */
  constructor(message: string) {
    super(message);
  }
}

/** The parts of a CustomResourceDefinition conversion needs. */
export interface ConversionCrd {
  spec: {
    group: string;
    names: { kind: string };
    conversion?: {
      strategy?: string;
      webhook?: {
        conversionReviewVersions?: string[];
        clientConfig?: {
          url?: string;
          caBundle?: string;
          service?: { name: string; namespace: string; path?: string; port?: number };
        };
      };
    };
  };
}

/** Options for tests and tuning. */
export interface ConversionOptions {
  /** Request timeout in ms (kube: 30 s). */
  timeoutMs?: number;
  /** Request uid generator (default crypto.randomUUID). */
  uid?: () => string;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Go's GroupVersionKind.String(): `group/version, Kind=Kind` (`/v1, Kind=X` for the core group). */
export function gvkString(apiVersion: string, kind: string): string {
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return `${gv}, Kind=${kind}`;
}

interface Target {
  /** URL shown in messages (service host for service references, as kube shows it). */
  shownUrl: string;
  /** URL actually dialled. */
  dialUrl: URL;
  /** Name to verify the serving certificate against. */
  servername: string;
}

function resolveTarget(crd: ConversionCrd, serviceMap: Record<string, string>, prefix: string): Target {
  const cc = crd.spec.conversion?.webhook?.clientConfig;
  if (cc?.url !== undefined && cc.url !== '') {
    const u = new URL(cc.url);
    u.searchParams.set('timeout', '30s');
    return { shownUrl: u.toString(), dialUrl: u, servername: u.hostname };
  }
  const svc = cc?.service;
  if (svc === undefined) throw new ConversionError(`${prefix} failed: no clientConfig.url or clientConfig.service in the CRD`);
  const port = svc.port ?? 443;
  const host = `${svc.name}.${svc.namespace}.svc`;
  let path = svc.path ?? '';
  if (path !== '' && !path.startsWith('/')) path = `/${path}`;
  const shownUrl = `https://${host}:${port}${path}?timeout=30s`;
  const base = serviceMap[`${host}:${port}`];
  if (base === undefined) {
    throw new ConversionError(`${prefix} failed: Post "${shownUrl}": dial tcp: lookup ${host} on 127.0.0.1:53: no such host`);
  }
  const dialUrl = new URL(base);
  dialUrl.pathname = `${dialUrl.pathname.replace(/\/$/, '')}${path}`;
  dialUrl.search = '?timeout=30s';
  return { shownUrl, dialUrl, servername: host };
}

/** Maps a Node socket/TLS error to the Go text kube-apiserver would print. */
function transportText(err: NodeJS.ErrnoException, target: Target): string {
  const hostPort = `${target.dialUrl.hostname}:${target.dialUrl.port || '443'}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'ENOTFOUND':
      return `dial tcp: lookup ${target.dialUrl.hostname}: no such host`;
    case 'ETIMEDOUT':
      return 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_SIGNATURE_FAILURE':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${target.servername}`;
    default:
      return err.message;
  }
}

interface HttpResult {
  status: number;
  body: string;
}

function post(target: Target, caPem: string | undefined, body: string, timeoutMs: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      target.dialUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(caPem === undefined ? {} : { ca: caPem }),
        ...(isIP(target.servername) === 0 ? { servername: target.servername } : {}),
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(Object.assign(new Error('response too large'), { code: 'ETOOBIG' }));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

/** client-go's text for a non-2xx answer without a Status body. */
function httpStatusText(status: number, body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isObject(parsed) && parsed.kind === 'Status' && typeof parsed.message === 'string') return parsed.message;
  const trimmed = body.trim();
  switch (status) {
    case 404:
      return 'the server could not find the requested resource';
    case 500:
      return `an error on the server (${JSON.stringify(trimmed === '' ? 'unknown' : trimmed.slice(0, 1000))}) has prevented the request from succeeding`;
    case 503:
      return `the server is currently unable to handle the request`;
    default:
      return `the server responded with the status code ${status} but did not return more information`;
  }
}

function meta(o: Obj): Obj {
  return isObject(o.metadata) ? o.metadata : {};
}

/** Copies metadata from the original, keeping labels/annotations from the converted object (kube's restoreObjectMeta). */
function restoreMeta(original: Obj, converted: Obj): Obj {
  const responseMeta = meta(converted);
  const out: Obj = structuredClone(meta(original));
  for (const f of ['labels', 'annotations']) {
    const v = responseMeta[f];
    if (v === undefined || v === null) delete out[f];
    else out[f] = structuredClone(v);
  }
  return { ...converted, metadata: out };
}

function apiVersionOf(o: object): string {
  const v = (o as Obj).apiVersion;
  return typeof v === 'string' ? v : '';
}

/**
 * Converts objects to `desiredAPIVersion` following the CRD's `spec.conversion`. Objects already in that version are
 * returned unchanged (and not sent). With `strategy: Webhook`, one ConversionReview (fresh uid) carries the others;
 * the answer must be a v1 ConversionReview with the same uid, `result.status: Success`, as many objects as sent,
 * each of the desired apiVersion, same kind, name, namespace and uid. Metadata other than labels/annotations is
 * restored from the originals. Inputs are not mutated.
 * @param serviceMap `"<name>.<namespace>.svc:<port>"` to base URL (e.g. `https://127.0.0.1:9443`) for service refs.
 * @throws ConversionError with kube-apiserver's message, e.g.
 *   `conversion webhook for g/v1, Kind=K failed: Post "https://svc.ns.svc:443/convert?timeout=30s": dial tcp ...`.
 */
export async function convertObjects(
  crd: ConversionCrd,
  objects: object[],
  desiredAPIVersion: string,
  serviceMap: Record<string, string>,
  options: ConversionOptions = {},
): Promise<object[]> {
  const strategy = crd.spec.conversion?.strategy ?? 'None';
  const pending = objects.map((o, i) => ({ o: o as Obj, i })).filter(({ o }) => apiVersionOf(o) !== desiredAPIVersion);
  if (pending.length === 0) return objects.map((o) => structuredClone(o));
  if (strategy !== 'Webhook') {
    return objects.map((o) => ({ ...structuredClone(o), apiVersion: desiredAPIVersion }));
  }
  const first = pending[0]?.o ?? {};
  const prefix = `conversion webhook for ${gvkString(apiVersionOf(first), typeof first.kind === 'string' ? first.kind : crd.spec.names.kind)}`;
  const reviewVersions = crd.spec.conversion?.webhook?.conversionReviewVersions ?? ['v1'];
  if (!reviewVersions.includes('v1')) throw new ConversionError('no supported conversion review versions');

  const target = resolveTarget(crd, serviceMap, prefix);
  const caBundle = crd.spec.conversion?.webhook?.clientConfig?.caBundle;
  const caPem = caBundle === undefined || caBundle === '' ? undefined : Buffer.from(caBundle, 'base64').toString('utf8');
  const uid = (options.uid ?? randomUUID)();
  const review = {
    kind: 'ConversionReview',
    apiVersion: 'apiextensions.k8s.io/v1',
    request: { uid, desiredAPIVersion, objects: pending.map(({ o }) => o) },
  };

  let result: HttpResult;
  try {
    result = await post(target, caPem, JSON.stringify(review), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (e) {
    throw new ConversionError(`${prefix} failed: Post "${target.shownUrl}": ${transportText(e as NodeJS.ErrnoException, target)}`);
  }
  if (result.status < 200 || result.status > 299) throw new ConversionError(`${prefix} failed: ${httpStatusText(result.status, result.body)}`);
  let answer: unknown;
  try {
    answer = JSON.parse(result.body);
  } catch (e) {
    throw new ConversionError(`${prefix} failed: couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  const converted = checkReview(answer, uid, prefix);
  if (converted.length !== pending.length) {
    throw new ConversionError(`${prefix} returned ${converted.length} objects, expected ${pending.length}`);
  }
  const out = objects.map((o) => structuredClone(o) as Obj);
  pending.forEach(({ o, i }, n) => {
    const c = converted[n];
    const at = `${prefix} returned invalid converted object at index ${n}`;
    if (!isObject(c)) throw new ConversionError(`${at}: converted object is not a JSON object`);
    if (apiVersionOf(c) !== desiredAPIVersion) {
      throw new ConversionError(`${at}: invalid groupVersion (expected ${desiredAPIVersion}, received ${apiVersionOf(c)})`);
    }
    if (c.kind !== o.kind) throw new ConversionError(`${at}: invalid kind (expected ${String(o.kind)}, received ${String(c.kind)})`);
    for (const f of ['name', 'namespace', 'uid'] as const) {
      const a = meta(o)[f] ?? '';
      const b = meta(c)[f] ?? '';
      if (a !== b) throw new ConversionError(`${at}: must have the same ${f === 'uid' ? 'UID' : f}: ${String(a)} != ${String(b)}`);
    }
    if (!isObject(c.metadata)) throw new ConversionError(`${prefix} returned invalid metadata in object at index ${n}: missing metadata in converted object`);
    out[i] = restoreMeta(o, c);
  });
  return out;
}

/** Validates the ConversionReview envelope; returns `response.convertedObjects`. */
function checkReview(answer: unknown, uid: string, prefix: string): unknown[] {
  const fail = (m: string): never => {
    throw new ConversionError(`${prefix} failed: ${m}`);
  };
  if (!isObject(answer)) return fail('unrecognized response type');
  if (answer.apiVersion !== 'apiextensions.k8s.io/v1' || answer.kind !== 'ConversionReview') {
    fail(`expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${gvkString(String(answer.apiVersion ?? ''), String(answer.kind ?? ''))}`);
  }
  const response = answer.response;
  if (!isObject(response)) return fail('no response provided');
  if (response.uid !== uid) fail(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  const res = isObject(response.result) ? response.result : {};
  if (res.status !== 'Success') {
    if (typeof res.message === 'string' && res.message !== '') fail(res.message);
    fail(`response.result.status was '${String(res.status ?? '')}', not 'Success'`);
  }
  return Array.isArray(response.convertedObjects) ? response.convertedObjects : [];
}
