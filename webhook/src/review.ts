/**
 * ConversionReview handling (apiextensions.k8s.io/v1): validates the envelope, converts every object
 * through convert.ts (all or nothing, as kube-apiserver expects) and builds the answer with the request
 * uid echoed. Pure: no I/O, no clock. Never throws, whatever the input.
 */
import { isJsonObject } from '../../api/validate.ts';
import { convertObject, parseDesiredVersion } from './convert.ts';
import type { ConversionDirection, JsonObject } from './convert.ts';

/** apiVersion of the only ConversionReview version we speak (the CRD lists conversionReviewVersions ["v1"]). */
export const REVIEW_API_VERSION = 'apiextensions.k8s.io/v1';
export const REVIEW_KIND = 'ConversionReview';

/** The answer body sent to the API server. */
export interface ConversionReviewResponse {
  apiVersion: typeof REVIEW_API_VERSION;
  kind: typeof REVIEW_KIND;
  response: {
    uid: string;
    result: { status: 'Success' } | { status: 'Failure'; message: string };
    convertedObjects?: unknown[];
  };
}

/** Per-object counts for metrics: how many objects went each way, and how the review ended. */
export interface ReviewOutcome {
  review: ConversionReviewResponse;
  /** HTTP status to answer with: 200 for any well-formed review (Failure included), 400 when there is no usable request. */
  httpStatus: 200 | 400;
  result: 'success' | 'failure';
  /** Direction of each object handled (for a failed review: up to and including the one that failed). */
  directions: ConversionDirection[];
  /** Failure message, for logs. */
  message?: string;
}

/** Builds a Failure review answer. */
export function failureReview(uid: string, message: string): ConversionReviewResponse {
  return { apiVersion: REVIEW_API_VERSION, kind: REVIEW_KIND, response: { uid, result: { status: 'Failure', message } } };
}

/**
 * Handles one parsed ConversionReview body.
 * - No `request` object, or a uid that is not a non-empty string: HTTP 400 with a Failure (uid echoed when usable).
 * - Wrong review apiVersion/kind, unknown `desiredAPIVersion`, `objects` not an array, any object that
 *   cannot be converted: HTTP 200 with a Failure naming the object and field; nothing is converted.
 * - Otherwise a Success with `convertedObjects` in the request order (empty array for no objects).
 */
export function handleConversionReview(body: unknown): ReviewOutcome {
  try {
    return reviewUnsafe(body);
  } catch (err) {
    // Nothing in reviewUnsafe is expected to throw; hostile input that still manages to gets a Failure.
    const request = isJsonObject(body) && isJsonObject(body.request) ? body.request : undefined;
    const uid = typeof request?.uid === 'string' ? request.uid : '';
    const message = `cannot handle this ConversionReview: ${err instanceof Error ? err.message : 'unknown error'}`;
    return { review: failureReview(uid, message), httpStatus: uid === '' ? 400 : 200, result: 'failure', directions: [], message };
  }
}

function reviewUnsafe(body: unknown): ReviewOutcome {
  const bad = (uid: string, message: string, httpStatus: 200 | 400, directions: ConversionDirection[] = []): ReviewOutcome => ({
    review: failureReview(uid, message),
    httpStatus,
    result: 'failure',
    directions,
    message,
  });
  if (!isJsonObject(body)) return bad('', 'body must be a ConversionReview JSON object', 400);
  const request = body.request;
  if (!isJsonObject(request)) return bad('', 'request: required object is missing from the ConversionReview', 400);
  const uid = request.uid;
  if (typeof uid !== 'string' || uid === '') return bad('', 'request.uid: required non-empty string', 400);
  if (body.apiVersion !== REVIEW_API_VERSION || body.kind !== REVIEW_KIND) {
    return bad(uid, `ConversionReview: expected apiVersion "${REVIEW_API_VERSION}" and kind "${REVIEW_KIND}"`, 200);
  }
  const desired = parseDesiredVersion(request.desiredAPIVersion);
  if (!desired.ok) return bad(uid, desired.message, 200);
  const objects = request.objects;
  if (!Array.isArray(objects)) return bad(uid, 'request.objects: required array', 200);
  const converted: JsonObject[] = new Array<JsonObject>(objects.length);
  const directions: ConversionDirection[] = new Array<ConversionDirection>(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const r = convertObject(objects[i], desired.version, i);
    directions[i] = r.direction;
    if (!r.ok) return bad(uid, `request.objects[${i}]: ${r.message}`, 200, directions.slice(0, i + 1));
    converted[i] = r.object;
  }
  return {
    review: { apiVersion: REVIEW_API_VERSION, kind: REVIEW_KIND, response: { uid, result: { status: 'Success' }, convertedObjects: converted } },
    httpStatus: 200,
    result: 'success',
    directions,
  };
}
