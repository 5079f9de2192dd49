/**
 * kube-apiserver field errors (k8s.io/apimachinery/pkg/util/validation/field) as plain data, with the exact
 * text formatting of their Go originals, so Status causes and messages match the real server.
 */

/** The `reason` of a Status cause; the field error "type" in Go. */
export type FieldCauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueDuplicate'
  | 'InternalError';

/** One entry of a 422 Status `details.causes`: `message` is the body without the field, `field` the path or `<nil>`. */
export interface FieldCause {
  reason: FieldCauseReason;
  message: string;
  field: string;
}

const TYPE_TEXT: Record<FieldCauseReason, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueDuplicate: 'Duplicate value',
  InternalError: 'Internal error',
};

/** Types whose message omits the bad value (Go's ErrorBody in v1.28). */
const NO_VALUE = new Set<FieldCauseReason>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

/** Marker for a Go `[]string` bad value, printed as `[]string{"a", "b"}`. */
export interface GoStringSlice {
  goStringSlice: string[];
}

/**
 * Formats a bad value the way Go's field.Error does: nil as `"null"`, numbers and booleans bare, strings quoted,
 * anything else in a `%#v`-like form.
 */
export function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && 'goStringSlice' in value && Array.isArray((value as GoStringSlice).goStringSlice)) {
    return `[]string{${(value as GoStringSlice).goStringSlice.map((s) => JSON.stringify(s)).join(', ')}}`;
  }
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSharpV).join(', ')}}`;
  return goSharpV(value);
}

function goSharpV(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSharpV).join(', ')}}`;
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${goSharpV((value as Record<string, unknown>)[k])}`);
  return `map[string]interface {}{${entries.join(', ')}}`;
}

/**
 * Builds a cause. `field` undefined means a nil path (`<nil>`); `detail` is appended after `: ` when non-empty.
 */
export function fieldCause(reason: FieldCauseReason, field: string | undefined, badValue: unknown, detail: string): FieldCause {
  let message = TYPE_TEXT[reason];
  if (!NO_VALUE.has(reason)) message += `: ${formatBadValue(badValue)}`;
  if (detail.length > 0) message += `: ${detail}`;
  return { reason, message, field: field ?? '<nil>' };
}

/** `Required value[: detail]` */
export function required(field: string | undefined, detail = ''): FieldCause {
  return fieldCause('FieldValueRequired', field, undefined, detail);
}

/** `Invalid value: <v>: detail` */
export function invalid(field: string | undefined, value: unknown, detail: string): FieldCause {
  return fieldCause('FieldValueInvalid', field, value, detail);
}

/** `Unsupported value: <v>: supported values: "a", "b"` */
export function notSupported(field: string | undefined, value: unknown, supported: string[]): FieldCause {
  const detail = supported.length > 0 ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '';
  return fieldCause('FieldValueNotSupported', field, value, detail);
}

/** Renders one cause as Go's `field.Error.Error()`: `<field>: <message>`. */
export function causeText(cause: FieldCause): string {
  return `${cause.field}: ${cause.message}`;
}

/** Go's aggregate error text: a single error alone, several as `[a, b]`. */
export function aggregateText(texts: string[]): string {
  if (texts.length === 1) return texts[0] ?? '';
  return `[${texts.join(', ')}]`;
}

/**
 * The message of a 422 Invalid Status: `<Kind>.<group> "<name>" is invalid: <cause>` or `... is invalid: [a, b]`
 * (the group is omitted for the core group).
 */
export function invalidStatusMessage(kind: string, group: string, name: string, causes: FieldCause[]): string {
  const qualified = group === '' ? kind : `${kind}.${group}`;
  return `${qualified} ${JSON.stringify(name)} is invalid: ${aggregateText(causes.map(causeText))}`;
}
