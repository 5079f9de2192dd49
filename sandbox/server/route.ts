/**
 * Parses a request path into what kube-apiserver calls RequestInfo (discovery vs resource request, group,
 * version, namespace, resource, name, subresource) and the verb.
 */
import { PlainNotFound, methodNotAllowed, resourceNotFound } from './status.ts';
import type { Registry, ResourceType } from './types.ts';

/** Splits a path into decoded segments; a malformed %-escape makes the path unknown (404 text). */
function segments(path: string): string[] {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new PlainNotFound();
  }
}

/** A resource request. */
export interface ResourceRequest {
  kind: 'resource';
  verb: string;
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** A discovery request. */
export interface DiscoveryRequest {
  kind: 'discovery';
  doc: 'version' | 'api' | 'apiv1' | 'apis' | 'group' | 'groupversion';
  group: string;
  version: string;
}

/** What the router found. */
export type Routed = ResourceRequest | DiscoveryRequest;

/** Identifies a request for recording even when routing fails. */
export interface RequestIdent {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Best-effort request identification (for recording and fault matching), never throws. */
export function identify(method: string, path: string, query: URLSearchParams): RequestIdent {
  let segs: string[];
  try {
    segs = segments(path);
  } catch {
    return { verb: method.toLowerCase(), group: '', version: '', resource: '' };
  }
  let group = '';
  let rest: string[];
  if (segs[0] === 'api') rest = segs.slice(1);
  else if (segs[0] === 'apis') {
    group = segs[1] ?? '';
    rest = segs.slice(2);
  } else return { verb: method.toLowerCase(), group: '', version: '', resource: '' };
  const version = rest[0] ?? '';
  let r = rest.slice(1);
  let namespace: string | undefined;
  if (r[0] === 'namespaces' && r.length >= 3 && r[2] !== 'status' && r[2] !== 'finalize') {
    namespace = r[1];
    r = r.slice(2);
  }
  const resource = r[0] ?? '';
  const name = r[1];
  const subresource = r[2];
  if (resource === 'namespaces' && name !== undefined) namespace = undefined;
  const verb = verbOf(method, name !== undefined, query);
  const out: RequestIdent = { verb, group, version, resource };
  if (subresource !== undefined) out.subresource = subresource;
  if (namespace !== undefined) out.namespace = namespace;
  if (name !== undefined) out.name = name;
  return out;
}

function verbOf(method: string, named: boolean, q: URLSearchParams): string {
  const watch = q.get('watch') === 'true' || q.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Routes a Kubernetes API path. Throws PlainNotFound (text 404) or ApiError (JSON 404/405). */
export function route(method: string, path: string, query: URLSearchParams, reg: Registry): Routed {
  const segs = segments(path);
  if (segs.length === 1 && segs[0] === 'version') return { kind: 'discovery', doc: 'version', group: '', version: '' };
  let group: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { kind: 'discovery', doc: 'api', group: '', version: '' };
    if (segs[1] !== 'v1') throw new PlainNotFound();
    group = '';
    if (segs.length === 2) return { kind: 'discovery', doc: 'apiv1', group: '', version: 'v1' };
    rest = segs.slice(1);
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { kind: 'discovery', doc: 'apis', group: '', version: '' };
    group = segs[1] as string;
    if (!reg.hasGroup(group)) throw new PlainNotFound();
    if (segs.length === 2) return { kind: 'discovery', doc: 'group', group, version: '' };
    const v = segs[2] as string;
    if (!reg.versionsOf(group).includes(v)) throw resourceNotFound();
    if (segs.length === 3) return { kind: 'discovery', doc: 'groupversion', group, version: v };
    rest = segs.slice(2);
  } else throw new PlainNotFound();
  const version = rest[0] as string;
  const r = rest.slice(1);
  let namespace: string | undefined;
  let resource: string;
  let name: string | undefined;
  let sub: string | undefined;
  let extra: string[];
  if (r[0] === 'namespaces' && r.length >= 3 && reg.find(group, version, r[2] as string)?.namespaced) {
    namespace = r[1];
    resource = r[2] as string;
    name = r[3];
    sub = r[4];
    extra = r.slice(5);
  } else if (r[0] === 'namespaces' && r.length >= 3 && group === '' && (r[2] === 'status' || r[2] === 'finalize')) {
    resource = 'namespaces';
    name = r[1];
    sub = r[2];
    extra = r.slice(3);
  } else if (r[0] === 'namespaces' && r.length >= 3) {
    throw resourceNotFound();
  } else {
    resource = r[0] as string;
    name = r[1];
    sub = r[2];
    extra = r.slice(3);
  }
  const type = reg.find(group, version, resource);
  if (!type || extra.length > 0) throw resourceNotFound();
  if (type.namespaced && namespace === undefined && name !== undefined) throw resourceNotFound();
  if (sub !== undefined && !type.subresources.includes(sub) && !(resource === 'namespaces' && sub === 'finalize')) throw resourceNotFound();
  const verb = verbOf(method, name !== undefined, query);
  if (sub === 'eviction') {
    if (method !== 'POST') throw methodNotAllowed();
    return { kind: 'resource', verb: 'create', type, namespace, name, subresource: sub };
  }
  if (method === 'POST' && name !== undefined) throw methodNotAllowed();
  if ((method === 'PUT' || method === 'PATCH') && name === undefined) throw methodNotAllowed();
  if (sub !== undefined && !['get', 'update', 'patch'].includes(verb)) throw methodNotAllowed();
  if (!['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'].includes(verb)) throw methodNotAllowed();
  const allowed = sub !== undefined ? true : type.verbs.includes(verb);
  if (!allowed) throw methodNotAllowed();
  return { kind: 'resource', verb, type, namespace, name, subresource: sub };
}
