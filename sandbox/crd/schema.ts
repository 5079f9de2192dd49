/**
 * Custom resource validation, defaulting and pruning against a CRD version's `openAPIV3Schema`, with the causes,
 * messages and ordering kube-apiserver v1.28 produces (see fixtures crd.json):
 * - schema errors first, depth first, properties in name order, then `required` of the same object;
 * - then `x-kubernetes-validations` (CEL, see ./cel.ts) at any level, unless a blocking schema error exists
 *   (required, wrong type, too long, too many), in which case one `<nil>` cause says the rules were not checked.
 *
 * Supported keywords: type (object, array, string, integer, number, boolean), nullable, required, enum, minimum,
 * maximum, exclusiveMinimum/Maximum, multipleOf, minLength, maxLength, pattern, minItems, maxItems,
 * minProperties, maxProperties, properties, additionalProperties (schema), items, default,
 * x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string, x-kubernetes-embedded-resource,
 * x-kubernetes-validations (rule, message, messageExpression, fieldPath, reason).
 * x-kubernetes-list-type `set`/`map` (with x-kubernetes-list-map-keys) uniqueness gives Duplicate causes.
 * Not checked: `format`, `uniqueItems`, allOf/anyOf/oneOf/not, metadata (the server validates ObjectMeta itself).
 */
import { fieldCause, invalid, invalidStatusMessage, notSupported, required } from '../lib/field-error.ts';
import type { FieldCause, FieldCauseReason } from '../lib/field-error.ts';
import { CelCompileError, CelEvalError, compileCached, jsonToCel } from './cel.ts';
import type { CelValue } from './cel.ts';
import type { JSONSchemaProps, ValidationRule } from './schema-types.ts';

export { invalidStatusMessage };
export type { FieldCause, FieldCauseReason, JSONSchemaProps, ValidationRule };

/** The `<nil>` cause kube adds when CEL rules were skipped because of blocking schema errors. */
export const RULES_NOT_CHECKED_DETAIL =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

const BLOCKING = new Set<FieldCauseReason>(['FieldValueRequired', 'FieldValueTypeInvalid', 'FieldValueTooLong', 'FieldValueTooMany']);
const ROOT_META = ['apiVersion', 'kind', 'metadata'];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
const sortedKeys = (o: object): string[] => Object.keys(o).sort();

function setKey(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** OpenAPI type name of a JSON value, as kube-openapi reports it. */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Go's %v of a float64/int64 bound. */
const num = (n: number): string => String(n);

function typeMatches(schema: JSONSchemaProps, actual: string): boolean {
  if (schema['x-kubernetes-int-or-string'] === true) return actual === 'integer' || actual === 'string';
  switch (schema.type) {
    case undefined:
    case '':
      return true;
    case 'number':
      return actual === 'number' || actual === 'integer';
    default:
      return schema.type === actual;
  }
}

function errPath(path: string): string | undefined {
  return path === '' ? undefined : path;
}

/** kube-openapi's validation of one node, appending causes in kube's order. */
function validateSchema(schema: JSONSchemaProps, value: unknown, path: string, out: FieldCause[]): void {
  const actual = jsonType(value);
  const field = errPath(path);
  if (value === null) {
    if (schema.nullable === true) return;
    const wanted = schema['x-kubernetes-int-or-string'] === true ? 'integer,string' : schema.type;
    if (wanted !== undefined && wanted !== '') {
      out.push(fieldCause('FieldValueTypeInvalid', field, 'null', `${path} in body must be of type ${wanted}: "null"`));
    }
    return;
  }
  if (!typeMatches(schema, actual)) {
    const wanted = schema['x-kubernetes-int-or-string'] === true ? 'integer,string' : (schema.type ?? '');
    out.push(fieldCause('FieldValueTypeInvalid', field, actual, `${path} in body must be of type ${wanted}: ${JSON.stringify(actual)}`));
    return;
  }
  if (typeof value === 'string') {
    const length = Array.from(value).length;
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      out.push(fieldCause('FieldValueTooLong', field, value, `may not be longer than ${schema.maxLength}`));
    }
    if (schema.minLength !== undefined && length < schema.minLength) {
      out.push(invalid(field, value, `${path} in body should be at least ${schema.minLength} chars long`));
    }
    if (schema.pattern !== undefined && !patternMatches(schema.pattern, value)) {
      out.push(invalid(field, value, `${path} in body should match '${schema.pattern}'`));
    }
  }
  if (typeof value === 'number') {
    if (schema.multipleOf !== undefined && schema.multipleOf !== 0 && !Number.isInteger(value / schema.multipleOf)) {
      out.push(invalid(field, value, `${path} in body should be a multiple of ${num(schema.multipleOf)}`));
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum)) {
      const rel = schema.exclusiveMaximum === true ? 'less than' : 'less than or equal to';
      out.push(invalid(field, value, `${path} in body should be ${rel} ${num(schema.maximum)}`));
    }
    if (schema.minimum !== undefined && (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum)) {
      const rel = schema.exclusiveMinimum === true ? 'greater than' : 'greater than or equal to';
      out.push(invalid(field, value, `${path} in body should be ${rel} ${num(schema.minimum)}`));
    }
  }
  if (Array.isArray(value)) {
    if (schema.items !== undefined) {
      const items = schema.items;
      value.forEach((item, i) => validateSchema(items, item, `${path}[${i}]`, out));
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      out.push(invalid(field, value.length, `${path} in body should have at least ${schema.minItems} items`));
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      out.push(fieldCause('FieldValueTooMany', field, value.length, `must have at most ${schema.maxItems} items`));
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => deepEqual(e, value))) {
    const allowed = schema.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    out.push(notSupported(field, value, allowed));
  }
  if (isObject(value)) validateObject(schema, value, path, out);
}

