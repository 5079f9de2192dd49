/**
 * The object service: create/read/update/patch/delete with kube-apiserver semantics (uid, generation,
 * resourceVersion, finalizers, status subresource, conversion), independent of HTTP. Controllers use it too.
 */
import { randomUUID } from 'node:crypto';
import { Store } from '../store/store.ts';
import type { Entry, KObject } from '../store/types.ts';
import type { ResourceType } from './types.ts';
import { apiVersionOf } from './types.ts';
import { ApiError, alreadyExists, badRequest, conflict, genericInvalid, invalid, notFound, successStatus, unsupportedMediaType } from './status.ts';
import type { StatusBody, StatusCause } from './status.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../lib/patch.ts';
import { strictDecodingMessage } from '../crd/schema.ts';

type Json = Record<string, unknown>;

/** Formats a Date like Kubernetes metav1.Time (RFC 3339, seconds). */
export function kubeTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

const RAND_ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

/** Random suffix like kube's generateName (5 chars of the safe alphabet). */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += RAND_ALNUM[Math.floor(Math.random() * RAND_ALNUM.length)];
  return s;
}

const META_ORDER = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers'];

/** Puts metadata keys in kube's order (cosmetic, keeps output close to the real server). rv gets a placeholder. */
export function orderMeta(obj: KObject): KObject {
  const m = obj.metadata as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of META_ORDER) {
    if (k === 'resourceVersion') out[k] = '';
    else if (m[k] !== undefined) out[k] = m[k];
  }
  for (const [k, v] of Object.entries(m)) if (!(k in out) && v !== undefined) out[k] = v;
  obj.metadata = out as KObject['metadata'];
  return obj;
}

/** Hooks a write can trigger (namespace deletion, CRD cleanup), set by the sandbox. */
export interface ObjectHooks {
  /** Called after a namespace got its deletionTimestamp. */
  namespaceDeleted?: (name: string) => void;
  /** Called after a CRD got its deletionTimestamp. */
  crdDeleted?: (name: string) => void;
}

/** Options of create/update/patch: `fieldValidation` query value, `dryRun` (nothing is stored). */
export interface WriteOptions {
  fieldValidation?: string | undefined;
  dryRun?: boolean | undefined;
}

/** Options for delete. */
export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  preconditionRv?: string;
  preconditionUid?: string;
}

/** The result of a delete: the object (built-ins) or a Success Status (custom resources). */
export interface DeleteResult {
  body: KObject | StatusBody;
}

/** Patch content types accepted by PATCH. */
export const PATCH_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'];

/** Everything the service needs from the sandbox. */
export interface ObjectServiceDeps {
  store: Store;
  now: () => Date;
  validation: () => boolean;
  hooks: ObjectHooks;
  /** Timer for graceful pod deletion (unref'd). */
  later: (ms: number, fn: () => void) => void;
}

/** See module doc. */
export class ObjectService {
  private readonly d: ObjectServiceDeps;
  constructor(deps: ObjectServiceDeps) {
    this.d = deps;
  }

  /** The JSON text prefix `{"kind":..,"apiVersion":..,` of a type's objects. */
  private static head(t: ResourceType): string {
    return `{"kind":${JSON.stringify(t.kind)},"apiVersion":${JSON.stringify(apiVersionOf(t))},`;
  }

  /** Whether reads of this type need parsing (conversion) instead of a text head swap. */
  static needsConversion(t: ResourceType): boolean {
    return t.fromStorage !== undefined;
  }

  /** Encodes entries as JSON texts of this type's version; `withKind` false drops kind/apiVersion (built-in list items). */
  async encode(t: ResourceType, entries: Entry[], withKind = true): Promise<string[]> {
    if (!t.fromStorage) {
      if (!withKind) return entries.map((e) => e.body);
      const head = ObjectService.head(t);
      return entries.map((e) => (e.body.length > 2 ? head + e.body.slice(1) : head.slice(0, -1) + '}'));
    }
    if (entries.length === 0) return [];
    const objs = entries.map((e) => Store.toObject(e, t.storageKind, t.storageApiVersion));
    const out = await t.fromStorage(objs);
    return out.map((o) => {
      if (withKind) return JSON.stringify(o);
      const { kind: _k, apiVersion: _a, ...rest } = o;
      return JSON.stringify(rest);
    });
  }

  /** Decodes one entry into an object of this type's version. */
  async decode(t: ResourceType, e: Entry): Promise<KObject> {
    const [text] = await this.encode(t, [e]);
    return JSON.parse(text as string) as KObject;
  }

