/**
 * The three PATCH flavours of kube-apiserver, as pure functions on JSON values. Inputs are never mutated; each
 * function returns a new value.
 * - JSON merge patch (RFC 7386, `application/merge-patch+json`)
 * - JSON patch (RFC 6902, `application/json-patch+json`)
 * - strategic merge patch (`application/strategic-merge-patch+json`) with the merge keys of the core types we use.
 */
import { PatchError, PATCH_REJECTED_MESSAGE } from './patch-error.ts';

export { PatchError, PATCH_REJECTED_MESSAGE };

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets an own property even for keys such as `__proto__` (no prototype change). */
function setKey(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reads an own property only (never the prototype chain). */
function own(obj: Obj, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Deep JSON equality (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

// ---------------------------------------------------------------- RFC 7386

/**
 * Applies a JSON merge patch: objects merge recursively, `null` deletes a key, anything else (arrays included)
 * replaces the target value.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Obj = {};
  if (isObject(target)) for (const k of Object.keys(target)) if (!Object.hasOwn(patch, k)) setKey(out, k, clone(target[k]));
  for (const [k, v] of Object.entries(patch)) {
    if (v !== null) setKey(out, k, applyMergePatch(isObject(target) ? own(target, k) : undefined, v));
  }
  return out;
}

// ---------------------------------------------------------------- RFC 6902

interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, pointer: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`invalid array index ${JSON.stringify(token)} in ${pointer}`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length)) throw new PatchError(`array index ${i} out of bounds in ${pointer}`);
  return i;
}

/** Resolves the container of the last token; throws when a parent does not exist. */
function parentOf(doc: unknown, tokens: string[], pointer: string, opName: string): unknown {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, pointer)];
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = own(cur, t);
    else throw new PatchError(`${opName} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchError(`${opName} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}`);
  return cur;
}

function getAt(doc: unknown, pointer: string, opName: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, pointer, opName);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length, false, pointer)];
  const obj = parent as Obj;
  if (!Object.hasOwn(obj, last)) throw new PatchError(`${opName} operation does not apply: doc is missing key: ${pointer}: missing value`);
  return obj[last];
}

function removeAt(doc: unknown, pointer: string, opName: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new PatchError(`${opName} operation does not apply: cannot remove the document root`);
  const parent = parentOf(doc, tokens, pointer, opName);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) return parent.splice(arrayIndex(last, parent.length, false, pointer), 1)[0];
  const obj = parent as Obj;
  if (!Object.hasOwn(obj, last)) throw new PatchError(`${opName} operation does not apply: doc is missing key: ${pointer}: missing value`);
  const old = obj[last];
  delete obj[last];
  return old;
}

/** Adds (or, for objects, sets) a value; returns the new document (the root may be replaced). */
function addAt(doc: unknown, pointer: string, value: unknown, opName: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer, opName);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true, pointer), 0, value);
  else setKey(parent as Obj, last, value);
  return doc;
}

function readOp(raw: unknown, index: number): Op {
  if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
    throw new PatchError(`operation ${index} is not an object with string "op" and "path"`);
  }
  const op: Op = { op: raw.op, path: raw.path };
  if (Object.hasOwn(raw, 'value')) op.value = raw.value;
  if (typeof raw.from === 'string') op.from = raw.from;
  return op;
}

/**
 * Applies a JSON patch (add, remove, replace, move, copy, test) to a copy of the target, all-or-nothing.
 * @throws PatchError on a failed `test`, a missing path, a malformed operation or a non-array patch.
 */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let doc = clone(target);
  ops.forEach((raw, i) => {
    const op = readOp(raw, i);
    const needValue = (): unknown => {
      if (!Object.hasOwn(op, 'value')) throw new PatchError(`${op.op} operation ${i} has no "value"`);
      return clone(op.value);
    };
    const needFrom = (): string => {
      if (op.from === undefined) throw new PatchError(`${op.op} operation ${i} has no "from"`);
      return op.from;
    };
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, needValue(), 'add');
        break;
      case 'remove':
        removeAt(doc, op.path, 'remove');
        break;
      case 'replace': {
        const value = needValue();
        if (parsePointer(op.path).length === 0) {
          doc = value;
          break;
        }
        getAt(doc, op.path, 'replace');
        removeAt(doc, op.path, 'replace');
        doc = addAt(doc, op.path, value, 'replace');
        break;
      }
      case 'move': {
        const from = needFrom();
        if (op.path !== from && op.path.startsWith(`${from}/`)) throw new PatchError(`move operation ${i}: "from" is a prefix of "path"`);
        const value = parsePointer(from).length === 0 ? doc : removeAt(doc, from, 'move');
        doc = addAt(doc, op.path, value, 'move');
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, clone(getAt(doc, needFrom(), 'copy')), 'copy');
        break;
      case 'test': {
        const expected = needValue();
        let actual: unknown;
        try {
          actual = getAt(doc, op.path, 'test');
        } catch {
          actual = undefined;
        }
        if (!jsonEqual(actual, expected)) throw new PatchError(`testing value ${op.path} failed: test failed`);
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`);
    }
  });
  return doc;
}

