/**
 * Operator benchmark (issue 4 "Done when"): for 1,000 CMCs in 100 namespaces and 10,000 CMCs in
 * 1,000 namespaces, the operator runs as a child process (`node operator/src/main.ts`, so its RSS
 * is its own) against the sandbox, and we print: watch connections, RSS, time to ready (caches
 * synced, and every CMC scheduled with its status written), action lateness p50/p99, CMC edit ->
 * new schedule p50/p99 (PATCH of spec.timeout until the status carrying the new generation and
 * nextActionAt is seen on a watch), and API requests per action. Figures only, never pass/fail.
 *
 * Most CMCs have a 1h timeout (scheduled, never due during the run); a sample of ACTIVE CMCs (one
 * per namespace in the first namespaces, half killPod, half randomScale 1..1) fire every 2 s so
 * lateness and requests per action are measured under the full schedule.
 *
 * What runs: by default what ships, `node <NODE_OPTIONS of the Dockerfile> dist/operator/src/main.js`
 * (the bench runs `tsc -p tsconfig.build.json` first; no type stripping). OPERATOR_BENCH_ENTRY=ts
 * runs `operator/src/main.ts` instead (Node strips types at load). OPERATOR_BENCH_NODE_ARGS replaces
 * the Dockerfile's flags (e.g. "" for none). OPERATOR_BENCH_SIZES=1000 runs only the 1,000-CMC
 * scenario; OPERATOR_BENCH_SCALE=0.1 shrinks both. OPERATOR_BENCH_HEAPSNAPSHOT=1 writes a heap
 * snapshot of the operator (SIGUSR2) at the end of each scenario, into the current directory.
 * OPERATOR_BENCH_DEBUG=1 prints, time-stamped on stderr, every action later than 20 ms, the most file
 * descriptors held, and whatever non-log output the operator prints (e.g. with `--trace-gc` in
 * OPERATOR_BENCH_NODE_ARGS).
 *
 * Memory figures: peak RSS is the kernel's high-water mark (VmHWM) of the operator process over its
 * whole life, startup burst included; steady RSS is VmRSS after the action window and the edits
 * (all CMCs scheduled, 40 of them firing every 2 s); heap used is V8's used heap at that moment.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { startSandbox } from '../sandbox/index.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { API_VERSION_V1, GROUP, KIND, PLURAL, V1 } from '../api/names.ts';
import { closeConnection, connectFromKubeconfigText } from '../operator/src/kube/connect.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const CRD_FILE = join(ROOT, 'crds', 'chaosmonkeyconfigurations.yaml');
const SCALE = Number(process.env.OPERATOR_BENCH_SCALE ?? '1');
const ACTIVE = 40;
const ACTION_WINDOW_MS = 10_000;
const EDITS = 100;
const ENTRY = process.env.OPERATOR_BENCH_ENTRY === 'ts' ? 'ts' : 'dist';
const SIZES = (process.env.OPERATOR_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const HEAPSNAPSHOT = process.env.OPERATOR_BENCH_HEAPSNAPSHOT === '1';

/** The V8/Node flags the image gives the operator (ENV NODE_OPTIONS of the Dockerfile), as arguments. */
export function shippedNodeArgs(dockerfile: string): string[] {
  const m = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile);
  return m === null ? [] : (m[1] as string).split(/\s+/).filter((a) => a !== '');
}

