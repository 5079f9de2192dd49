import { describe, expect, test } from '@jest/globals';
import { OperatorMetrics, OWN_METRIC_NAMES, SEED_METRIC_NAMES } from '../../../../operator/src/metrics/registry.ts';
import type { ActionOutcome } from '../../../../operator/src/ports.ts';

const fresh = () => new OperatorMetrics({ rootNamespace: 'chaosmonkey', behavior: 'AllowAll', defaultMetrics: false });

/** Value of the sample `name{labels}` in a text exposition, undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (.+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const part of (m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)) got[part[1]!] = part[2]!;
    if (Object.keys(labels).length === Object.keys(got).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** Target fields of every mode; each outcome takes those of its mode (null when not given). */
interface Fields {
  namespace?: string;
  latenessMs?: number;
  deployment?: string;
  labelSelector?: string | null;
  podsSeen?: number | null;
  replicas?: number | null;
  selector?: string | null;
  cpuCores?: number | null;
}
const outcome = (o: Pick<ActionOutcome, 'mode' | 'result'> & Fields): ActionOutcome => {
  const base = { namespace: o.namespace ?? 'demo', cmc: 'c1', reason: 'r', latenessMs: o.latenessMs ?? 12, result: o.result, deployment: o.deployment ?? 'web' };
  switch (o.mode) {
    case 'killPod':
      return { ...base, mode: o.mode, labelSelector: o.labelSelector ?? null, podsSeen: o.podsSeen ?? null };
    case 'randomScale':
      return { ...base, mode: o.mode, replicas: o.replicas ?? null };
    case 'antiPressure':
      return { ...base, mode: o.mode, selector: o.selector ?? null, cpuCores: o.cpuCores ?? null };
  }
};