function validateObject(schema: JSONSchemaProps, value: Obj, path: string, out: FieldCause[]): void {
  const field = errPath(path);
  const count = Object.keys(value).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    out.push(invalid(field, count, `${path} in body should have at least ${schema.minProperties} properties`));
    return;
  }
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    out.push(fieldCause('FieldValueTooMany', field, count, `must have at most ${schema.maxProperties} items`));
    return;
  }
  const props = schema.properties ?? {};
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (additional !== undefined) {
    for (const k of sortedKeys(value)) if (!Object.hasOwn(props, k)) validateSchema(additional, value[k], child(path, k), out);
  }
  for (const name of sortedKeys(props)) {
    const sub = props[name];
    if (sub !== undefined && Object.hasOwn(value, name) && value[name] !== undefined) validateSchema(sub, value[name], child(path, name), out);
  }
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name) || value[name] === undefined) out.push(required(child(path, name)));
  }
}

/** x-kubernetes-list-type `set` / `map` uniqueness (kube's structurallisttype), as Duplicate causes. */
function validateListTypes(schema: JSONSchemaProps, value: unknown, path: string, out: FieldCause[]): void {
  if (Array.isArray(value)) {
    const listType = schema['x-kubernetes-list-type'];
    const seen: unknown[] = [];
    value.forEach((item, i) => {
      let key: unknown = item;
      if (listType === 'map' && isObject(item)) {
        const keyObj: Obj = {};
        for (const k of schema['x-kubernetes-list-map-keys'] ?? []) {
          const dflt = schema.items?.properties?.[k]?.default;
          setKey(keyObj, k, Object.hasOwn(item, k) ? item[k] : (dflt ?? null));
        }
        key = keyObj;
      }
      if (listType === 'set' || listType === 'map') {
        if (seen.some((s) => deepEqual(s, key))) out.push(fieldCause('FieldValueDuplicate', `${path}[${i}]`, key, ''));
        else seen.push(key);
      }
      if (schema.items !== undefined) validateListTypes(schema.items, item, `${path}[${i}]`, out);
    });
  } else if (isObject(value)) {
    const props = schema.properties ?? {};
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const k of sortedKeys(value)) {
      const sub = Object.hasOwn(props, k) ? props[k] : additional;
      if (sub !== undefined) validateListTypes(sub, value[k], child(path, k), out);
    }
  }
}

function patternMatches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    try {
      return new RegExp(pattern).test(value);
    } catch {
      return true; // an uncompilable pattern is a CRD error, not the object's
    }
  }
}

function hasRules(schema: JSONSchemaProps | undefined, seen = new Set<JSONSchemaProps>()): boolean {
  if (schema === undefined || seen.has(schema)) return false;
  seen.add(schema);
  if ((schema['x-kubernetes-validations'] ?? []).length > 0) return true;
  if (Object.values(schema.properties ?? {}).some((s) => hasRules(s, seen))) return true;
  if (typeof schema.additionalProperties === 'object' && hasRules(schema.additionalProperties, seen)) return true;
  return hasRules(schema.items, seen);
}

/** Schema type as kube prints it in rule errors (`Invalid value: "object"`). */
function schemaTypeName(schema: JSONSchemaProps): string {
  if (schema['x-kubernetes-int-or-string'] === true) return '';
  return schema.type ?? '';
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message !== undefined && rule.message.trim() !== '' ? rule.message.trim() : rule.rule.trim();
}

