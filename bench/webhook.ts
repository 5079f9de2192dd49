/**
 * Conversion webhook benchmark: pure conversion throughput (objects/s), then ConversionReviews of 1, 10 and
 * 100 objects over HTTPS (keep-alive, TLS 1.3, EC P-256) to the webhook server running in a child process:
 * p50/p99 latency unloaded (one request at a time), at a steady 1,000 reviews/s, and under load (16 in
 * flight), reviews/s under load,
 * and the server's own CPU time per review (so the one-core capacity does not depend on how fast this
 * client is or on what else runs on the machine). Figures only, never pass/fail.
 * Run through `npm run bench` (bench/run.ts) or `npx node bench/webhook.ts`.
 */
import https from 'node:https';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { convertObject } from '../webhook/src/convert.ts';
import { handleConversionReview } from '../webhook/src/review.ts';
import { issueBundle } from '../webhook/src/certs.ts';
import { createWebhookLogger } from '../webhook/src/log.ts';
import { createWebhookMetrics } from '../webhook/src/metrics.ts';
import { startWebhookServer } from '../webhook/src/server.ts';

const SIZES = [1, 10, 100] as const;
/** Open-loop rate of the steady-load phase, reviews/s. */
const PACED_RATE = 1000;
/** Requests in flight during the load phase. */
const CONCURRENCY = 16;
/** Duration of each measured phase, ms (overridable: WEBHOOK_BENCH_MS=500 for a quick run). */
const PHASE_MS = Number(process.env.WEBHOOK_BENCH_MS ?? '2000');

function alphaObject(i: number): Record<string, unknown> {
  return {
    apiVersion: 'cm.massix.github.io/v1alpha1',
    kind: 'ChaosMonkeyConfiguration',
    metadata: { name: `cmc-${i}`, namespace: `ns-${i % 7}`, uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, resourceVersion: String(1000 + i), generation: 1, creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'bench' } },
    spec: { enabled: true, minReplicas: 1, maxReplicas: 5, deploymentName: `web-${i}`, podMode: i % 2 === 0, timeout: '30s' },
  };
}

function reviewBody(size: number, uid: string): string {
  const objects = Array.from({ length: size }, (_, i) => alphaObject(i));
  return JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid, desiredAPIVersion: 'cm.massix.github.io/v1', objects } });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => `${n.toFixed(2)} ms`;

function post(agent: https.Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/convertcrd?timeout=30s', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends reviews for `durationMs` with `concurrency` in flight; returns latencies and elapsed time. */
async function drive(agent: https.Agent, port: number, body: string, concurrency: number, durationMs: number): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() - t0 < durationMs) latencies.push(await post(agent, port, body));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies: latencies.sort((a, b) => a - b), elapsedMs: performance.now() - t0 };
}

/** Sends `rate` reviews/s (open loop, paced every millisecond) for `durationMs`; returns the sorted latencies. */
async function paced(agent: https.Agent, port: number, body: string, rate: number, durationMs: number): Promise<number[]> {
  const latencies: Promise<number>[] = [];
  const t0 = performance.now();
  let sent = 0;
  while (performance.now() - t0 < durationMs) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; sent < due; sent++) latencies.push(post(agent, port, body));
    await new Promise((r) => setTimeout(r, 1));
  }
  return (await Promise.all(latencies)).sort((a, b) => a - b);
}

/** Runs the benchmark and prints its figures (one line per measure). */
export async function benchWebhook(): Promise<void> {
  // 1. Pure conversion, no I/O.
  const objs = Array.from({ length: 1000 }, (_, i) => alphaObject(i));
  let converted = 0;
  const c0 = performance.now();
  while (performance.now() - c0 < PHASE_MS / 2) {
    for (const o of objs) if (convertObject(o, 'v1').ok) converted++;
  }
  const convMs = performance.now() - c0;
  console.log(`webhook: pure conversion v1alpha1 -> v1: ${fmt((converted / convMs) * 1000)} objects/s`);
  const parsed = JSON.parse(reviewBody(10, 'x'));
  let reviews = 0;
  const r0 = performance.now();
  while (performance.now() - r0 < PHASE_MS / 2) {
    handleConversionReview(parsed);
    reviews++;
  }
  console.log(`webhook: in-process review of 10 objects (no HTTP, no JSON): ${fmt((reviews / (performance.now() - r0)) * 1000)} reviews/s`);

  // 2. Over HTTPS, server in a child process.
  const { child, port, caPem } = await startServerProcess();
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: caPem, servername: 'localhost' });
  try {
    for (const size of SIZES) {
      const body = reviewBody(size, `bench-${size}`);
      await drive(agent, port, body, CONCURRENCY, Math.min(300, PHASE_MS)); // warm-up: connections, JIT
      const single = await drive(agent, port, body, 1, PHASE_MS / 2);
      const steady = await paced(agent, port, body, PACED_RATE, PHASE_MS / 2);
      const cpuBefore = await ask(child, 'cpu');
      const loaded = await drive(agent, port, body, CONCURRENCY, PHASE_MS);
      const cpuUs = (await ask(child, 'cpu')) - cpuBefore;
      const perSec = (loaded.latencies.length / loaded.elapsedMs) * 1000;
      const usPerReview = cpuUs / loaded.latencies.length;
      console.log(
        `webhook: HTTPS review of ${String(size).padStart(3)} object(s) (${fmt(Buffer.byteLength(body))} B): ` +
          `unloaded p50 ${ms(percentile(single.latencies, 50))} p99 ${ms(percentile(single.latencies, 99))}; ` +
          `at ${fmt(PACED_RATE)}/s p50 ${ms(percentile(steady, 50))} p99 ${ms(percentile(steady, 99))}; ` +
          `${CONCURRENCY} in flight: ${fmt(perSec)} reviews/s (${fmt(perSec * size)} conversions/s), p50 ${ms(percentile(loaded.latencies, 50))} p99 ${ms(percentile(loaded.latencies, 99))}; ` +
          `server CPU ${usPerReview.toFixed(0)} us/review = ${fmt(1e6 / usPerReview)} reviews/s per core`,
      );
    }
    console.log(`webhook: server RSS ${((await ask(child, 'rss')) / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
  }
}

/** Child side: serve until SIGTERM; answer 'cpu' (user+system microseconds) and 'rss' (bytes) over IPC. */
async function serveInChild(): Promise<void> {
  const bundle = await issueBundle(undefined, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], renewBeforeMs: 0, servingValidityMs: 86_400_000, caValidityMs: 864_000_000 }, new Date());
  const server = await startWebhookServer({ port: 0, host: '127.0.0.1', tls: { cert: bundle.certPem, key: bundle.keyPem }, logger: createWebhookLogger({ silent: true }), metrics: createWebhookMetrics() });
  process.on('message', (m: unknown) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpu: u.user + u.system });
    } else if (m === 'rss') {
      process.send?.({ rss: process.memoryUsage().rss });
    }
  });
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  process.send?.({ port: server.port, caPem: bundle.caBundlePem });
}

function startServerProcess(): Promise<{ child: ChildProcess; port: number; caPem: string }> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`webhook bench server exited with ${code}`)));
    child.once('message', (m: { port: number; caPem: string }) => resolve({ child, port: m.port, caPem: m.caPem }));
  });
}

function ask(child: ChildProcess, what: 'cpu' | 'rss'): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: Record<string, number>) => resolve(m[what]!));
    child.send(what);
  });
}

if (process.argv.includes('--serve')) {
  void serveInChild();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  benchWebhook().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
