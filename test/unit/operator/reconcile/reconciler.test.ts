/**
 * Reconciler with an in-memory Store, a FakeClock-driven TimerHeap and recording StatusWriter /
 * EventSink doubles: scheduling, idempotence, edits, cancel reasons, lifecycle Events, the next
 * slot booking and the status it writes.
 */
import { describe, expect, test } from '@jest/globals';
import type { ChaosMonkeyConfigurationV1, CmcStatusV1 } from '../../../../api/v1.ts';
import { Reconciler } from '../../../../operator/src/reconcile/reconciler.ts';
import { TimerHeap } from '../../../../operator/src/scheduler/timer-heap.ts';
import { stopVerdict } from '../../../../operator/src/alerts/stop-condition.ts';
import type { StopState } from '../../../../operator/src/ports.ts';
import type { ClusterActions, DeploymentInfo, EventSink, Logger, NamespaceInfo, StatusWriter, Store } from '../../../../operator/src/ports.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { aCmc, aDeployment, aNamespace } from '../../../support/builders.ts';
import type { CmcOverrides } from '../../../support/builders.ts';

const T0 = Date.UTC(2026, 0, 1);

function setup() {
  const clock = new FakeClock(T0);
  const cmcs = new Map<string, ChaosMonkeyConfigurationV1>();
  const namespaces = new Map<string, NamespaceInfo>([['demo', aNamespace({ uid: 'uid-ns-demo' })]]);
  const cache = { fresh: true };
  const store: Store = {
    isFresh: () => cache.fresh,
    getCmc: (ns, name) => cmcs.get(`${ns}/${name}`),
    listCmcs: () => [...cmcs.values()],
    getNamespace: (name) => namespaces.get(name),
    hasSynced: () => true,
  };
  const patches: CmcStatusV1[] = [];
  const status: StatusWriter = {
    patchStatus: async (cmc, _current, next) => {
      patches.push(next);
      cmcs.set(`${cmc.metadata.namespace}/${cmc.metadata.name}`, { ...cmc, status: next }); // the cache catches up
      return true;
    },
  };
  const events: { kind: string; name: string; uid: string | undefined; type: string; reason: string; message: string }[] = [];
  const sink: EventSink = { emit: async (ref, type, reason, message) => void events.push({ kind: ref.kind, name: ref.name, uid: ref.uid, type, reason, message }) };
  /** Deployments getDeployment knows (`demo/web` by default); an Error makes the GET throw. */
  const deployments = new Map<string, DeploymentInfo | Error>([['demo/web', aDeployment()]]);
  const gets: string[] = [];
  const actions: Pick<ClusterActions, 'getDeployment'> = {
    getDeployment: async (ns, name) => {
      gets.push(`${ns}/${name}`);
      const d = deployments.get(`${ns}/${name}`);
      if (d instanceof Error) throw d;
      return d;
    },
  };
  const gone: string[] = [];
  const lines: { level: string; message: string }[] = [];
  const log = (level: string) => (message: string) => void lines.push({ level, message });
  const logger: Logger = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: () => logger };
  const wheel = new TimerHeap({ clock });
  /** What the alert stop condition knows (fail closed). */
  const alerts: { state: StopState } = { state: { state: 'clear' } };
  const reconciler = new Reconciler({
    stopCondition: { verdict: () => stopVerdict(alerts.state, true) },
    store,
    wheel,
    status,
    events: sink,
    clock,
    log: logger,
    metrics: { activeEntries: () => undefined, eligibleNamespaces: () => undefined, targetGone: (ns, dep) => void gone.push(`${ns}/${dep}`) },
    actions,
    behavior: 'AllowAll',
    ownNamespace: 'chaosmonkey',
    targetSelf: false,
  });
  const put = (overrides: CmcOverrides = {}): ChaosMonkeyConfigurationV1 => {
    const cmc = aCmc(overrides);
    cmcs.set(`${cmc.metadata.namespace}/${cmc.metadata.name}`, cmc);
    return cmc;
  };
  return { cache, clock, cmcs, namespaces, patches, events, lines, wheel, reconciler, put, deployments, gets, gone, alerts };
}

