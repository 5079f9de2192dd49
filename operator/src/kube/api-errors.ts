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

/** The `message` of a Kubernetes Status body, when the error carries one. */
function statusMessageOf(error: unknown): string | undefined {
  if (!(error instanceof ApiException)) return undefined;
  let body: unknown = error.body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.length > 0 ? text.slice(0, 300) : undefined;
    }
  }
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return undefined;
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