function ruleFailureMessage(rule: ValidationRule, self: CelValue, oldSelf: CelValue | undefined): string {
  if (rule.messageExpression !== undefined && rule.messageExpression.trim() !== '') {
    try {
      const out = compileCached(rule.messageExpression).evaluate({ self, oldSelf });
      if (typeof out === 'string' && out.trim() !== '' && !out.includes('\n')) return out.trim();
    } catch {
      // kube falls back to the static message when messageExpression fails
    }
  }
  if (rule.message !== undefined && rule.message.trim() !== '') return rule.message.trim();
  return `failed rule: ${rule.rule.trim()}`;
}

function ruleCause(rule: ValidationRule, path: string, typeName: string, detail: string): FieldCause {
  let target = path;
  if (rule.fieldPath !== undefined && rule.fieldPath !== '') {
    const rel = rule.fieldPath.startsWith('.') ? rule.fieldPath.slice(1) : rule.fieldPath;
    target = path === '' ? rel : `${path}.${rel}`;
  }
  const field = errPath(target);
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return fieldCause('FieldValueForbidden', field, undefined, detail);
    case 'FieldValueRequired':
      return fieldCause('FieldValueRequired', field, undefined, detail);
    case 'FieldValueDuplicate':
      return fieldCause('FieldValueDuplicate', field, typeName, '');
    default:
      return invalid(field, typeName, detail);
  }
}

/** Runs the rules of one node, then of its children (properties by name, map values, list items). */
function validateRules(schema: JSONSchemaProps, value: unknown, old: unknown, path: string, out: FieldCause[]): void {
  if (value === undefined || value === null) return;
  const rules = schema['x-kubernetes-validations'] ?? [];
  if (rules.length > 0) {
    const typeName = schemaTypeName(schema);
    const self = jsonToCel(value, schema);
    const oldSelf = old === undefined || old === null ? undefined : jsonToCel(old, schema);
    for (const rule of rules) {
      try {
        if (typeof rule.rule !== 'string') throw new CelCompileError('rule must be a string');
        const program = compileCached(rule.rule);
        if (program.usesOldSelf && oldSelf === undefined) continue;
        const result = program.evaluate({ self, oldSelf });
        if (typeof result !== 'boolean') {
          out.push(invalid(errPath(path), typeName, `rule compile error: cel expression must evaluate to a bool`));
        } else if (!result) {
          out.push(ruleCause(rule, path, typeName, ruleFailureMessage(rule, self, oldSelf)));
        }
      } catch (e) {
        if (e instanceof CelCompileError) {
          out.push(invalid(errPath(path), typeName, `rule compile error: compilation failed: ${e.message}`));
        } else if (e instanceof CelEvalError) {
          const detail = e.message.startsWith('no such overload')
            ? `'${e.message}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`
            : `${e.message} evaluating rule: ${ruleErrorString(rule)}`;
          out.push(invalid(errPath(path), typeName, detail));
        } else {
          // a malformed rule (e.g. not a string) must not turn into a server error
          out.push(invalid(errPath(path), typeName, `rule compile error: ${e instanceof Error ? e.message : String(e)}`));
        }
      }
    }
  }
  if (isObject(value)) {
    const oldObj = isObject(old) ? old : undefined;
    const props = schema.properties ?? {};
    for (const name of sortedKeys(props)) {
      const sub = props[name];
      if (sub !== undefined && Object.hasOwn(value, name)) validateRules(sub, value[name], oldObj?.[name], child(path, name), out);
    }
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    if (additional !== undefined) {
      for (const k of sortedKeys(value)) {
        if (!Object.hasOwn(props, k)) validateRules(additional, value[k], oldObj !== undefined && Object.hasOwn(oldObj, k) ? oldObj[k] : undefined, `${path}[${k}]`, out);
      }
    }
  } else if (Array.isArray(value) && schema.items !== undefined) {
    const items = schema.items;
    value.forEach((item, i) => validateRules(items, item, undefined, `${path}[${i}]`, out));
  }
}

/**
 * Validates a custom resource (already defaulted and pruned) against a version's `openAPIV3Schema`.
 * Returns the 422 causes in kube-apiserver's order; empty when valid. Never throws for bad objects or rules.
 * @param _kind the resource kind (accepted for the contract; kube's causes do not mention it).
 * @param oldObj the stored object on update, enabling transition rules that use `oldSelf`.
 */
export function validateCustomResource(schema: JSONSchemaProps, obj: unknown, _kind: string, oldObj?: unknown): FieldCause[] {
  const causes: FieldCause[] = [];
  validateSchema(schema, obj, '', causes);
  validateListTypes(schema, obj, '', causes);
  if (hasRules(schema)) {
    if (causes.some((c) => BLOCKING.has(c.reason))) causes.push(invalid(undefined, undefined, RULES_NOT_CHECKED_DETAIL));
    else validateRules(schema, obj, oldObj, '', causes);
  }
  return causes;
}