describe('Reconciler', () => {
  test('a new valid CMC is scheduled one timeout out, with Started/Added/ChaosMonkeyTarget Events and one status patch', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 30_000);
    expect(s.events.map((e) => `${e.kind} ${e.reason}`)).toEqual(['Namespace Added', 'ChaosMonkeyConfiguration Started', 'Deployment ChaosMonkeyTarget']);
    expect(s.events[2]).toEqual({
      kind: 'Deployment',
      name: 'web',
      uid: 'uid-web',
      type: 'Normal',
      reason: 'ChaosMonkeyTarget',
      message: 'Targeted by Chaos Monkey: ChaosMonkeyConfiguration cmc-1 runs killPod every 30s',
    });
    expect(s.patches).toHaveLength(1);
    expect(s.patches[0]).toMatchObject({ observedGeneration: 1, nextActionAt: '2026-01-01T00:00:30Z' });
    expect(s.patches[0]?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Scheduled' });
  });

  test('reconciling again changes nothing', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    s.clock.advance(5_000);
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 30_000);
    expect(s.patches).toHaveLength(1);
    expect(s.events).toHaveLength(3);
    expect(s.gets).toEqual(['demo/web']);
  });

  test('a timeout edit reschedules at now + new timeout; a mode edit keeps the slot', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    s.clock.advance(10_000);
    s.put({ metadata: { generation: 2 }, spec: { scalingMode: 'randomScale' } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 30_000);
    s.put({ metadata: { generation: 3 }, spec: { timeout: '2m' } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 10_000 + 120_000);
    expect(s.events.filter((e) => e.reason === 'Modified')).toHaveLength(2);
    expect(s.events.filter((e) => e.reason === 'ChaosMonkeyTarget').map((e) => e.message)).toEqual([
      'Targeted by Chaos Monkey: ChaosMonkeyConfiguration cmc-1 runs killPod every 30s',
      'Targeted by Chaos Monkey: ChaosMonkeyConfiguration cmc-1 runs randomScale every 30s',
      'Targeted by Chaos Monkey: ChaosMonkeyConfiguration cmc-1 runs killPod every 2m0s', // each put starts from the default spec
    ]);
  });

  test('ChaosMonkeyTarget: not repeated for an edit that keeps target, mode and period; follows a retarget', async () => {
    const s = setup();
    s.deployments.set('demo/api', aDeployment({ name: 'api', uid: 'uid-api' }));
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    s.put({ metadata: { generation: 2 }, spec: { minReplicas: 2 } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.events.filter((e) => e.reason === 'ChaosMonkeyTarget')).toHaveLength(1);
    s.put({ metadata: { generation: 3 }, spec: { deployment: { name: 'api' } } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.events.filter((e) => e.reason === 'ChaosMonkeyTarget').map((e) => `${e.kind} ${e.name} ${e.uid}`)).toEqual(['Deployment web uid-web', 'Deployment api uid-api']);
    expect(s.gone).toEqual(['demo/web']);
  });

  test.each([
    ['missing', undefined, 'Targeted by Chaos Monkey: ChaosMonkeyConfiguration cmc-1 runs killPod every 30s (Deployment web not found)'],
    ['unreadable', new Error('HTTP 403'), 'Targeted by Chaos Monkey: ChaosMonkeyConfiguration cmc-1 runs killPod every 30s (Deployment web could not be read: HTTP 403)'],
  ] as const)('ChaosMonkeyTarget for a %s Deployment goes on the CMC, with its UID', async (_name, deployment, message) => {
    const s = setup();
    if (deployment === undefined) s.deployments.delete('demo/web');
    else s.deployments.set('demo/web', deployment);
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.events.filter((e) => e.reason === 'ChaosMonkeyTarget')).toEqual([
      { kind: 'ChaosMonkeyConfiguration', name: 'cmc-1', uid: 'uid-cmc-1', type: 'Normal', reason: 'ChaosMonkeyTarget', message },
    ]);
  });

  test.each([
    ['disabled', 'Paused', { spec: { enabled: false } }],
    ['invalid', 'InvalidSpec', { spec: { timeout: 'later' } }],
    ['opted out', 'NamespaceOptedOut', {}],
  ] as const)('%s: cancelled, Ready=False %s', async (name, reason, overrides) => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    if (name === 'opted out') s.namespaces.set('demo', aNamespace({ labels: { 'cm.massix.github.io/namespace': 'false' } }));
    s.put({ ...overrides, metadata: { generation: name === 'opted out' ? 1 : 2 } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.has('uid-cmc-1')).toBe(false);
    expect(s.reconciler.scheduled).toBe(0);
    expect(s.patches.at(-1)?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason });
    expect(s.patches.at(-1)?.nextActionAt).toBeUndefined();
    expect(s.events).toContainEqual(expect.objectContaining({ kind: 'Namespace', reason: 'Deleted', message: 'CRD Watcher deleted for demo' }));
  });

  test('an invalid spec is reported once per generation (error line + Warning Event)', async () => {
    const s = setup();
    s.put({ spec: { minReplicas: 9, maxReplicas: 1 } });
    await s.reconciler.reconcile('demo/cmc-1');
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.events.filter((e) => e.type === 'Warning' && e.reason === 'InvalidSpec')).toHaveLength(1);
    expect(s.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  test('deletion cancels and emits Deleted for the CMC and the namespace', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    s.cmcs.clear();
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.size).toBe(0);
    expect(s.events.slice(-2).map((e) => `${e.kind} ${e.reason} ${e.message} ${e.uid}`)).toEqual([
      'Namespace Deleted CRD Watcher deleted for demo uid-ns-demo',
      'ChaosMonkeyConfiguration Deleted Watcher deleted for deployment web uid-cmc-1',
    ]);
    expect(s.events.find((e) => e.reason === 'Added')?.uid).toBe('uid-ns-demo');
    expect(s.gone).toEqual(['demo/web']);
  });

  test('takeDue books the next slot one period after the due time, or after now when late', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.reconciler.takeDue('uid-cmc-1', T0 + 30_000, T0 + 30_005)).toMatchObject({ namespace: 'demo', name: 'cmc-1' });
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 60_000);
    s.reconciler.takeDue('uid-cmc-1', T0 + 60_000, T0 + 100_000);
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 130_000);
    expect(s.reconciler.takeDue('unknown', T0, T0)).toBeUndefined();
  });

  test('recordOutcome puts lastAction into the next status', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    const due = s.reconciler.takeDue('uid-cmc-1', T0 + 30_000, T0 + 30_000);
    s.clock.advanceTo(T0 + 30_000);
    s.reconciler.recordOutcome(due!, { cmc: undefined, outcome: { namespace: 'demo', cmc: 'cmc-1', mode: 'killPod', result: 'succeeded', target: 'web-abc', reason: 'killed', latenessMs: 0, deployment: 'web', labelSelector: 'app=web', podsSeen: 2 } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.patches.at(-1)).toMatchObject({ lastAction: { mode: 'killPod', target: 'web-abc', result: 'Succeeded' }, nextActionAt: '2026-01-01T00:01:00Z' });
  });

  test('a stale cache makes recheck skip with problem CacheStale; recorded, it becomes the Ready reason', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    const due = s.reconciler.takeDue('uid-cmc-1', T0 + 30_000, T0 + 30_000);
    expect(s.reconciler.recheck(due!)).toMatchObject({ kind: 'act' });
    s.cache.fresh = false;
    const check = s.reconciler.recheck(due!);
    expect(check).toMatchObject({ kind: 'skip', problem: 'CacheStale' });
    s.clock.advanceTo(T0 + 30_000);
    const reason = check.kind === 'skip' ? check.reason : '';
    s.reconciler.recordOutcome(due!, { cmc: undefined, problem: 'CacheStale', outcome: { namespace: 'demo', cmc: 'cmc-1', deployment: 'web', mode: 'killPod', labelSelector: null, podsSeen: null, result: 'skipped', reason, latenessMs: 0 } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.patches.at(-1)?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'CacheStale' });
    expect(s.patches.at(-1)?.lastAction).toMatchObject({ result: 'Skipped' });
  });

  test('the alert stop condition makes recheck skip (StopCondition / StopConditionUnknown) and shows as Blocked until it clears', async () => {
    const s = setup();
    s.put();
    await s.reconciler.reconcile('demo/cmc-1');
    const due = s.reconciler.takeDue('uid-cmc-1', T0 + 30_000, T0 + 30_000);
    s.alerts.state = { state: 'firing', alert: 'PaymentsDown' };
    const check = s.reconciler.recheck(due!);
    expect(check).toMatchObject({ kind: 'skip', problem: 'StopCondition', reason: expect.stringContaining('alert PaymentsDown is firing') as unknown });
    const reason = check.kind === 'skip' ? check.reason : '';
    s.reconciler.recordOutcome(due!, { cmc: undefined, problem: 'StopCondition', outcome: { namespace: 'demo', cmc: 'cmc-1', deployment: 'web', mode: 'killPod', labelSelector: null, podsSeen: null, result: 'skipped', reason, latenessMs: 0 } });
    await s.reconciler.reconcile('demo/cmc-1');
    const conditions = (): CmcStatusV1['conditions'] => s.patches.at(-1)?.conditions;
    expect(conditions()?.find((c) => c.type === 'Blocked')).toMatchObject({ status: 'True', reason: 'StopCondition', message: expect.stringContaining('PaymentsDown') as unknown });
    expect(conditions()?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'StopCondition' });
    s.alerts.state = { state: 'unknown', why: 'Alertmanager unreachable: ECONNREFUSED' };
    expect(s.reconciler.recheck(due!)).toMatchObject({ kind: 'skip', problem: 'StopConditionUnknown' });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(conditions()?.find((c) => c.type === 'Blocked')).toMatchObject({ status: 'True', reason: 'StopConditionUnknown' });
    s.alerts.state = { state: 'clear' };
    expect(s.reconciler.recheck(due!)).toMatchObject({ kind: 'act' });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(conditions()?.find((c) => c.type === 'Blocked')).toMatchObject({ status: 'False', reason: 'None' });
  });

  test('a reconcile whose leadership term ended writes neither status nor Events', async () => {
    const s = setup();
    s.put();
    const term = new AbortController();
    term.abort();
    await s.reconciler.reconcile('demo/cmc-1', term.signal);
    expect(s.patches).toEqual([]);
    expect(s.events.filter((e) => e.kind === 'ChaosMonkeyConfiguration')).toEqual([]);
  });

  test("resumes a previous leader's nextActionAt for the same generation", async () => {
    const s = setup();
    s.put({ status: { observedGeneration: 1, nextActionAt: '2026-01-01T00:00:12Z' } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 12_000);
  });
});

