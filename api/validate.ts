/**
 * Validation of untrusted ChaosMonkeyConfiguration objects (read from the API server, possibly stored
 * without schema validation). Pure; never throws; reports every problem with its field path, the way
 * kube-apiserver's causes do (reason + field + message).
 */
import { parseGoDuration, durationToMs } from './duration.ts';
import { MIN_TIMEOUT_NS } from './defaults.ts';
import { API_VERSION_V1, API_VERSION_V1ALPHA1, KIND } from './names.ts';
import { KILL_METHODS, SCALING_MODES, SELECTION_MODES, VALUE_MODES, WEEKDAYS } from './v1.ts';
import { cronShapeOk, isKnownTimeZone, MAX_CRON_LENGTH, MAX_EXCLUDED_DAYS, MAX_TIMES_OF_DAY, parseEvery, parseExcludedDay, parseTimeRange } from './schedule.ts';
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

/** Result of {@link parseCmcV1}: also the timeout in milliseconds when valid and set (undefined with schedule.cron). */
export interface ParsedCmcV1 extends ParseResult<ChaosMonkeyConfigurationV1> {
  timeoutMs: number | undefined;
}

/**
 * Checks a cron expression's fields in a time zone (the cron library's parser, injected so api/
 * loads no library): an error text, or undefined when the expression is fine.
 */
export type CronChecker = (expression: string, timeZone: string) => string | undefined;

/** Options of {@link parseCmcV1}. */
export interface ParseOptions {
  /** Without it, a cron expression is checked for its shape only (five fields). */
  checkCron?: CronChecker;
}

/** Message of the CRD rule and of {@link parseCmcV1} when both or neither of timeout and schedule.cron are set. */
export const TIMEOUT_XOR_CRON_MESSAGE = 'exactly one of timeout and schedule.cron must be set';

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
  // Optional since issue 12 (schedule.cron replaces it); parseCmcV1 requires exactly one of the two.
  optional(spec, 'timeout', 'string', 'spec', errors);
  return errors;
}

/** Presence and JSON types of every v1alpha1 spec field (no value rules). See {@link checkSpecShapeV1}. */
export function checkSpecShapeV1Alpha1(spec: Record<string, unknown>, errors: FieldError[] = []): FieldError[] {
  need(spec, 'enabled', 'boolean', 'spec', errors);
  need(spec, 'minReplicas', 'integer', 'spec', errors);
  need(spec, 'maxReplicas', 'integer', 'spec', errors);
  need(spec, 'deploymentName', 'string', 'spec', errors);
  need(spec, 'podMode', 'boolean', 'spec', errors);
  // Absent only on an object converted from a v1 one that uses schedule.cron (the schema defaults it otherwise).
  optional(spec, 'timeout', 'string', 'spec', errors);
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

/** A label key (qualified name: optional DNS-1123 subdomain prefix and '/', name part of 1..63 characters), as kube-apiserver's ValidateLabelName. */
export const LABEL_KEY_PATTERN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
/** A label value (empty, or a qualified name part of at most 63 characters), as IsValidLabelValue. */
export const LABEL_VALUE_PATTERN = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
/** Size bounds of spec.podSelector (the CRD's maxProperties/maxItems, which keep CEL cost bounded). */
export const POD_SELECTOR_LIMITS = Object.freeze({ matchLabels: 32, matchExpressions: 32, values: 64 });

function labelKeyError(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash > 253) return 'prefix part must be no more than 253 characters';
  return LABEL_KEY_PATTERN.test(key) ? undefined : "a label key must be a qualified name: an optional DNS subdomain prefix and '/', and a name of at most 63 alphanumeric characters, '-', '_' or '.', beginning and ending with an alphanumeric character";
}

const LABEL_VALUE_MESSAGE = "a label value must be empty or at most 63 alphanumeric characters, '-', '_' or '.', beginning and ending with an alphanumeric character";

