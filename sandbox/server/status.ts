/**
 * Kubernetes `Status` bodies and the typed error the handlers throw to produce them.
 * Messages follow kube-apiserver v1.28 (see the recorded fixtures).
 */

/** One `details.causes[]` entry. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** `details` of a Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A meta/v1 Status object. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** Error carrying the HTTP status and Status body to answer with. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: number;
  readonly body: StatusBody;
  readonly headers: Record<string, string>;
  constructor(code: number, reason: string, message: string, details?: StatusDetails, headers: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.headers = headers;
    this.body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
    if (details !== undefined) this.body.details = details;
    this.body.code = code;
  }
}

/** Error answered as the plain-text `404 page not found` (unknown group, unknown root path). */
export class PlainNotFound extends Error {
  override name = 'PlainNotFound';
}

/** Identifies a resource in messages: `pods`, `deployments.apps`. */
export interface ResourceRef {
  group: string;
  resource: string;
}

function qualified(r: ResourceRef): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

function refDetails(r: ResourceRef, name: string): StatusDetails {
  const d: StatusDetails = { name };
  if (r.group) d.group = r.group;
  d.kind = r.resource;
  return d;
}

/** 404 NotFound for a named object. */
export function notFound(r: ResourceRef, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, refDetails(r, name));
}

/** 409 AlreadyExists. */
export function alreadyExists(r: ResourceRef, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, refDetails(r, name));
}

/** 409 Conflict for a stale resourceVersion. */
export function conflict(r: ResourceRef, name: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, refDetails(r, name));
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 404 "the server could not find the requested resource" (JSON Status, details {}). */
export function resourceNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
}

/** 422 with the generic message (failed JSON patch test op or missing path). */
export function genericInvalid(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/**
 * 422 Invalid: `<qualifiedKind> "<name>" is invalid: <field>: <msg>` (several causes: `[a, b]`).
 * `qualifiedKind` is e.g. `Pod`, `Deployment.apps`, `leases.coordination.k8s.io`; `detailsKind` goes in details.kind.
 */
export function invalid(qualifiedKind: string, detailsKind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = parts.length === 1 ? (parts[0] as string) : `[${parts.join(', ')}]`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  details.kind = detailsKind;
  details.causes = causes;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, details);
}

/** A successful delete Status (custom resources). */
export function successStatus(r: ResourceRef, name: string, uid: string | undefined): StatusBody {
  const details = refDetails(r, name);
  if (uid) details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
