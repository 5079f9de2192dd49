/**
 * The sandbox's API request handling: routes a parsed request to discovery, the object service, watch,
 * scale, metrics or table output, and writes the response. HTTP plumbing lives in sandbox.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { load } from 'js-yaml';
import type { Store } from '../store/store.ts';
import { ContinueExpiredError, ContinueTokenError } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import type { WatchHub } from '../store/watch-hub.ts';
import { ApiError, PlainNotFound, badRequest, methodNotAllowed, resourceNotFound } from './status.ts';
import { evict } from './eviction.ts';
import { openApiV3Doc, openApiV3Root } from './openapi.ts';
import { OPENAPI_V2_PROTOBUF, encodeOpenApiV2, openApiV2Doc, wantsProtobuf } from './openapi-v2.ts';
import type { ObjectService } from './objects.ts';
import { parseListQuery, entryFilter } from './query.ts';
import { route } from './route.ts';
import type { ResourceRequest } from './route.ts';
import type { Registry } from './types.ts';
import { apiVersionOf } from './types.ts';
import { VERSION_INFO, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { WatchStream } from './watch.ts';
import { toTable, wantsTable } from './table.ts';
import { handleScale } from './scale.ts';
import type { ScaleRequest } from './scale.ts';
import { handlePodMetrics } from './metrics.ts';
import type { ContainerMetrics } from './metrics.ts';

export type { ContainerMetrics };

/** State the handler reads. */
export interface CoreDeps {
  store: Store;
  hub: WatchHub;
  registry: Registry;
  objects: ObjectService;
  openWatches: Set<WatchStream>;
  podMetrics: Map<string, ContainerMetrics[]>;
  now: () => Date;
  serverAddress: () => string;
  bookmarkIntervalMs: number;
}

/** A response to write (non-watch). */
interface Reply {
  status: number;
  /** The body, or its parts (large lists are written in chunks instead of one big string). */
  body: string | string[];
  headers?: Record<string, string>;
}

function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  const r: Reply = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
  if (headers) r.headers = headers;
  return r;
}

/** Parses a request body as JSON or YAML (per content-type); 400 with kube's message when malformed. */
export function parseBody(raw: string, contentType: string | undefined, kind: string): unknown {
  const ct = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (raw.trim() === '') throw badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: unexpected end of JSON input`);
  if (ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml') {
    try {
      return load(raw);
    } catch (err) {
      throw badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; yaml parse error: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(raw);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const truncated = /end of JSON input/i.test(msg) || (pos !== null && Number(pos[1]) >= raw.trimEnd().length);
    const text = truncated ? 'unexpected end of JSON input' : msg.charAt(0).toLowerCase() + msg.slice(1);
    const snippet = raw.length > 30 ? `${raw.slice(0, 30)} ...` : raw;
    throw badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${text} (${snippet})`);
  }
}

/** See module doc. */
export class ApiHandler {
  private readonly d: CoreDeps;
  constructor(deps: CoreDeps) {
    this.d = deps;
  }