describe('spec.schedule (issue 12) in the reconciler', () => {
  // T0 is Thursday 2026-01-01 00:00 UTC.
  test('recheck at fire time: a slot that fires inside an excluded window is blocked (OutsideWindow), not acted on, and lastAction is kept', async () => {
    const s = setup();
    s.put({ spec: { timeout: '30s' } });
    await s.reconciler.reconcile('demo/cmc-1');
    const due = s.reconciler.takeDue('uid-cmc-1', T0 + 30_000, T0 + 30_000);
    // The window is added while the slot is on its way (the cache already has it).
    s.put({ spec: { timeout: '30s', schedule: { excludedTimesOfDay: ['00:00-00:05'] } } });
    s.clock.advanceTo(T0 + 30_000);
    const check = s.reconciler.recheck(due!);
    expect(check).toMatchObject({ kind: 'skip', problem: 'OutsideWindow', blocked: true });
    expect(check.kind === 'skip' && check.reason).toBe('outside the allowed time of spec.schedule (time zone UTC) until 2026-01-01T00:05:00Z: next action at 2026-01-01T00:05:00Z');
    s.reconciler.recordOutcome(due!, { cmc: undefined, problem: 'OutsideWindow', outcome: { namespace: 'demo', cmc: 'cmc-1', deployment: 'web', mode: 'killPod', labelSelector: null, podsSeen: null, result: 'blocked', reason: 'x', latenessMs: 0 } });
    await s.reconciler.reconcile('demo/cmc-1');
    const last = s.patches.at(-1);
    expect(last?.lastAction).toBeUndefined();
    expect(last?.conditions?.find((c) => c.type === 'Blocked')).toMatchObject({ status: 'True', reason: 'OutsideWindow' });
    // The edit rescheduled at once: the first grid slot after the window.
    expect(last?.nextActionAt).toBe('2026-01-01T00:05:00Z');
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(T0 + 5 * 60_000); // grid now + k x 30s
  });

  test('takeDue books the next allowed cron time (windows skipped), on the one shared wheel', async () => {
    const s = setup();
    s.put({ spec: { timeout: undefined, schedule: { cron: '0 * * * *', excludedWeekdays: ['Sat', 'Sun'], excludedTimesOfDay: ['18:00-08:00'] } } });
    await s.reconciler.reconcile('demo/cmc-1');
    expect(s.wheel.dueAt('uid-cmc-1')).toBe(Date.parse('2026-01-01T08:00:00Z'));
    const fri = Date.parse('2026-01-02T17:00:00Z');
    s.reconciler.takeDue('uid-cmc-1', fri, fri);
    expect(new Date(s.wheel.dueAt('uid-cmc-1')!).toISOString()).toBe('2026-01-05T08:00:00.000Z'); // Monday morning
    // One shared wheel: the slot, and the re-check at the next window boundary (armed at the reconcile, at T0 inside the night: its end).
    expect(s.wheel.size).toBe(2);
    expect(new Date(s.wheel.dueAt('window/uid-cmc-1')!).toISOString()).toBe('2026-01-01T08:00:00.000Z');
    s.clock.advanceTo(Date.parse('2026-01-01T08:00:00Z'));
    await s.reconciler.reconcile('demo/cmc-1');
    expect(new Date(s.wheel.dueAt('window/uid-cmc-1')!).toISOString()).toBe('2026-01-01T18:00:00.000Z'); // then the next start
    expect(s.events.find((e) => e.reason === 'ChaosMonkeyTarget')?.message).toBe('Targeted by Chaos Monkey: ChaosMonkeyConfiguration cmc-1 runs killPod on cron 0 * * * * (UTC)');
  });
});

