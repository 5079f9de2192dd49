/**
 * Composes the sandbox: store, registry, object service, controllers, the HTTP(S) server with request
 * recording, latency and fault injection, and the `/sandbox/` test-helper routes.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { loadAll } from 'js-yaml';
import { Store } from '../store/store.ts';
import { WatchHub } from '../store/watch-hub.ts';
import type { KObject } from '../store/types.ts';
import { Registry } from './types.ts';
import type { ResourceType } from './types.ts';
import { builtinTypes } from './builtins.ts';
import { ObjectService } from './objects.ts';
import { ApiHandler } from './core.ts';
import type { ContainerMetrics } from './metrics.ts';
import { adminRoute } from './admin.ts';
import type { AdminTarget } from './admin.ts';
import { ApiError, PlainNotFound } from './status.ts';
import { Faults } from './faults.ts';
import { identify } from './route.ts';
import { SSAR_PATH, attributesOf, authorize, bearerToken, forbidden, selfSubjectAccessReview } from './authz.ts';
import type { SandboxIdentity } from './authz.ts';
import { generateServingCert } from './tls.ts';
import type { ServingCert } from './tls.ts';
import type { WatchStream } from './watch.ts';
import { defaultCrd, validateCrd } from './crd-types.ts';
import { DeploymentController } from '../controllers/deployment.ts';
import { NamespaceController } from '../controllers/namespace.ts';
import { CrdController } from '../controllers/crd.ts';
import { KubeletSim } from '../controllers/kubelet.ts';
import { DisruptionController } from '../controllers/disruption.ts';
import type { FailRule, RecordedRequest, Sandbox, SandboxOptions } from './options.ts';

/** Request bodies above this size get 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Token written in the kubeconfig (the sandbox accepts any credentials). */
export const SANDBOX_TOKEN = 'sandbox-token';

function typeOf(reg: Registry, group: string, version: string, resource: string): ResourceType {
  const t = reg.find(group, version, resource);
  if (!t) throw new Error(`missing built-in type ${group}/${version}/${resource}`);
  return t;
}

/** Builds the kubeconfig YAML for a server URL. */
export function kubeconfigFor(url: string, caPem: string, token: string = SANDBOX_TOKEN): string {
  const cluster = caPem ? `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}\n` : '    insecure-skip-tls-verify: true\n';
  return `apiVersion: v1
kind: Config
clusters:
- name: sandbox
  cluster:
    server: ${url}
${cluster}users:
- name: sandbox
  user:
    token: ${token}
contexts:
- name: sandbox
  context:
    cluster: sandbox
    user: sandbox
    namespace: default
current-context: sandbox
`;
}

/** See module doc. Use {@link startSandboxServer}. */
export class SandboxServer implements Sandbox, AdminTarget {
  url = '';
  kubeconfig = '';
  caPem = '';
  readonly store = new Store();
  readonly hub = new WatchHub(this.store);
  readonly registry = new Registry();
  readonly objects: ObjectService;
  readonly deployments: DeploymentController | undefined;
  private readonly namespaces: NamespaceController;
  private readonly crds: CrdController;
  private readonly kubelet: KubeletSim;
  private readonly disruption: DisruptionController;
  private readonly handler: ApiHandler;
  private readonly faults = new Faults();
  private readonly openWatches = new Set<WatchStream>();
  private readonly podMetrics = new Map<string, ContainerMetrics[]>();
  private recorded: RecordedRequest[] = [];
  private latencyMs = 0;
  private latencyMatch: { verb?: string; resource?: string } = {};
  private validation: boolean;
  private server: http.Server | https.Server | undefined;
  private port: number;
  private readonly tls: boolean;
  private cert: ServingCert | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly identities: Map<string, SandboxIdentity>;

