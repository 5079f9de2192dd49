/**
 * The `/openapi/v2` Swagger 2.0 document, as JSON and as the gnostic protobuf kubectl asks for
 * (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`; client-go decodes the body as protobuf
 * whatever the Content-Type, so JSON would not do for kubectl).
 *
 * kubectl downloads it before any validating command (`apply`, `create`, `replace` with the default
 * `--validate=strict`) and fails when it is missing. It contains:
 * - `paths`: every PATCH operation with `x-kubernetes-group-version-kind` and the `fieldValidation`/`dryRun`/
 *   `fieldManager`/`force` query parameters (kubectl 1.24–1.26 decide on server-side validation from these;
 *   1.27+ read the same from `/openapi/v3`);
 * - `definitions`: one per served custom-resource version, converted from the CRD's `openAPIV3Schema` the way
 *   kube publishes them (no `nullable`, int-or-string, preserve-unknown-fields or embedded-resource schemas, which
 *   become untyped; `apiVersion`/`kind`/`metadata` added), so kubectl's client-side validation (kubectl < 1.27, or
 *   `--validate=strict` where the server lacks field validation) checks custom resources like on a real cluster.
 *   Built-in kinds get no definition: kubectl then skips client-side validation for them and computes strategic
 *   merge patches from its compiled-in types, which are exact (a partial schema would make both worse).
 */
import { dump } from 'js-yaml';
import { PATCH_QUERY_PARAMS, definitionName, patchOperations } from './openapi.ts';
import { ProtoWriter } from './protobuf.ts';
import type { Registry } from './types.ts';
import { VERSION_INFO } from './discovery.ts';

/** The subset of a Swagger 2.0 schema the sandbox publishes. */
export interface SwaggerSchema {
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, SwaggerSchema>;
  required?: string[];
  items?: SwaggerSchema;
  additionalProperties?: SwaggerSchema | boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

interface SwaggerParameter {
  name: string;
  in: 'query';
  type: string;
  uniqueItems: true;
}

interface SwaggerOperation {
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
  parameters: SwaggerParameter[];
  responses: Record<string, { description: string }>;
}

/** The document served on `/openapi/v2`. */
export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, { patch: SwaggerOperation }>;
  definitions: Record<string, SwaggerSchema>;
}