function defaultNode(schema: JSONSchemaProps, value: unknown, root: boolean): unknown {
  if (isObject(value)) {
    const out: Obj = {};
    const props = schema.properties ?? {};
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const k of Object.keys(value)) {
      const v = value[k];
      const sub = Object.hasOwn(props, k) ? props[k] : additional;
      if (root && ROOT_META.includes(k)) setKey(out, k, structuredClone(v));
      else if (sub === undefined) setKey(out, k, v === undefined ? v : structuredClone(v));
      else if (v === null && sub.nullable !== true) {
        // kube drops non-nullable nulls, replacing them by the default when there is one
        if (sub.default !== undefined) setKey(out, k, defaultNode(sub, structuredClone(sub.default), false));
      } else setKey(out, k, defaultNode(sub, v, false));
    }
    for (const k of sortedKeys(props)) {
      const sub = props[k];
      if (sub?.default !== undefined && !Object.hasOwn(value, k)) setKey(out, k, defaultNode(sub, structuredClone(sub.default), false));
    }
    return out;
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    return value.map((v) => (items === undefined ? structuredClone(v) : defaultNode(items, v, false)));
  }
  return value;
}

/**
 * Returns a copy of `obj` with schema `default`s filled in for absent properties at every level (defaults are
 * defaulted recursively too) and non-nullable `null`s replaced by their default or removed. `apiVersion`, `kind` and
 * `metadata` at the root are left alone. The input is not mutated.
 */
export function applyDefaults(schema: JSONSchemaProps, obj: unknown): unknown {
  return defaultNode(schema, obj, true);
}

function pruneNode(schema: JSONSchemaProps, value: unknown, root: boolean): unknown {
  if (isObject(value)) {
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = schema['x-kubernetes-embedded-resource'] === true;
    const props = schema.properties ?? {};
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    const out: Obj = {};
    for (const k of Object.keys(value)) {
      const v = value[k];
      if ((root || embedded) && ROOT_META.includes(k)) setKey(out, k, structuredClone(v));
      else if (Object.hasOwn(props, k)) setKey(out, k, pruneNode(props[k] as JSONSchemaProps, v, false));
      else if (additional !== undefined) setKey(out, k, pruneNode(additional, v, false));
      else if (preserve || schema.additionalProperties === true) setKey(out, k, structuredClone(v));
    }
    return out;
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    return value.map((v) => (items === undefined ? structuredClone(v) : pruneNode(items, v, false)));
  }
  return value;
}

function collectUnknown(schema: JSONSchemaProps, value: unknown, path: string, root: boolean, out: string[]): void {
  if (isObject(value)) {
    if (schema['x-kubernetes-preserve-unknown-fields'] === true && schema.properties === undefined && schema.additionalProperties === undefined) return;
    const embedded = schema['x-kubernetes-embedded-resource'] === true;
    const props = schema.properties ?? {};
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const k of sortedKeys(value)) {
      const p = child(path, k);
      if ((root || embedded) && ROOT_META.includes(k)) continue;
      if (Object.hasOwn(props, k)) collectUnknown(props[k] as JSONSchemaProps, value[k], p, false, out);
      else if (additional !== undefined) collectUnknown(additional, value[k], p, false, out);
      else if (schema['x-kubernetes-preserve-unknown-fields'] !== true && schema.additionalProperties !== true) out.push(p);
    }
  } else if (Array.isArray(value) && schema.items !== undefined) {
    const items = schema.items;
    value.forEach((v, i) => collectUnknown(items, v, `${path}[${i}]`, false, out));
  }
}

/**
 * The paths {@link prune} would drop (e.g. `spec.bogus`, `spec.list[0].x`), for `?fieldValidation=Strict|Warn`.
 * Root/embedded `apiVersion`, `kind`, `metadata` are never reported.
 */
export function unknownFieldPaths(schema: JSONSchemaProps, obj: unknown): string[] {
  const out: string[] = [];
  collectUnknown(schema, obj, '', true, out);
  return out;
}

/**
 * kube-apiserver's 400 BadRequest message for `fieldValidation=Strict` with unknown fields:
 * `strict decoding error: unknown field "spec.a", unknown field "spec.b"`. (With `Warn`, each
 * `unknown field "<path>"` is a Warning header instead.)
 */
export function strictDecodingMessage(paths: string[]): string {
  return `strict decoding error: ${paths.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ')}`;
}

/**
 * Returns a copy of `obj` without the fields its schema does not declare (kube's pruning): unknown properties
 * are dropped unless the node has `x-kubernetes-preserve-unknown-fields: true`; `additionalProperties` schemas
 * keep every key. Root (and embedded-resource) `apiVersion`, `kind`, `metadata` are kept. Not mutating.
 */
export function prune(schema: JSONSchemaProps, obj: unknown): unknown {
  return pruneNode(schema, obj, true);
}
