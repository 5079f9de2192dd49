/**
 * Translation of client-node failures into the operator's typed errors (errors.ts), so nothing
 * outside kube/ ever sees an `ApiException` or branches on an HTTP status.
 */
import { ApiException } from '@kubernetes/client-node';
import {
  ChaosMonkeyError,
  ConflictError,
  ForbiddenError,
  GoneError,
  NotFoundError,
  RejectedError,
  ThrottledError,
  UnavailableError,
} from '../errors.ts';

/** HTTP status carried by a client-node error (ApiException `code`, watch error `statusCode`), if any. */
export function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  if (typeof error === 'object' && error !== null) {
    const e = error as { statusCode?: unknown; code?: unknown };
    if (typeof e.statusCode === 'number') return e.statusCode;
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

/** The Status body an ApiException carries (parsed when it is JSON text), else undefined. */
function statusBodyOf(error: unknown): { message?: unknown; reason?: unknown; code?: unknown } | string | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? parsed : body;
    } catch {
      return body;
    }
  }
  return typeof body === 'object' && body !== null ? body : undefined;
}

/** The `message` of a Kubernetes Status body, when the error carries one. */
function statusMessageOf(error: unknown): string | undefined {
  const body = statusBodyOf(error);
  if (typeof body === 'string') return body.length > 0 ? body.slice(0, 300) : undefined;
  return typeof body?.message === 'string' ? body.message : undefined;
}

/** A 429 of the eviction subresource refused by a PodDisruptionBudget: the cause's message and the budget's name. */
export interface DisruptionBudgetRefusal {
  message: string;
  pdb?: string;
}

/**
 * Reads kube-apiserver's eviction refusal (pkg/registry/core/pod/storage/eviction.go): HTTP 429,
 * reason TooManyRequests, `details.causes[]` with reason `DisruptionBudget` and a message
 * "The disruption budget <name> needs <n> healthy pods and has <m> currently" (or "... is still
 * being processed by the server."). Undefined for any other error, including a plain 429 throttle.
 */
export function disruptionBudgetRefusalOf(error: unknown): DisruptionBudgetRefusal | undefined {
  if (statusCodeOf(error) !== 429) return undefined;
  const body = statusBodyOf(error);
  if (typeof body !== 'object') return undefined;
  const details = (body as { details?: unknown }).details;
  const causes = typeof details === 'object' && details !== null ? (details as { causes?: unknown }).causes : undefined;
  if (!Array.isArray(causes)) return undefined;
  for (const cause of causes as unknown[]) {
    if (typeof cause !== 'object' || cause === null) continue;
    const { reason, message } = cause as { reason?: unknown; message?: unknown };
    if (reason !== 'DisruptionBudget') continue;
    const text = typeof message === 'string' && message !== '' ? message : typeof body.message === 'string' ? body.message : 'refused by a PodDisruptionBudget';
    const name = /^The disruption budget (\S+) (?:needs|is still)/.exec(text)?.[1];
    return name !== undefined ? { message: text, pdb: name } : { message: text };
  }
  return undefined;
}

/** Log fields of an API failure: the Status `message`, `reason` and `code`. */
export interface ApiErrorFields {
  error: string;
  reason?: string;
  code?: number;
}

/**
 * Readable log fields for any error a request produced: the Status `message` (never the escaped
 * HTTP body client-node puts in ApiException.message), its `reason` and the HTTP `code`. A
 * translated {@link ChaosMonkeyError} keeps its message; its cause supplies reason and code.
 */
export function describeApiError(error: unknown): ApiErrorFields {
  const source = error instanceof ChaosMonkeyError && error.cause !== undefined ? error.cause : error;
  const body = statusBodyOf(source);
  const code = statusCodeOf(source);
  const message = error instanceof ChaosMonkeyError ? error.message : (statusMessageOf(source) ?? (error instanceof Error ? error.message : String(error)));
  const out: ApiErrorFields = { error: message };
  if (typeof body === 'object' && typeof body.reason === 'string') out.reason = body.reason;
  else if (code === 403) out.reason = 'Forbidden';
  if (code !== undefined) out.code = code;
  return out;
}

/** Retry-After header in milliseconds, when present and numeric. */
function retryAfterMsOf(error: unknown): number | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const headers = error.headers ?? {};
  const raw = headers['retry-after'] ?? headers['Retry-After'];
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * Maps any error thrown by client-node (or by fetch underneath it) to a {@link ChaosMonkeyError}:
 * 404 NotFound, 409 Conflict, 410 Gone, 429 Throttled (with Retry-After), 401/403 Forbidden,
 * 400/422 Rejected, 5xx and network failures Unavailable. A ChaosMonkeyError passes through.
 * `what` names the request in the message, e.g. "delete pod demo/web-1".
 */
export function toChaosError(error: unknown, what: string): ChaosMonkeyError {
  if (error instanceof ChaosMonkeyError) return error;
  const code = statusCodeOf(error);
  const detail = statusMessageOf(error) ?? (error instanceof Error ? error.message : String(error));
  const message = code === undefined ? `${what}: ${detail}` : `${what}: HTTP ${code}: ${detail}`;
  const options = { cause: error };
  switch (code) {
    case 404:
      return new NotFoundError(message, options);
    case 409:
      return new ConflictError(message, options);
    case 410:
      return new GoneError(message, options);
    case 429:
      return new ThrottledError(message, retryAfterMsOf(error), options);
    case 401:
    case 403:
      return new ForbiddenError(message, options);
    case 400:
    case 422:
      return new RejectedError(message, options);
    default:
      return new UnavailableError(message, options);
  }
}