describe('daylight saving time on the fake clock: the shared wheel fires the slots spec.schedule gives', () => {
  /** Starts at `startIso`, schedules the CMC and records every slot the wheel fires until `untilIso`. */
  async function fired(spec: Record<string, unknown>, startIso: string, untilIso: string): Promise<string[]> {
    const s = setup();
    s.clock.advanceTo(Date.parse(startIso));
    s.put({ spec });
    await s.reconciler.reconcile('demo/cmc-1');
    const out: string[] = [];
    s.wheel.onDue((id, dueAt, firedAt) => {
      if (id.startsWith('window/')) return;
      out.push(new Date(dueAt).toISOString().replace('.000Z', 'Z'));
      s.reconciler.takeDue(id, dueAt, firedAt);
    });
    s.clock.advanceTo(Date.parse(untilIso));
    return out;
  }

  test('Europe/Rome spring forward: 0 2 * * * runs at 03:00 CEST on 2026-03-29 (02:00 does not exist), then 02:00 CEST', async () => {
    expect(await fired({ timeout: undefined, schedule: { cron: '0 2 * * *', timeZone: 'Europe/Rome' } }, '2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z')).toEqual(['2026-03-28T01:00:00Z', '2026-03-29T01:00:00Z', '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z']);
  });

  test('Europe/Rome fall back: 30 2 * * * runs once on 2026-10-25 (02:30 happens twice)', async () => {
    expect(await fired({ timeout: undefined, schedule: { cron: '30 2 * * *', timeZone: 'Europe/Rome' } }, '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z')).toEqual(['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']);
  });

  test('America/New_York spring forward and fall back: 0 2 * * * on 2026-03-08, 30 1 * * * once on 2026-11-01', async () => {
    expect(await fired({ timeout: undefined, schedule: { cron: '0 2 * * *', timeZone: 'America/New_York' } }, '2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z')).toEqual(['2026-03-08T07:00:00Z', '2026-03-09T06:00:00Z']);
    expect(await fired({ timeout: undefined, schedule: { cron: '30 1 * * *', timeZone: 'America/New_York' } }, '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z')).toEqual(['2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']);
  });

  test('@every keeps fixed 90-minute steps through the New York fall-back night', async () => {
    const slots = await fired({ timeout: undefined, schedule: { cron: '@every 90m', timeZone: 'America/New_York' } }, '2026-11-01T03:00:00Z', '2026-11-01T09:00:00Z');
    expect(slots).toEqual(['2026-11-01T04:30:00Z', '2026-11-01T06:00:00Z', '2026-11-01T07:30:00Z', '2026-11-01T09:00:00Z']);
  });

  test('a timeout grid with a night window across the Rome fall-back night: no slot inside, the first one after 07:00 CET on the grid', async () => {
    const slots = await fired({ timeout: '40m', schedule: { timeZone: 'Europe/Rome', excludedTimesOfDay: ['23:00-07:00'] } }, '2026-10-24T19:30:00Z', '2026-10-25T07:00:00Z');
    // 21:30 CEST + k x 40 min: 22:10, 22:50 CEST run; 23:30 CEST .. 06:30 CET are skipped (9 h of absolute time); 07:10 CET = 06:10Z.
    expect(slots).toEqual(['2026-10-24T20:10:00Z', '2026-10-24T20:50:00Z', '2026-10-25T06:10:00Z', '2026-10-25T06:50:00Z']);
  });

  test('a New York window across the spring-forward night ends at the first moment after the gap when its end does not exist', async () => {
    const slots = await fired({ timeout: undefined, schedule: { cron: '*/30 * * * *', timeZone: 'America/New_York', excludedTimesOfDay: ['01:00-02:30'] } }, '2026-03-08T05:20:00Z', '2026-03-08T08:10:00Z');
    // 00:30 EST runs; 01:00, 01:30 EST skipped; 02:00-02:59 do not exist; 03:00 EDT (07:00Z) is the first allowed time.
    expect(slots).toEqual(['2026-03-08T05:30:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:30:00Z', '2026-03-08T08:00:00Z']);
  });
});
