/**
 * Pod cache or per-action LIST (issue 13 goal 1): the figures behind the choice in docs/operator.md
 * "Reads: Deployment and Pod caches". `node bench/pod-cache.ts` (POD_CACHE_BENCH_PODS=50000 by default,
 * in POD_CACHE_BENCH_NAMESPACES=1000 namespaces).
 *
 * The sandbox is filled with that many pods (direct POSTs: a container, labels `app` and
 * `pod-template-hash`, an ownerReference, as a Deployment's pods carry), plus one Deployment `web`
 * (2 pods) with a killPod CMC every 2 s. Then the operator runs as a child process
 * (`node <the Dockerfile's NODE_OPTIONS> operator/src/main.ts`), twice:
 * (a) under the chart's RBAC: cluster-wide Deployment and Pod informers (the pod cache);
 * (b) under the same RBAC minus `watch` on pods and `list`/`watch` on deployments: no pod or
 *     Deployment cache, one LIST pods (resourceVersion=0) and one GET deployment per action.
 * For each: time until the caches are synced, RSS (VmRSS), peak RSS (VmHWM) and V8 heap used
 * after a 10 s window of actions, the requests per killPod action in that window (Lease and
 * watches aside), and the operator's CPU time while POD_CACHE_BENCH_CHURN (default 5,000) pod
 * label patches elsewhere in the cluster stream through its Pod watch (minus the CPU of an equal
 * quiet time), per 1,000 pod events. Figures only, never pass/fail.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { startSandbox } from '../sandbox/index.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { API_VERSION_V1, GROUP, KIND, NAMESPACE_LABEL, PLURAL, V1 } from '../api/names.ts';
import type { PolicyRule } from '../api/rbac.ts';
import { closeConnection, connectFromKubeconfigText } from '../operator/src/kube/connect.ts';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from '../operator/src/kube/rbac.ts';
import { shippedOperator } from './shipped.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const CRD_FILE = join(ROOT, 'crds', 'chaosmonkeyconfigurations.yaml');
const PODS = Number(process.env.POD_CACHE_BENCH_PODS ?? '50000');
const NAMESPACES = Number(process.env.POD_CACHE_BENCH_NAMESPACES ?? '1000');
const WINDOW_MS = 10_000;
const CHURN = Number(process.env.POD_CACHE_BENCH_CHURN ?? '5000');
const NODE_ARGS = shippedOperator(ROOT).nodeArgs;
const OWN_NS = 'chaosmonkey';
const TARGET_NS = 'target';

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

/** CPU time (user + system) of a process so far, ms (/proc/<pid>/stat, 100 ticks a second). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error(`pod-cache bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Figures {
  mode: string;
  syncedMs: number;
  rssMiB: number;
  peakRssMiB: number;
  heapMiB: number;
  actions: number;
  perAction: Record<string, number>;
  churnCpuMsPer1000: number;
}

async function run(sandbox: Sandbox, tmp: string, mode: 'cache' | 'list', token: string, churn: (round: string) => Promise<number>): Promise<Figures> {
  const kubeconfig = join(tmp, `kubeconfig-${mode}`);
  writeFileSync(kubeconfig, sandbox.kubeconfigWithToken(token));
  const lines: Record<string, unknown>[] = [];
  let syncedAt = NaN;
  let port = NaN;
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, join(ROOT, 'operator', 'src', 'main.ts')], {
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp, KUBECONFIG: kubeconfig, CHAOSMONKEY_METRICS_PORT: '0', CHAOSMONKEY_LOGLEVEL: 'info', CHAOSMONKEY_POD_NAME: `bench-${mode}`, CHAOSMONKEY_NAMESPACE: OWN_NS },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (entry.message === 'caches synced') syncedAt = performance.now();
      if (typeof entry.port === 'number' && String(entry.message).startsWith('serving /metrics')) port = entry.port;
      if (entry.message === 'chaos action') lines.push(entry);
    });
    await until('caches synced', () => !Number.isNaN(syncedAt), 300_000);
    await until('a first action', () => lines.length > 0, 30_000);
    sandbox.clearRequests();
    const before = lines.filter((l) => l.result === 'succeeded').length;
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const actions = lines.filter((l) => l.result === 'succeeded').length - before;
    const perAction: Record<string, number> = {};
    for (const r of sandbox.requests()) {
      if (r.namespace !== TARGET_NS || r.verb === 'watch' || !r.userAgent.startsWith('chaos-monkey-operator')) continue;
      const k = `${r.verb} ${r.resource}${r.subresource !== undefined ? `/${r.subresource}` : ''}${r.resourceVersion !== undefined ? ` rv=${r.resourceVersion}` : ''}`;
      perAction[k] = (perAction[k] ?? 0) + 1;
    }
    for (const k of Object.keys(perAction)) perAction[k] = Math.round(((perAction[k] as number) / Math.max(1, actions)) * 100) / 100;
    const pid = child.pid as number;
    const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const heap = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(scrape)?.[1] ?? NaN) / 1024 / 1024;
    const rssMiB = procMiB(pid, 'VmRSS');
    const peakRssMiB = procMiB(pid, 'VmHWM');
    // CPU of pod churn: the patches' time under churn, minus the same time quiet.
    const c0 = cpuMs(pid);
    const churnMs = await churn(mode);
    const c1 = cpuMs(pid);
    await new Promise((r) => setTimeout(r, churnMs));
    const quiet = cpuMs(pid) - c1;
    const churnCpuMsPer1000 = ((c1 - c0 - quiet) / CHURN) * 1000;
    return { mode, syncedMs: syncedAt - started, rssMiB, peakRssMiB, heapMiB: heap, actions, perAction, churnCpuMsPer1000 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function benchPodCache(): Promise<Figures[]> {
  const noCache: PolicyRule[] = [
    ...OPERATOR_CLUSTER_RULES.filter((r) => !r.resources.includes('deployments')).map((r) => (r.resources.includes('pods') && r.apiGroups.includes('') ? { ...r, verbs: r.verbs.filter((v) => v !== 'watch') } : { ...r })),
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
  ];
  const user = (name: string, clusterRules: PolicyRule[]) => ({ user: `system:serviceaccount:${OWN_NS}:${name}`, clusterRules, namespaceRules: { [OWN_NS]: [...OPERATOR_NAMESPACE_RULES] } });
  const sandbox = await startSandbox({ crdFiles: [CRD_FILE], identities: { cache: user('cache', [...OPERATOR_CLUSTER_RULES]), list: user('list', noCache) } });
  const tmp = await mkdtemp(join(tmpdir(), 'cm-pod-bench-'));
  const connection = connectFromKubeconfigText(sandbox.kubeconfig);
  try {
    const kc = connection.kubeConfig;
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `pods-${i}`);
    await pool([OWN_NS, ...namespaces], 32, (name) => core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }));
    const t0 = performance.now();
    const pods = Array.from({ length: PODS }, (_, i) => i);
    await pool(pods, 64, (i) => {
      const namespace = namespaces[i % NAMESPACES] as string;
      const app = `app-${Math.floor(i / NAMESPACES) % 10}`;
      return core.createNamespacedPod({
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${app}-6d4cf56db6-${i.toString(36).padStart(5, '0')}`, labels: { app, 'pod-template-hash': '6d4cf56db6' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-6d4cf56db6`, uid: '00000000-0000-0000-0000-000000000000', controller: true }] },
          spec: { containers: [{ name: 'main', image: 'registry.example.com/team/service:1.2.3', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
        },
      });
    });
    console.log(`pod-cache bench: ${PODS} pods in ${NAMESPACES} namespaces created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: TARGET_NS, labels: { [NAMESPACE_LABEL]: 'true' } } } });
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({ namespace: TARGET_NS, body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } });
    await custom.createNamespacedCustomObject({ group: GROUP, version: V1, namespace: TARGET_NS, plural: PLURAL, body: { apiVersion: API_VERSION_V1, kind: KIND, metadata: { name: 'kill' }, spec: { enabled: true, minReplicas: 1, maxReplicas: 1, scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '2s' } } });

    // Label patches on pods outside the target: each one a MODIFIED event on every pod watch.
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const churn = async (round: string): Promise<number> => {
      const t = performance.now();
      await pool(Array.from({ length: CHURN }, (_, i) => i), 16, (i) => {
        const namespace = namespaces[i % NAMESPACES] as string;
        const app = `app-${Math.floor(i / NAMESPACES) % 10}`;
        return core.patchNamespacedPod({ namespace, name: `${app}-6d4cf56db6-${i.toString(36).padStart(5, '0')}`, body: { metadata: { labels: { churn: `${round}-${i}` } } } }, merge);
      });
      return performance.now() - t;
    };
    const out = [await run(sandbox, tmp, 'cache', 'cache', churn), await run(sandbox, tmp, 'list', 'list', churn)];
    console.log(`\nPod cache vs per-action LIST, ${PODS} pods in ${NAMESPACES} namespaces (node ${NODE_ARGS.join(' ')} operator/src/main.ts)`);
    console.log(`| reads | caches synced | RSS | peak RSS | V8 heap used | killPod actions | requests per action (Lease, watches aside) | CPU per 1,000 pod events (${CHURN} label patches) |`);
    console.log('|---|---|---|---|---|---|---|---|');
    for (const f of out) {
      const label = f.mode === 'cache' ? '(a) Deployment + Pod informers' : '(b) GET deployment + LIST pods rv=0';
      const reqs = Object.entries(f.perAction).map(([k, v]) => `${k}: ${v}`).join(', ');
      console.log(`| ${label} | ${(f.syncedMs / 1000).toFixed(1)} s | ${f.rssMiB.toFixed(0)} MiB | ${f.peakRssMiB.toFixed(0)} MiB | ${f.heapMiB.toFixed(0)} MiB | ${f.actions} | ${reqs} | ${f.churnCpuMsPer1000.toFixed(0)} ms |`);
    }
    return out;
  } finally {
    await closeConnection(connection);
    await sandbox.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchPodCache();
}
