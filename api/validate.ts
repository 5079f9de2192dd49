/**
 * Validation of untrusted ChaosMonkeyConfiguration objects (read from the API server, possibly stored
 * without schema validation). Pure; never throws; reports every problem with its field path, the way
 * kube-apiserver's causes do (reason + field + message).
 */
import { parseGoDuration, durationToMs } from './duration.ts';
import { MIN_TIMEOUT_NS } from './defaults.ts';
import { API_VERSION_V1, API_VERSION_V1ALPHA1, KIND } from './names.ts';
import { KILL_METHODS, SCALING_MODES } from './v1.ts';
import type { ChaosMonkeyConfigurationV1, ScalingMode } from './v1.ts';
import type { ChaosMonkeyConfigurationV1Alpha1 } from './v1alpha1.ts';

/** Kind of problem, named after kube-apiserver's StatusCause reasons. */
export type FieldErrorReason = 'FieldValueRequired' | 'FieldValueTypeInvalid' | 'FieldValueInvalid' | 'FieldValueNotSupported';

/** One problem with one field. `field` is a dotted path from the object root, e.g. `spec.deployment.name`. */
export interface FieldError {
  field: string;
  reason: FieldErrorReason;
  message: string;
}

/** Result of a parse: `value` is set only when `errors` is empty. */
export interface ParseResult<T> {
  value: T | undefined;
  errors: FieldError[];
}

/** Result of {@link parseCmcV1}: also the timeout in milliseconds when valid. */
export interface ParsedCmcV1 extends ParseResult<ChaosMonkeyConfigurationV1> {
  timeoutMs: number | undefined;
}

type JsonType = 'string' | 'boolean' | 'integer' | 'object';

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: unknown, t: JsonType): boolean {
  switch (t) {
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'object':
      return isJsonObject(v);
    default:
      return typeof v === t;
  }
}

/** Checks that `obj[key]` is present with JSON type `t`; pushes an error otherwise and returns whether it was fine. */
function need(obj: Record<string, unknown>, key: string, t: JsonType, path: string, errors: FieldError[]): boolean {
  const field = path === '' ? key : `${path}.${key}`;
  const v = obj[key];
  if (v === undefined || v === null) {
    errors.push({ field, reason: 'FieldValueRequired', message: 'Required value' });
    return false;
  }
  if (!hasType(v, t)) {
    errors.push({ field, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(v)}": ${field} in body must be of type ${t}` });
    return false;
  }
  return true;
}

/** Checks apiVersion/kind/metadata/spec presence; returns the spec object when present. */
function checkEnvelope(obj: unknown, apiVersion: string, errors: FieldError[]): Record<string, unknown> | undefined {
  if (!isJsonObject(obj)) {
    errors.push({ field: '<root>', reason: 'FieldValueTypeInvalid', message: `object must be a JSON object, got ${typeOf(obj)}` });
    return undefined;
  }
  if (obj.apiVersion !== apiVersion) {
    errors.push({ field: 'apiVersion', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(obj.apiVersion ?? null)}: supported values: "${apiVersion}"` });
  }
  if (obj.kind !== KIND) {
    errors.push({ field: 'kind', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(obj.kind ?? null)}: supported values: "${KIND}"` });
  }
  if (!isJsonObject(obj.metadata)) {
    errors.push({ field: 'metadata', reason: obj.metadata === undefined ? 'FieldValueRequired' : 'FieldValueTypeInvalid', message: 'metadata must be an object' });
  }
  if (!need(obj, 'spec', 'object', '', errors)) return undefined;
  return obj.spec as Record<string, unknown>;
}

/**
 * Presence and JSON types of every v1 spec field (no value rules). Used by the conversion, which must
 * carry semantically bad values verbatim but cannot convert a missing or mistyped field.
 */
