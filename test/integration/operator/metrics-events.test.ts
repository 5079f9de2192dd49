/**
 * Issue 9 points 1, 4 and 5 against the sandbox, through /metrics over HTTP and the Events API:
 * after real actions of the three modes the seed's per-target series carry their label values
 * (seed-spec.md 10: `deployment`, `label_selector`, `selector` as the seed formatted them), every
 * query of dashboards/chaos-monkey.json finds its operator metrics and labels in that scrape, each
 * target Deployment gets one ChaosMonkeyTarget Event with its UID per scheduling, a replica that
 * loses the Lease drops the leader's gauges, and series of a deleted namespace disappear.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import type { CoreV1Event } from '@kubernetes/client-node';
import { actionLines, httpGet, OPERATOR_NAMESPACE, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';
import { REPO_ROOT } from '../../unit/chart/support/render.ts';

const NS = 'target';
const PODS = 'nginx-disrupt-pods';
const SCALE = 'nginx-disrupt-scale';
const HPA = 'nginx-antihpa';
/** A killPod target whose selector has two matchLabels (the seed joins them with ","). */
const MULTI = 'multi';

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses a Prometheus text exposition into its samples. */
function parse(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`unparsable line ${line}`);
    const labels: Record<string, string> = {};
    for (const part of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[part[1] ?? ''] = part[2] ?? '';
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(replica: Replica): Promise<Series[]> {
  const res = await httpGet(replica, '/metrics');
  expect(res.status).toBe(200);
  return parse(res.body);
}

function valueOf(series: Series[], name: string, labels: Record<string, string>): number | undefined {
  return series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;
}

let world: World;
let replica: Replica;
let uids: Record<string, string>;

beforeAll(async () => {
  world = await startWorld();
  await world.createNamespace(NS);
  await world.createDeployment(NS, PODS, 3);
  await world.createDeployment(NS, SCALE, 2);
  await world.createDeployment(NS, HPA, 3);
  const labels = { tier: 'front', app: MULTI };
  await world.apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: MULTI, namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    },
  });
  await waitFor('2 multi pods', async () => (await world.podNames(NS, MULTI)).length === 2);
  (await world.podNames(NS, HPA)).forEach((pod, i) => world.sandbox.setPodMetrics(NS, pod, [{ name: 'c', cpu: `${100 * (i + 1)}m` }]));
  uids = {};
  for (const name of [PODS, SCALE, HPA, MULTI]) uids[name] = (await world.apps.readNamespacedDeployment({ namespace: NS, name })).metadata?.uid ?? '';
  replica = await world.startOperator();
  await world.createCmc(NS, `chaosmonkey-${PODS}`, { scalingMode: 'killPod', deployment: { name: PODS } });
  await world.createCmc(NS, `chaosmonkey-${SCALE}`, { scalingMode: 'randomScale', minReplicas: 1, maxReplicas: 4, deployment: { name: SCALE } });
  await world.createCmc(NS, `chaosmonkey-${HPA}`, { scalingMode: 'antiPressure', minReplicas: 1, deployment: { name: HPA } });
  await world.createCmc(NS, `chaosmonkey-${MULTI}`, { scalingMode: 'killPod', deployment: { name: MULTI } });
  await waitFor(
    'a successful action of every mode and target',
    () => [PODS, SCALE, HPA, MULTI].every((d) => actionLines(replica, { cmc: `chaosmonkey-${d}`, result: 'succeeded' }).length >= 1),
    15_000,
  );
}, 40_000);

afterAll(async () => {
  await world?.stop();
});