/** A metav1.LabelSelector's rules, as kube-apiserver's ValidateLabelSelector (plus our size bounds). */
function checkLabelSelector(sel: Record<string, unknown>, path: string, errors: FieldError[]): void {
  if (optional(sel, 'matchLabels', 'object', path, errors)) {
    const labels = sel.matchLabels as Record<string, unknown>;
    const keys = Object.keys(labels);
    if (keys.length > POD_SELECTOR_LIMITS.matchLabels) errors.push({ field: `${path}.matchLabels`, reason: 'FieldValueInvalid', message: `Too many: ${keys.length}: must have at most ${POD_SELECTOR_LIMITS.matchLabels} items` });
    for (const key of keys) {
      const keyError = labelKeyError(key);
      if (keyError !== undefined) errors.push({ field: `${path}.matchLabels`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(key)}: ${keyError}` });
      const value = labels[key];
      if (typeof value !== 'string') errors.push({ field: `${path}.matchLabels.${key}`, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(value)}": ${path}.matchLabels.${key} in body must be of type string` });
      else if (!LABEL_VALUE_PATTERN.test(value)) errors.push({ field: `${path}.matchLabels.${key}`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${LABEL_VALUE_MESSAGE}` });
    }
  }
  if (sel.matchExpressions === undefined) return;
  if (!Array.isArray(sel.matchExpressions)) {
    errors.push({ field: `${path}.matchExpressions`, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(sel.matchExpressions)}": ${path}.matchExpressions in body must be of type array` });
    return;
  }
  if (sel.matchExpressions.length > POD_SELECTOR_LIMITS.matchExpressions) errors.push({ field: `${path}.matchExpressions`, reason: 'FieldValueInvalid', message: `Too many: ${sel.matchExpressions.length}: must have at most ${POD_SELECTOR_LIMITS.matchExpressions} items` });
  sel.matchExpressions.forEach((expr: unknown, i: number) => {
    const at = `${path}.matchExpressions[${i}]`;
    if (!isJsonObject(expr)) {
      errors.push({ field: at, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(expr)}": ${at} in body must be of type object` });
      return;
    }
    if (need(expr, 'key', 'string', at, errors)) {
      const keyError = labelKeyError(expr.key as string);
      if (keyError !== undefined) errors.push({ field: `${at}.key`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(expr.key)}: ${keyError}` });
    }
    let values: unknown[] = [];
    if (expr.values !== undefined && expr.values !== null) {
      if (!Array.isArray(expr.values)) errors.push({ field: `${at}.values`, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(expr.values)}": ${at}.values in body must be of type array` });
      else values = expr.values;
    }
    if (values.length > POD_SELECTOR_LIMITS.values) errors.push({ field: `${at}.values`, reason: 'FieldValueInvalid', message: `Too many: ${values.length}: must have at most ${POD_SELECTOR_LIMITS.values} items` });
    values.forEach((v, j) => {
      if (typeof v !== 'string' || !LABEL_VALUE_PATTERN.test(v)) errors.push({ field: `${at}.values[${j}]`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: ${LABEL_VALUE_MESSAGE}` });
    });
    if (need(expr, 'operator', 'string', at, errors)) {
      const op = expr.operator as string;
      if (op === 'In' || op === 'NotIn') {
        if (values.length === 0) errors.push({ field: `${at}.values`, reason: 'FieldValueRequired', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" });
      } else if (op === 'Exists' || op === 'DoesNotExist') {
        if (values.length > 0) errors.push({ field: `${at}.values`, reason: 'FieldValueInvalid', message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
      } else {
        errors.push({ field: `${at}.operator`, reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(op)}: supported values: "In", "NotIn", "Exists", "DoesNotExist"` });
      }
    }
  });
}

/**
 * Rules of issue 12's optional v1 fields: `selection` {mode, value} (value required and in range
 * for fixed (>= 1) and the percent modes (1..100), not allowed for one and all; killPod only) and
 * `podSelector` (a LabelSelector; killPod and antiPressure only).
 */
