/**
 * Pure conversion of ChaosMonkeyConfiguration objects between v1alpha1 and v1, through the v1 hub.
 * Lossless both ways: what v1alpha1 cannot express (a v1 scalingMode other than killPod/randomScale) travels
 * in the annotation `cm.massix.github.io/v1-scaling-mode`, the v1-only fields (issue 11's guardrails, issue
 * 12's schedule) in `cm.massix.github.io/v1-guardrails`; both are removed again on the way back. A v1 object
 * with schedule.cron has no timeout, and its v1alpha1 form has none either.
 * Only `apiVersion`, `spec` and that one annotation change; every other field (metadata, status, unknown
 * top-level keys) is carried verbatim. Never throws; never mutates its input.
 */
import { V1_GUARDRAILS_ANNOTATION, V1_ONLY_SPEC_FIELDS, V1_SCALING_MODE_ANNOTATION, withAnnotation } from '../../api/annotations.ts';
import { V1ALPHA1_DEFAULTS } from '../../api/defaults.ts';
import { API_VERSION_V1, API_VERSION_V1ALPHA1, GROUP, KIND, V1, V1ALPHA1 } from '../../api/names.ts';
import { checkSpecShapeV1, checkSpecShapeV1Alpha1, formatFieldErrors, isJsonObject } from '../../api/validate.ts';
import type { FieldError } from '../../api/validate.ts';

/** Versions this webhook converts between. */
export type CmcVersion = typeof V1 | typeof V1ALPHA1;

/** Label of a conversion for metrics and logs. */
export type ConversionDirection = 'v1alpha1->v1' | 'v1->v1alpha1' | 'identity' | 'invalid';

/** A JSON object as it travels in a ConversionReview. */
export type JsonObject = Record<string, unknown>;

/** Outcome of one object's conversion. `message` names the object and the field at fault. */
export type ConversionResult =
  | { ok: true; object: JsonObject; direction: ConversionDirection }
  | { ok: false; message: string; direction: ConversionDirection };

const VERSION_BY_API_VERSION: ReadonlyMap<string, CmcVersion> = new Map([
  [API_VERSION_V1, V1],
  [API_VERSION_V1ALPHA1, V1ALPHA1],
]);

/** Modes v1alpha1's `podMode` expresses by itself; any other v1 mode needs the annotation. */
const POD_MODE_TRUE = 'killPod';
const POD_MODE_FALSE = 'randomScale';

/**
 * Parses `desiredAPIVersion` into one of our versions.
 * @returns the version, or an error message naming the value and the supported ones.
 */
export function parseDesiredVersion(desired: unknown): { ok: true; version: CmcVersion } | { ok: false; message: string } {
  const version = typeof desired === 'string' ? VERSION_BY_API_VERSION.get(desired) : undefined;
  if (version !== undefined) return { ok: true, version };
  return {
    ok: false,
    message: `request.desiredAPIVersion: unsupported value ${describe(desired)}: supported values: "${API_VERSION_V1}", "${API_VERSION_V1ALPHA1}"`,
  };
}

