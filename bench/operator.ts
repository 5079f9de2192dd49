/**
 * Operator benchmark (issues 4 and 13): for 1,000 CMCs in 100 namespaces and 10,000 CMCs in 1,000
 * namespaces, the operator runs as a child process (its RSS and CPU time are its own) against the
 * sandbox, with leader election on (its Lease renewals are counted), and we print:
 * - idle: the operator with NO CMC, caches synced, leader, then 4 s; three starts: median (min, max)
 *   RSS, watches, requests/s and CPU ms/s over the 12 s.
 * - per scenario: watch connections, peak/steady RSS, heap, time to ready (caches synced, and every
 *   CMC scheduled with its status written) and the CPU that took, action lateness p50/p99, CMC edit
 *   -> new schedule p50/p99 (PATCH of spec.timeout until the status carrying the new generation and
 *   nextActionAt is seen on a watch), requests per action (all, and per killPod and per randomScale
 *   action: bench/figures.ts requestsPerMode), reads per action served by etcd (a LIST
 *   or GET without resourceVersion is a quorum read; bench/figures.ts readSource), CPU ms per action.
 * - per scenario: requests per action BY VERB AND RESOURCE, with the query string of one etcd read.
 * Figures only, never pass/fail.
 *
 * Requests per action = every request the operator sent (the sandbox's request log minus the
 * bench's own User-Agent: Lease renewals, Events, status patches included) during the 10 s action
 * window (opened 4 s after every CMC has its status: the first action of a CMC after start-up also
 * writes one more status patch), divided by the successful actions in it. CPU ms per action = utime+stime of the operator
 * process (/proc/<pid>/stat) over the same window, divided likewise. Most CMCs have a 1h timeout
 * (scheduled, never due during the run); a sample of ACTIVE CMCs (one per namespace in the first
 * namespaces, half killPod, half randomScale 1..1) fire every 2 s.
 *
 * Flags (after `npm run bench --` or `node bench/operator.ts`):
 * - `--compare <ref>`: the same runs against the operator of git ref <ref> (a temporary worktree,
 *   bench/compare.ts), each scenario run for ours then for it on fresh sandboxes, and a ratio row
 *   (this tree / ref) under each figure.
 * Environment:
 * - OPERATOR_BENCH_SIZES=1000 runs only the 1,000-CMC scenario (default 1000,10000; 0 = idle only);
 *   OPERATOR_BENCH_SCALE=0.1 shrinks the scenarios; OPERATOR_BENCH_WINDOW_MS sets the action window (default 10000).
 * - What runs: by default what ships, read from each tree's Dockerfile (bench/shipped.ts): its build
 *   commands, then `node <NODE_OPTIONS> <ENTRYPOINT flags> <CMD>` (today dist/operator/src/main.js). OPERATOR_BENCH_ENTRY=ts
 *   runs this tree's `operator/src/main.ts` unbuilt instead. OPERATOR_BENCH_NODE_ARGS replaces the
 *   image's flags (e.g. "" for none), for every tree.
 * - OPERATOR_BENCH_HEAPSNAPSHOT=1 writes a heap snapshot of the operator (SIGUSR2) at the end of each
 *   scenario, into the current directory. OPERATOR_BENCH_DEBUG=1 prints, time-stamped on stderr, every
 *   action later than 20 ms, the most file descriptors held, whatever non-log output the operator
 *   prints (e.g. with `--trace-gc` in OPERATOR_BENCH_NODE_ARGS), the idle RSS of each start, the
 *   decisions by result, and status patches per CMC that do not match a decision.
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
import type { RecordedRequest, Sandbox } from '../sandbox/index.ts';
import { API_VERSION_V1, GROUP, KIND, PLURAL, V1 } from '../api/names.ts';
import { closeConnection, connectFromKubeconfigText } from '../operator/src/kube/connect.ts';
import { benchArgs } from './args.ts';
import type { BenchArgs } from './args.ts';
import { buildTarget, checkoutRef } from './compare.ts';
import type { Target } from './compare.ts';
import { cpuTicks, figureTable, formatPerAction, perActionTable, perVerbResource, quantile, readSource, requestsPerMode } from './figures.ts';
import type { FigureColumn, Figures, MeasuredRun } from './figures.ts';
import { shippedOperator } from './shipped.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const CRD_FILE = join(ROOT, 'crds', 'chaosmonkeyconfigurations.yaml');
const SCALE = Number(process.env.OPERATOR_BENCH_SCALE ?? '1');
const ACTIVE = 40;
/** The action window (OPERATOR_BENCH_WINDOW_MS, default 10 s; longer windows give steadier CPU figures on a shared machine). */
const ACTION_WINDOW_MS = Number(process.env.OPERATOR_BENCH_WINDOW_MS ?? '10000');
const WARMUP_MS = 4_000;
const IDLE_SETTLE_MS = 4_000; // two Lease renewal periods of 2 s
const IDLE_RUNS = 3;
const EDITS = 100;
const ENTRY = process.env.OPERATOR_BENCH_ENTRY === 'ts' ? 'ts' : 'shipped';
const SIZES = (process.env.OPERATOR_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const HEAPSNAPSHOT = process.env.OPERATOR_BENCH_HEAPSNAPSHOT === '1';
const DEBUG = process.env.OPERATOR_BENCH_DEBUG === '1';
/** The bench's own requests carry this User-Agent; everything else in the request log is the operator's. */
const BENCH_AGENT = 'chaos-monkey-bench';
const NODE_ARGS_OVERRIDE =
  process.env.OPERATOR_BENCH_NODE_ARGS === undefined ? undefined : process.env.OPERATOR_BENCH_NODE_ARGS.split(' ').filter((a) => a !== '');
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;


const IDLE_COLUMNS: FigureColumn[] = [
  { key: 'idleRss', header: 'idle RSS MiB', digits: 0 },
  { key: 'idleRssMin', header: 'min', digits: 0 },
  { key: 'idleRssMax', header: 'max', digits: 0 },
  { key: 'peakRss', header: 'peak RSS MiB', digits: 0 },
  { key: 'watches', header: 'watches', digits: 0 },
  { key: 'requestsPerS', header: 'requests/s', digits: 2 },
  { key: 'cpuMsPerS', header: 'CPU ms/s', digits: 1 },
  { key: 'syncedMs', header: 'synced ms', digits: 0 },
];

const SCENARIO_COLUMNS: FigureColumn[] = [
  { key: 'watches', header: 'watches', digits: 0 },
  { key: 'peakRss', header: 'peak RSS MiB', digits: 0 },
  { key: 'steadyRss', header: 'steady RSS MiB', digits: 0 },
  { key: 'heap', header: 'heap used MiB', digits: 0 },
  { key: 'syncedMs', header: 'synced ms', digits: 0 },
  { key: 'scheduledMs', header: 'all scheduled ms', digits: 0 },
  { key: 'startupCpuS', header: 'startup CPU s', digits: 1 },
  { key: 'decisions', header: 'decisions', digits: 0 },
  { key: 'actions', header: 'actions', digits: 0 },
  { key: 'requestsPerAction', header: 'requests/action', digits: 2 },
  { key: 'requestsPerKillPod', header: 'killPod', digits: 2 },
  { key: 'requestsPerRandomScale', header: 'randomScale', digits: 2 },
  { key: 'etcdReadsPerAction', header: 'etcd reads/action', digits: 2 },
  { key: 'cpuMsPerAction', header: 'CPU ms/action', digits: 2 },
  { key: 'latenessP50', header: 'lateness p50', digits: 1 },
  { key: 'latenessP99', header: 'lateness p99 ms', digits: 1 },
  { key: 'editP50', header: 'edit p50', digits: 1 },
  { key: 'editP99', header: 'edit p99 ms', digits: 1 },
];

interface Run extends MeasuredRun { target: Target }

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function until(what: string, probe: () => boolean, timeoutMs: number, operator?: Operator): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error(`operator bench: timed out waiting for ${what}`);
    const exit = operator?.exit();
    if (exit !== undefined) throw new Error(`operator bench: the operator exited (${exit}) while waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A `/proc/<pid>/status` figure in MiB: VmRSS (now) or VmHWM (peak since start). */
function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** CPU time (user + system) the process has used so far, in ms. */
function cpuMs(pid: number): number {
  return (cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / CLK_TCK;
}

/** The operator's requests in the sandbox's log (the bench's own left out). */
function operatorRequests(sandbox: Sandbox): RecordedRequest[] {
  return sandbox.requests().filter((r) => r.userAgent !== BENCH_AGENT);
}

/** This tree, as configured by OPERATOR_BENCH_ENTRY / OPERATOR_BENCH_NODE_ARGS. */
function ourTarget(): Target {
  const shipped = ENTRY === 'ts' ? { build: [], args: ['operator/src/main.ts'], nodeArgs: [], source: 'OPERATOR_BENCH_ENTRY=ts' } : shippedOperator(ROOT);
  return { label: 'this tree', root: ROOT, shipped };
}

function nodeArgsOf(target: Target): string[] {
  return NODE_ARGS_OVERRIDE ?? target.shipped.nodeArgs;
}

/** A started operator: its parsed log lines, and when it said its caches were synced. */
interface Operator {
  child: ChildProcess;
  pid: number;
  started: number;
  lines: Record<string, unknown>[];
  syncedAt: () => number;
  metricsPort: () => number;
  /** How the process ended (`code 1`, `SIGKILL`), undefined while it runs. */
  exit: () => string | undefined;
  stop: () => Promise<void>;
}

async function startOperator(target: Target, sandbox: Sandbox, tmp: string): Promise<Operator> {
  await sandbox.writeKubeconfig(join(tmp, 'kubeconfig'));
  const lines: Record<string, unknown>[] = [];
  const started = performance.now();
  let syncedAt = NaN;
  let metricsPort = NaN;
  const child = spawn(process.execPath, [...nodeArgsOf(target), ...(HEAPSNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2'] : []), ...target.shipped.args.map((a, i) => (i === 0 ? join(target.root, a) : a))], {
    cwd: HEAPSNAPSHOT ? process.cwd() : tmp,
    env: {
      PATH: process.env.PATH,
      HOME: tmp,
      KUBECONFIG: join(tmp, 'kubeconfig'),
      CHAOSMONKEY_METRICS_PORT: '0',
      CHAOSMONKEY_LOGLEVEL: 'info',
      CHAOSMONKEY_LOG_FORMAT: 'json',
      CHAOSMONKEY_POD_NAME: 'bench',
      CHAOSMONKEY_NAMESPACE: 'chaosmonkey',
      CHAOSMONKEY_LEADER_ELECT: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // Not a log line (e.g. --trace-gc output): shown with OPERATOR_BENCH_DEBUG=1, time-stamped.
      if (DEBUG) process.stderr.write(`[${(performance.now() - started).toFixed(0)} ms] ${line}\n`);
      return;
    }
    if (DEBUG && Number(entry.latenessMs) > 20) {
      process.stderr.write(`[${(performance.now() - started).toFixed(0)} ms] late action: ${String(entry.latenessMs)} ms ${String(entry.cmc)}\n`);
    }
    if (entry.message === 'caches synced') syncedAt = performance.now();
    if (typeof entry.port === 'number' && String(entry.message).startsWith('serving /metrics')) metricsPort = entry.port;
    // Every decision: 'chaos action' (succeeded), '... skipped', '... failed', '... blocked', '... (dry run ...)'.
    if (String(entry.message).startsWith('chaos action')) lines.push(entry);
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    pid: child.pid as number,
    started,
    lines,
    syncedAt: () => syncedAt,
    metricsPort: () => metricsPort,
    exit: () => (child.exitCode !== null ? `code ${child.exitCode}` : (child.signalCode ?? undefined)),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One idle start: the operator with no CMC, connected, caches synced, leader, then IDLE_SETTLE_MS of nothing to do. */
async function idleOnce(target: Target): Promise<Figures> {
  const sandbox = await startSandbox({ crdFiles: [CRD_FILE] });
  const tmp = await mkdtemp(join(tmpdir(), 'cm-bench-'));
  let operator: Operator | undefined;
  try {
    const connection = connectFromKubeconfigText(sandbox.kubeconfig, { userAgent: BENCH_AGENT });
    try {
      await connection.kubeConfig.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chaosmonkey' } } });
    } finally {
      await closeConnection(connection);
    }
    sandbox.clearRequests();
    operator = await startOperator(target, sandbox, tmp);
    const op = operator;
    await until('caches synced', () => !Number.isNaN(op.syncedAt()), 120_000, op);
    await until('the Lease written (leader)', () => operatorRequests(sandbox).some((r) => r.resource === 'leases' && ['create', 'update', 'patch'].includes(r.verb)), 60_000, op);
    sandbox.clearRequests();
    const cpu0 = cpuMs(op.pid);
    await sleep(IDLE_SETTLE_MS);
    return {
      rss: procMiB(op.pid, 'VmRSS'),
      peakRss: procMiB(op.pid, 'VmHWM'),
      watches: sandbox.openWatchCount(),
      requests: operatorRequests(sandbox).filter((r) => r.verb !== 'watch').length,
      cpuMs: cpuMs(op.pid) - cpu0,
      syncedMs: op.syncedAt() - op.started,
    };
  } finally {
    await operator?.stop();
    await sandbox.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Idle, IDLE_RUNS starts: RSS is flat once settled, but differs by up to 15 MiB from one start to
 * the next (how the startup garbage was collected), so the median start is the figure, with the range.
 */
async function idle(target: Target): Promise<Run> {
  const runs: Figures[] = [];
  for (let i = 0; i < IDLE_RUNS; i++) runs.push(await idleOnce(target));
  const median = (key: string): number => quantile(runs.map((r) => r[key] ?? NaN), 0.5);
  const total = (key: string): number => runs.reduce((sum, r) => sum + (r[key] ?? NaN), 0);
  const seconds = (IDLE_RUNS * IDLE_SETTLE_MS) / 1000;
  if (DEBUG) console.error(`idle RSS of each start (MiB): ${runs.map((r) => (r.rss ?? NaN).toFixed(0)).join(' ')}`);
  const figures: Figures = {
    idleRss: median('rss'),
    idleRssMin: Math.min(...runs.map((r) => r.rss ?? NaN)),
    idleRssMax: Math.max(...runs.map((r) => r.rss ?? NaN)),
    peakRss: median('peakRss'),
    watches: median('watches'),
    requestsPerS: total('requests') / seconds,
    cpuMsPerS: total('cpuMs') / seconds,
    syncedMs: median('syncedMs'),
  };
  return { target, label: target.label, figures, perAction: [] };
}

async function scenario(target: Target, cmcCount: number, nsCount: number): Promise<Run> {
  const sandbox: Sandbox = await startSandbox({ crdFiles: [CRD_FILE] });
  const tmp = await mkdtemp(join(tmpdir(), 'cm-bench-'));
  let operator: Operator | undefined;
  let watchAbort: AbortController | undefined;
  let connection: ReturnType<typeof connectFromKubeconfigText> | undefined;
  let fdSampler: NodeJS.Timeout | undefined;
  try {
    // The operator's pooled KubeConfig: plain client-node opens a connection per request (EMFILE at 10k objects).
    connection = connectFromKubeconfigText(sandbox.kubeconfig, { userAgent: BENCH_AGENT });
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
    sandbox.clearRequests();

    operator = await startOperator(target, sandbox, tmp);
    const op = operator;
    const pid = op.pid;
    // Debug: the most file descriptors (sockets mostly) the operator held at once, sampled every 100 ms.
    let maxFds = 0;
    if (DEBUG) {
      fdSampler = setInterval(() => {
        try {
          maxFds = Math.max(maxFds, readdirSync(`/proc/${pid}/fd`).length);
        } catch {
          // the process is gone
        }
      }, 100);
    }
    await until('caches synced', () => !Number.isNaN(op.syncedAt()), 120_000, op);
    await until(`status on all ${cmcCount} CMCs`, () => observed.size >= cmcCount, 300_000, op);
    const scheduledAt = performance.now();
    const startupCpu = cpuMs(pid);
    const watches = sandbox.openWatchCount() - 1; // minus our own

    // Actions under the full schedule, after a warm-up of two periods: the first action of each active
    // CMC also writes what its start-up left (a second status patch), which is not a per-action cost.
    await sleep(WARMUP_MS);
    op.lines.length = 0;
    sandbox.clearRequests();
    const cpu0 = cpuMs(pid);
    await sleep(ACTION_WINDOW_MS);
    const cpuWindow = cpuMs(pid) - cpu0;
    const decisions = [...op.lines];
    const reqs = operatorRequests(sandbox).filter((r) => r.verb !== 'watch');
    const actions = decisions.filter((l) => l.result === 'succeeded').length;
    const lateness = decisions.map((l) => Number(l.latenessMs));
    if (DEBUG) {
      // Requests in the window about CMCs that are not due in it (scheduled with 1h): a trickle left from startup?
      const activeNames = new Set(cmcs.slice(0, active.length).map((c) => `${c.namespace}/${c.name}`));
      const stray = reqs.filter((r) => r.resource === PLURAL && !activeNames.has(`${r.namespace}/${r.name}`));
      console.error(`requests about inactive CMCs in the action window: ${stray.length}`, stray.slice(0, 5));
      const results = new Map<string, number>();
      for (const l of decisions) results.set(`${String(l.result)} ${String(l.reason ?? '')}`, (results.get(`${String(l.result)} ${String(l.reason ?? '')}`) ?? 0) + 1);
      console.error('decisions by result and reason:', Object.fromEntries(results));
      // Status patches per CMC against decisions per CMC: where do the extra ones come from?
      const diff = new Map<string, number>();
      for (const r of reqs) if (r.resource === PLURAL && r.subresource === 'status') diff.set(`${r.namespace}/${r.name} ${r.status}`, (diff.get(`${r.namespace}/${r.name} ${r.status}`) ?? 0) + 1);
      for (const l of decisions) diff.set(`${String(l.namespace)}/${String(l.cmc)} 200`, (diff.get(`${String(l.namespace)}/${String(l.cmc)} 200`) ?? 0) - 1);
      console.error('status patches minus decisions, per CMC and answer:', Object.fromEntries([...diff].filter(([, n]) => n !== 0)));
    }
    const etcdReads = reqs.filter((r) => {
      const source = readSource(r.verb, r.query);
      return source === 'quorum' || source === 'etcd';
    }).length;

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
    let heap = NaN;
    try {
      const scrape = await (await fetch(`http://127.0.0.1:${op.metricsPort()}/metrics`)).text();
      const heapMatch = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(scrape);
      heap = heapMatch === null ? NaN : Number(heapMatch[1]) / 1024 / 1024;
      if (DEBUG) console.error(`max fds ${maxFds}`, scrape.split('\n').filter((l) => /^(nodejs_heap|nodejs_external|process_resident|nodejs_active)/.test(l)).join('\n'));
    } catch {
      // An operator without /metrics on CHAOSMONKEY_METRICS_PORT=0 (an older ref): heap not measured.
    }

    if (HEAPSNAPSHOT) {
      op.child.kill('SIGUSR2');
      await sleep(15_000);
    }
    const finite = editTimes.filter(Number.isFinite);
    const perMode = requestsPerMode(reqs, decisions.map((l) => ({ namespace: String(l.namespace), mode: String(l.mode), succeeded: l.result === 'succeeded' })));
    const figures: Figures = {
      watches,
      peakRss,
      steadyRss,
      heap,
      syncedMs: op.syncedAt() - op.started,
      scheduledMs: scheduledAt - op.started,
      startupCpuS: startupCpu / 1000,
      decisions: decisions.length,
      actions,
      requestsPerAction: actions === 0 ? NaN : reqs.length / actions,
      requestsPerKillPod: perMode.killPod ?? NaN,
      requestsPerRandomScale: perMode.randomScale ?? NaN,
      etcdReadsPerAction: actions === 0 ? NaN : etcdReads / actions,
      cpuMsPerAction: actions === 0 ? NaN : cpuWindow / actions,
      latenessP50: quantile(lateness, 0.5),
      latenessP99: quantile(lateness, 0.99),
      editP50: quantile(finite, 0.5),
      editP99: quantile(finite, 0.99),
    };
    return { target, label: target.label, figures, perAction: perVerbResource(reqs, actions) };
  } finally {
    clearInterval(fdSampler);
    await operator?.stop();
    watchAbort?.abort();
    if (connection !== undefined) await closeConnection(connection);
    await sandbox.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Runs idle and both scenarios (and with `compare` the same for that ref) and prints the tables (npm run bench). */
export async function benchOperator(options: BenchArgs = {}): Promise<void> {
  const ours = ourTarget();
  console.log(`\n== operator (scale ${SCALE}, ${ours.shipped.source}: node ${nodeArgsOf(ours).join(' ')} ${ours.shipped.args.join(' ')}) ==`);
  buildTarget(ours);
  const checkout = options.compare === undefined ? undefined : await checkoutRef(ROOT, options.compare);
  const targets = checkout === undefined ? [ours] : [ours, checkout.target];
  if (checkout !== undefined) {
    const s = checkout.target.shipped;
    console.log(`compared with ${checkout.target.label} (${s.source}: node ${nodeArgsOf(checkout.target).join(' ')} ${s.args.join(' ')})`);
  }
  try {
    const idleRuns: Run[] = [];
    for (const t of targets) idleRuns.push(await idle(t));
    console.log(figureTable('idle, no CMC', IDLE_COLUMNS, idleRuns));
    for (const [cmcs, ns] of ([
      [1_000, 100],
      [10_000, 1_000],
    ] as [number, number][]).filter(([c]) => SIZES.includes(c))) {
      const cmcCount = Math.max(ACTIVE, Math.round(cmcs * SCALE));
      const nsCount = Math.max(4, Math.round(ns * SCALE));
      const title = `${cmcCount.toLocaleString('en-US')} CMCs / ${nsCount.toLocaleString('en-US')} ns`;
      const runs: Run[] = [];
      for (const t of targets) runs.push(await scenario(t, cmcCount, nsCount));
      console.log(`\n${figureTable(title, SCENARIO_COLUMNS, runs)}\n\nrequests per action, ${title}:\n${perActionTable(runs)}`);
      for (const r of runs) console.log(`${r.label}: ${formatPerAction(r.perAction)}`);
    }
  } finally {
    await checkout?.dispose();
  }
  console.log(
    '\nidle = no CMC, caches synced and leader, then 4 s; three starts: RSS (VmRSS) of the median start with min and max, requests and CPU over the 3 x 4 s. ' +
      'peak RSS = VmHWM over the whole run (startup burst included); steady RSS = VmRSS after the action window and the edits; ' +
      'heap used = V8 used heap at that moment. requests/action = everything the operator sent in the 10 s action window ' +
      '(Lease renewals, Events, status patches included) / successful actions; etcd reads = GET/LIST kube-apiserver 1.28 serves ' +
      'from etcd (no resourceVersion: a quorum read); CPU ms/action = utime+stime of the operator over the window / actions. ' +
      'ratio new/old = this tree / the compared ref.',
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchOperator(benchArgs(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