/** Content-Type of the protobuf answer (kube's spelling: Go's media-type parser rejects the `@` form). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** Whether an Accept header asks for the protobuf encoding (either spelling kube accepts). */
export function wantsProtobuf(accept: string | undefined): boolean {
  return !!accept && /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Converts an OpenAPI v3 structural schema to the Swagger 2.0 form kube publishes for CRDs. Whatever v2 cannot
 * express becomes an untyped schema (accepts anything), never a stricter one.
 */
export function toSwaggerSchema(v3: unknown): SwaggerSchema {
  const out: SwaggerSchema = {};
  if (!isObj(v3)) return out;
  if (typeof v3.description === 'string' && v3.description !== '') out.description = v3.description;
  if (v3.nullable === true || v3['x-kubernetes-int-or-string'] === true || v3['x-kubernetes-preserve-unknown-fields'] === true || v3['x-kubernetes-embedded-resource'] === true) return out;
  const type = typeof v3.type === 'string' ? v3.type : undefined;
  // kubectl's parser rejects an array without exactly one item schema: leave such arrays untyped.
  if (type === 'array' && !isObj(v3.items)) return out;
  if (type) out.type = type;
  if (typeof v3.format === 'string' && v3.format !== '') out.format = v3.format;
  if (type === 'array') out.items = toSwaggerSchema(v3.items);
  if (isObj(v3.properties) && Object.keys(v3.properties).length > 0) {
    const props: Record<string, SwaggerSchema> = {};
    for (const [k, v] of Object.entries(v3.properties)) props[k] = toSwaggerSchema(v);
    out.properties = props;
    const required = Array.isArray(v3.required) ? v3.required.filter((r): r is string => typeof r === 'string' && r in props) : [];
    if (required.length > 0) out.required = required;
  } else if (isObj(v3.additionalProperties)) out.additionalProperties = toSwaggerSchema(v3.additionalProperties);
  else if (typeof v3.additionalProperties === 'boolean') out.additionalProperties = v3.additionalProperties;
  return out;
}

/** Builds the Swagger 2.0 document for everything currently served. */
export function openApiV2Doc(reg: Registry): SwaggerDocument {
  const parameters: SwaggerParameter[] = PATCH_QUERY_PARAMS.map((name) => ({ name, in: 'query', type: name === 'force' ? 'boolean' : 'string', uniqueItems: true }));
  const paths: SwaggerDocument['paths'] = {};
  const definitions: Record<string, SwaggerSchema> = {};
  for (const t of reg.all()) {
    for (const op of patchOperations(t)) {
      paths[op.path] = { patch: { 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': op.gvk, parameters, responses: { '200': { description: 'OK' } } } };
    }
    if (t.builtin || t.openApiSchema === undefined) continue;
    const root = toSwaggerSchema(t.openApiSchema);
    if (root.properties) {
      root.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...root.properties };
    }
    root['x-kubernetes-group-version-kind'] = [{ group: t.group, version: t.version, kind: t.kind }];
    definitions[definitionName(t.group, t.version, t.kind)] = root;
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths, definitions };
}

/** A gnostic `NamedAny` whose value is YAML text (how vendor extensions travel). */
function namedYaml(name: string, value: unknown): ProtoWriter {
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().string(2, dump(value)));
}

/** gnostic `openapi.v2.Schema`. */
function encodeSchema(s: SwaggerSchema): ProtoWriter {
  const w = new ProtoWriter().string(2, s.format).string(4, s.description).strings(19, s.required);
  if (typeof s.additionalProperties === 'boolean') w.message(21, new ProtoWriter().bool(2, s.additionalProperties));
  else if (s.additionalProperties) w.message(21, new ProtoWriter().message(1, encodeSchema(s.additionalProperties)));
  if (s.type) w.message(22, new ProtoWriter().strings(1, [s.type]));
  if (s.items) w.message(23, new ProtoWriter().message(1, encodeSchema(s.items)));
  if (s.properties) {
    const props = new ProtoWriter();
    for (const [name, p] of Object.entries(s.properties)) props.message(1, new ProtoWriter().string(1, name).message(2, encodeSchema(p)));
    w.message(25, props);
  }
  const gvk = s['x-kubernetes-group-version-kind'];
  if (gvk) w.message(31, namedYaml('x-kubernetes-group-version-kind', gvk));
  return w;
}

/** gnostic `openapi.v2.Operation`. */
function encodeOperation(op: SwaggerOperation): ProtoWriter {
  const w = new ProtoWriter();
  for (const p of op.parameters) {
    const query = new ProtoWriter().string(2, p.in).string(4, p.name).string(6, p.type).bool(20, p.uniqueItems);
    w.message(8, new ProtoWriter().message(1, new ProtoWriter().message(2, new ProtoWriter().message(3, query))));
  }
  const responses = new ProtoWriter();
  for (const [code, r] of Object.entries(op.responses)) {
    responses.message(1, new ProtoWriter().string(1, code).message(2, new ProtoWriter().message(1, new ProtoWriter().string(1, r.description))));
  }
  w.message(9, responses);
  w.message(13, namedYaml('x-kubernetes-action', op['x-kubernetes-action']));
  w.message(13, namedYaml('x-kubernetes-group-version-kind', op['x-kubernetes-group-version-kind']));
  return w;
}

/** Encodes the document as a gnostic `openapi.v2.Document` protobuf message. */
export function encodeOpenApiV2(doc: SwaggerDocument): Buffer {
  const paths = new ProtoWriter();
  for (const [path, item] of Object.entries(doc.paths)) {
    paths.message(2, new ProtoWriter().string(1, path).message(2, new ProtoWriter().message(8, encodeOperation(item.patch))));
  }
  const definitions = new ProtoWriter();
  for (const [name, s] of Object.entries(doc.definitions)) definitions.message(1, new ProtoWriter().string(1, name).message(2, encodeSchema(s)));
  return new ProtoWriter()
    .string(1, doc.swagger)
    .message(2, new ProtoWriter().string(1, doc.info.title).string(2, doc.info.version))
    .message(8, paths)
    .message(9, definitions)
    .finish();
}