  /**
   * Handles a Kubernetes API request whose body was read. Returns true when the response was written
   * (watches write their own). Throws ApiError/PlainNotFound for the caller to answer.
   */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (url.pathname === '/openapi/v2') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
      const doc = openApiV2Doc(this.d.registry);
      if (wantsProtobuf(req.headers.accept)) res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF }).end(encodeOpenApiV2(doc));
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc));
      return;
    }
    if (url.pathname === '/openapi/v3' || url.pathname.startsWith('/openapi/v3/')) {
      const rest = url.pathname.slice('/openapi/v3'.length).replace(/^\//, '');
      const parts = rest.split('/');
      const doc = rest === '' ? openApiV3Root(this.d.registry) : parts[0] === 'api' && parts.length === 2 ? openApiV3Doc(this.d.registry, '', parts[1] as string) : parts[0] === 'apis' && parts.length === 3 ? openApiV3Doc(this.d.registry, parts[1] as string, parts[2] as string) : undefined;
      if (!doc) throw new PlainNotFound();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(doc));
      return;
    }
    const r = route(method, url.pathname, url.searchParams, this.d.registry);
    let reply: Reply;
    if (r.kind === 'discovery') {
      const reg = this.d.registry;
      const doc = r.doc === 'version' ? VERSION_INFO : r.doc === 'api' ? apiVersions(this.d.serverAddress()) : r.doc === 'apiv1' ? apiResourceList(reg, '', 'v1') : r.doc === 'apis' ? apiGroupList(reg) : r.doc === 'group' ? apiGroup(reg, r.group) : apiResourceList(reg, r.group, r.version);
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
      reply = json(200, doc);
    } else {
      if (r.verb === 'watch') {
        this.watch(r, url, req, res);
        return;
      }
      reply = await this.resource(r, req, url, raw);
      if (r.type.deprecationWarning) reply.headers = { ...(reply.headers ?? {}), Warning: `299 - ${JSON.stringify(r.type.deprecationWarning)}` };
    }
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...(reply.headers ?? {}) });
    if (typeof reply.body === 'string') {
      res.end(reply.body);
      return;
    }
    let chunk = '';
    for (const part of reply.body) {
      chunk += part;
      if (chunk.length >= 1 << 20) {
        res.write(chunk);
        chunk = '';
      }
    }
    res.end(chunk);
  }

  private watch(r: ResourceRequest, url: URL, req: IncomingMessage, res: ServerResponse): void {
    const q = parseListQuery(r.type, url.searchParams, r.name);
    if (r.type.readOnly) throw methodNotAllowed();
    const headers: Record<string, string> = {};
    if (r.type.deprecationWarning) headers.Warning = `299 - ${JSON.stringify(r.type.deprecationWarning)}`;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    const asTable = wantsTable(req.headers.accept)
      ? (objs: KObject[], first: boolean): object => {
          const table = toTable(r.type, objs, this.d.store.currentRv().toString(), this.d.now(), undefined, url.searchParams.get('includeObject') ?? undefined) as { columnDefinitions: unknown[] };
          if (!first) table.columnDefinitions = [];
          return table;
        }
      : undefined;
    const w = new WatchStream(r.type, r.namespace, q, res, { store: this.d.store, hub: this.d.hub, objects: this.d.objects, bookmarkIntervalMs: this.d.bookmarkIntervalMs, open: this.d.openWatches, asTable });
    w.start();
  }

  private async resource(r: ResourceRequest, req: IncomingMessage, url: URL, raw: string): Promise<Reply> {
    const t = r.type;
    const ns = r.namespace ?? '';
    const obj = this.d.objects;
    if (t.readOnly) return json(200, handlePodMetrics(this.d.store, this.d.podMetrics, this.d.now(), r.verb, r.namespace, r.name, url.searchParams));
    if (r.subresource === 'scale') {
      const contentType = req.headers['content-type'] ?? '';
      const sr: ScaleRequest = { verb: r.verb, namespace: ns, name: r.name as string, contentType, raw };
      if (r.verb === 'update') sr.body = parseBody(raw, contentType, 'Scale');
      return json(200, await handleScale(obj, t, sr));
    }
    if (r.subresource === 'eviction') {
      const body = parseBody(raw, req.headers['content-type'], 'Eviction');
      const pdbType = this.d.registry.find('policy', 'v1', 'poddisruptionbudgets');
      if (!pdbType) throw resourceNotFound();
      const deps = { store: this.d.store, objects: obj, podType: t, pdbType, now: this.d.now };
      const result = await evict(deps, ns, r.name as string, body, url.searchParams.getAll('dryRun').includes('All'));
      return json(result.code ?? 201, result);
    }
    const table = wantsTable(req.headers.accept);
    const wo = { fieldValidation: url.searchParams.get('fieldValidation') ?? undefined, dryRun: url.searchParams.getAll('dryRun').includes('All') };
    switch (r.verb) {
      case 'get': {
        const o = await obj.read(t, ns, r.name as string);
        if (table) return json(200, toTable(t, [o], o.metadata.resourceVersion ?? '', this.d.now(), undefined, url.searchParams.get('includeObject') ?? undefined));
        return json(200, o);
      }
      case 'list':
        return this.list(r, url, table);
      case 'create': {
        const body = parseBody(raw, req.headers['content-type'], t.kind);
        const created = await obj.create(t, ns, body, wo);
        return json(201, created);
      }
      case 'update': {
        const body = parseBody(raw, req.headers['content-type'], t.kind);
        const updated = await obj.update(t, ns, r.name as string, body, r.subresource === 'status' ? 'status' : undefined, wo);
        return json(200, updated);
      }
      case 'patch': {
        const patched = await obj.patch(t, ns, r.name as string, req.headers['content-type'] ?? '', raw, r.subresource === 'status' ? 'status' : undefined, wo);
        return json(200, patched);
      }
      case 'delete': {
        const opts = { ...deleteOptions(url.searchParams, raw), dryRun: wo.dryRun };
        const result = await obj.remove(t, ns, r.name as string, opts);
        return json(200, result.body);
      }
      case 'deletecollection': {
        const q = parseListQuery(t, url.searchParams);
        const page = this.d.store.listPage(t.storeKey, t.namespaced ? r.namespace : undefined, entryFilter(q), 0, undefined, false);
        const opts = deleteOptions(url.searchParams, raw);
        const deleted: string[] = [];
        for (const e of page.items) {
          try {
            const res = await obj.remove(t, e.namespace, e.name, opts);
            if ((res.body as KObject).metadata?.name) deleted.push(JSON.stringify(res.body));
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
          }
        }
        return json(200, `{"kind":${JSON.stringify(t.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(t))},"metadata":{"resourceVersion":"${this.d.store.currentRv()}"},"items":[${deleted.join(',')}]}`);
      }
      default:
        throw methodNotAllowed();
    }
  }

  private async list(r: ResourceRequest, url: URL, table: boolean): Promise<Reply> {
    const t = r.type;
    const q = parseListQuery(t, url.searchParams);
    const filter = entryFilter(q);
    let page;
    try {
      page = this.d.store.listPage(t.storeKey, t.namespaced ? r.namespace : undefined, filter, q.limit, q.continueToken, !filter);
    } catch (err) {
      if (err instanceof ContinueTokenError) throw badRequest(`invalid continue token: ${err.message}`);
      if (err instanceof ContinueExpiredError) throw new ApiError(410, 'Expired', err.message, {});
      throw err;
    }
    const rv = String(this.d.store.currentRv());
    if (table) {
      const texts = await this.d.objects.encode(t, page.items);
      return json(200, toTable(t, texts.map((x) => JSON.parse(x) as KObject), rv, this.d.now(), page.continueToken, url.searchParams.get('includeObject') ?? undefined));
    }
    const items = await this.d.objects.encode(t, page.items, !t.builtin);
    let meta: string;
    if (t.builtin) {
      meta = `{"resourceVersion":"${rv}"`;
      if (page.continueToken) meta += `,"continue":${JSON.stringify(page.continueToken)}`;
      if (page.continueToken && page.remaining !== undefined) meta += `,"remainingItemCount":${page.remaining}`;
      meta += '}';
    } else {
      meta = `{"continue":${JSON.stringify(page.continueToken ?? '')}`;
      if (page.continueToken && page.remaining !== undefined) meta += `,"remainingItemCount":${page.remaining}`;
      meta += `,"resourceVersion":"${rv}"}`;
    }
    const head = `{"kind":${JSON.stringify(t.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(t))},"metadata":${meta},"items":[`;
    const parts: string[] = [head];
    items.forEach((item, i) => parts.push(i === 0 ? item : `,${item}`));
    parts.push(']}');
    return { status: 200, body: parts };
  }



}


function deleteOptions(q: URLSearchParams, raw: string): { gracePeriodSeconds?: number; preconditionRv?: string; preconditionUid?: string } {
  const out: { gracePeriodSeconds?: number; preconditionRv?: string; preconditionUid?: string } = {};
  const g = q.get('gracePeriodSeconds');
  if (g !== null && g !== '') {
    const n = Number(g);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${g}`);
    out.gracePeriodSeconds = n;
  }
  if (raw.trim() !== '') {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    }
    const b = body as { gracePeriodSeconds?: unknown; preconditions?: { resourceVersion?: unknown; uid?: unknown } } | null;
    if (b && typeof b.gracePeriodSeconds === 'number' && out.gracePeriodSeconds === undefined) out.gracePeriodSeconds = b.gracePeriodSeconds;
    if (b && typeof b.preconditions?.resourceVersion === 'string') out.preconditionRv = b.preconditions.resourceVersion;
    if (b && typeof b.preconditions?.uid === 'string') out.preconditionUid = b.preconditions.uid;
  }
  return out;
}
