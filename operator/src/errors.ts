/**
 * Typed errors with stable codes (style.md convention 4). `retryable` errors requeue with backoff;
 * the rest are terminal: a condition and an Event, no retry. Never branch on message text.
 */

export abstract class ChaosMonkeyError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The object was not found (404). */
export class NotFoundError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_NOT_FOUND';
  readonly retryable = false;
}

/** Optimistic concurrency conflict (409): re-read and retry. */
export class ConflictError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_CONFLICT';
  readonly retryable = true;
}

/** The resourceVersion expired (410). */
export class GoneError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_GONE';
  readonly retryable = true;
}

/** The API server throttled us (429). */
export class ThrottledError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_THROTTLED';
  readonly retryable = true;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** RBAC refused the request (401/403). Retried with backoff, so that an RBAC fix heals it without a restart. */
export class ForbiddenError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_FORBIDDEN';
  readonly retryable = true;
}

/** The request was rejected as invalid (400/422). */
export class RejectedError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_REJECTED';
  readonly retryable = false;
}

/** The API server is unreachable or answered 5xx. */
export class UnavailableError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_UNAVAILABLE';
  readonly retryable = true;
}

/** metrics.k8s.io is not installed or has no metrics for the pods. */
export class MetricsUnavailableError extends ChaosMonkeyError {
  readonly code = 'CM_ERR_METRICS_UNAVAILABLE';
  readonly retryable = false;
}