describe('seed metric label values after real actions (issue 9 point 1)', () => {
  test('killPod: podwatcher series labelled by namespace and the matchLabels string', async () => {
    const series = await scrape(replica);
    expect(valueOf(series, 'chaos_monkey_podwatcher_pods_killed', { namespace: NS, label_selector: `app=${PODS}` })).toBeGreaterThanOrEqual(1);
    // Keys sorted, `k=v` joined by "," (seed internal/watcher/crd.go).
    expect(valueOf(series, 'chaos_monkey_podwatcher_pods_killed', { namespace: NS, label_selector: `app=${MULTI},tier=front` })).toBeGreaterThanOrEqual(1);
    for (const selector of [`app=${PODS}`, `app=${MULTI},tier=front`]) {
      const active = valueOf(series, 'chaos_monkey_podwatcher_pods_active', { namespace: NS, label_selector: selector });
      expect(active).toBeGreaterThanOrEqual(1);
      expect(active).toBeLessThanOrEqual(4);
      for (const name of ['pods_added', 'pods_removed', 'restarts']) {
        expect(valueOf(series, `chaos_monkey_podwatcher_${name}`, { namespace: NS, label_selector: selector })).toBe(0);
      }
    }
  });

  test('randomScale: deploymentwatcher series labelled by the Deployment name', async () => {
    const series = await scrape(replica);
    const labels = { namespace: NS, deployment: SCALE };
    expect(valueOf(series, 'chaos_monkey_deploymentwatcher_deployments_rescaled', labels)).toBeGreaterThanOrEqual(1);
    const last = valueOf(series, 'chaos_monkey_deploymentwatcher_last_scale', labels);
    expect(last).toBeGreaterThanOrEqual(1);
    expect(last).toBeLessThanOrEqual(4);
    expect(valueOf(series, 'chaos_monkey_deploymentwatcher_random_distribution_count', labels)).toBeGreaterThanOrEqual(1);
  });

  test('antiPressure: antihpawatcher series labelled by the selector string', async () => {
    const series = await scrape(replica);
    const labels = { namespace: NS, selector: `app=${HPA}` };
    expect(valueOf(series, 'chaos_monkey_antihpawatcher_pods_killed', labels)).toBeGreaterThanOrEqual(1);
    expect(valueOf(series, 'chaos_monkey_antihpawatcher_runs', labels)).toBeGreaterThanOrEqual(1);
    // The busiest pod (300m) is killed first: the running sum is at least 0.3 cores.
    expect(valueOf(series, 'chaos_monkey_antihpawatcher_average_cpu', labels)).toBeGreaterThanOrEqual(0.3);
  });

  test('no per-target series has an empty label value', async () => {
    const series = await scrape(replica);
    const empty = series.filter((s) => ['deployment', 'label_selector', 'selector'].some((k) => s.labels[k] === ''));
    expect(empty.map((s) => `${s.name}${JSON.stringify(s.labels)}`)).toEqual([]);
  });
});

