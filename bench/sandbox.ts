/**
 * Sandbox benchmark: loads 1,000 namespaces, 50,000 pods and 10,000 custom objects, then prints list throughput
 * (objects/s over HTTP), watch event throughput (events/s delivered to N watchers) and RSS. Figures only, never
 * pass/fail. Run through `npm run bench` (bench/run.ts) or `npx node bench/sandbox.ts`.
 */
import { startSandboxServer } from '../sandbox/server/sandbox.ts';
import type { SandboxServer } from '../sandbox/server/sandbox.ts';
import type { KObject } from '../sandbox/store/types.ts';

/** Sizes (overridable for a quick run: SANDBOX_BENCH_SCALE=0.1). */
const SCALE = Number(process.env.SANDBOX_BENCH_SCALE ?? '1');
const NAMESPACES = Math.round(1000 * SCALE);
const PODS = Math.round(50_000 * SCALE);
const CRS = Math.round(10_000 * SCALE);
const WATCHERS = 10;
const WATCH_EVENTS = Math.round(5_000 * Math.max(SCALE, 0.2));

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(0)} MiB`;
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

function type(s: SandboxServer, group: string, version: string, resource: string): NonNullable<ReturnType<SandboxServer['registry']['find']>> {
  const t = s.registry.find(group, version, resource);
  if (!t) throw new Error(`no type ${group}/${version}/${resource}`);
  return t;
}

const CRD: KObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'benchobjects.bench.example.com' },
  spec: {
    group: 'bench.example.com',
    scope: 'Namespaced',
    names: { plural: 'benchobjects', kind: 'BenchObject' },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { enabled: { type: 'boolean' }, podMode: { type: 'string', enum: ['pod', 'deployment'] }, minReplicas: { type: 'integer', minimum: 0 }, timeout: { type: 'string' } } }, status: { type: 'object', properties: { ok: { type: 'boolean' } } } } } } }],
  },
};

async function readWatchCount(url: string, want: number): Promise<{ done: Promise<number>; abort: () => void }> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const done = (async () => {
    let n = 0;
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        for (const b of value) if (b === 10) n++;
        if (n >= want) break;
      }
    } catch {
      // aborted
    }
    return n;
  })();
  return { done, abort: () => controller.abort() };
}

/** Runs the benchmark and prints its figures. */
export async function benchSandbox(): Promise<void> {
  const s = await startSandboxServer({ tls: false });
  try {
    const nsType = type(s, '', 'v1', 'namespaces');
    const podType = type(s, '', 'v1', 'pods');
    const crdType = type(s, 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    const [, loadMs] = await timed(async () => {
      for (let i = 0; i < NAMESPACES; i++) await s.objects.create(nsType, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}` } });
      for (let i = 0; i < PODS; i++) {
        const ns = `ns-${i % NAMESPACES}`;
        await s.objects.create(podType, ns, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, labels: { app: `app-${i % 20}`, 'chaos.massix.github.io/enabled': i % 2 === 0 ? 'true' : 'false' } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] } });
      }
      await s.objects.create(crdType, '', structuredClone(CRD));
      await new Promise((r) => setImmediate(r));
      const crType = type(s, 'bench.example.com', 'v1', 'benchobjects');
      for (let i = 0; i < CRS; i++) {
        await s.objects.create(crType, `ns-${i % NAMESPACES}`, { apiVersion: 'bench.example.com/v1', kind: 'BenchObject', metadata: { name: `cr-${i}` }, spec: { enabled: true, podMode: 'pod', minReplicas: 1, timeout: '30s' } });
      }
      await new Promise((r) => setTimeout(r, 50));
    });
    const objects = NAMESPACES + PODS + CRS;
    const loaded = process.memoryUsage();
    console.log(`sandbox: loaded ${NAMESPACES} namespaces, ${PODS} pods, ${CRS} custom objects in ${(loadMs / 1000).toFixed(1)} s (${rate(objects, loadMs)} objects/s in-process, pods also started by the kubelet stand-in)`);

    const [allPods, listMs] = await timed(async () => (await (await fetch(`${s.url}/api/v1/pods`)).json()) as { items: unknown[] });
    console.log(`sandbox: list all pods over HTTP: ${allPods.items.length} items in ${listMs.toFixed(0)} ms (${rate(allPods.items.length, listMs)} objects/s)`);
    const [allCrs, crMs] = await timed(async () => (await (await fetch(`${s.url}/apis/bench.example.com/v1/benchobjects`)).json()) as { items: unknown[] });
    console.log(`sandbox: list all custom objects over HTTP: ${allCrs.items.length} items in ${crMs.toFixed(0)} ms (${rate(allCrs.items.length, crMs)} objects/s)`);
    const N = 200;
    const [, nsMs] = await timed(async () => {
      for (let i = 0; i < N; i++) await (await fetch(`${s.url}/api/v1/namespaces/ns-${i % NAMESPACES}/pods?labelSelector=app%3Dapp-3`)).text();
    });
    console.log(`sandbox: namespaced list with label selector: ${(nsMs / N).toFixed(2)} ms per request (${rate(N, nsMs)} requests/s)`);
    const [, pageMs] = await timed(async () => {
      let cont = '';
      let n = 0;
      do {
        const page = (await (await fetch(`${s.url}/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).json()) as { items: unknown[]; metadata: { continue?: string } };
        n += page.items.length;
        cont = page.metadata.continue ?? '';
      } while (cont);
      return n;
    });
    console.log(`sandbox: paged list of all pods (limit=500): ${pageMs.toFixed(0)} ms (${rate(PODS, pageMs)} objects/s)`);

    const rv = (await (await fetch(`${s.url}/api/v1/pods?limit=1`)).json()) as { metadata: { resourceVersion: string } };
    const watchers = await Promise.all(Array.from({ length: WATCHERS }, (_, i) => readWatchCount(i % 2 === 0 ? `${s.url}/api/v1/pods?watch=true&resourceVersion=${rv.metadata.resourceVersion}` : `${s.url}/api/v1/pods?watch=true&resourceVersion=${rv.metadata.resourceVersion}&labelSelector=chaos.massix.github.io%2Fenabled%3Dtrue`, i % 2 === 0 ? WATCH_EVENTS : WATCH_EVENTS / 2)));
    const [, watchMs] = await timed(async () => {
      for (let i = 0; i < WATCH_EVENTS; i++) {
        const ns = `ns-${i % NAMESPACES}`;
        const cur = await s.objects.read(podType, ns, `pod-${i}`);
        cur.metadata.annotations = { touched: String(i) };
        await s.objects.update(podType, ns, `pod-${i}`, cur);
      }
      await Promise.all(watchers.map((w) => w.done));
    });
    const delivered = WATCHERS / 2 * WATCH_EVENTS + (WATCHERS / 2) * (WATCH_EVENTS / 2);
    console.log(`sandbox: watch fan-out: ${WATCH_EVENTS} pod updates to ${WATCHERS} watchers (half with a label selector) in ${watchMs.toFixed(0)} ms (${rate(delivered, watchMs)} events/s delivered)`);
    for (const w of watchers) w.abort();
    const mem = process.memoryUsage();
    console.log(`sandbox: RSS after loading ${mb(loaded.rss)} (heap used ${mb(loaded.heapUsed)}); after the list/watch runs ${mb(mem.rss)} (heap used ${mb(mem.heapUsed)}), holding ${objects.toLocaleString('en-US')} objects`);
  } finally {
    await s.shutdown();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchSandbox();
}
