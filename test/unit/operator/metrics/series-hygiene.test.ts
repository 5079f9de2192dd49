/**
 * Series hygiene (issue 9 point 5): a follower exports none of the leader's gauges, and series
 * labelled by a namespace or a target go away with it, so the number of series returns to its
 * baseline after 1,000 namespaces were created, used and deleted. Driven with the calls the
 * operator makes (operator.ts, reconciler.ts, runner.ts), rendered by the real registry.
 */
import { describe, expect, test } from '@jest/globals';
import { OperatorMetrics } from '../../../../operator/src/metrics/registry.ts';
import type { ActionOutcome, KillPodOutcome } from '../../../../operator/src/ports.ts';

const fresh = (): OperatorMetrics => new OperatorMetrics({ rootNamespace: 'chaosmonkey', behavior: 'AllowAll', defaultMetrics: false });

/** Sample lines (not comments) of a text exposition. */
async function seriesOf(m: OperatorMetrics): Promise<string[]> {
  return (await m.render()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

const base = (namespace: string, deployment: string) => ({ namespace, cmc: `cmc-${deployment}`, reason: 'r', latenessMs: 3, deployment });
const kill = (ns: string, dep: string, labelSelector = `app=${dep}`): KillPodOutcome => ({ ...base(ns, dep), mode: 'killPod', result: 'succeeded', labelSelector, podsSeen: 3 });
const scale = (ns: string, dep: string): ActionOutcome => ({ ...base(ns, dep), mode: 'randomScale', result: 'succeeded', replicas: 2 });
const pressure = (ns: string, dep: string): ActionOutcome => ({ ...base(ns, dep), mode: 'antiPressure', result: 'succeeded', selector: `app=${dep}`, cpuCores: 0.5 });

/** One namespace's life as the operator reports it: created, three CMCs scheduled and acting, deleted. */
function liveAndDie(m: OperatorMetrics, ns: string): void {
  m.watchEvent('namespace', 'add', ns, 4);
  for (let i = 0; i < 3; i += 1) m.watchEvent('cmc', 'add', ns, 9);
  m.activeEntries(ns, 'killPod', 1);
  m.activeEntries(ns, 'randomScale', 1);
  m.activeEntries(ns, 'antiPressure', 1);
  m.eligibleNamespaces(1);
  m.actionDone(kill(ns, 'pods'));
  m.actionDone(scale(ns, 'scale'));
  m.actionDone(pressure(ns, 'pressure'));
  m.watchEvent('namespace', 'modify', ns, 4); // deletion starts (Terminating)
  // The namespace may go before the CMCs are reconciled away; late CMC events and unscheduling follow.
  m.watchEvent('namespace', 'delete', ns, 4);
  for (let i = 0; i < 3; i += 1) m.watchEvent('cmc', 'delete', ns, 9);
  m.activeEntries(ns, 'killPod', 0);
  m.activeEntries(ns, 'randomScale', 0);
  m.activeEntries(ns, 'antiPressure', 0);
  m.eligibleNamespaces(0);
  m.actionDone(kill(ns, 'pods')); // an action that was in flight when the namespace went
}

describe('series hygiene', () => {
  test('after 1,000 namespaces are created, used and deleted, the number of series returns to its baseline', async () => {
    const m = fresh();
    m.leader(true);
    liveAndDie(m, 'warm-up'); // the label-less and per-mode series that exist once anything happened
    const baseline = await seriesOf(m);
    let peak = 0;
    for (let i = 0; i < 1_000; i += 1) {
      const ns = `ns-${i}`;
      m.watchEvent('namespace', 'add', ns, 4);
      m.actionDone(kill(ns, 'pods'));
      m.actionDone(scale(ns, 'scale'));
      m.actionDone(pressure(ns, 'pressure'));
      m.activeEntries(ns, 'killPod', 1);
      if (i === 999) peak = (await seriesOf(m)).length;
    }
    expect(peak).toBeGreaterThan(baseline.length + 1_000 * 20);
    for (let i = 0; i < 1_000; i += 1) liveAndDie(m, `ns-${i}`);
    const after = await seriesOf(m);
    expect(after.filter((l) => /namespace="ns-/.test(l))).toEqual([]);
    expect(after.length).toBe(baseline.length);
  });

  test('a namespace created again under the same name gets its series again', async () => {
    const m = fresh();
    liveAndDie(m, 'demo');
    m.watchEvent('namespace', 'add', 'demo', 4);
    m.actionDone(kill('demo', 'pods'));
    expect((await seriesOf(m)).filter((l) => l.startsWith('chaos_monkey_podwatcher_pods_killed{'))).toEqual([
      'chaos_monkey_podwatcher_pods_killed{namespace="demo",label_selector="app=pods"} 1',
    ]);
  });

  test('targetGone removes the series labelled by the Deployment and by a selector no other target uses', async () => {
    const m = fresh();
    m.actionDone(kill('demo', 'web'));
    m.actionDone(scale('demo', 'web'));
    m.actionDone(kill('demo', 'api'));
    m.actionDone(kill('demo', 'twin', 'app=api')); // same selector as api
    m.targetGone('demo', 'web');
    m.targetGone('demo', 'twin');
    const series = await seriesOf(m);
    expect(series.filter((l) => l.includes('deployment="web"') || l.includes('label_selector="app=web"'))).toEqual([]);
    expect(series).toContain('chaos_monkey_podwatcher_pods_killed{namespace="demo",label_selector="app=api"} 2');
    m.targetGone('demo', 'api');
    expect((await seriesOf(m)).filter((l) => l.includes('namespace="demo"') && !l.startsWith('chaos_monkey_crdwatcher'))).toEqual([]);
  });

  test("stepping down resets the leader's gauges; a new term rebuilds them from zero", async () => {
    const m = fresh();
    m.leader(true);
    m.activeEntries('a', 'killPod', 2);
    m.activeEntries('b', 'randomScale', 1);
    m.eligibleNamespaces(2);
    m.actionDone(kill('a', 'web'));
    m.actionDone(scale('b', 'web'));
    m.leader(false);
    m.actionDone(kill('a', 'web')); // actions that were running when the Lease was lost
    m.actionDone(scale('b', 'web'));
    const follower = await seriesOf(m);
    expect(follower.filter((l) => /^chaos_monkey_crdwatcher_(pw|dw|ah)_active\{|^chaos_monkey_podwatcher_pods_active\{|^chaos_monkey_deploymentwatcher_last_scale\{/.test(l))).toEqual([]);
    for (const line of ['chaos_monkey_leader 0', 'chaos_monkey_eligible_namespaces 0', 'chaos_monkey_active_cmcs{mode="killPod"} 0', 'chaos_monkey_active_cmcs{mode="randomScale"} 0']) {
      expect(follower).toContain(line);
    }
    expect(follower).toContain('chaos_monkey_nswatcher_cmc_active{root_namespace="chaosmonkey",behavior="ALLOWALL"} 0');
    m.leader(true);
    m.activeEntries('a', 'killPod', 1);
    const leader = await seriesOf(m);
    expect(leader).toContain('chaos_monkey_active_cmcs{mode="killPod"} 1');
    expect(leader).toContain('chaos_monkey_crdwatcher_pw_active{namespace="a"} 1');
  });
});
