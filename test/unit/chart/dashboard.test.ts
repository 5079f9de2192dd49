/**
 * The Grafana dashboard (dashboards/chaos-monkey.json, copied into the chart) only queries metrics
 * the operator and the webhook register, groups them only by labels they have, and covers what the
 * issue asks for: actions per mode and result, active CMCs, lateness, reconcile errors, webhook
 * conversions, leader, plus the seed dashboard's metric names.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperatorMetrics, SEED_METRIC_NAMES } from '../../../operator/src/metrics/registry.ts';
import { createWebhookMetrics } from '../../../webhook/src/metrics.ts';
import { REPO_ROOT } from './support/render.ts';

interface Target { expr: string; refId: string }
interface Panel { id: number; type: string; title: string; targets?: Target[]; gridPos: { x: number; y: number; w: number; h: number } }
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; query?: unknown; definition?: string }[] } }

const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'dashboards', 'chaos-monkey.json'), 'utf8')) as Dashboard;
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const allQueries = [...exprs, ...dashboard.templating.list.map((v) => v.definition ?? '')];

/** Metric family names a query uses (histogram series suffixes folded into their family). */
function metricsIn(expr: string): string[] {
  const names = expr.match(/\bchaos_?monkey_[a-z0-9_]+/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

/** Every registered metric family with its label names, from the real registries. */
function registered(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const op = new OperatorMetrics({ rootNamespace: 'chaosmonkey', behavior: 'AllowAll', defaultMetrics: false });
  const wh = createWebhookMetrics({ defaultMetrics: false });
  for (const registry of [op.registry, wh.registry]) {
    for (const m of registry.getMetricsAsArray()) {
      // prom-client keeps the label names on every metric object; the typings do not expose them.
      out.set(m.name, [...((m as unknown as { labelNames?: string[] }).labelNames ?? [])]);
    }
  }
  return out;
}
const metrics = registered();

describe('dashboards/chaos-monkey.json', () => {
  test('is a Grafana dashboard with unique panel ids and a query in every non-row panel', () => {
    expect(dashboard.uid).toBe('chaos-monkey');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.targets?.length ?? 0).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  test('every metric it queries is registered by the operator or the webhook', () => {
    const used = [...new Set(allQueries.flatMap(metricsIn))].sort();
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((m) => !metrics.has(m))).toEqual([]);
  });

  test('every "by (...)" label exists on a metric of the same query', () => {
    const problems: string[] = [];
    for (const expr of exprs) {
      const labels = new Set(metricsIn(expr).flatMap((m) => metrics.get(m) ?? []));
      for (const clause of expr.matchAll(/\bby \(([^)]*)\)/g)) {
        for (const label of (clause[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'le')) {
          if (!labels.has(label)) problems.push(`${label} in ${expr}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('covers actions by mode and result, active CMCs, lateness, reconcile errors, conversions and leader', () => {
    const joined = exprs.join('\n');
    expect(joined).toMatch(/sum by \(mode, result\) \(rate\(chaos_monkey_actions_total/);
    for (const m of ['chaos_monkey_active_cmcs', 'chaos_monkey_action_lateness_seconds_bucket', 'chaos_monkey_reconcile_errors_total', 'chaosmonkey_webhook_conversions_total', 'chaos_monkey_leader']) {
      expect(joined).toContain(m);
    }
  });

  test("keeps the seed dashboard's metric names (seed-spec.md 10.6)", () => {
    const seedQueried = [
      'chaos_monkey_nswatcher_cmc_active', 'chaos_monkey_crdwatcher_pw_active', 'chaos_monkey_crdwatcher_dw_active',
      'chaos_monkey_crdwatcher_ah_active', 'chaos_monkey_podwatcher_restarts', 'chaos_monkey_crdwatcher_restarts',
      'chaos_monkey_nswatcher_restarts', 'chaos_monkey_nswatcher_events', 'chaos_monkey_crdwatcher_events',
      'chaos_monkey_crdwatcher_event_duration', 'chaos_monkey_nswatcher_event_duration', 'chaos_monkey_podwatcher_pods_killed',
      'chaos_monkey_podwatcher_pods_added', 'chaos_monkey_podwatcher_pods_active', 'chaos_monkey_podwatcher_pods_removed',
      'chaos_monkey_deploymentwatcher_deployments_rescaled', 'chaos_monkey_deploymentwatcher_last_scale',
      'chaos_monkey_antihpawatcher_pods_killed', 'chaos_monkey_antihpawatcher_average_cpu',
    ];
    for (const m of seedQueried) expect(SEED_METRIC_NAMES).toContain(m);
    const used = new Set(exprs.flatMap(metricsIn));
    expect(seedQueried.filter((m) => !used.has(m))).toEqual([]);
  });

  test('the instance variable comes from a gauge every operator replica exports', () => {
    const instance = dashboard.templating.list.find((v) => v.name === 'instance');
    expect(instance?.definition).toBe('label_values(chaos_monkey_leader, instance)');
  });
});