/** Short JSON rendering of an untrusted value for messages (capped, so hostile input cannot bloat answers). */
function describe(v: unknown): string {
  let text: string;
  try {
    text = v === undefined ? 'undefined' : JSON.stringify(v);
  } catch {
    // Hostile input (e.g. nesting deeper than the stack): String(v) would recurse as well.
    text = Array.isArray(v) ? '<deeply nested array>' : '<unprintable value>';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "ChaosMonkeyConfiguration ns/name" for messages, tolerant of any input. */
export function describeObject(obj: unknown, index: number): string {
  const meta = isJsonObject(obj) && isJsonObject(obj.metadata) ? obj.metadata : undefined;
  const name = typeof meta?.name === 'string' ? meta.name : undefined;
  const ns = typeof meta?.namespace === 'string' ? meta.namespace : undefined;
  const id = name === undefined ? `#${index} (no metadata.name)` : ns === undefined ? name : `${ns}/${name}`;
  return `object ${id}`;
}

function fail(obj: unknown, index: number, direction: ConversionDirection, what: string): ConversionResult {
  return { ok: false, direction, message: `${describeObject(obj, index)}: ${what}` };
}

function failFields(obj: unknown, index: number, direction: ConversionDirection, apiVersion: string, errors: FieldError[]): ConversionResult {
  return fail(obj, index, direction, `cannot convert from ${apiVersion}: ${formatFieldErrors(errors)}`);
}

/**
 * Converts one object to `desired`. Identity when the object is already at that version (returned as is).
 * Fails, with a message naming the object and the field, on: a non-object, a wrong kind or group, an
 * unknown version, a missing or mistyped spec field of the source version. Semantically bad values
 * (min > max, a bad timeout, an unknown scalingMode) are carried verbatim: the operator rejects them.
 * @param index position in the review, used in messages when the object has no name.
 */
export function convertObject(obj: unknown, desired: CmcVersion, index = 0): ConversionResult {
  if (!isJsonObject(obj)) return fail(obj, index, 'invalid', `must be a JSON object, got ${describe(obj)}`);
  const apiVersion = obj.apiVersion;
  if (typeof apiVersion !== 'string') return fail(obj, index, 'invalid', `apiVersion: required string, got ${describe(apiVersion)}`);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  if (group !== GROUP) return fail(obj, index, 'invalid', `apiVersion: group of ${describe(apiVersion)} is not ${GROUP}`);
  if (obj.kind !== KIND) return fail(obj, index, 'invalid', `kind: expected "${KIND}", got ${describe(obj.kind)}`);
  const source = VERSION_BY_API_VERSION.get(apiVersion);
  if (source === undefined) return fail(obj, index, 'invalid', `apiVersion: unsupported version ${describe(apiVersion)}`);
  if (!isJsonObject(obj.metadata)) return fail(obj, index, 'invalid', `metadata: required object, got ${describe(obj.metadata)}`);
  if (source === desired) return { ok: true, object: obj, direction: 'identity' };
  if (!isJsonObject(obj.spec)) {
    const direction = source === V1ALPHA1 ? 'v1alpha1->v1' : 'v1->v1alpha1';
    return fail(obj, index, direction, `cannot convert from ${apiVersion}: spec: Required object, got ${describe(obj.spec)}`);
  }
  return source === V1ALPHA1 ? v1alpha1ToV1(obj, obj.spec, index) : v1ToV1alpha1(obj, obj.spec, index);
}

/** v1alpha1 (spoke) -> v1 (hub): deploymentName -> deployment.name, podMode -> scalingMode (annotation first). */
function v1alpha1ToV1(obj: JsonObject, spec: JsonObject, index: number): ConversionResult {
  const errors = checkSpecShapeV1Alpha1(spec);
  if (errors.length > 0) return failFields(obj, index, 'v1alpha1->v1', API_VERSION_V1ALPHA1, errors);
  const { enabled, minReplicas, maxReplicas, deploymentName, podMode, timeout, ...rest } = spec;
  const metadata = obj.metadata as JsonObject;
  const annotations = metadata.annotations as Record<string, string> | undefined;
  const saved = isJsonObject(annotations) ? annotations[V1_SCALING_MODE_ANNOTATION] : undefined;
  let scalingMode: string;
  if (podMode === true) scalingMode = POD_MODE_TRUE;
  // podMode false: restore the v1 mode kept by v1ToV1alpha1, unless it contradicts podMode.
  else scalingMode = typeof saved === 'string' && saved !== POD_MODE_TRUE ? saved : POD_MODE_FALSE;
  const saved1 = savedGuardrails(annotations);
  // A v1 object with schedule.cron has no timeout (exactly one of the two); v1alpha1's schema default
  // (30s) may have filled it in on the way: dropped again. Any other timeout is kept (the v1 rule then
  // rejects the pair, naming both fields).
  const cronSaved = isJsonObject(saved1.schedule) && saved1.schedule.cron !== undefined;
  const keepTimeout = timeout !== undefined && !(cronSaved && timeout === V1ALPHA1_DEFAULTS.timeout);
  const v1Spec: JsonObject = { enabled, minReplicas, maxReplicas, scalingMode, deployment: { name: deploymentName }, ...(keepTimeout ? { timeout } : {}), ...rest, ...saved1 };
  return {
    ok: true,
    direction: 'v1alpha1->v1',
    object: { ...obj, apiVersion: API_VERSION_V1, metadata: withoutOurAnnotations(metadata), spec: v1Spec },
  };
}

/** v1 (hub) -> v1alpha1 (spoke): deployment.name -> deploymentName, podMode = (scalingMode == killPod). */
function v1ToV1alpha1(obj: JsonObject, spec: JsonObject, index: number): ConversionResult {
  const errors = checkSpecShapeV1(spec);
  if (errors.length > 0) return failFields(obj, index, 'v1->v1alpha1', API_VERSION_V1, errors);
  const { enabled, minReplicas, maxReplicas, scalingMode, deployment, timeout, ...others } = spec;
  // In V1_ONLY_SPEC_FIELDS order whatever the spec's key order, so the annotation text is canonical.
  const guardrails: JsonObject = {};
  for (const key of V1_ONLY_SPEC_FIELDS) if (others[key] !== undefined) guardrails[key] = others[key];
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(others)) if (!V1_ONLY_SPEC_FIELDS.includes(key)) rest[key] = value;
  const podMode = scalingMode === POD_MODE_TRUE;
  const keep = scalingMode === POD_MODE_TRUE || scalingMode === POD_MODE_FALSE ? undefined : (scalingMode as string);
  const metadata = obj.metadata as JsonObject;
  const withMode = withAnnotation(metadata.annotations as Record<string, string> | undefined, V1_SCALING_MODE_ANNOTATION, keep);
  const annotations = withAnnotation(withMode, V1_GUARDRAILS_ANNOTATION, Object.keys(guardrails).length === 0 ? undefined : JSON.stringify(guardrails));
  const alphaSpec: JsonObject = { enabled, minReplicas, maxReplicas, deploymentName: (deployment as JsonObject).name, podMode, ...(timeout !== undefined ? { timeout } : {}), ...rest };
  return {
    ok: true,
    direction: 'v1->v1alpha1',
    object: { ...obj, apiVersion: API_VERSION_V1ALPHA1, metadata: withAnnotations(metadata, annotations), spec: alphaSpec },
  };
}

function withoutOurAnnotations(metadata: JsonObject): JsonObject {
  const before = metadata.annotations;
  if (!isJsonObject(before)) return metadata;
  const withoutMode = withAnnotation(before as Record<string, string>, V1_SCALING_MODE_ANNOTATION, undefined);
  const after = withAnnotation(withoutMode, V1_GUARDRAILS_ANNOTATION, undefined);
  return after === before ? metadata : withAnnotations(metadata, after);
}

/**
 * The v1-only spec fields kept by v1ToV1alpha1 in V1_GUARDRAILS_ANNOTATION: only the known keys of
 * a JSON object; anything else (edited by hand into garbage) restores nothing.
 */
function savedGuardrails(annotations: unknown): JsonObject {
  if (!isJsonObject(annotations)) return {};
  const text = annotations[V1_GUARDRAILS_ANNOTATION];
  if (typeof text !== 'string') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isJsonObject(parsed)) return {};
  const out: JsonObject = {};
  for (const key of V1_ONLY_SPEC_FIELDS) if (parsed[key] !== undefined) out[key] = parsed[key];
  return out;
}

/** Copy of metadata with `annotations` replaced (removed when undefined). Key order is kept. */
function withAnnotations(metadata: JsonObject, annotations: Record<string, string> | undefined): JsonObject {
  if (annotations === metadata.annotations) return metadata;
  const out: JsonObject = { ...metadata };
  if (annotations === undefined) delete out.annotations;
  else out.annotations = annotations;
  return out;
}