  private ref(t: ResourceType): { group: string; resource: string } {
    return { group: t.group, resource: t.resource };
  }

  private mustGet(t: ResourceType, ns: string, name: string): Entry {
    const e = this.d.store.get(t.storeKey, t.namespaced ? ns : '', name);
    if (!e) throw notFound(this.ref(t), name);
    return e;
  }

  /** GET one object. */
  async read(t: ResourceType, ns: string, name: string): Promise<KObject> {
    return this.decode(t, this.mustGet(t, ns, name));
  }

  /** Checks the body is an object of the type's kind (400 otherwise). */
  checkKind(t: ResourceType, body: unknown): KObject {
    if (!isObj(body)) throw badRequest(`the object provided is unrecognized (must be of type ${t.kind}): couldn't get version/kind; json parse error: expected an object`);
    const kind = body.kind;
    const apiVersion = body.apiVersion;
    // Like kube's decoder, a missing kind/apiVersion defaults to the endpoint's type.
    if (kind !== undefined && kind !== '' && kind !== t.kind) {
      const v = typeof apiVersion === 'string' ? apiVersion : '';
      const internal = t.group ? `${t.group.split('.')[0]}.${t.kind}` : `core.${t.kind}`;
      throw badRequest(`${String(kind)} in version ${JSON.stringify(v.split('/').pop() ?? v)} cannot be handled as a ${t.kind}: converting (${v.split('/').pop()}.${String(kind)}) to (${internal}): unknown conversion`);
    }
    if (body.metadata !== undefined && !isObj(body.metadata)) throw badRequest(`the object provided is unrecognized (must be of type ${t.kind}): metadata must be an object`);
    const obj = body as KObject;
    if (!obj.metadata) obj.metadata = {};
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    delete obj.metadata.managedFields;
    return obj;
  }

