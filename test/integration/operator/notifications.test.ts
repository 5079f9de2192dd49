/**
 * Notifications (issue 12 point 3) over real sockets: the operator acts in the sandbox and POSTs to
 * a local HTTP receiver (node:http on a free loopback port) that answers 200, hangs, or answers 500:
 * - JSON payloads after real actions and after a failed action; Slack payloads; filtering by
 *   CHAOSMONKEY_NOTIFY_EVENTS (default failure,pause: no action notifications);
 * - a hung receiver does not delay actions; its requests time out; the queue stays bounded and
 *   drops are counted; shutdown is bounded;
 * - a receiver answering 500: retries with backoff, then failed.
 * The webhook URL carries a secret path that must never appear in a log line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { OperatorOptions } from '../../../operator/src/operator.ts';
import { setHeaderOptions, PatchStrategy } from '@kubernetes/client-node';
import { PAUSED_ANNOTATION } from '../../../api/names.ts';
import { actionLines, holdsFor, OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

const SECRET = 's3cr3t-T0K3N';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const NS = 'notify';

interface Hit {
  body: string;
  at: number;
  /** The client closed the connection before an answer (a timed-out or aborted request). */
  aborted: boolean;
}

interface Receiver {
  url: string;
  mode: 'ok' | 'hang' | 'fail';
  hits: Hit[];
  json(): Record<string, unknown>[];
  stop(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit: Hit = { body: Buffer.concat(chunks).toString('utf8'), at: performance.now(), aborted: false };
      hits.push(hit);
      res.on('close', () => {
        if (!res.writableFinished) hit.aborted = true;
      });
      if (receiver.mode === 'hang') return; // never answers
      res.writeHead(receiver.mode === 'ok' ? 200 : 500, { 'content-type': 'text/plain' }).end(receiver.mode === 'ok' ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/T000/${SECRET}`,
    mode: 'ok',
    hits,
    json: () => hits.map((h) => JSON.parse(h.body) as Record<string, unknown>),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}

async function counter(replica: Replica, result: string): Promise<number> {
  const values = (await replica.operator.metrics.registry.getSingleMetric('chaos_monkey_notifications_total')?.get())?.values ?? [];
  return values.filter((v) => v.labels.result === result).reduce((n, v) => n + v.value, 0);
}

describe('notifications to a local webhook receiver', () => {
  let world: World;
  let receiver: Receiver;
  let replica: Replica | undefined;

  const start = async (env: Record<string, string>, notifyTuning?: OperatorOptions['notifyTuning']): Promise<Replica> => {
    replica = await world.startOperator({ env: { CHAOSMONKEY_LEADER_ELECT: 'false', CHAOSMONKEY_NOTIFY_URL: receiver.url, ...env }, ...(notifyTuning !== undefined ? { overrides: { notifyTuning } } : {}) });
    return replica;
  };

  beforeAll(async () => {
    world = await startWorld();
    await world.createNamespace(NS);
    await world.createDeployment(NS, 'web', 3);
    await world.createCmc(NS, 'kill', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'web' } });
  }, 30_000);

  afterEach(async () => {
    await replica?.operator.stop();
    replica = undefined;
    await receiver?.stop();
  });

  afterAll(async () => {
    await world?.stop();
  });

  test('JSON: one document per real action and per failed action; the URL is never logged', async () => {
    receiver = await startReceiver();
    const pods = await world.podNames(NS, 'web');
    const r = await start({ CHAOSMONKEY_NOTIFY_EVENTS: 'action,failure' });
    await waitFor('two action notifications', () => receiver.json().filter((p) => p.event === 'action').length >= 2, 8_000);
    const first = receiver.json().find((p) => p.event === 'action');
    expect(first).toMatchObject({ source: 'chaos-monkey', version: 1, event: 'action', namespace: NS, cmc: 'kill', mode: 'killPod' });
    expect(pods).toContain(first?.target);
    expect(String(first?.text)).toContain(`chaos action ${NS}/kill (killPod ${String(first?.target)})`);
    expect(Number.isNaN(Date.parse(String(first?.time)))).toBe(false);
    // the target in the notification is the pod the action deleted
    const line = actionLines(r, { cmc: 'kill' })[0];
    expect(receiver.json().some((p) => p.event === 'action' && p.target === line?.target)).toBe(true);

    world.sandbox.failRequests({ verb: 'delete', resource: 'pods', status: 500, count: 1 });
    const failure = await waitFor('a failure notification', () => receiver.json().find((p) => p.event === 'failure'), 8_000);
    expect(failure).toMatchObject({ event: 'failure', namespace: NS, cmc: 'kill', mode: 'killPod' });
    expect(typeof failure.reason).toBe('string');
    // The receiver has the document before the sender has read the answer and counted it.
    await waitFor('three notifications counted as sent', async () => (await counter(r, 'sent')) >= 3, 8_000);
    expect(await counter(r, 'failed')).toBe(0);
    expect(r.logs.some((l) => l.message === 'notifications on' && l.host === new URL(receiver.url).host && l.events === 'action,failure')).toBe(true);
    expect(JSON.stringify(r.logs)).not.toContain(SECRET);
  }, 30_000);

  test('Slack payload; the events list filters (blocked only, then the default failure,pause)', async () => {
    receiver = await startReceiver();
    await world.createCmc(NS, 'ghost', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'missing' } });
    const r = await start({ CHAOSMONKEY_NOTIFY_FORMAT: 'slack', CHAOSMONKEY_NOTIFY_EVENTS: 'blocked' });
    const blocked = await waitFor('a blocked notification', () => receiver.json().find((p) => String(p.text).includes(`${NS}/ghost`)), 8_000);
    expect(String(blocked.text)).toMatch(/^chaos slot skipped notify\/ghost .*\[TargetMissing\]$/);
    const blocks = blocked.blocks as { type: string; text: { type: string; text: string } }[];
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(blocks[0]?.text.text).toContain('*chaos slot skipped* `notify/ghost`');
    const acted = actionLines(r, { cmc: 'kill' }).length;
    await waitFor('two more kills', () => actionLines(r, { cmc: 'kill' }).length >= acted + 2, 6_000);
    expect(receiver.json().every((p) => !String(p.text).includes(`${NS}/kill`))).toBe(true); // actions are not selected
    await world.deleteCmc(NS, 'ghost');
    await r.operator.stop();

    const before = receiver.hits.length;
    const d = await start({}); // default events: failure,pause
    const actedDefault = actionLines(d, { cmc: 'kill' }).length;
    await waitFor('three kills', () => actionLines(d, { cmc: 'kill' }).length >= actedDefault + 3, 8_000);
    expect(receiver.hits.length).toBe(before);
    expect(await counter(d, 'sent')).toBe(0);
    expect(await counter(d, 'dropped')).toBe(0);
  }, 40_000);

  test('pause on and off: one notification each (the default list has pause)', async () => {
    receiver = await startReceiver();
    await start({});
    await world.core.patchNamespace({ name: OPERATOR_NAMESPACE, body: { metadata: { annotations: { [PAUSED_ANNOTATION]: 'game day' } } } }, merge);
    const on = await waitFor('a pause notification', () => receiver.json().find((p) => p.event === 'pause' && p.on === true), 8_000);
    expect(String(on.reason)).toContain('all chaos paused: game day');
    await world.core.patchNamespace({ name: OPERATOR_NAMESPACE, body: { metadata: { annotations: { [PAUSED_ANNOTATION]: null } } } }, merge);
    const off = await waitFor('a resume notification', () => receiver.json().find((p) => p.event === 'pause' && p.on === false), 8_000);
    expect(String(off.reason)).toContain('all chaos resumed');
    expect(receiver.json().filter((p) => p.event === 'pause')).toHaveLength(2);
  }, 30_000);

  test('a receiver that hangs: actions stay on schedule, requests time out, the queue stays bounded, drops are counted, shutdown is bounded', async () => {
    receiver = await startReceiver();
    receiver.mode = 'hang';
    const r = await start({ CHAOSMONKEY_NOTIFY_EVENTS: 'action' }, { capacity: 2, maxAttempts: 2, backoffMs: 200, timeoutMs: 800 });
    const acted = actionLines(r, { cmc: 'kill' }).length;
    const startedAt = performance.now();
    await waitFor('six kills while the receiver hangs', () => actionLines(r, { cmc: 'kill' }).length >= acted + 6, 12_000);
    const elapsed = performance.now() - startedAt;
    const lateness = actionLines(r, { cmc: 'kill' }).slice(acted).map((l) => Number(l.latenessMs));
    expect(Math.max(...lateness)).toBeLessThan(1_000);
    expect(elapsed).toBeLessThan(9_000); // one per second, not one per timed-out request
    await waitFor('a dropped notification', async () => (await counter(r, 'dropped')) >= 1, 6_000);
    await waitFor('a failed notification', async () => (await counter(r, 'failed')) >= 1, 6_000);
    expect(await counter(r, 'retried')).toBeGreaterThanOrEqual(1);
    expect(await counter(r, 'sent')).toBe(0);
    await waitFor('the receiver saw timed-out requests closed', () => receiver.hits.filter((h) => h.aborted).length >= 2, 3_000);
    // bounded: one request in flight at a time, so the receiver never holds more than one open request
    const open = (): number => receiver.hits.filter((h) => !h.aborted).length;
    await holdsFor('at most one open request', () => open() <= 1, 1_500);
    expect(r.logs.some((l) => l.message === 'notification queue full: dropping notifications')).toBe(true);
    expect(r.logs.some((l) => l.message === 'notification failed, giving up' && l.error === 'request timed out')).toBe(true);
    expect(JSON.stringify(r.logs)).not.toContain(SECRET);

    const dropped = await counter(r, 'dropped');
    const stopAt = performance.now();
    await r.operator.stop();
    expect(performance.now() - stopAt).toBeLessThan(3_000);
    expect(await counter(r, 'dropped')).toBeGreaterThan(dropped); // what was left is counted
  }, 40_000);

  test('a receiver answering 500: retried with backoff, then failed', async () => {
    receiver = await startReceiver();
    receiver.mode = 'fail';
    const r = await start({ CHAOSMONKEY_NOTIFY_EVENTS: 'action' }, { maxAttempts: 3, backoffMs: 300 });
    await waitFor('a failed notification', async () => (await counter(r, 'failed')) >= 1, 10_000);
    const firstBody = receiver.hits[0]?.body;
    const attempts = receiver.hits.filter((h) => h.body === firstBody);
    expect(attempts).toHaveLength(3);
    const gaps = attempts.slice(1).map((h, i) => h.at - (attempts[i]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(280); // 300 ms, then doubled
    expect(gaps[1]).toBeGreaterThanOrEqual(580);
    expect(await counter(r, 'retried')).toBeGreaterThanOrEqual(2);
    expect(await counter(r, 'sent')).toBe(0);
    expect(r.logs.some((l) => l.message === 'notification failed, giving up' && l.error === 'receiver answered HTTP 500' && l.attempts === 3)).toBe(true);
  }, 30_000);
});
