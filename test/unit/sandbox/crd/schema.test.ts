import { describe, expect, test } from '@jest/globals';
import { applyDefaults, invalidStatusMessage, prune, strictDecodingMessage, unknownFieldPaths, validateCustomResource } from '../../../../sandbox/crd/schema.ts';
import type { JSONSchemaProps } from '../../../../sandbox/crd/schema.ts';

// openAPIV3Schema of widgets.fixtures.example.com (fixtures kube-apiserver-v1.28/crd.json).
const WIDGET: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['color'],
      'x-kubernetes-validations': [{ rule: 'self.min <= self.max', message: 'min must be less than or equal to max' }],
      properties: {
        color: { type: 'string' },
        size: { type: 'integer', minimum: 0 },
        tier: { type: 'string', enum: ['small', 'medium', 'large'] },
        min: { type: 'integer', default: 0 },
        max: { type: 'integer', default: 10 },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' }, observed: { type: 'integer' } } },
  },
};

/** What the sandbox does on create: prune, default, validate. */
const admit = (spec: unknown, schema: JSONSchemaProps = WIDGET) => {
  const obj = applyDefaults(schema, prune(schema, { apiVersion: 'fixtures.example.com/v1', kind: 'Widget', metadata: { name: 'x' }, spec }));
  return { obj, causes: validateCustomResource(schema, obj, 'Widget') };
};
const NIL = {
  reason: 'FieldValueInvalid',
  message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  field: '<nil>',
};

describe('crd.json 422 cases', () => {
  test('valid widget gets min/max defaults and no causes', () => {
    const { obj, causes } = admit({ color: 'red', size: 3, tier: 'small' });
    expect(causes).toEqual([]);
    expect((obj as { spec: unknown }).spec).toEqual({ color: 'red', size: 3, tier: 'small', min: 0, max: 10 });
  });
  test('missing required field', () => {
    const { causes } = admit({ size: 1 });
    expect(causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.color' }, NIL]);
    expect(invalidStatusMessage('Widget', 'fixtures.example.com', 'nocolor', causes)).toBe(
      'Widget.fixtures.example.com "nocolor" is invalid: [spec.color: Required value, <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
    );
  });
  test('wrong type', () => {
    const { causes } = admit({ color: 'red', size: 'big' });
    expect(causes).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.size in body must be of type integer: "string"', field: 'spec.size' },
      NIL,
    ]);
  });
  test('minimum', () => {
    const { causes } = admit({ color: 'red', size: -1 });
    expect(causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: spec.size in body should be greater than or equal to 0', field: 'spec.size' }]);
    expect(invalidStatusMessage('Widget', 'fixtures.example.com', 'negative', causes)).toBe(
      'Widget.fixtures.example.com "negative" is invalid: spec.size: Invalid value: -1: spec.size in body should be greater than or equal to 0',
    );
  });
  test('enum (not blocking: CEL still runs and passes)', () => {
    expect(admit({ color: 'red', tier: 'huge' }).causes).toEqual([
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: "huge": supported values: "small", "medium", "large"', field: 'spec.tier' },
    ]);
  });
  test('CEL rule', () => {
    expect(admit({ color: 'red', min: 5, max: 1 }).causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "object": min must be less than or equal to max', field: 'spec' },
    ]);
  });
  test('several at once, in kube order', () => {
    const { causes } = admit({ size: -2, tier: 'huge', min: 9, max: 1 });
    expect(invalidStatusMessage('Widget', 'fixtures.example.com', 'multi', causes)).toBe(
      'Widget.fixtures.example.com "multi" is invalid: [spec.size: Invalid value: -2: spec.size in body should be greater than or equal to 0, spec.tier: Unsupported value: "huge": supported values: "small", "medium", "large", spec.color: Required value, <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
    );
    expect(causes.map((c) => c.reason)).toEqual(['FieldValueInvalid', 'FieldValueNotSupported', 'FieldValueRequired', 'FieldValueInvalid']);
  });
  test('unknown field pruned silently', () => {
    const { obj, causes } = admit({ color: 'blue', bogus: true });
    expect(causes).toEqual([]);
    expect((obj as { spec: unknown }).spec).toEqual({ color: 'blue', min: 0, max: 10 });
  });
  test('core group has no dot in the message', () => {
    expect(invalidStatusMessage('Pod', '', '', [{ reason: 'FieldValueRequired', message: 'Required value', field: 'metadata.name' }])).toBe(
      'Pod "" is invalid: metadata.name: Required value',
    );
  });
});