describe('dashboards/chaos-monkey.json against the series the operator exports', () => {
  interface Dashboard {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { definition?: string }[] };
  }
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'dashboards', 'chaos-monkey.json'), 'utf8')) as Dashboard;
  const queries = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.definition ?? '')];
  /** Labels Prometheus adds at scrape time, not the operator. */
  const TARGET_LABELS = new Set(['instance', 'job', 'le']);

  test('every operator metric a query uses has series, with every label the query filters or groups by', async () => {
    const series = await scrape(replica);
    const problems: string[] = [];
    let checked = 0;
    for (const query of queries) {
      // The webhook's metrics come from another process (checked against its registry in test/unit/chart/dashboard.test.ts).
      const names = [...new Set(query.match(/\bchaos_monkey_[a-z0-9_]+/g) ?? [])];
      const labels = new Set<string>();
      for (const clause of query.matchAll(/\b(?:by|without) \(([^)]*)\)/g)) for (const l of (clause[1] ?? '').split(',')) labels.add(l.trim());
      for (const matcher of query.matchAll(/\{([^}]*)\}/g)) for (const m of (matcher[1] ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) labels.add(m[1] ?? '');
      for (const name of names) {
        checked += 1;
        const found = series.filter((s) => s.name === name);
        if (found.length === 0) problems.push(`no series of ${name} (${query})`);
        for (const label of labels) {
          if (label === '' || TARGET_LABELS.has(label)) continue;
          if (found.length > 0 && !found.some((s) => label in s.labels)) problems.push(`${name} has no label ${label} (${query})`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });
});

describe('ChaosMonkeyTarget Events (issue 9 point 4)', () => {
  const targetEvents = async (): Promise<CoreV1Event[]> => (await world.events(NS)).filter((e) => e.reason === 'ChaosMonkeyTarget' && e.involvedObject.kind === 'Deployment');

  test('one per target Deployment, with its UID, naming the CMC, the mode and the period', async () => {
    const events = await targetEvents();
    const expected: [string, string][] = [
      [PODS, 'killPod'],
      [SCALE, 'randomScale'],
      [HPA, 'antiPressure'],
      [MULTI, 'killPod'],
    ];
    for (const [deployment, mode] of expected) {
      const mine = events.filter((e) => e.involvedObject.name === deployment);
      expect(mine).toHaveLength(1);
      expect(mine[0]?.involvedObject.uid).toBe(uids[deployment]);
      expect(mine[0]?.message).toBe(`Targeted by Chaos Monkey: ChaosMonkeyConfiguration chaosmonkey-${deployment} runs ${mode} every 1s`);
      expect(mine[0]?.count).toBe(1); // actions and status updates since scheduling did not repeat it
      expect(mine[0]?.source?.component).toBe('chaos-monkey');
    }
  });

  test('the Converted to N replicas Event carries the Deployment UID', async () => {
    const converted = (await world.events(NS)).filter((e) => e.reason === 'ChaosMonkey' && e.involvedObject.name === SCALE);
    expect(converted.length).toBeGreaterThanOrEqual(1);
    expect(converted.every((e) => e.involvedObject.uid === uids[SCALE])).toBe(true);
  });

  test("every Event the operator wrote carries its involved object's UID", async () => {
    const ours = [...(await world.events(NS)), ...(await world.events('default')).filter((e) => e.involvedObject.name === NS)].filter((e) => e.source?.component === 'chaos-monkey');
    expect(new Set(ours.map((e) => e.reason))).toEqual(new Set(['Added', 'Started', 'ChaosMonkeyTarget', 'ChaosMonkey']));
    expect(ours.filter((e) => (e.involvedObject.uid ?? '') === '').map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`)).toEqual([]);
  });

  test('a period change announces the new period once', async () => {
    await world.patchCmcSpec(NS, `chaosmonkey-${PODS}`, { timeout: '2s' });
    const mine = await waitFor('a second ChaosMonkeyTarget on the killPod target', async () => {
      const events = (await targetEvents()).filter((e) => e.involvedObject.name === PODS);
      return events.length === 2 ? events : undefined;
    });
    expect(mine.map((e) => e.message).sort()).toEqual([
      `Targeted by Chaos Monkey: ChaosMonkeyConfiguration chaosmonkey-${PODS} runs killPod every 1s`,
      `Targeted by Chaos Monkey: ChaosMonkeyConfiguration chaosmonkey-${PODS} runs killPod every 2s`,
    ]);
  });
});

describe('series hygiene (issue 9 point 5)', () => {
  test("a replica that loses the Lease exports none of the leader's gauges", async () => {
    const before = await scrape(replica);
    expect(before.some((s) => s.name === 'chaos_monkey_crdwatcher_pw_active' && s.labels.namespace === NS && s.value > 0)).toBe(true);
    // Another holder takes the Lease: the next renewal finds it and the replica steps down.
    const coordination = world.kc.makeApiClient(CoordinationV1Api);
    const lease = await coordination.readNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE });
    lease.spec = { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60, renewTime: new Date() };
    await coordination.replaceNamespacedLease({ name: 'chaos-monkey-leader', namespace: OPERATOR_NAMESPACE, body: lease });
    await waitFor('the replica to step down', () => !replica.operator.isLeader, 5_000);
    const after = await scrape(replica);
    const leaderOnly = /^chaos_monkey_(crdwatcher_(pw|dw|ah)_active|podwatcher_pods_active|deploymentwatcher_last_scale)$/;
    expect(after.filter((s) => leaderOnly.test(s.name)).map((s) => `${s.name}${JSON.stringify(s.labels)}`)).toEqual([]);
    for (const name of ['chaos_monkey_active_cmcs', 'chaos_monkey_eligible_namespaces', 'chaos_monkey_nswatcher_cmc_active', 'chaos_monkey_leader']) {
      const found = after.filter((s) => s.name === name);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((s) => s.value === 0)).toBe(true);
    }
  });

  test('deleting the namespace removes every series labelled by it', async () => {
    expect((await scrape(replica)).some((s) => s.labels.namespace === NS)).toBe(true);
    await world.core.deleteNamespace({ name: NS });
    const left = await waitFor('no series labelled namespace="target"', async () => ((await scrape(replica)).some((s) => s.labels.namespace === NS) ? undefined : true), 10_000);
    expect(left).toBe(true);
  });
});