  private checkNamespace(t: ResourceType, ns: string, obj: KObject): void {
    if (!t.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && obj.metadata.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = ns;
  }

  private runValidation(t: ResourceType, obj: KObject, old: KObject | undefined, fieldValidation?: string): void {
    if (fieldValidation === 'Strict' && t.unknownFields) {
      const unknown = t.unknownFields(obj);
      if (unknown.length > 0) throw badRequest(strictDecodingMessage(unknown));
    }
    t.defaults?.(obj, old);
    t.prune?.(obj);
    if (!t.validate) return;
    if (!t.builtin && !this.d.validation()) return;
    const causes: StatusCause[] = t.validate(obj, old);
    if (causes.length > 0) throw invalid(t.invalidKind, t.kind, t.invalidGroup ?? t.group, obj.metadata.name ?? '', causes);
  }

  private namespaceGate(t: ResourceType, ns: string, name: string): void {
    if (!t.namespaced) return;
    const nsEntry = this.d.store.get('/namespaces', '', ns);
    if (!nsEntry) throw notFound({ group: '', resource: 'namespaces' }, ns);
    const nsObj = JSON.parse(nsEntry.body) as KObject;
    if (nsObj.metadata.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `${t.resource}${t.group ? '.' + t.group : ''} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, { kind: t.resource, ...(t.group ? { group: t.group } : {}), causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] });
    }
  }

  /** POST: creates an object (`body` already parsed). Returns the stored object in the type's version. */
  async create(t: ResourceType, ns: string, body: unknown, opts: WriteOptions = {}): Promise<KObject> {
    const obj = this.checkKind(t, body);
    this.checkNamespace(t, ns, obj);
    const m = obj.metadata;
    if (!m.name) {
      if (m.generateName) m.name = m.generateName + randomSuffix();
      else throw new ApiError(422, 'Invalid', `${t.invalidKind} "" is invalid: metadata.name: Required value: name or generateName is required`, { ...(t.group ? { group: t.group } : {}), kind: t.kind, causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] });
    }
    const name = m.name;
    this.namespaceGate(t, ns, name);
    this.runValidation(t, obj, undefined, opts.fieldValidation);
    if (this.d.store.get(t.storeKey, t.namespaced ? ns : '', name)) throw alreadyExists(this.ref(t), name);
    obj.metadata = m;
    m.uid = randomUUID();
    m.creationTimestamp = kubeTime(this.d.now());
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    if (t.hasGeneration) m.generation = 1;
    else delete m.generation;
    orderMeta(obj);
    if (opts.dryRun) {
      delete obj.metadata.resourceVersion;
      return obj;
    }
    const stored = t.toStorage ? await t.toStorage(obj) : { ...obj, apiVersion: t.storageApiVersion };
    if (this.d.store.get(t.storeKey, t.namespaced ? ns : '', name)) throw alreadyExists(this.ref(t), name);
    const entry = this.d.store.put(t.storeKey, stored);
    return this.decode(t, entry);
  }

  /**
   * PUT (main resource or `status` subresource). `old` rv precondition: a body rv that differs gives 409.
   * Returns the stored object in the type's version.
   */
  async update(t: ResourceType, ns: string, name: string, body: unknown, sub?: 'status', opts: WriteOptions = {}): Promise<KObject> {
    const obj = this.checkKind(t, body);
    if (obj.metadata.name && obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    obj.metadata.name = name;
    this.checkNamespace(t, ns, obj);
    const entry = this.mustGet(t, ns, name);
    const rv = obj.metadata.resourceVersion;
    if (rv === undefined || rv === '') {
      if (t.requireRvOnUpdate) {
        throw invalid(`${t.resource}${t.group ? '.' + t.group : ''}`, t.resource, t.group, name, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }]);
      }
    } else if (rv !== String(entry.rv)) {
      throw conflict(this.ref(t), name);
    }
    const old = await this.decode(t, entry);
    return this.writeUpdate(t, old, obj, sub, opts);
  }

  /** Shared tail of update/patch: merges with the old object per subresource rules, validates, stores. */
  private async writeUpdate(t: ResourceType, old: KObject, obj: KObject, sub: 'status' | undefined, opts: WriteOptions): Promise<KObject> {
    let next: KObject;
    if (sub === 'status') {
      next = clone(old);
      if (obj.status === undefined) delete next.status;
      else next.status = obj.status;
    } else {
      next = obj;
      if (t.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      const om = old.metadata;
      const nm = next.metadata;
      nm.uid = om.uid;
      nm.creationTimestamp = om.creationTimestamp;
      if (om.deletionTimestamp) nm.deletionTimestamp = om.deletionTimestamp;
      else delete nm.deletionTimestamp;
      if (om.deletionGracePeriodSeconds !== undefined) nm.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
      else delete nm.deletionGracePeriodSeconds;
      if (t.hasGeneration) nm.generation = om.generation;
      else delete nm.generation;
      delete nm.managedFields;
    }
    next.apiVersion = apiVersionOf(t);
    next.kind = t.kind;
    this.runValidation(t, next, old, opts.fieldValidation);
    if (t.hasGeneration && sub !== 'status') {
      if (specOf(old, t) !== specOf(next, t)) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    orderMeta(next);
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (JSON.stringify(next) === JSON.stringify(old)) return old; // no-op: rv unchanged
    if (opts.dryRun) return next;
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && t.resource !== 'namespaces') {
      const stored = t.toStorage ? await t.toStorage(next) : { ...next, apiVersion: t.storageApiVersion };
      const final = this.d.store.remove(t.storeKey, stored);
      return final ? this.decode(t, final) : next;
    }
    const stored = t.toStorage ? await t.toStorage(next) : { ...next, apiVersion: t.storageApiVersion };
    const entry = this.d.store.put(t.storeKey, stored);
    return this.decode(t, entry);
  }

  /** PATCH with one of {@link PATCH_TYPES}. */
  async patch(t: ResourceType, ns: string, name: string, contentType: string, raw: string, sub?: 'status', opts: WriteOptions = {}): Promise<KObject> {
    const patch = parsePatchBody(contentType, raw);
    const entry = this.mustGet(t, ns, name);
    const current = await this.decode(t, entry);
    const patched = applyPatch(contentType, current, patch);
    if (!isObj(patched)) throw genericInvalid();
    const obj = patched as KObject;
    if (!isObj(obj.metadata)) obj.metadata = {};
    if (obj.metadata.name !== name) throw badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== String(entry.rv)) throw conflict(this.ref(t), name);
    const checked = this.checkKind(t, obj);
    this.checkNamespace(t, ns, checked);
    return this.writeUpdate(t, current, checked, sub, opts);
  }

  /** DELETE one object. */
  async remove(t: ResourceType, ns: string, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const entry = this.mustGet(t, ns, name);
    if (opts.preconditionRv && opts.preconditionRv !== String(entry.rv)) throw conflict(this.ref(t), name);
    const obj = Store.toObject(entry, t.storageKind, t.storageApiVersion);
    if (opts.preconditionUid && opts.preconditionUid !== obj.metadata.uid) throw conflict(this.ref(t), name);
    const m = obj.metadata;
    const now = kubeTime(this.d.now());
    if (opts.dryRun) {
      if (t.deleteReturnsStatus && (m.finalizers ?? []).length === 0) return { body: successStatus(this.ref(t), name, m.uid) };
      return { body: await this.decode(t, entry) };
    }
    const out = async (o: KObject | Entry): Promise<DeleteResult> => {
      if (t.deleteReturnsStatus && !('metadata' in o && (o as KObject).metadata.deletionTimestamp && ((o as KObject).metadata.finalizers ?? []).length > 0)) {
        return { body: successStatus(this.ref(t), name, m.uid) };
      }
      if ('body' in o && typeof (o as Entry).body === 'string') return { body: await this.decode(t, o as Entry) };
      const conv = t.fromStorage ? (await t.fromStorage([o as KObject]))[0] as KObject : { ...(o as KObject), apiVersion: apiVersionOf(t), kind: t.kind };
      return { body: conv };
    };
    if (t.storeKey === '/namespaces') {
      if (!m.deletionTimestamp) {
        m.deletionTimestamp = now;
        obj.status = { ...(isObj(obj.status) ? obj.status : {}), phase: 'Terminating' };
        const e = this.d.store.put(t.storeKey, obj);
        this.d.hooks.namespaceDeleted?.(name);
        return out(e);
      }
      return out(entry);
    }
    if (t.storeKey === 'apiextensions.k8s.io/customresourcedefinitions') {
      if (!m.deletionTimestamp) {
        m.deletionTimestamp = now;
        m.finalizers = [...new Set([...(m.finalizers ?? []), 'customresourcecleanup.apiextensions.k8s.io'])];
        const st = isObj(obj.status) ? obj.status : {};
        const conds = Array.isArray(st.conditions) ? (st.conditions as Json[]) : [];
        conds.push({ type: 'Terminating', status: 'True', lastTransitionTime: now, reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon' });
        st.conditions = conds;
        obj.status = st;
        const e = this.d.store.put(t.storeKey, obj);
        this.d.hooks.crdDeleted?.(name);
        return out(e);
      }
      return out(entry);
    }
    if ((m.finalizers ?? []).length > 0) {
      if (!m.deletionTimestamp) {
        m.deletionTimestamp = now;
        m.deletionGracePeriodSeconds = 0;
        const e = this.d.store.put(t.storeKey, obj);
        return { body: await this.decode(t, e) };
      }
      return { body: await this.decode(t, entry) };
    }
    if (t.storeKey === '/pods') {
      const grace = opts.gracePeriodSeconds;
      if (grace !== undefined && grace > 0) {
        if (!m.deletionTimestamp) {
          m.deletionTimestamp = kubeTime(new Date(this.d.now().getTime() + grace * 1000));
          m.deletionGracePeriodSeconds = grace;
          const e = this.d.store.put(t.storeKey, obj);
          const uid = m.uid;
          this.d.later(grace * 1000, () => {
            const cur = this.d.store.get(t.storeKey, ns, name);
            if (!cur) return;
            const o = Store.toObject(cur, t.storageKind, t.storageApiVersion);
            if (o.metadata.uid === uid && (o.metadata.finalizers ?? []).length === 0) this.d.store.remove(t.storeKey, o);
          });
          return out(e);
        }
        return out(entry);
      }
      m.deletionTimestamp = m.deletionTimestamp ?? now;
      m.deletionGracePeriodSeconds = 0;
      const e = this.d.store.put(t.storeKey, obj);
      const shown = await this.decode(t, e);
      this.d.store.remove(t.storeKey, Store.toObject(e, t.storageKind, t.storageApiVersion));
      return { body: shown };
    }
    const final = this.d.store.remove(t.storeKey, obj);
    return out(final ?? obj);
  }
}

/** The part of an object whose change bumps generation: everything but metadata (and status when a subresource). */
function specOf(o: KObject, t: ResourceType): string {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(t.statusSubresource ? rest : { ...rest, status });
}

/** Parses a PATCH body per content type (415 for unsupported types, 400 for bad JSON). */
export function parsePatchBody(contentType: string, raw: string): unknown {
  const ct = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!PATCH_TYPES.includes(ct) || ct === 'application/apply-patch+yaml') throw unsupportedMediaType();
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/** Applies a parsed patch (422 generic Invalid when a JSON patch fails). */
export function applyPatch(contentType: string, current: KObject, patch: unknown): unknown {
  const ct = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  try {
    if (ct === 'application/json-patch+json') {
      if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      return applyJsonPatch(current, patch);
    }
    if (!isObj(patch)) throw badRequest('json: cannot unmarshal into Go value of type map[string]interface {}');
    if (ct === 'application/strategic-merge-patch+json') return applyStrategicMergePatch(current, patch);
    return applyMergePatch(current, patch);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw genericInvalid();
  }
}