describe('other keywords', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      s: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
      n: { type: 'number', maximum: 1.5, exclusiveMaximum: true },
      m: { type: 'integer', multipleOf: 5 },
      l: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
      io: { 'x-kubernetes-int-or-string': true },
      nul: { type: 'string', nullable: true },
      notnul: { type: 'string' },
      b: { type: 'boolean' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      any: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  test('string, number, array, int-or-string, nullable, additionalProperties', () => {
    expect(validateCustomResource(schema, { s: 'AbCdE', n: 1.5, m: 7, l: [{}, { name: 1 }, { name: 'x' }], io: true, nul: null, notnul: null, b: 'yes', labels: { a: 1 } }, 'X')).toEqual([
      { reason: 'FieldValueTypeInvalid', field: 'b', message: 'Invalid value: "string": b in body must be of type boolean: "string"' },
      { reason: 'FieldValueTypeInvalid', field: 'io', message: 'Invalid value: "boolean": io in body must be of type integer,string: "boolean"' },
      { reason: 'FieldValueRequired', field: 'l[0].name', message: 'Required value' },
      { reason: 'FieldValueTypeInvalid', field: 'l[1].name', message: 'Invalid value: "integer": l[1].name in body must be of type string: "integer"' },
      { reason: 'FieldValueTooMany', field: 'l', message: 'Too many: 3: must have at most 2 items' },
      { reason: 'FieldValueTypeInvalid', field: 'labels.a', message: 'Invalid value: "integer": labels.a in body must be of type string: "integer"' },
      { reason: 'FieldValueInvalid', field: 'm', message: 'Invalid value: 7: m in body should be a multiple of 5' },
      { reason: 'FieldValueInvalid', field: 'n', message: 'Invalid value: 1.5: n in body should be less than 1.5' },
      { reason: 'FieldValueTypeInvalid', field: 'notnul', message: 'Invalid value: "null": notnul in body must be of type string: "null"' },
      { reason: 'FieldValueTooLong', field: 's', message: 'Too long: may not be longer than 4' },
      { reason: 'FieldValueInvalid', field: 's', message: 'Invalid value: "AbCdE": s in body should match \'^[a-z]+$\'' },
    ]);
    expect(validateCustomResource(schema, { s: 'a', l: [], io: 'x', any: { deep: [1] } }, 'X')).toEqual([
      { reason: 'FieldValueInvalid', field: 'l', message: 'Invalid value: 0: l in body should have at least 1 items' },
      { reason: 'FieldValueInvalid', field: 's', message: 'Invalid value: "a": s in body should be at least 2 chars long' },
    ]);
  });
  test('prune keeps root metadata, preserve-unknown and additionalProperties; drops the rest', () => {
    const input = { apiVersion: 'v', kind: 'K', metadata: { name: 'n', labels: { a: 'b' } }, extra: 1, labels: { x: 'y' }, any: { free: { form: true } }, l: [{ name: 'a', junk: 1 }] };
    expect(prune(schema, input)).toEqual({ apiVersion: 'v', kind: 'K', metadata: { name: 'n', labels: { a: 'b' } }, labels: { x: 'y' }, any: { free: { form: true } }, l: [{ name: 'a' }] });
    expect(input.extra).toBe(1);
  });
  test('list-type set and map report duplicates', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
        },
      },
    };
    expect(validateCustomResource(s, { tags: ['a', 'b', 'a'], ports: [{ port: 80 }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }] }, 'X')).toEqual([
      { reason: 'FieldValueDuplicate', field: 'ports[2]', message: 'Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}' },
      { reason: 'FieldValueDuplicate', field: 'tags[2]', message: 'Duplicate value: "a"' },
    ]);
  });
  test('unknownFieldPaths lists exactly what prune drops', () => {
    const input = { apiVersion: 'v', kind: 'K', metadata: { x: 1 }, extra: 1, labels: { x: 'y' }, any: { free: 1 }, l: [{ name: 'a', junk: 1 }], s: 'x' };
    const paths = unknownFieldPaths(schema, input);
    expect(paths).toEqual(['extra', 'l[0].junk']);
    expect(strictDecodingMessage(paths)).toBe('strict decoding error: unknown field "extra", unknown field "l[0].junk"');
    expect(unknownFieldPaths(schema, prune(schema, input))).toEqual([]);
  });
  test('defaults: nested, inside list items, and non-nullable nulls', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          default: {},
          properties: {
            a: { type: 'integer', default: 1 },
            b: { type: 'object', default: { c: 'x' }, properties: { c: { type: 'string' }, d: { type: 'boolean', default: true } } },
            items: { type: 'array', items: { type: 'object', properties: { w: { type: 'integer', default: 5 } } } },
            n: { type: 'string', default: 'dflt' },
            gone: { type: 'string' },
          },
        },
      },
    };
    const input = { spec: { items: [{}, { w: 1 }], n: null, gone: null } };
    expect(applyDefaults(s, input)).toEqual({ spec: { a: 1, b: { c: 'x', d: true }, items: [{ w: 5 }, { w: 1 }], n: 'dflt' } });
    expect(applyDefaults(s, {})).toEqual({ spec: { a: 1, b: { c: 'x', d: true }, n: 'dflt' } });
    expect(input).toEqual({ spec: { items: [{}, { w: 1 }], n: null, gone: null } });
  });
});