// ---------------------------------------------------------------- strategic merge patch

/**
 * Merge keys of the lists we patch, by field name (patchMergeKey of the core/apps types). A list not named here
 * is replaced whole, as kube does for atomic lists; `ports` uses `containerPort` unless its items only have `port`.
 */
export const STRATEGIC_MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  resourceClaims: 'name',
};

/** Primitive lists merged as sets (patchStrategy "merge" without a key). */
export const STRATEGIC_SET_LISTS: ReadonlySet<string> = new Set(['finalizers']);

const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

function mergeKeyFor(field: string, patchItems: unknown[]): string | undefined {
  const key = STRATEGIC_MERGE_KEYS[field];
  if (field === 'ports' && patchItems.every((x) => isObject(x) && !Object.hasOwn(x, 'containerPort') && Object.hasOwn(x, 'port'))) return 'port';
  return key;
}

function mergeList(field: string, target: unknown, patch: unknown[], path: string[]): unknown[] {
  const replaceDirective = patch.some((x) => isObject(x) && x.$patch === 'replace');
  if (replaceDirective) return clone(patch.filter((x) => !(isObject(x) && x.$patch === 'replace')));
  const base = Array.isArray(target) ? clone(target) : [];
  if (STRATEGIC_SET_LISTS.has(field)) {
    const out = [...base];
    for (const v of patch) if (!out.some((x) => jsonEqual(x, v))) out.push(clone(v));
    return out;
  }
  const key = mergeKeyFor(field, patch);
  if (key === undefined || !patch.every(isObject)) return clone(patch);
  for (const item of patch as Obj[]) {
    if (!Object.hasOwn(item, key)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const idx = base.findIndex((x) => isObject(x) && jsonEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) base.splice(idx, 1);
      continue;
    }
    if (idx >= 0) base[idx] = mergeObject(base[idx], item, [...path, field]);
    else base.push(mergeObject(undefined, item, [...path, field]));
  }
  return base;
}

function mergeObject(target: unknown, patch: Obj, path: string[]): unknown {
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = k.slice(DELETE_FROM_PRIMITIVE.length);
      const current = own(out, field);
      if (Array.isArray(current) && Array.isArray(v)) setKey(out, field, current.filter((x) => !v.some((d) => jsonEqual(d, x))));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      const merged = mergeObject(own(out, k), v, [...path, k]);
      if (merged === undefined) delete out[k];
      else setKey(out, k, merged);
    } else if (Array.isArray(v)) {
      setKey(out, k, mergeList(k, own(out, k), v, path));
    } else {
      setKey(out, k, v);
    }
  }
  return out;
}

/**
 * Applies a strategic merge patch. Maps merge like a merge patch; lists named in {@link STRATEGIC_MERGE_KEYS} merge
 * element-wise by their key, `finalizers` merge as a set, other lists are replaced. Directives: `$patch: replace`
 * and `$patch: delete` (on a map or a keyed list element), a `{"$patch":"replace"}` element in a list,
 * `$deleteFromPrimitiveList/<field>`; `$setElementOrder/<field>` and `$retainKeys` are accepted and ignored.
 * @param path where `target` sits in its resource (informational; merge keys are chosen by field name).
 * @throws PatchError when an element of a keyed list lacks the key, or the patch is not an object.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, path: string[] = []): unknown {
  if (!isObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object');
  const result = mergeObject(target, patch, path);
  return result === undefined ? {} : result;
}