export function checkSpecShapeV1(spec: Record<string, unknown>, errors: FieldError[] = []): FieldError[] {
  need(spec, 'enabled', 'boolean', 'spec', errors);
  need(spec, 'minReplicas', 'integer', 'spec', errors);
  need(spec, 'maxReplicas', 'integer', 'spec', errors);
  need(spec, 'scalingMode', 'string', 'spec', errors);
  if (need(spec, 'deployment', 'object', 'spec', errors)) {
    need(spec.deployment as Record<string, unknown>, 'name', 'string', 'spec.deployment', errors);
  }
  need(spec, 'timeout', 'string', 'spec', errors);
  return errors;
}

/** Presence and JSON types of every v1alpha1 spec field (no value rules). See {@link checkSpecShapeV1}. */
export function checkSpecShapeV1Alpha1(spec: Record<string, unknown>, errors: FieldError[] = []): FieldError[] {
  need(spec, 'enabled', 'boolean', 'spec', errors);
  need(spec, 'minReplicas', 'integer', 'spec', errors);
  need(spec, 'maxReplicas', 'integer', 'spec', errors);
  need(spec, 'deploymentName', 'string', 'spec', errors);
  need(spec, 'podMode', 'boolean', 'spec', errors);
  need(spec, 'timeout', 'string', 'spec', errors);
  return errors;
}

/**
 * Value rules of the CRD for a timeout: Go duration syntax and at least 1s.
 * @returns the duration in nanoseconds, or undefined after pushing an error.
 */
function checkTimeout(timeout: string, field: string, errors: FieldError[]): bigint | undefined {
  const parsed = parseGoDuration(timeout);
  if (!parsed.ok) {
    errors.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(timeout)}: timeout must be a Go duration such as 30s, 10m or 1h30m` });
    return undefined;
  }
  if (parsed.ns < MIN_TIMEOUT_NS) {
    errors.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(timeout)}: timeout must be at least 1s` });
    return undefined;
  }
  return parsed.ns;
}