export function checkTargetingFields(spec: Record<string, unknown>, errors: FieldError[]): void {
  if (optional(spec, 'selection', 'object', 'spec', errors)) {
    const sel = spec.selection as Record<string, unknown>;
    const modeOk = optional(sel, 'mode', 'string', 'spec.selection', errors);
    const mode = modeOk ? (sel.mode as string) : 'one';
    if (modeOk && !SELECTION_MODES.includes(mode as never)) {
      errors.push({ field: 'spec.selection.mode', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(mode)}: supported values: ${SELECTION_MODES.map((m) => `"${m}"`).join(', ')}` });
    } else if (sel.mode === undefined || modeOk) {
      const takesValue = VALUE_MODES.includes(mode as never);
      const hasValue = optional(sel, 'value', 'integer', 'spec.selection', errors);
      if (takesValue && sel.value === undefined) errors.push({ field: 'spec.selection', reason: 'FieldValueInvalid', message: `Invalid value: "object": value is required when mode is fixed, fixed-percent or random-max-percent` });
      if (!takesValue && sel.value !== undefined) errors.push({ field: 'spec.selection', reason: 'FieldValueInvalid', message: `Invalid value: "object": value is not allowed when mode is one or all` });
      if (takesValue && hasValue) {
        const value = sel.value as number;
        if (mode === 'fixed' && value < 1) errors.push({ field: 'spec.selection', reason: 'FieldValueInvalid', message: 'Invalid value: "object": value must be at least 1 when mode is fixed' });
        if (mode !== 'fixed' && (value < 1 || value > 100)) errors.push({ field: 'spec.selection', reason: 'FieldValueInvalid', message: 'Invalid value: "object": value must be a percentage from 1 to 100 when mode is fixed-percent or random-max-percent' });
      }
    }
    if (spec.scalingMode !== 'killPod') errors.push({ field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: "object": selection applies to scalingMode killPod only' });
  }
  if (optional(spec, 'podSelector', 'object', 'spec', errors)) {
    checkLabelSelector(spec.podSelector as Record<string, unknown>, 'spec.podSelector', errors);
    if (spec.scalingMode === 'randomScale') errors.push({ field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: "object": podSelector applies to scalingMode killPod and antiPressure only' });
  }
}

function fieldError(errors: FieldError[], field: string, value: unknown, what: string): void {
  errors.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${what}` });
}

/** Checks an optional list of strings with at most `max` items; returns the strings (empty when absent or mistyped). */
function stringList(obj: Record<string, unknown>, key: string, max: number, errors: FieldError[]): string[] {
  const v = obj[key];
  const field = `spec.schedule.${key}`;
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    errors.push({ field, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(v)}": ${field} in body must be of type array` });
    return [];
  }
  if (v.length > max) errors.push({ field, reason: 'FieldValueInvalid', message: `Too many: ${v.length}: must have at most ${max} items` });
  const out: string[] = [];
  v.forEach((item: unknown, i: number) => {
    if (typeof item === 'string') out.push(item);
    else errors.push({ field: `${field}[${i}]`, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(item)}": ${field}[${i}] in body must be of type string` });
  });
  return out;
}

/**
 * Rules of issue 12's `spec.schedule` (types, a known IANA time zone, weekday names, time ranges
 * "HH:MM[:SS]-HH:MM[:SS]" with start != end, real days, a cron expression of five fields the cron
 * library accepts or "@every <Go duration >= 1s>").
 */
export function checkScheduleFields(spec: Record<string, unknown>, errors: FieldError[], options: ParseOptions = {}): void {
  if (!optional(spec, 'schedule', 'object', 'spec', errors)) return;
  const schedule = spec.schedule as Record<string, unknown>;
  let zone = 'UTC';
  if (optional(schedule, 'timeZone', 'string', 'spec.schedule', errors)) {
    zone = schedule.timeZone as string;
    if (!isKnownTimeZone(zone)) fieldError(errors, 'spec.schedule.timeZone', zone, 'timeZone must be an IANA time zone name such as UTC, Europe/Rome or America/New_York');
  }
  stringList(schedule, 'excludedWeekdays', 7, errors).forEach((d, i) => {
    if (!WEEKDAYS.includes(d as never)) errors.push({ field: `spec.schedule.excludedWeekdays[${i}]`, reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(d)}: supported values: "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"` });
  });
  stringList(schedule, 'excludedTimesOfDay', MAX_TIMES_OF_DAY, errors).forEach((t, i) => {
    if (parseTimeRange(t) === undefined) fieldError(errors, `spec.schedule.excludedTimesOfDay[${i}]`, t, 'must be HH:MM[:SS]-HH:MM[:SS] (24-hour clock, start different from end), e.g. 18:00-08:30');
  });
  stringList(schedule, 'excludedDays', MAX_EXCLUDED_DAYS, errors).forEach((d, i) => {
    if (parseExcludedDay(d) === undefined) fieldError(errors, `spec.schedule.excludedDays[${i}]`, d, 'must be a day of the year such as "Dec 24" or a date such as "2026-12-31"');
  });
  if (optional(schedule, 'cron', 'string', 'spec.schedule', errors)) {
    const cron = schedule.cron as string;
    const every = parseEvery(cron);
    if (cron.length > MAX_CRON_LENGTH || !cronShapeOk(cron) || every === undefined) {
      fieldError(errors, 'spec.schedule.cron', cron, 'cron must be five fields (minute hour day-of-month month day-of-week) such as "0 2 * * *", or "@every <Go duration of at least 1s>" such as "@every 10m"');
    } else if (every === null && options.checkCron !== undefined && isKnownTimeZone(zone)) {
      const problem = options.checkCron(cron, zone);
      if (problem !== undefined) fieldError(errors, 'spec.schedule.cron', cron, problem);
    }
  }
}

/**
 * Parses an untrusted v1 object against every rule of the CRD (required fields, types, enum, min >= 0,
 * min <= max, non-empty deployment name, Go duration timeout >= 1s, exactly one of timeout and
 * schedule.cron, spec.schedule's patterns) and what the CRD cannot check (a known time zone, real days,
 * cron fields through `options.checkCron`). Never throws.
 * @returns `value` (the input, typed) and `timeoutMs` only when there is no error; all errors otherwise.
 */
export function parseCmcV1(obj: unknown, options: ParseOptions = {}): ParsedCmcV1 {
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
    checkTargetingFields(spec, errors);
    checkScheduleFields(spec, errors, options);
    const hasCron = isJsonObject(spec.schedule) && spec.schedule.cron !== undefined && spec.schedule.cron !== null;
    const hasTimeout = spec.timeout !== undefined && spec.timeout !== null;
    if (hasCron === hasTimeout) errors.push({ field: 'spec', reason: 'FieldValueInvalid', message: `Invalid value: "object": ${TIMEOUT_XOR_CRON_MESSAGE}` });
  }
  if (errors.length > 0) return { value: undefined, errors, timeoutMs: undefined };
  return { value: obj as ChaosMonkeyConfigurationV1, errors, timeoutMs: timeoutNs === undefined ? undefined : durationToMs(timeoutNs) };
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
    // The conversion accepts a v1alpha1 object without timeout (from a cron-only v1 one); the schema defaults it.
    if (spec.timeout === undefined || spec.timeout === null) errors.push({ field: 'spec.timeout', reason: 'FieldValueRequired', message: 'Required value' });
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
