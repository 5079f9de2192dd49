/**
 * Turns a CustomResourceDefinition into served resource types (one per served version): schema validation,
 * defaulting and pruning through sandbox/crd/schema.ts, conversion through sandbox/crd/conversion.ts
 * (strategy Webhook) or an apiVersion rewrite (strategy None), status subresource, printer columns, deprecation.
 */
import type { KObject } from '../store/types.ts';
import type { ResourceType } from './types.ts';
import { validateCustomResource, applyDefaults, prune, unknownFieldPaths } from '../crd/schema.ts';
import type { JSONSchemaProps } from '../crd/schema.ts';
import { convertObjects } from '../crd/conversion.ts';
import type { ConversionCrd } from '../crd/conversion.ts';
import { ApiError } from './status.ts';
import type { StatusCause } from './status.ts';

/** The CRD fields the sandbox reads. */
export interface CrdObject extends KObject {
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      deprecated?: boolean;
      deprecationWarning?: string;
      schema?: { openAPIV3Schema?: unknown };
      subresources?: { status?: object; scale?: object };
      additionalPrinterColumns?: { name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }[];
    }[];
    conversion?: ConversionCrd['spec']['conversion'];
  };
}

/** Dependencies for conversion and validation switches. */
export interface CrdTypeDeps {
  serviceMap: Record<string, string>;
  validation: () => boolean;
}

/** Structural checks on a CRD body (422 causes), beyond what the generic path checks. */
export function validateCrd(obj: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = obj.spec as Partial<CrdObject['spec']> | undefined;
  const req = (field: string): void => void causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  if (!spec || typeof spec !== 'object') {
    req('spec');
    return causes;
  }
  if (!spec.group) req('spec.group');
  if (!spec.names?.plural) req('spec.names.plural');
  if (!spec.names?.kind) req('spec.names.kind');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`, field: 'spec.scope' });
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) req('spec.versions');
  if (versions.length > 0 && versions.filter((v) => v.storage).length !== 1) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(versions)}: must have exactly one version marked as storage version`, field: 'spec.versions' });
  const expected = spec.group && spec.names?.plural ? `${spec.names.plural}.${spec.group}` : undefined;
  if (expected && obj.metadata.name !== expected) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(obj.metadata.name)}: must be spec.names.plural+"."+spec.group`, field: 'metadata.name' });
  return causes;
}

/** Defaults a CRD body like kube (listKind, singular, conversion, storedVersions). */
export function defaultCrd(obj: KObject): void {
  const spec = obj.spec as CrdObject['spec'] | undefined;
  if (!spec || typeof spec !== 'object' || !spec.names) return;
  if (!spec.names.singular && spec.names.kind) spec.names.singular = spec.names.kind.toLowerCase();
  if (!spec.names.listKind && spec.names.kind) spec.names.listKind = `${spec.names.kind}List`;
  if (!spec.conversion) spec.conversion = { strategy: 'None' };
  const st = (obj.status && typeof obj.status === 'object' ? obj.status : {}) as Record<string, unknown>;
  if (!('conditions' in st)) st.conditions = null;
  if (!st.acceptedNames) st.acceptedNames = { plural: '', kind: '' };
  const storage = (spec.versions ?? []).find((v) => v.storage)?.name;
  const stored = Array.isArray(st.storedVersions) ? (st.storedVersions as string[]) : [];
  if (storage && !stored.includes(storage)) stored.push(storage);
  st.storedVersions = stored;
  obj.status = st;
}

/** Replaces the contents of `target` with `source` in place, keeping apiVersion, kind and metadata (never pruned). */
function replaceContents(target: KObject, source: unknown): void {
  if (!source || typeof source !== 'object' || source === target) return;
  const { apiVersion, kind, metadata } = target;
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
  target.apiVersion = apiVersion;
  target.kind = kind;
  target.metadata = metadata;
}

/** Builds the resource types (one per served version) of a CRD. */
export function crdTypes(crd: CrdObject, deps: CrdTypeDeps): ResourceType[] {
  const { group, names, scope, versions } = crd.spec;
  const storage = versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? 'v1';
  const storageApiVersion = `${group}/${storage}`;
  const webhook = crd.spec.conversion?.strategy === 'Webhook';
  const convert = async (objs: KObject[], to: string): Promise<KObject[]> => {
    if (objs.every((o) => o.apiVersion === to)) return objs;
    if (!webhook) return objs.map((o) => ({ ...o, apiVersion: to }));
    try {
      return (await convertObjects(crd, objs, to, deps.serviceMap)) as KObject[];
    } catch (err) {
      throw new ApiError(500, 'InternalError', (err as Error).message, {});
    }
  };
  return versions.filter((v) => v.served).map((v) => {
    const apiVersion = `${group}/${v.name}`;
    const schema = v.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
    const t: ResourceType = {
      group,
      version: v.name,
      resource: names.plural,
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: scope !== 'Cluster',
      storeKey: `${group}/${names.plural}`,
      builtin: false,
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      subresources: v.subresources?.status ? ['status'] : [],
      hasGeneration: true,
      statusSubresource: !!v.subresources?.status,
      deleteReturnsStatus: true,
      fieldLabels: [],
      invalidKind: `${names.kind}.${group}`,
      storageApiVersion,
      storageKind: names.kind,
    };
    if (names.shortNames) t.shortNames = names.shortNames;
    if (names.categories) t.categories = names.categories;
    if (v.additionalPrinterColumns) t.printerColumns = v.additionalPrinterColumns;
    if (v.deprecated) t.deprecationWarning = v.deprecationWarning ?? `${apiVersion} ${names.kind} is deprecated`;
    if (v.name !== storage) {
      t.toStorage = async (o) => (await convert([o], storageApiVersion))[0] as KObject;
      if (webhook) t.fromStorage = (objs) => convert(objs, apiVersion);
    }
    if (schema) {
      t.openApiSchema = schema;
      t.defaults = (o) => replaceContents(o, applyDefaults(schema, o));
      t.prune = (o) => replaceContents(o, prune(schema, o));
      t.unknownFields = (o) => unknownFieldPaths(schema, o);
      t.validate = (o, old) => (deps.validation() ? (validateCustomResource(schema, o, names.kind, old) as StatusCause[]) : []);
    }
    return t;
  });
}