const NODE_ARGS =
  process.env.OPERATOR_BENCH_NODE_ARGS !== undefined
    ? process.env.OPERATOR_BENCH_NODE_ARGS.split(' ').filter((a) => a !== '')
    : shippedNodeArgs(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

interface Row {
  scenario: string;
  watches: number;
  peakRssMiB: number;
  steadyRssMiB: number;
  heapMiB: number;
  syncedMs: number;
  scheduledMs: number;
  actions: number;
  latenessP50: number;
  latenessP99: number;
  editP50: number;
  editP99: number;
  readsPerAction: number;
  requestsPerAction: number;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error(`operator bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A `/proc/<pid>/status` figure in MiB: VmRSS (now) or VmHWM (peak since start). */
function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** Builds what ships (dist/) once per bench run. */
let built = false;
function buildDist(): void {
  if (built) return;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) console.error(`operator bench: tsc exited ${r.status}; running whatever dist/ holds`);
  built = true;
}

async function scenario(cmcCount: number, nsCount: number): Promise<Row> {
  const sandbox: Sandbox = await startSandbox({ crdFiles: [CRD_FILE] });
  const tmp = await mkdtemp(join(tmpdir(), 'cm-bench-'));
  let child: ChildProcess | undefined;
  let watchAbort: AbortController | undefined;
  let connection: ReturnType<typeof connectFromKubeconfigText> | undefined;
  try {
    // The operator's pooled KubeConfig: plain client-node opens a connection per request (EMFILE at 10k objects).
    connection = connectFromKubeconfigText(sandbox.kubeconfig);
    const kc = connection.kubeConfig;
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const namespaces = Array.from({ length: nsCount }, (_, i) => `bench-${i}`);
    await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chaosmonkey' } } });
    await pool(namespaces, 32, (name) => core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }));
    const active = namespaces.slice(0, Math.min(ACTIVE, nsCount));
    await pool(active, 16, (namespace) =>
      apps.createNamespacedDeployment({
        namespace,
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace },
          spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
        },
      }),
    );
    const cmcs = Array.from({ length: cmcCount }, (_, i) => {
      const namespace = namespaces[i % nsCount] as string;
      const isActive = i < active.length;
      return {
        namespace,
        name: `cmc-${i}`,
        spec: { enabled: true, minReplicas: 1, maxReplicas: 1, scalingMode: isActive && i % 2 === 1 ? 'randomScale' : 'killPod', deployment: { name: 'web' }, timeout: isActive ? '2s' : '1h' },
      };
    });
    await pool(cmcs, 48, (c) =>
      custom.createNamespacedCustomObject({ group: GROUP, version: V1, namespace: c.namespace, plural: PLURAL, body: { apiVersion: API_VERSION_V1, kind: KIND, metadata: { name: c.name, namespace: c.namespace }, spec: c.spec } }),
    );

    // Our own watch on CMCs: when each gets its first status, and when an edited one gets its new generation.
    const observed = new Map<string, number>(); // key -> observedGeneration seen
    const editWaiters = new Map<string, { generation: number; resolve: (t: number) => void }>();
    const list = (await custom.listClusterCustomObject({ group: GROUP, version: V1, plural: PLURAL })) as { metadata: { resourceVersion: string } };
    watchAbort = await new k8s.Watch(kc).watch(
      `/apis/${GROUP}/${V1}/${PLURAL}`,
      { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
      (_type, obj: { metadata?: { namespace?: string; name?: string }; status?: { observedGeneration?: number; nextActionAt?: string } }) => {
        const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
        const gen = obj.status?.observedGeneration;
        if (gen === undefined || obj.status?.nextActionAt === undefined) return;
        observed.set(key, gen);
        const waiter = editWaiters.get(key);
        if (waiter !== undefined && gen >= waiter.generation) {
          editWaiters.delete(key);
          waiter.resolve(performance.now());
        }
      },
      () => undefined,
    );
    await sandbox.writeKubeconfig(join(tmp, 'kubeconfig'));
    sandbox.clearRequests();

    const lines: Record<string, unknown>[] = [];
    const started = performance.now();
    let syncedAt = NaN;
    let metricsPort = NaN;
    const main = ENTRY === 'dist' ? join(ROOT, 'dist', 'operator', 'src', 'main.js') : join(ROOT, 'operator', 'src', 'main.ts');
    child = spawn(process.execPath, [...NODE_ARGS, ...(HEAPSNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2'] : []), main], {
      cwd: HEAPSNAPSHOT ? process.cwd() : tmp,
      env: { PATH: process.env.PATH, HOME: tmp, KUBECONFIG: join(tmp, 'kubeconfig'), CHAOSMONKEY_METRICS_PORT: '0', CHAOSMONKEY_LOGLEVEL: 'info', CHAOSMONKEY_POD_NAME: 'bench' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // Not a log line (e.g. --trace-gc output): shown with OPERATOR_BENCH_DEBUG=1, time-stamped.
        if (process.env.OPERATOR_BENCH_DEBUG === '1') process.stderr.write(`[${(performance.now() - started).toFixed(0)} ms] ${line}\n`);
        return;
      }
      if (process.env.OPERATOR_BENCH_DEBUG === '1' && Number(entry.latenessMs) > 20) {
        process.stderr.write(`[${(performance.now() - started).toFixed(0)} ms] late action: ${String(entry.latenessMs)} ms ${String(entry.cmc)}\n`);
      }
      if (entry.message === 'caches synced') syncedAt = performance.now();
      if (typeof entry.port === 'number' && String(entry.message).startsWith('serving /metrics')) metricsPort = entry.port;
      if (entry.message === 'chaos action' || entry.message === 'chaos action skipped') lines.push(entry);
    });
    // Debug: the most file descriptors (sockets mostly) the operator held at once, sampled every 100 ms.
    let maxFds = 0;
    const fdSampler = process.env.OPERATOR_BENCH_DEBUG === '1' ? setInterval(() => {
      try {
        maxFds = Math.max(maxFds, readdirSync(`/proc/${child?.pid}/fd`).length);
      } catch {
        // the process is gone
      }
    }, 100) : undefined;
    await until('caches synced', () => !Number.isNaN(syncedAt), 120_000);
    await until(`status on all ${cmcCount} CMCs`, () => observed.size >= cmcCount, 300_000);
    const scheduledAt = performance.now();
    const pid = child.pid as number;
    const watches = sandbox.openWatchCount() - 1; // minus our own

    // Actions under the full schedule.
    lines.length = 0;
    sandbox.clearRequests();
    const windowStart = performance.now();
    while (performance.now() - windowStart < ACTION_WINDOW_MS) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const actions = lines.filter((l) => l.result === 'succeeded');
    const lateness = lines.map((l) => Number(l.latenessMs));
    const activeSet = new Set(active);
    const reqs = sandbox.requests().filter((r) => r.namespace !== undefined && activeSet.has(r.namespace) && r.verb !== 'watch');
    const reads = reqs.filter((r) => (r.resource === 'deployments' && r.subresource === undefined && r.verb === 'get') || (r.resource === 'pods' && r.verb === 'list') || r.group === 'metrics.k8s.io').length;

    // Edits of scheduled (inactive) CMCs, one at a time.
    const editTimes: number[] = [];
    const targets = cmcs.slice(active.length).filter((_, i) => i % Math.max(1, Math.floor((cmcCount - active.length) / EDITS)) === 0).slice(0, EDITS);
    for (const c of targets) {
      const key = `${c.namespace}/${c.name}`;
      const generation = (observed.get(key) ?? 1) + 1;
      const seen = new Promise<number>((resolve) => editWaiters.set(key, { generation, resolve }));
      const t0 = performance.now();
      await custom.patchNamespacedCustomObject(
        { group: GROUP, version: V1, namespace: c.namespace, plural: PLURAL, name: c.name, body: { spec: { timeout: '59m' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      editTimes.push((await Promise.race([seen, new Promise<number>((r) => setTimeout(() => r(NaN), 10_000))])) - t0);
    }
    const steadyRss = procMiB(pid, 'VmRSS');
    const peakRss = procMiB(pid, 'VmHWM');
    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const heapMatch = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(scrape);
    clearInterval(fdSampler);
    if (process.env.OPERATOR_BENCH_DEBUG === '1') console.error(`max fds ${maxFds}`, scrape.split('\n').filter((l) => /^(nodejs_heap|nodejs_external|process_resident|nodejs_active)/.test(l)).join('\n'));
    const heap = heapMatch === null ? NaN : Number(heapMatch[1]) / 1024 / 1024;

    if (HEAPSNAPSHOT) {
      child.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, 15_000));
    }
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
    child = undefined;
    return {
      scenario: `${cmcCount.toLocaleString('en-US')} CMCs / ${nsCount.toLocaleString('en-US')} ns`,
      watches,
      peakRssMiB: peakRss,
      steadyRssMiB: steadyRss,
      heapMiB: heap,
      syncedMs: syncedAt - started,
      scheduledMs: scheduledAt - started,
      actions: actions.length,
      latenessP50: quantile(lateness, 0.5),
      latenessP99: quantile(lateness, 0.99),
      editP50: quantile(editTimes.filter(Number.isFinite), 0.5),
      editP99: quantile(editTimes.filter(Number.isFinite), 0.99),
      readsPerAction: actions.length === 0 ? NaN : reads / actions.length,
      requestsPerAction: lines.length === 0 ? NaN : reqs.length / lines.length,
    };
  } finally {
    child?.kill('SIGKILL');
    watchAbort?.abort();
    if (connection !== undefined) await closeConnection(connection);
    await sandbox.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

function printTable(rows: Row[]): void {
  const f = (n: number, d = 0): string => (Number.isFinite(n) ? n.toFixed(d) : '-');
  const header = ['scenario', 'watches', 'peak RSS MiB', 'steady RSS MiB', 'heap used MiB', 'synced ms', 'all scheduled ms', 'actions', 'lateness p50/p99 ms', 'edit p50/p99 ms', 'reads/action', 'requests/action'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.watches),
    f(r.peakRssMiB),
    f(r.steadyRssMiB),
    f(r.heapMiB),
    f(r.syncedMs),
    f(r.scheduledMs),
    String(r.actions),
    `${f(r.latenessP50, 1)} / ${f(r.latenessP99, 1)}`,
    `${f(r.editP50, 1)} / ${f(r.editP99, 1)}`,
    f(r.readsPerAction, 2),
    f(r.requestsPerAction, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
  console.log(
    `operator process: node ${[...NODE_ARGS, ENTRY === 'dist' ? 'dist/operator/src/main.js (compiled, as shipped)' : 'operator/src/main.ts (type stripping)'].join(' ')}. ` +
      'peak RSS = VmHWM over the whole run (startup burst included); steady RSS = VmRSS after the action window and the edits; ' +
      'heap used = V8 used heap (live + not yet collected) at that moment. ' +
      'goals: <= 5 watches, <= 200 MiB, lateness p99 <= 50 ms, edit p99 <= 200 ms, <= 2 reads per action. ' +
      'requests/action counts everything in the active namespaces (reads, the DELETE or PATCH, the Event, the status patch) per decision.',
  );
}

/** Runs both scenarios and prints the table (npm run bench). */
export async function benchOperator(): Promise<void> {
  console.log(`\n== operator (scale ${SCALE}, entry ${ENTRY}, node args: ${NODE_ARGS.join(' ') || 'none'}) ==`);
  if (ENTRY === 'dist') buildDist();
  const rows: Row[] = [];
  for (const [cmcs, ns] of [
    [1_000, 100],
    [10_000, 1_000],
  ].filter(([c]) => SIZES.includes(c as number)) as [number, number][]) {
    rows.push(await scenario(Math.max(ACTIVE, Math.round(cmcs * SCALE)), Math.max(4, Math.round(ns * SCALE))));
  }
  printTable(rows);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchOperator().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
