/**
 * `/openapi/v2`: the Swagger 2.0 document as JSON and as the gnostic protobuf kubectl downloads (decoded here with
 * a tiny wire-format reader), PATCH operations with the fieldValidation parameter, custom-resource definitions
 * converted from the CRD schema, the v3 → v2 schema conversion rules, and the CRD schemas in /openapi/v3 components.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { load } from 'js-yaml';
import type { SandboxServer } from '../../../../sandbox/server/sandbox.ts';
import { toSwaggerSchema } from '../../../../sandbox/server/openapi-v2.ts';
import { definitionName } from '../../../../sandbox/server/openapi.ts';
import { call, start } from './helpers.ts';

/** Decodes one protobuf message into field number → raw values (Buffers for length-delimited, numbers otherwise). */
function decode(buf: Buffer): Map<number, (Buffer | number)[]> {
  const out = new Map<number, (Buffer | number)[]>();
  let i = 0;
  const varint = (): number => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++] as number;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let value: Buffer | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 1) {
      value = buf.readDoubleLE(i);
      i += 8;
    } else throw new Error(`unexpected wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

function str(m: Map<number, (Buffer | number)[]>, field: number): string {
  return (m.get(field)?.[0] as Buffer | undefined)?.toString('utf8') ?? '';
}

function msgs(m: Map<number, (Buffer | number)[]>, field: number): Map<number, (Buffer | number)[]>[] {
  return (m.get(field) ?? []).map((b) => decode(b as Buffer));
}

/** A decoded NamedX list as name → value message. */
function named(list: Map<number, (Buffer | number)[]>[]): Map<string, Map<number, (Buffer | number)[]>> {
  return new Map(list.map((n) => [str(n, 1), decode((n.get(2)?.[0] as Buffer | undefined) ?? Buffer.alloc(0))]));
}

function extension(exts: Map<number, (Buffer | number)[]>[], name: string): unknown {
  const e = named(exts).get(name);
  return e ? load(str(e, 2)) : undefined;
}

let s: SandboxServer;
beforeAll(async () => {
  s = await start({ crdFiles: ['crds/chaosmonkeyconfigurations.yaml'] });
});
afterAll(async () => {
  await s.shutdown();
});

describe('/openapi/v2', () => {
  test('JSON by default: swagger 2.0, PATCH operations with fieldValidation, CMC definitions per served version', async () => {
    const r = await call(s, 'GET', '/openapi/v2');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.28.7' } });
    const op = r.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(op['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect(r.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(Object.keys(r.body.definitions).sort()).toEqual(['io.github.massix.cm.v1.ChaosMonkeyConfiguration', 'io.github.massix.cm.v1alpha1.ChaosMonkeyConfiguration']);
    const v1 = r.body.definitions['io.github.massix.cm.v1.ChaosMonkeyConfiguration'];
    expect(v1['x-kubernetes-group-version-kind']).toEqual([{ group: 'cm.massix.github.io', version: 'v1', kind: 'ChaosMonkeyConfiguration' }]);
    expect(v1.required).toEqual(['spec']);
    expect(v1.properties.spec.properties.minReplicas).toMatchObject({ type: 'integer', format: 'int32' });
    expect((await call(s, 'POST', '/openapi/v2', {})).status).toBe(405);
  });

  test('protobuf when asked: a gnostic Document kubectl can decode', async () => {
    const r = await fetch(`${s.url}/openapi/v2`, { headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const doc = decode(Buffer.from(await r.arrayBuffer()));
    expect(str(doc, 1)).toBe('2.0');
    const info = msgs(doc, 2)[0];
    expect(info && str(info, 2)).toBe('v1.28.7');

    const paths = named(msgs(msgs(doc, 8)[0] ?? new Map(), 2));
    const patch = msgs(paths.get('/api/v1/namespaces/{namespace}/pods/{name}') ?? new Map(), 8)[0] ?? new Map();
    expect(extension(msgs(patch, 13), 'x-kubernetes-group-version-kind')).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    // parameters → ParametersItem.parameter → Parameter.non_body_parameter → query_parameter_sub_schema.name
    const paramNames = msgs(patch, 8).map((item) => str(msgs(msgs(msgs(item, 1)[0] ?? new Map(), 2)[0] ?? new Map(), 3)[0] ?? new Map(), 4));
    expect(paramNames).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);

    const defs = named(msgs(msgs(doc, 9)[0] ?? new Map(), 1));
    const cmc = defs.get('io.github.massix.cm.v1.ChaosMonkeyConfiguration');
    expect(cmc).toBeDefined();
    expect(extension(msgs(cmc ?? new Map(), 31), 'x-kubernetes-group-version-kind')).toEqual([{ group: 'cm.massix.github.io', version: 'v1', kind: 'ChaosMonkeyConfiguration' }]);
    const props = named(msgs(msgs(cmc ?? new Map(), 25)[0] ?? new Map(), 1));
    expect([...props.keys()]).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    const specType = msgs(props.get('spec') ?? new Map(), 22)[0];
    expect(specType && str(specType, 1)).toBe('object');
  });
});

describe('/openapi/v3 components', () => {
  test('carry each custom resource version\'s schema with its group/version/kind (kubectl explain), none for built-ins', async () => {
    const root = await call(s, 'GET', '/openapi/v3');
    const cm = await call(s, 'GET', root.body.paths['apis/cm.massix.github.io/v1alpha1'].serverRelativeURL);
    const schema = cm.body.components.schemas['io.github.massix.cm.v1alpha1.ChaosMonkeyConfiguration'];
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'cm.massix.github.io', version: 'v1alpha1', kind: 'ChaosMonkeyConfiguration' }]);
    expect(schema.properties.spec.required).toEqual(['deploymentName']);
    const apps = await call(s, 'GET', root.body.paths['apis/apps/v1'].serverRelativeURL);
    expect(apps.body.components.schemas).toEqual({});
  });
});

describe('toSwaggerSchema (OpenAPI v3 → Swagger 2.0, as kube publishes CRD schemas)', () => {
  test('keeps types, formats, properties, required (only declared ones), items and additionalProperties', () => {
    expect(toSwaggerSchema({ type: 'object', required: ['a', 'ghost'], properties: { a: { type: 'integer', format: 'int64', minimum: 1 }, l: { type: 'array', items: { type: 'string' } }, m: { type: 'object', additionalProperties: { type: 'string' } } } })).toEqual({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'integer', format: 'int64' }, l: { type: 'array', items: { type: 'string' } }, m: { type: 'object', additionalProperties: { type: 'string' } } },
    });
  });

  test('what v2 cannot express becomes untyped (accepts anything), never stricter', () => {
    expect(toSwaggerSchema({ type: 'string', nullable: true, description: 'd' })).toEqual({ description: 'd' });
    expect(toSwaggerSchema({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] })).toEqual({});
    expect(toSwaggerSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } })).toEqual({});
    expect(toSwaggerSchema({ type: 'object', 'x-kubernetes-embedded-resource': true })).toEqual({});
    expect(toSwaggerSchema({ type: 'array' })).toEqual({});
    expect(toSwaggerSchema({ type: 'object', properties: {} })).toEqual({ type: 'object' });
  });

  test('definition names reverse the group like kube', () => {
    expect(definitionName('cm.massix.github.io', 'v1', 'ChaosMonkeyConfiguration')).toBe('io.github.massix.cm.v1.ChaosMonkeyConfiguration');
  });
});
