/**
 * Alert-driven stop condition (issue 11 point 5) against a real Alertmanager (started on a free
 * loopback port, alerts posted through its v2 API) and the sandbox over real sockets:
 * - chaos acts while no matching alert fires; a non-matching alert does not stop it;
 * - a matching alert stops it: no DELETE, Blocked=True StopCondition naming the alert, gauge
 *   chaos_monkey_stop_condition 1, one log line; resolving the alert resumes chaos;
 * - Alertmanager killed: StopConditionUnknown, no action (fail closed);
 * - an answer that is not Alertmanager's (a tiny local HTTP server): StopConditionUnknown, no
 *   action; with CHAOSMONKEY_STOP_ON_UNKNOWN=false chaos goes on.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { startAlertmanager } from './support/alertmanager.ts';
import type { RealAlertmanager } from './support/alertmanager.ts';
import { actionLines, holdsFor, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

async function gauge(replica: Replica, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await replica.operator.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

async function blocked(world: World, namespace: string, cmc: string): Promise<{ status?: string; reason?: string; message?: string } | undefined> {
  return (await world.getCmc(namespace, cmc)).status?.conditions?.find((c) => c.type === 'Blocked');
}

const FIRING_LINE = 'stop condition: a matching alert fires, chaos stopped';

describe('stop on alerts: a real Alertmanager', () => {
  let am: RealAlertmanager;
  let world: World;
  let replica: Replica;
  const deletes = (): number => world.sandbox.requests().filter((r) => r.verb === 'delete' && r.resource === 'pods' && r.namespace === 'sa').length;

  beforeAll(async () => {
    am = await startAlertmanager();
    world = await startWorld();
    await world.createNamespace('sa');
    await world.createDeployment('sa', 'web', 3);
    replica = await world.startOperator({ env: { CHAOSMONKEY_ALERTMANAGER_URL: am.url, CHAOSMONKEY_STOP_ON_ALERTS: '{severity="critical", team=~"payments|platform"}', CHAOSMONKEY_ALERTMANAGER_REFRESH: '1s' } });
    await world.createCmc('sa', 'kill', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'web' } });
    await waitFor('a first action', () => actionLines(replica, { cmc: 'kill' }).length > 0, 10_000);
  }, 40_000);

  afterAll(async () => {
    await world?.stop();
    await am?.stop();
  });

  test('a non-matching alert does not stop chaos; a matching one does, and resolving it resumes chaos', async () => {
    expect(await gauge(replica, 'chaos_monkey_stop_condition')).toBe(0);
    await am.post({ alertname: 'DiskAlmostFull', severity: 'critical', team: 'storage' }); // team does not match
    await am.post({ alertname: 'LatencyHigh', severity: 'warning', team: 'payments' }); // severity does not match
    const requestsBefore = replica.operator.stopCondition?.requests ?? 0;
    await waitFor('two more refreshes', () => (replica.operator.stopCondition?.requests ?? 0) >= requestsBefore + 2, 5_000);
    const acted = actionLines(replica, { cmc: 'kill' }).length;
    await waitFor('chaos goes on with non-matching alerts', () => actionLines(replica, { cmc: 'kill' }).length >= acted + 2, 5_000);
    expect(await gauge(replica, 'chaos_monkey_stop_condition')).toBe(0);

    const postedAt = performance.now();
    await am.post({ alertname: 'PaymentsDown', severity: 'critical', team: 'payments' });
    await waitFor('gauge 1', async () => (await gauge(replica, 'chaos_monkey_stop_condition')) === 1, 5_000);
    const stopMs = performance.now() - postedAt;
    await waitFor('a slot skipped as StopCondition', async () => (await gauge(replica, 'chaos_monkey_skipped_slots_total', { reason: 'StopCondition' })) >= 1, 5_000);
    const before = deletes();
    await holdsFor('no pod deleted while the alert fires', () => deletes() === before, 3_000);
    const condition = await waitFor('Blocked=True StopCondition', async () => {
      const c = await blocked(world, 'sa', 'kill');
      return c?.status === 'True' && c.reason === 'StopCondition' ? c : undefined;
    }, 5_000);
    expect(condition.message).toContain('alert PaymentsDown is firing');
    expect(replica.logs.filter((l) => l.message === FIRING_LINE)).toEqual([expect.objectContaining({ level: 'warn', state: 'firing', alert: 'PaymentsDown' })]);
    expect(replica.logs.filter((l) => l.message === 'chaos action skipped' && l.level !== 'debug' && String(l.reason).startsWith('StopCondition'))).toEqual([]);

    const resolvedAt = performance.now();
    await am.post({ alertname: 'PaymentsDown', severity: 'critical', team: 'payments' }, { resolved: true });
    await waitFor('chaos resumes: a pod deleted', () => deletes() > before, 8_000);
    const resumeMs = performance.now() - resolvedAt;
    expect(await gauge(replica, 'chaos_monkey_stop_condition')).toBe(0);
    await waitFor('Blocked=False again', async () => (await blocked(world, 'sa', 'kill'))?.status === 'False', 5_000);
    expect(replica.logs.filter((l) => l.message === FIRING_LINE)).toHaveLength(1);
    process.stdout.write(`stop-on-alerts figures: stopped ${Math.round(stopMs)} ms after the POST (refresh 1 s); first action ${Math.round(resumeMs)} ms after the resolve\n`);
  }, 40_000);

  test('Alertmanager killed: StopConditionUnknown, no action (fail closed)', async () => {
    await am.kill();
    await waitFor('Blocked=True StopConditionUnknown', async () => {
      const c = await blocked(world, 'sa', 'kill');
      return c?.status === 'True' && c.reason === 'StopConditionUnknown';
    }, 6_000);
    expect(await gauge(replica, 'chaos_monkey_stop_condition')).toBe(1);
    const before = deletes();
    await holdsFor('no pod deleted while Alertmanager is unknown', () => deletes() === before, 3_000);
    expect(await gauge(replica, 'chaos_monkey_skipped_slots_total', { reason: 'StopConditionUnknown' })).toBeGreaterThanOrEqual(1);
    expect(replica.logs.filter((l) => l.message === 'stop condition unknown: chaos stopped (fail closed)')).toHaveLength(1);
    expect(String((await blocked(world, 'sa', 'kill'))?.message)).toContain('Alertmanager unreachable');
  }, 20_000);
});

describe('stop on alerts: an answer that is not a list of alerts', () => {
  let world: World;
  let server: Server;
  let url: string;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success","data":"not alerts"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    world = await startWorld();
    await world.createNamespace('ga');
    await world.createDeployment('ga', 'web', 3);
    await world.createNamespace('gb');
    await world.createDeployment('gb', 'web', 3);
  }, 30_000);

  afterAll(async () => {
    await world?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('fails closed by default (StopConditionUnknown, no action, one request per refresh for all CMCs); goes on with CHAOSMONKEY_STOP_ON_UNKNOWN=false', async () => {
    const replica = await world.startOperator({ env: { CHAOSMONKEY_ALERTMANAGER_URL: url, CHAOSMONKEY_ALERTMANAGER_REFRESH: '1s' } });
    await world.createCmc('ga', 'kill', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'web' } });
    await world.createCmc('gb', 'kill', { scalingMode: 'killPod', timeout: '1s', deployment: { name: 'web' } });
    await waitFor('Blocked=True StopConditionUnknown on both', async () => {
      const [a, b] = [await blocked(world, 'ga', 'kill'), await blocked(world, 'gb', 'kill')];
      return a?.reason === 'StopConditionUnknown' && b?.reason === 'StopConditionUnknown' && a.status === 'True';
    }, 6_000);
    expect(String((await blocked(world, 'ga', 'kill'))?.message)).toContain('not a list of alerts');
    const hitsAt = hits;
    const started = performance.now();
    await holdsFor('no pod deleted', () => world.sandbox.requests().filter((r) => r.verb === 'delete' && r.resource === 'pods').length === 0, 3_000);
    const seconds = (performance.now() - started) / 1000;
    // one request per refresh (1 s) whatever the number of CMCs (2 here)
    expect(hits - hitsAt).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(await gauge(replica, 'chaos_monkey_stop_condition')).toBe(1);
    expect(actionLines(replica)).toEqual([]);
    await replica.operator.stop();

    const open = await world.startOperator({ env: { CHAOSMONKEY_ALERTMANAGER_URL: url, CHAOSMONKEY_ALERTMANAGER_REFRESH: '1s', CHAOSMONKEY_STOP_ON_UNKNOWN: 'false' } });
    await waitFor('chaos goes on despite the unknown state', () => actionLines(open).length > 0, 8_000);
    expect(await gauge(open, 'chaos_monkey_stop_condition')).toBe(0);
    expect(open.logs.filter((l) => l.message === 'stop condition unknown: chaos goes on (CHAOSMONKEY_STOP_ON_UNKNOWN=false)')).toHaveLength(1);
  }, 40_000);
});