function checkReplicas(min: number, max: number, errors: FieldError[]): void {
  if (min < 0) errors.push({ field: 'spec.minReplicas', reason: 'FieldValueInvalid', message: `Invalid value: ${min}: minReplicas must be greater than or equal to 0` });
  if (min > max) errors.push({ field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: "object": minReplicas must be less than or equal to maxReplicas' });
}

/** Pattern of a string `guard.minAvailable`: a percentage from 0% to 100% (as the CRD's rule). */
export const PERCENT_PATTERN = /^([0-9]|[1-9][0-9]|100)%$/;

/** Pushes a type error for an optional field present with the wrong JSON type; true when present and well typed. */
function optional(obj: Record<string, unknown>, key: string, t: JsonType, path: string, errors: FieldError[]): boolean {
  if (obj[key] === undefined) return false;
  return need(obj, key, t, path, errors);
}

/**
 * Rules of issue 11's optional v1 fields (types, killMethod enum, gracePeriodSeconds >= 0,
 * guard.minAvailable an integer >= 0 or a percentage, guard.minPodAge a Go duration >= 0).
 */
export function checkGuardrailFields(spec: Record<string, unknown>, errors: FieldError[]): void {
  optional(spec, 'dryRun', 'boolean', 'spec', errors);
  if (optional(spec, 'killMethod', 'string', 'spec', errors) && !KILL_METHODS.includes(spec.killMethod as never)) {
    errors.push({ field: 'spec.killMethod', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.killMethod)}: supported values: ${KILL_METHODS.map((m) => `"${m}"`).join(', ')}` });
  }
  if (optional(spec, 'gracePeriodSeconds', 'integer', 'spec', errors) && (spec.gracePeriodSeconds as number) < 0) {
    errors.push({ field: 'spec.gracePeriodSeconds', reason: 'FieldValueInvalid', message: `Invalid value: ${spec.gracePeriodSeconds as number}: gracePeriodSeconds must be greater than or equal to 0` });
  }
  if (!optional(spec, 'guard', 'object', 'spec', errors)) return;
  const guard = spec.guard as Record<string, unknown>;
  const min = guard.minAvailable;
  if (min !== undefined) {
    const ok = (typeof min === 'number' && Number.isSafeInteger(min) && min >= 0) || (typeof min === 'string' && PERCENT_PATTERN.test(min));
    if (!ok) errors.push({ field: 'spec.guard.minAvailable', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(min)}: minAvailable must be an integer >= 0 or a percentage such as 50%` });
  }
  optional(guard, 'skipDuringRollout', 'boolean', 'spec.guard', errors);
  if (optional(guard, 'minPodAge', 'string', 'spec.guard', errors)) {
    const parsed = parseGoDuration(guard.minPodAge as string);
    if (!parsed.ok || parsed.ns < 0n || (guard.minPodAge as string).startsWith('-')) errors.push({ field: 'spec.guard.minPodAge', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(guard.minPodAge)}: minPodAge must be a Go duration such as 30s or 5m, not negative` });
  }
}

/**
 * Parses an untrusted v1 object against every rule of the CRD (required fields, types, enum, min >= 0,
 * min <= max, non-empty deployment name, Go duration timeout >= 1s). Never throws.
 * @returns `value` (the input, typed) and `timeoutMs` only when there is no error; all errors otherwise.
 */
export function parseCmcV1(obj: unknown): ParsedCmcV1 {
  const errors: FieldError[] = [];
  const spec = checkEnvelope(obj, API_VERSION_V1, errors);
  let timeoutNs: bigint | undefined;
  if (spec !== undefined) {
    const before = errors.length;
    checkSpecShapeV1(spec, errors);
    const shapeOk = errors.length === before;
    if (typeof spec.scalingMode === 'string' && !SCALING_MODES.includes(spec.scalingMode as ScalingMode)) {
      errors.push({ field: 'spec.scalingMode', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.scalingMode)}: supported values: ${SCALING_MODES.map((m) => `"${m}"`).join(', ')}` });
    }
    const deployment = spec.deployment;
    if (isJsonObject(deployment) && deployment.name === '') {
      errors.push({ field: 'spec.deployment.name', reason: 'FieldValueInvalid', message: 'Invalid value: "": deployment name must not be empty' });
    }
    if (typeof spec.timeout === 'string') timeoutNs = checkTimeout(spec.timeout, 'spec.timeout', errors);
    if (shapeOk) checkReplicas(spec.minReplicas as number, spec.maxReplicas as number, errors);
    checkGuardrailFields(spec, errors);
  }
  if (errors.length > 0) return { value: undefined, errors, timeoutMs: undefined };
  return { value: obj as ChaosMonkeyConfigurationV1, errors, timeoutMs: durationToMs(timeoutNs ?? 0n) };
}

/**
 * Parses an untrusted v1alpha1 object against the CRD's rules for that version (types, minimum 0,
 * maximum 10, min <= max, non-empty deploymentName, Go duration timeout >= 1s). Defaults are NOT applied
 * (see defaults.ts): an absent field is an error. Never throws.
 */
export function parseCmcV1Alpha1(obj: unknown): ParseResult<ChaosMonkeyConfigurationV1Alpha1> {
  const errors: FieldError[] = [];
  const spec = checkEnvelope(obj, API_VERSION_V1ALPHA1, errors);
  if (spec !== undefined) {
    const before = errors.length;
    checkSpecShapeV1Alpha1(spec, errors);
    const shapeOk = errors.length === before;
    if (spec.deploymentName === '') errors.push({ field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: "object": deploymentName must not be empty' });
    if (typeof spec.timeout === 'string') checkTimeout(spec.timeout, 'spec.timeout', errors);
    if (shapeOk) {
      checkReplicas(spec.minReplicas as number, spec.maxReplicas as number, errors);
      if ((spec.maxReplicas as number) > 10) errors.push({ field: 'spec.maxReplicas', reason: 'FieldValueInvalid', message: `Invalid value: ${spec.maxReplicas as number}: spec.maxReplicas in body should be less than or equal to 10` });
    }
  }
  if (errors.length > 0) return { value: undefined, errors };
  return { value: obj as ChaosMonkeyConfigurationV1Alpha1, errors };
}

/** Formats errors as one line, `field: message; field: message`, for logs, Events and conditions. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}
