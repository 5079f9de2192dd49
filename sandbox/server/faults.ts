/**
 * Fault injection rules: answer 429/500/503 to the next N matching API requests.
 */
import { ApiError } from './status.ts';

/** One rule as given by failRequests(). */
export interface FaultRule {
  verb?: string;
  resource?: string;
  status: 429 | 500 | 503;
  count: number;
  retryAfterSeconds?: number;
}

/** Holds rules; `take` consumes one matching rule use and returns the error to answer with. */
export class Faults {
  private rules: FaultRule[] = [];

  /** Adds a rule (validated: count >= 1). */
  add(rule: FaultRule): void {
    if (![429, 500, 503].includes(rule.status)) throw new Error(`unsupported fault status ${String(rule.status)}`);
    if (!(rule.count >= 1)) throw new Error('fault count must be >= 1');
    this.rules.push({ ...rule });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** If a rule matches verb+resource, consumes one use and returns the error. */
  take(verb: string, resource: string): ApiError | undefined {
    const rule = this.rules.find((r) => (r.verb === undefined || r.verb === verb) && (r.resource === undefined || r.resource === resource));
    if (!rule) return undefined;
    rule.count--;
    if (rule.count <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return faultError(rule.status, rule.retryAfterSeconds);
  }
}

/** The Status error kube-apiserver (or its front proxy) answers for the code. */
export function faultError(status: 429 | 500 | 503, retryAfterSeconds?: number): ApiError {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  if (status === 429) {
    const ra = retryAfterSeconds ?? 1;
    headers['Retry-After'] = String(ra);
    return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: ra }, headers);
  }
  if (status === 503) return new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}, headers);
  return new ApiError(500, 'InternalError', 'Internal error occurred: injected fault', { causes: [{ reason: '', message: 'injected fault', field: '' }] }, headers);
}