describe('OperatorMetrics', () => {
  test('exposes all 25 seed metric names and ours, with HELP and TYPE', async () => {
    const text = await fresh().render();
    expect(SEED_METRIC_NAMES).toHaveLength(25);
    for (const name of [...SEED_METRIC_NAMES, ...OWN_METRIC_NAMES]) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  test('chaos_monkey_notifications_total has every result at 0 from the first scrape, then counts', async () => {
    const m = fresh();
    const before = await m.render();
    for (const result of ['sent', 'failed', 'dropped', 'retried']) expect(sample(before, 'chaos_monkey_notifications_total', { result })).toBe(0);
    m.notification('dropped');
    m.notification('dropped');
    m.notification('sent');
    const after = await m.render();
    expect(sample(after, 'chaos_monkey_notifications_total', { result: 'dropped' })).toBe(2);
    expect(sample(after, 'chaos_monkey_notifications_total', { result: 'sent' })).toBe(1);
    expect(sample(after, 'chaos_monkey_notifications_total', { result: 'failed' })).toBe(0);
  });

  test('seed histograms keep the seed buckets', async () => {
    const m = fresh();
    m.watchEvent('namespace', 'add', 'demo', 7);
    m.actionDone(outcome({ mode: 'randomScale', result: 'succeeded', replicas: 4, deployment: 'web' }));
    const text = await m.render();
    for (const le of ['0', '5', '10', '20', '50', '100', '500', '1000', '1500', '2000', '+Inf']) {
      expect(sample(text, 'chaos_monkey_nswatcher_event_duration_bucket', { le, root_namespace: 'chaosmonkey', behavior: 'ALLOWALL' })).toBe(le === '0' || le === '5' ? 0 : 1);
    }
    for (let i = 0; i <= 9; i++) {
      expect(sample(text, 'chaos_monkey_deploymentwatcher_random_distribution_bucket', { le: String(i), namespace: 'demo', deployment: 'web' })).toBe(i >= 4 ? 1 : 0);
    }
  });

  test.each([
    ['killPod', 'succeeded', 'chaos_monkey_podwatcher_pods_killed', { namespace: 'demo', label_selector: 'app=web' }, 1],
    ['killPod', 'skipped', 'chaos_monkey_podwatcher_pods_killed', { namespace: 'demo', label_selector: 'app=web' }, 0],
    ['killPod', 'skipped', 'chaos_monkey_podwatcher_pods_added', { namespace: 'demo', label_selector: 'app=web' }, 0],
    ['killPod', 'succeeded', 'chaos_monkey_podwatcher_pods_active', { namespace: 'demo', label_selector: 'app=web' }, 4],
    ['randomScale', 'succeeded', 'chaos_monkey_deploymentwatcher_deployments_rescaled', { namespace: 'demo', deployment: 'web' }, 1],
    ['randomScale', 'succeeded', 'chaos_monkey_deploymentwatcher_last_scale', { namespace: 'demo', deployment: 'web' }, 3],
    ['randomScale', 'failed', 'chaos_monkey_deploymentwatcher_deployments_rescaled', { namespace: 'demo', deployment: 'web' }, undefined],
    ['antiPressure', 'succeeded', 'chaos_monkey_antihpawatcher_pods_killed', { namespace: 'demo', selector: 'app=web' }, 1],
    ['antiPressure', 'skipped', 'chaos_monkey_antihpawatcher_runs', { namespace: 'demo', selector: 'app=web' }, 1],
    ['antiPressure', 'succeeded', 'chaos_monkey_antihpawatcher_average_cpu', { namespace: 'demo', selector: 'app=web' }, 0.25],
    ['killPod', 'failed', 'chaos_monkey_actions_total', { mode: 'killPod', result: 'failed' }, 1],
  ] as const)('%s %s -> %s%j = %p', async (mode, result, name, labels, value) => {
    const m = fresh();
    m.actionDone(outcome({ mode, result, labelSelector: 'app=web', selector: 'app=web', deployment: 'web', podsSeen: 4, replicas: 3, cpuCores: 0.25 }));
    expect(sample(await m.render(), name, labels)).toBe(value);
  });

  test('average_cpu is a running sum, as the seed dashboard expects', async () => {
    const m = fresh();
    m.actionDone(outcome({ mode: 'antiPressure', result: 'succeeded', selector: 's', cpuCores: 0.5 }));
    m.actionDone(outcome({ mode: 'antiPressure', result: 'succeeded', selector: 's', cpuCores: 1.5 }));
    expect(sample(await m.render(), 'chaos_monkey_antihpawatcher_average_cpu', { namespace: 'demo', selector: 's' })).toBe(2);
  });

  test('lateness is observed in seconds', async () => {
    const m = fresh();
    m.actionDone(outcome({ mode: 'killPod', result: 'succeeded', latenessMs: 30 }));
    const text = await m.render();
    expect(sample(text, 'chaos_monkey_action_lateness_seconds_bucket', { le: '0.025', mode: 'killPod' })).toBe(0);
    expect(sample(text, 'chaos_monkey_action_lateness_seconds_bucket', { le: '0.05', mode: 'killPod' })).toBe(1);
  });

  test('reconcile, queue, watch, leader', async () => {
    const m = fresh();
    m.reconcileDone(2, 'success');
    m.reconcileDone(3, 'error');
    m.queueDepth(7);
    m.watchEvent('cmc', 'modify', 'demo', 3);
    m.watchRestart('namespace');
    m.watchRestart('cmc');
    m.leader(true);
    const text = await m.render();
    expect(sample(text, 'chaos_monkey_reconcile_errors_total')).toBe(1);
    expect(sample(text, 'chaos_monkey_reconcile_duration_seconds_count', { result: 'success' })).toBe(1);
    expect(sample(text, 'chaos_monkey_queue_depth')).toBe(7);
    expect(sample(text, 'chaos_monkey_crdwatcher_events', { namespace: 'demo', event_type: 'modify' })).toBe(1);
    expect(sample(text, 'chaos_monkey_nswatcher_restarts', { root_namespace: 'chaosmonkey', behavior: 'ALLOWALL' })).toBe(1);
    expect(sample(text, 'chaos_monkey_crdwatcher_restarts', { namespace: '' })).toBe(1);
    expect(sample(text, 'chaos_monkey_watch_restarts_total', { resource: 'namespaces' })).toBe(1);
    expect(sample(text, 'chaos_monkey_watch_restarts_total', { resource: 'chaosmonkeyconfigurations' })).toBe(1);
    expect(sample(text, 'chaos_monkey_leader')).toBe(1);
  });

  test('activeEntries sets the per-namespace gauges, sums active_cmcs and counts increases as spawned', async () => {
    const m = fresh();
    m.activeEntries('a', 'killPod', 2);
    m.activeEntries('b', 'killPod', 1);
    m.activeEntries('a', 'killPod', 1);
    m.activeEntries('a', 'randomScale', 1);
    let text = await m.render();
    expect(sample(text, 'chaos_monkey_crdwatcher_pw_active', { namespace: 'a' })).toBe(1);
    expect(sample(text, 'chaos_monkey_crdwatcher_pw_spawned', { namespace: 'a' })).toBe(2);
    expect(sample(text, 'chaos_monkey_active_cmcs', { mode: 'killPod' })).toBe(2);
    expect(sample(text, 'chaos_monkey_active_cmcs', { mode: 'randomScale' })).toBe(1);
    expect(sample(text, 'chaos_monkey_active_cmcs', { mode: 'antiPressure' })).toBe(0);
    m.activeEntries('a', 'killPod', 0);
    m.activeEntries('a', 'randomScale', 0);
    text = await m.render();
    expect(sample(text, 'chaos_monkey_crdwatcher_pw_active', { namespace: 'a' })).toBeUndefined();
    expect(sample(text, 'chaos_monkey_active_cmcs', { mode: 'killPod' })).toBe(1);
  });

  test('eligibleNamespaces sets cmc_active and counts increases as cmc_spawned', async () => {
    const m = fresh();
    m.eligibleNamespaces(3);
    m.eligibleNamespaces(1);
    m.eligibleNamespaces(2);
    const text = await m.render();
    const labels = { root_namespace: 'chaosmonkey', behavior: 'ALLOWALL' };
    expect(sample(text, 'chaos_monkey_nswatcher_cmc_active', labels)).toBe(2);
    expect(sample(text, 'chaos_monkey_nswatcher_cmc_spawned', labels)).toBe(4);
    expect(sample(text, 'chaos_monkey_eligible_namespaces')).toBe(2);
  });

  test('two instances do not share state; default metrics are on the private registry', async () => {
    const a = new OperatorMetrics({ rootNamespace: 'x', behavior: 'DenyAll' });
    const b = fresh();
    a.leader(true);
    expect(sample(await b.render(), 'chaos_monkey_leader')).toBe(0);
    const text = await a.render();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('behavior="DENYALL"');
    expect(a.contentType).toContain('text/plain');
  });
});

describe('OperatorMetrics.render', () => {
  test('renders metric by metric exactly what prom-client renders in one go', async () => {
    const m = new OperatorMetrics({ rootNamespace: 'chaosmonkey', behavior: 'DenyAll' });
    for (let i = 0; i < 20; i += 1) {
      m.watchEvent('cmc', 'add', `ns-${i}`, i * 37);
      m.activeEntries(`ns-${i}`, i % 2 === 0 ? 'killPod' : 'randomScale', 1 + (i % 3));
      m.actionDone(outcome({ namespace: `ns-${i}`, mode: 'randomScale', result: 'succeeded', replicas: i % 10, deployment: 'web' }));
    }
    m.watchEvent('namespace', 'modify', 'ns-1', 3);
    m.reconcileDone(2.5, 'success');
    const ours = await m.render();
    const theirs = await m.registry.metrics();
    // Only process/Node.js metrics may differ (sampled at render time): compare the chaos_monkey_ lines.
    const chaos = (text: string): string[] => text.split('\n').filter((l) => l.includes('chaos_monkey_'));
    expect(chaos(ours)).toEqual(chaos(theirs));
    expect(chaos(ours).length).toBeGreaterThan(200);
  });
});