describe('x-kubernetes-validations', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    'x-kubernetes-validations': [{ rule: "self.metadata.name != 'forbidden'", message: 'bad name' }],
    properties: {
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        'x-kubernetes-validations': [
          { rule: 'self.minReplicas <= self.maxReplicas', messageExpression: "'min ' + string(self.minReplicas) + ' > max ' + string(self.maxReplicas)" },
          { rule: 'self.timeout == oldSelf.timeout', message: 'timeout is immutable', fieldPath: '.timeout', reason: 'FieldValueForbidden' },
        ],
        properties: {
          minReplicas: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0' }] },
          maxReplicas: { type: 'integer' },
          namespace: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != ''", message: 'must not be empty' }] },
          timeout: {
            type: 'string',
            'x-kubernetes-validations': [
              { rule: "self.matches('^([0-9]+(\\\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$')", message: 'bad duration' },
              { rule: "duration(self) >= duration('1s')", message: 'at least 1s' },
            ],
          },
          ratio: { type: 'number', 'x-kubernetes-validations': [{ rule: 'self * 2.0 < 3.0' }] },
          broken: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.frobnicate()' }] },
          list: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'size(self) < 3' }] } },
        },
      },
    },
  };
  const check = (spec: unknown, old?: unknown, name = 'ok') =>
    validateCustomResource(schema, { metadata: { name }, spec }, 'X', old === undefined ? undefined : { metadata: { name }, spec: old });

  test('passing rules give no causes', () => {
    expect(check({ minReplicas: 1, maxReplicas: 2, namespace: 'ns', timeout: '1m30s', ratio: 1.2, list: ['a'] })).toEqual([]);
  });
  test('root rule field is <nil>; messageExpression; default failure text; list item paths', () => {
    expect(check({ minReplicas: -3, maxReplicas: -5, namespace: '', timeout: '500ms', ratio: 1.5, list: ['abc'] }, undefined, 'forbidden')).toEqual([
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "object": bad name' },
      { reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": min -3 > max -5' },
      { reason: 'FieldValueInvalid', field: 'spec.list[0]', message: 'Invalid value: "string": failed rule: size(self) < 3' },
      { reason: 'FieldValueInvalid', field: 'spec.minReplicas', message: 'Invalid value: "integer": failed rule: self >= 0' },
      { reason: 'FieldValueInvalid', field: 'spec.namespace', message: 'Invalid value: "string": must not be empty' },
      { reason: 'FieldValueInvalid', field: 'spec.ratio', message: 'Invalid value: "number": failed rule: self * 2.0 < 3.0' },
      { reason: 'FieldValueInvalid', field: 'spec.timeout', message: 'Invalid value: "string": at least 1s' },
    ]);
  });
  test('regex failure, evaluation error and missing key are causes', () => {
    expect(check({ minReplicas: 1, timeout: 'soon' })).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": no such key: maxReplicas evaluating rule: self.minReplicas <= self.maxReplicas' },
      { reason: 'FieldValueInvalid', field: 'spec.timeout', message: 'Invalid value: "string": bad duration' },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.timeout',
        message: 'Invalid value: "string": invalid duration: time: invalid duration "soon" evaluating rule: at least 1s',
      },
    ]);
  });
  test('mixing int and double in arithmetic is an overload error, as in CEL', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { r: { type: 'number', 'x-kubernetes-validations': [{ rule: 'self * 2 < 3' }] } } };
    expect(validateCustomResource(s, { r: 1 }, 'X')).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'r',
        message: "Invalid value: \"number\": 'no such overload: _*_(double, int)': call arguments did not match a supported operator, function or macro signature for rule: self * 2 < 3",
      },
    ]);
  });
  test('an unsupported construct is a compile-error cause, not a crash', () => {
    const causes = check({ minReplicas: 1, maxReplicas: 1, broken: 'x' });
    expect(causes).toHaveLength(1);
    expect(causes[0]?.field).toBe('spec.broken');
    expect(causes[0]?.message).toContain("rule compile error: compilation failed: ERROR: <input>:1:5: undeclared reference to 'frobnicate'");
  });
  test('a malformed rule entry is a cause, not an exception', () => {
    const bad = { type: 'object', 'x-kubernetes-validations': [{ rule: 42 }] } as unknown as JSONSchemaProps;
    expect(validateCustomResource(bad, {}, 'X')).toEqual([
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "object": rule compile error: compilation failed: rule must be a string' },
    ]);
  });
  test('transition rules run only with an old object; fieldPath and reason apply', () => {
    expect(check({ minReplicas: 1, maxReplicas: 1, timeout: '2s' })).toEqual([]);
    expect(check({ minReplicas: 1, maxReplicas: 1, timeout: '2s' }, { minReplicas: 1, maxReplicas: 1, timeout: '3s' })).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.timeout', message: 'Forbidden: timeout is immutable' },
    ]);
  });
  test('rules are skipped with a <nil> cause when a blocking error exists', () => {
    expect(check({ minReplicas: 'one', maxReplicas: 0 })).toEqual([
      { reason: 'FieldValueTypeInvalid', field: 'spec.minReplicas', message: 'Invalid value: "string": spec.minReplicas in body must be of type integer: "string"' },
      NIL,
    ]);
  });
});