  constructor(options: SandboxOptions = {}) {
    this.port = options.port ?? 0;
    this.tls = options.tls ?? true;
    this.identities = new Map(Object.entries(options.identities ?? {}));
    this.validation = options.validation ?? true;
    for (const t of builtinTypes()) {
      if (t.storeKey === 'apiextensions.k8s.io/customresourcedefinitions') {
        t.defaults = defaultCrd;
        t.validate = validateCrd;
      }
      this.registry.add(t);
      if (!t.readOnly) this.store.defineCollection(t.storeKey, t.fields);
    }
    const now = (): Date => new Date();
    this.namespaces = new NamespaceController(this.store, now);
    this.crds = new CrdController({ store: this.store, registry: this.registry, now, serviceMap: options.serviceMap ?? {}, validation: () => this.validation, endWatches: (key) => this.endWatches(key) });
    this.objects = new ObjectService({
      store: this.store,
      now,
      validation: () => this.validation,
      hooks: { namespaceDeleted: (n) => this.namespaces.schedule(n), crdDeleted: (n) => this.crds.scheduleCleanup(n) },
      later: (ms, fn) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          fn();
        }, ms);
        t.unref();
        this.timers.add(t);
      },
    });
    const podType = typeOf(this.registry, '', 'v1', 'pods');
    this.kubelet = new KubeletSim(this.store, this.objects, podType, now, options.startPods ?? true ? 'run' : 'unschedulable');
    this.kubelet.start();
    this.disruption = new DisruptionController(this.store, this.objects, typeOf(this.registry, 'policy', 'v1', 'poddisruptionbudgets'), now);
    if (options.disruptionController ?? true) this.disruption.start();
    this.crds.start();
    if (options.deploymentController ?? true) {
      this.deployments = new DeploymentController(this.store, this.objects, typeOf(this.registry, 'apps', 'v1', 'deployments'), podType);
      this.deployments.start();
    }
    this.handler = new ApiHandler({
      store: this.store,
      hub: this.hub,
      registry: this.registry,
      objects: this.objects,
      openWatches: this.openWatches,
      podMetrics: this.podMetrics,
      now,
      serverAddress: () => `127.0.0.1:${this.port}`,
      bookmarkIntervalMs: 10_000,
    });
  }

  /** Creates the initial namespaces and applies CRD files. */
  async bootstrap(crdFiles: string[]): Promise<void> {
    const nsType = typeOf(this.registry, '', 'v1', 'namespaces');
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await this.objects.create(nsType, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    const crdType = typeOf(this.registry, 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    for (const file of crdFiles) {
      const docs = loadAll(await readFile(file, 'utf8'));
      for (const doc of docs) {
        if (!doc || typeof doc !== 'object') continue;
        await this.objects.create(crdType, '', doc as KObject);
      }
    }
    await new Promise<void>((r) => setImmediate(r));
    // Like a real cluster whose etcd compacted: resourceVersions from before start are "too old" (410 on watch).
    this.store.compact();
  }

  /** Listens on 127.0.0.1 (the configured port, or the one first obtained). */
  async listen(): Promise<void> {
    if (this.tls && !this.cert) this.cert = await generateServingCert();
    const handler = (req: IncomingMessage, res: ServerResponse): void =>
      void this.onRequest(req, res).catch(() => {
        // Last resort: never let a request take the process down.
        res.destroy();
      });
    const server = this.tls && this.cert ? https.createServer({ cert: this.cert.certPem, key: this.cert.keyPem }, handler) : http.createServer(handler);
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
    this.caPem = this.cert?.caPem ?? '';
    this.kubeconfig = kubeconfigFor(this.url, this.caPem);
  }

  setIdentity(token: string, identity: SandboxIdentity | undefined): void {
    if (identity === undefined) this.identities.delete(token);
    else this.identities.set(token, identity);
  }

  kubeconfigWithToken(token: string): string {
    return kubeconfigFor(this.url, this.caPem, token);
  }

  async writeKubeconfig(path: string): Promise<void> {
    await writeFile(path, this.kubeconfig, { mode: 0o600 });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const w of [...this.openWatches]) w.end();
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Stops everything including controllers and timers (final shutdown). */
  async shutdown(): Promise<void> {
    await this.stop();
    this.namespaces.stop();
    this.crds.stop();
    this.deployments?.stop();
    this.kubelet.stop();
    this.disruption.stop();
    for (const t of this.timers) clearTimeout(t);
  }

  async restart(): Promise<void> {
    await this.stop();
    // Let in-process clients see their keep-alive sockets close before the port accepts again.
    await new Promise((r) => setTimeout(r, 50));
    await this.listen();
  }

  dropWatches(): void {
    for (const w of [...this.openWatches]) w.end();
  }

  private endWatches(storeKey: string): void {
    for (const w of [...this.openWatches]) if (w.key === storeKey) w.end();
  }

  compact(): void {
    this.store.compact();
  }

  failRequests(rule: FailRule): void {
    this.faults.add(rule);
  }

  /** Removes every failRequests() rule. */
  clearFaults(): void {
    this.faults.clear();
  }

  setLatency(ms: number, match: { verb?: string; resource?: string } = {}): void {
    this.latencyMs = Math.max(0, ms);
    this.latencyMatch = { ...match };
  }

  setValidation(enabled: boolean): void {
    this.validation = enabled;
  }

  setPodMetrics(namespace: string, pod: string, containers: { name: string; cpu: string; memory?: string }[]): void {
    this.podMetrics.set(`${namespace}/${pod}`, containers.map((c) => ({ ...c })));
  }

  setPodPhase(namespace: string, pod: string, phase: string): void {
    void this.kubelet.setPhase(namespace, pod, phase).catch(() => undefined);
  }

  /** Async form of setPodPhase (rejects with a 404 ApiError for a missing pod). */
  setPodPhaseAsync(namespace: string, pod: string, phase: string): Promise<void> {
    return this.kubelet.setPhase(namespace, pod, phase);
  }

  openWatchCount(): number {
    return this.openWatches.size;
  }

  requests(): RecordedRequest[] {
    return this.recorded.map((r) => ({ ...r }));
  }

  clearRequests(): void {
    this.recorded = [];
  }

  private async readBody(req: IncomingMessage): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox');
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request');
      return;
    }
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/sandbox/')) {
      try {
        const answer = await adminRoute(this, method, url.pathname, (await this.readBody(req)) ?? '');
        res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.value));
      } catch (err) {
        if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error).message }));
      }
      return;
    }
    const ident = (() => {
      try {
        return identify(method, url.pathname, url.searchParams);
      } catch {
        return { verb: method.toLowerCase(), group: '', version: '', resource: '' };
      }
    })();
    let recordedOnce = false;
    const record = (status: number): void => {
      if (recordedOnce) return;
      recordedOnce = true;
      const rv = url.searchParams.get('resourceVersion');
      const r: RecordedRequest = {
        ...ident,
        userAgent: String(req.headers['user-agent'] ?? ''),
        status,
        ...(rv !== null ? { resourceVersion: rv } : {}),
        ...(url.search.length > 1 ? { query: url.search.slice(1) } : {}),
      };
      this.recorded.push(r);
    };
    try {
      const raw = await this.readBody(req);
      if (raw === undefined) {
        res.setHeader('Connection', 'close');
        throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728', {});
      }
      const lm = this.latencyMatch;
      if (this.latencyMs > 0 && (lm.verb === undefined || lm.verb === ident.verb) && (lm.resource === undefined || lm.resource === ident.resource)) {
        await new Promise((r) => setTimeout(r, this.latencyMs));
      }
      if (ident.resource !== '') {
        // Authorization comes before everything else the API does (kube's filter chain).
        const identity = this.identities.get(bearerToken(req));
        const attrs = attributesOf(ident, url.searchParams);
        if (!authorize(identity, attrs) && identity !== undefined) throw forbidden(identity, attrs);
        if (method === 'POST' && url.pathname === SSAR_PATH) {
          res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(selfSubjectAccessReview(identity, raw)));
          record(201);
          return;
        }
        const fault = this.faults.take(ident.verb, ident.resource);
        if (fault) throw fault;
      }
      if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
        record(200);
        return;
      }
      await this.handler.handle(req, res, url, raw);
      record(res.statusCode);
    } catch (err) {
      this.answerError(res, err);
      record(res.statusCode);
    }
  }

  private answerError(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof PlainNotFound) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end('404 page not found\n');
      return;
    }
    const e = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? String(err)}`, {});
    res.writeHead(e.code, { 'Content-Type': 'application/json', ...e.headers }).end(JSON.stringify(e.body));
  }
}

/** Starts a sandbox (see {@link SandboxOptions}); resolves once it listens. */
export async function startSandboxServer(options: SandboxOptions = {}): Promise<SandboxServer> {
  const s = new SandboxServer(options);
  await s.bootstrap(options.crdFiles ?? []);
  await s.listen();
  return s;
}
