/**
 * ChaosRunner against in-memory port doubles (no client-node involved): every branch turns into
 * an outcome, a log line, metrics and the right Event; nothing throws.
 */
import { describe, expect, test } from '@jest/globals';
import { ChaosRunner } from '../../../../operator/src/chaos/runner.ts';
import type { DueEntry, Recheck } from '../../../../operator/src/chaos/runner.ts';
import { ForbiddenError, MetricsUnavailableError, NotFoundError } from '../../../../operator/src/errors.ts';
import type { ActionOutcome, ClusterActions, DeploymentInfo, EventSink, Logger, ObjectRef, PodCpu, PodInfo } from '../../../../operator/src/ports.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { FixedRandom } from '../../../support/fixed-random.ts';
import { aCmc, aDeployment, aPod, somePods } from '../../../support/builders.ts';

interface World {
  runner: ChaosRunner;
  events: { ref: ObjectRef; type: string; reason: string; message: string }[];
  outcomes: ActionOutcome[];
  /** targetGone calls, as namespace/deployment. */
  gone: string[];
  lines: { level: string; message: string; meta: Record<string, unknown> }[];
  calls: string[];
  clock: FakeClock;
  /** Options of each mutating call (DELETE pod, PATCH scale). */
  mutations: { uid?: string | undefined; signal?: AbortSignal | undefined }[];
  lease: { held: boolean };
  /** DELETEs in flight now and at most. */
  deletes: { live: number; max: number };
}

interface Cluster {
  deployment?: DeploymentInfo | undefined;
  pods?: PodInfo[];
  cpu?: PodCpu[] | Error;
  deleteError?: Error;
  scaleError?: Error;
  /** Answer of evictPod (default 'evicted'). */
  evict?: Awaited<ReturnType<ClusterActions['evictPod']>>;
  /** Answer of evictPod per pod name (overrides `evict`). */
  evictByName?: Record<string, Awaited<ReturnType<ClusterActions['evictPod']>>>;
  /** canEvict option of the runner (default: absent = allowed). */
  canEvict?: boolean;
  /** getDeployment waits for it (to hold an action in flight). */
  gate?: Promise<void>;
  /** Pods whose DELETE answers 404 (already gone behind the operator's back): deletePod resolves false. */
  goneNames?: string[];
  /** Each deletePod waits for it (to observe how many run at once). */
  deleteGate?: () => Promise<void>;
}

function world(cluster: Cluster, recheck?: Recheck): World {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const events: World['events'] = [];
  const outcomes: ActionOutcome[] = [];
  const gone: string[] = [];
  const lines: World['lines'] = [];
  const calls: string[] = [];
  const mutations: World['mutations'] = [];
  const lease = { held: true };
  const deletes = { live: 0, max: 0 };
  const actions: ClusterActions = {
    getDeployment: async (ns, name) => {
      calls.push(`get ${ns}/${name}`);
      await cluster.gate;
      return cluster.deployment;
    },
    listPods: async (ns) => (calls.push(`list ${ns}`), cluster.pods ?? []),
    deletePod: async (ns, name, grace, options) => {
      calls.push(`delete ${ns}/${name} grace=${grace}`);
      mutations.push({ uid: options?.uid, signal: options?.signal });
      deletes.live++;
      deletes.max = Math.max(deletes.max, deletes.live);
      try {
        await cluster.deleteGate?.();
      } finally {
        deletes.live--;
      }
      if (cluster.deleteError !== undefined) throw cluster.deleteError;
      return !(cluster.goneNames ?? []).includes(name);
    },
    evictPod: async (ns, name, uid, grace, options) => {
      calls.push(`evict ${ns}/${name} grace=${grace}`);
      mutations.push({ uid, signal: options?.signal });
      return cluster.evictByName?.[name] ?? cluster.evict ?? 'evicted';
    },
    scaleDeployment: async (ns, name, replicas, options) => {
      mutations.push({ signal: options?.signal });
      calls.push(`scale ${ns}/${name} ${replicas}`);
      if (cluster.scaleError !== undefined) throw cluster.scaleError;
      return { replicas, uid: 'uid-web' };
    },
    podCpu: async (ns) => {
      calls.push(`metrics ${ns}`);
      if (cluster.cpu instanceof Error) throw cluster.cpu;
      return cluster.cpu ?? [];
    },
  };
  const sink: EventSink = { emit: async (ref, type, reason, message) => void events.push({ ref, type, reason, message }) };
  const log = (level: string) => (message: string, meta: Record<string, unknown> = {}) => void lines.push({ level, message, meta });
  const logger: Logger = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: () => logger };
  const cmc = aCmc();
  const runner = new ChaosRunner({
    actions,
    events: sink,
    random: new FixedRandom([0]),
    clock,
    log: logger,
    metrics: { actionDone: (o) => void outcomes.push(o), targetGone: (ns, dep) => void gone.push(`${ns}/${dep}`) },
    killGraceSeconds: 7,
    recheck: () => recheck ?? { kind: 'act', cmc, spec: cmc.spec },
    holdsLease: () => lease.held,
    ...(cluster.canEvict !== undefined ? { canEvict: () => cluster.canEvict === true } : {}),
  });
  return { runner, events, outcomes, gone, lines, calls, clock, mutations, lease, deletes };
}

const entry = (clock: FakeClock, lateMs = 0): DueEntry => ({
  uid: 'uid-cmc-1',
  namespace: 'demo',
  name: 'cmc-1',
  mode: 'killPod',
  deployment: 'web',
  dueAt: clock.now() - lateMs,
  firedAt: clock.now(),
});
const specOf = (overrides: Record<string, unknown>): Recheck => {
  const cmc = aCmc({ spec: overrides });
  return { kind: 'act', cmc, spec: cmc.spec };
};

describe('ChaosRunner', () => {
  test('killPod: GET + LIST + DELETE with the configured grace, the seed Event on the pod, one info line', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(3) });
    const { outcome, problem } = await w.runner.run(entry(w.clock, 12));
    expect(w.calls).toEqual(['get demo/web', 'list demo', 'delete demo/web-0 grace=7']);
    expect(outcome).toMatchObject({ result: 'succeeded', mode: 'killPod', target: 'web-0', latenessMs: 12, deployment: 'web', labelSelector: 'app=web', podsSeen: 3 });
    expect(problem).toBeUndefined();
    expect(w.events).toEqual([{ ref: expect.objectContaining({ kind: 'Pod', name: 'web-0' }), type: 'Normal', reason: 'ChaosMonkeyTarget', message: 'Pod got killed by Chaos Monkey' }]);
    expect(w.lines).toEqual([{ level: 'info', message: 'chaos action', meta: expect.objectContaining({ namespace: 'demo', cmc: 'cmc-1', mode: 'killPod', target: 'web-0', result: 'succeeded' }) }]);
    expect(w.outcomes).toHaveLength(1);
  });

  test('killPod with the target missing: Warning TargetMissing, skipped, no DELETE', async () => {
    const w = world({ deployment: undefined });
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome.result).toBe('skipped');
    expect(problem).toBe('TargetMissing');
    expect(w.calls).toEqual(['get demo/web']);
    expect(w.events[0]).toMatchObject({ type: 'Warning', reason: 'TargetMissing', ref: { kind: 'ChaosMonkeyConfiguration', name: 'cmc-1' } });
    expect(outcome).toMatchObject({ mode: 'killPod', deployment: 'web', labelSelector: null, podsSeen: null });
    expect(w.gone).toEqual(['demo/web']);
  });

  test('a refused DELETE: Warning ActionFailed, failed outcome, warn line', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(2), deleteError: new ForbiddenError('delete pod demo/web-0: HTTP 403: forbidden') });
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome.result).toBe('failed');
    expect(problem).toBe('ActionFailed');
    expect(outcome.reason).toMatch(/CM_ERR_FORBIDDEN/);
    expect(w.events[0]).toMatchObject({ type: 'Warning', reason: 'ActionFailed' });
    expect(w.lines[0]?.level).toBe('warn');
  });

  describe('killMethod evict', () => {
    test('killPod evicts (POST eviction with the CMC grace and the pod UID) instead of deleting; the seed Event on the pod', async () => {
      const w = world({ deployment: aDeployment(), pods: somePods(3) }, specOf({ killMethod: 'evict', gracePeriodSeconds: 3 }));
      const { outcome, problem } = await w.runner.run(entry(w.clock));
      expect(w.calls).toEqual(['get demo/web', 'list demo', 'evict demo/web-0 grace=3']);
      expect(w.mutations[0]?.uid).toBe(somePods(3)[0]?.uid);
      expect(outcome).toMatchObject({ result: 'succeeded', target: 'web-0' });
      expect(problem).toBeUndefined();
      expect(w.events).toEqual([expect.objectContaining({ type: 'Normal', reason: 'ChaosMonkeyTarget', ref: expect.objectContaining({ kind: 'Pod', name: 'web-0' }) })]);
    });

    test('a 429 of a budget: blocked with problem DisruptionBudget and a Warning Event on the CMC naming the PDB', async () => {
      const w = world({ deployment: aDeployment(), pods: somePods(2), evict: { blocked: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently', pdb: 'web-pdb' } }, specOf({ killMethod: 'evict' }));
      const { outcome, problem } = await w.runner.run(entry(w.clock));
      expect(outcome.result).toBe('blocked');
      expect(problem).toBe('DisruptionBudget');
      expect(outcome.reason).toContain('PodDisruptionBudget web-pdb');
      expect(w.events).toEqual([{ ref: expect.objectContaining({ kind: 'ChaosMonkeyConfiguration', name: 'cmc-1' }), type: 'Warning', reason: 'DisruptionBudget', message: expect.stringContaining('web-pdb needs 2 healthy pods') }]);
      expect(w.lines[0]).toMatchObject({ level: 'info', message: 'chaos action blocked' });
    });

    test('antiPressure evicts the busiest pod', async () => {
      const pods = somePods(3);
      const w = world({ deployment: aDeployment(), pods, cpu: pods.map((p, i) => ({ name: p.name, cpuNanoCores: (i + 1) * 1e8 })) }, specOf({ scalingMode: 'antiPressure', minReplicas: 1, killMethod: 'evict' }));
      const { outcome } = await w.runner.run(entry(w.clock));
      expect(w.calls.at(-1)).toBe('evict demo/web-2 grace=7');
      expect(outcome.result).toBe('succeeded');
    });

    test('an already gone pod is skipped; a dry run sends nothing', async () => {
      const gone = world({ deployment: aDeployment(), pods: somePods(1), evict: 'gone' }, specOf({ killMethod: 'evict' }));
      expect((await gone.runner.run(entry(gone.clock))).outcome.result).toBe('skipped');
      const dry = world({ deployment: aDeployment(), pods: somePods(1) }, specOf({ killMethod: 'evict', dryRun: true }));
      const { outcome } = await dry.runner.run(entry(dry.clock));
      expect(outcome.result).toBe('dry_run');
      expect(outcome.reason).toContain('would evict pod web-0');
      expect(dry.mutations).toEqual([]);
    });

    test('without create on pods/eviction: blocked EvictionForbidden, nothing sent (no DELETE fallback)', async () => {
      const w = world({ deployment: aDeployment(), pods: somePods(2), canEvict: false }, specOf({ killMethod: 'evict' }));
      const { outcome, problem } = await w.runner.run(entry(w.clock));
      expect(outcome.result).toBe('blocked');
      expect(problem).toBe('EvictionForbidden');
      expect(w.mutations).toEqual([]);
      expect(w.calls).toEqual(['get demo/web', 'list demo']);
    });
  });

  test('randomScale: one PATCH, no read, the seed Event on the Deployment', async () => {
    const w = world({}, specOf({ scalingMode: 'randomScale', minReplicas: 2, maxReplicas: 5 }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(w.calls).toEqual(['scale demo/web 2']);
    expect(outcome).toMatchObject({ result: 'succeeded', mode: 'randomScale', replicas: 2, target: 'web', deployment: 'web' });
    expect(w.events).toEqual([{ ref: expect.objectContaining({ kind: 'Deployment', name: 'web', uid: 'uid-web' }), type: 'Normal', reason: 'ChaosMonkey', message: 'Converted to 2 replicas' }]);
  });

  test('randomScale on a missing Deployment (404 on the scale PATCH): TargetMissing', async () => {
    const w = world({ scaleError: new NotFoundError('scale: HTTP 404') }, specOf({ scalingMode: 'randomScale' }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome.result).toBe('skipped');
    expect(problem).toBe('TargetMissing');
  });

  test('antiPressure: kills the busiest running pod and reports its CPU in cores', async () => {
    const pods = somePods(3);
    const w = world({ deployment: aDeployment(), pods, cpu: [{ name: 'web-0', cpuNanoCores: 1e8 }, { name: 'web-2', cpuNanoCores: 25e7 }] }, specOf({ scalingMode: 'antiPressure', minReplicas: 1 }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(w.calls).toEqual(['get demo/web', 'list demo', 'metrics demo', 'delete demo/web-2 grace=7']);
    expect(outcome).toMatchObject({ result: 'succeeded', mode: 'antiPressure', target: 'web-2', cpuCores: 0.25, deployment: 'web', selector: 'app=web' });
  });

  test('antiPressure at minReplicas: skipped before reading metrics', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(2) }, specOf({ scalingMode: 'antiPressure', minReplicas: 2 }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(outcome).toMatchObject({ result: 'skipped', mode: 'antiPressure', selector: 'app=web', cpuCores: null });
    expect(w.calls).toEqual(['get demo/web', 'list demo']);
    expect(w.events).toEqual([]);
  });

  test('antiPressure without a metrics API: Warning NoMetrics, skipped', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(3), cpu: new MetricsUnavailableError('no metrics.k8s.io') }, specOf({ scalingMode: 'antiPressure', minReplicas: 0 }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome.result).toBe('skipped');
    expect(problem).toBe('NoMetrics');
    expect(w.events[0]).toMatchObject({ type: 'Warning', reason: 'NoMetrics' });
  });

  test('a recheck that fails skips without any request', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(3) }, { kind: 'skip', reason: 'spec.enabled is false' });
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(outcome).toMatchObject({ result: 'skipped', reason: 'spec.enabled is false', mode: 'killPod', deployment: 'web', labelSelector: null, podsSeen: null });
    expect(w.calls).toEqual([]);
    expect(w.lines[0]?.message).toBe('chaos action skipped');
  });

  test('a slot firing while the previous action of the same CMC runs is skipped', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const w = world({ deployment: aDeployment(), pods: somePods(3), gate });
    const slow = w.runner.run(entry(w.clock));
    expect(w.runner.inFlight).toBe(1);
    const overlapping = await w.runner.run(entry(w.clock));
    expect(overlapping.outcome).toMatchObject({ result: 'skipped', reason: 'the previous action of this CMC is still running' });
    release();
    expect((await slow).outcome.result).toBe('succeeded');
    expect(w.runner.inFlight).toBe(0);
    expect(w.calls.filter((c) => c.startsWith('delete'))).toHaveLength(1);
  });

  describe('fail closed', () => {
    test('DELETE carries the victim UID (preconditions.uid) and the term signal', async () => {
      const w = world({ deployment: aDeployment(), pods: somePods(3) });
      const term = new AbortController();
      await w.runner.run(entry(w.clock), term.signal);
      expect(w.mutations).toEqual([{ uid: 'uid-web-0', signal: term.signal }]);
    });

    test('term ended while the action was reading: no DELETE, no Event, skipped NotLeader', async () => {
      let open: () => void = () => undefined;
      const gate = new Promise<void>((r) => (open = r));
      const w = world({ deployment: aDeployment(), pods: somePods(3), gate });
      const term = new AbortController();
      const running = w.runner.run(entry(w.clock), term.signal);
      term.abort();
      open();
      const { outcome, problem } = await running;
      expect(w.calls).toEqual(['get demo/web', 'list demo']);
      expect(problem).toBe('NotLeader');
      expect(outcome).toMatchObject({ result: 'skipped', reason: 'leadership lost before deleting pod web-0: request not sent' });
      expect(w.events).toEqual([]);
    });

    test('lease no longer held right before PATCH scale (renew deadline passed): nothing sent', async () => {
      const w = world({}, specOf({ scalingMode: 'randomScale' }));
      w.lease.held = false;
      const { problem } = await w.runner.run(entry(w.clock), new AbortController().signal);
      expect(problem).toBe('NotLeader');
      expect(w.calls).toEqual([]);
    });

    test('a CacheStale skip from the recheck is logged at debug only (the store logs once per period)', async () => {
      const w = world({}, { kind: 'skip', reason: 'CacheStale: a watch is down', problem: 'CacheStale' });
      const { outcome, problem } = await w.runner.run(entry(w.clock));
      expect(problem).toBe('CacheStale');
      expect(outcome.result).toBe('skipped');
      expect(w.lines.map((l) => l.level)).toEqual(['debug']);
      expect(w.calls).toEqual([]);
    });
  });
});

describe('ChaosRunner with spec.guard (issue 11 point 4)', () => {
  const MINUTE = 60_000;
  /** Pods web-0..web-<n-1> created `ageMs` before the fake clock's now. */
  const agedPods = (w: World, count: number, ageMs: number): PodInfo[] => somePods(count, { creationTimestamp: w.clock.now() - ageMs });

  test('killPod: minAvailable blocks before the DELETE, numbers in the reason, problem GuardNotMet, no Event', async () => {
    const pods = [...somePods(2), ...somePods(1, { name: 'cold', ready: false })];
    const w = world({ deployment: aDeployment(), pods }, specOf({ guard: { minAvailable: 2, skipDuringRollout: false } }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome).toMatchObject({ result: 'blocked', mode: 'killPod', target: 'web-0', podsSeen: 3 });
    expect(outcome.reason).toBe('guard minAvailable: 2 of 3 desired pods are ready, 1 would be after killing web-0, below minAvailable 2');
    expect(problem).toBe('GuardNotMet');
    expect(w.calls).toEqual(['get demo/web', 'list demo']);
    expect(w.events).toEqual([]);
    expect(w.lines).toEqual([{ level: 'info', message: 'chaos action blocked', meta: expect.objectContaining({ result: 'blocked' }) }]);
  });

  test('killPod: a guard that passes acts (old enough pods, enough ready, no rollout)', async () => {
    const probe = world({});
    const pods = [...agedPods(probe, 2, 10 * MINUTE), aPod({ name: 'young', creationTimestamp: probe.clock.now() - MINUTE })];
    const w2 = world({ deployment: aDeployment(), pods }, specOf({ guard: { minAvailable: '50%', minPodAge: '5m' } }));
    const { outcome, problem } = await w2.runner.run(entry(w2.clock));
    expect(problem).toBeUndefined();
    expect(outcome).toMatchObject({ result: 'succeeded', target: 'web-0', reason: 'killed one of 2 pods, chosen uniformly at random' });
    expect(w2.calls).toEqual(['get demo/web', 'list demo', 'delete demo/web-0 grace=7']);
  });

  test('killPod: minPodAge with every pod younger blocks ("all N pods are younger than X")', async () => {
    const probe = world({});
    const w = world({ deployment: aDeployment(), pods: agedPods(probe, 3, 30_000) }, specOf({ guard: { minPodAge: '1m' } }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome).toMatchObject({ result: 'blocked', target: 'web', reason: 'guard minPodAge: all 3 pods are younger than 1m' });
    expect(problem).toBe('GuardNotMet');
    expect(w.calls).toEqual(['get demo/web', 'list demo']);
  });

  test('killPod: skipDuringRollout defaults to true once guard is set', async () => {
    const w = world({ deployment: aDeployment({ generation: 3, observedGeneration: 2 }), pods: somePods(3) }, specOf({ guard: {} }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome.result).toBe('blocked');
    expect(outcome.reason).toBe('guard skipDuringRollout: deployment rolling out: observedGeneration 2 is behind generation 3');
    expect(problem).toBe('GuardNotMet');
    expect(w.calls).toEqual(['get demo/web', 'list demo']);
  });

  test('killPod: a guard that cannot be evaluated fails closed (GuardUnknown, reason says why)', async () => {
    const w = world({ deployment: aDeployment({ generation: undefined }), pods: somePods(3) }, specOf({ guard: { minAvailable: 1 } }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome.result).toBe('blocked');
    expect(outcome.reason).toMatch(/^guard not evaluated, action not taken: guard skipDuringRollout cannot be evaluated/);
    expect(problem).toBe('GuardUnknown');
    expect(w.mutations).toEqual([]);
  });

  test('dry run applies guards too: blocked, no DryRun Event', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(1) }, specOf({ dryRun: true, guard: { minAvailable: 1 } }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(outcome.result).toBe('blocked');
    expect(problem).toBe('GuardNotMet');
    expect(w.events).toEqual([]);
  });

  test('antiPressure: minPodAge filters the candidates (the busiest young pod is spared)', async () => {
    const probe = world({});
    const pods = [...agedPods(probe, 2, 10 * MINUTE), aPod({ name: 'young', creationTimestamp: probe.clock.now() })];
    const cpu = [{ name: 'web-0', cpuNanoCores: 1e8 }, { name: 'web-1', cpuNanoCores: 2e8 }, { name: 'young', cpuNanoCores: 9e8 }];
    const w = world({ deployment: aDeployment(), pods, cpu }, specOf({ scalingMode: 'antiPressure', minReplicas: 1, guard: { minPodAge: '1m' } }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(outcome).toMatchObject({ result: 'succeeded', mode: 'antiPressure', target: 'web-1' });
  });

  test('randomScale: one GET first; a count below minAvailable is blocked before the PATCH', async () => {
    const w = world({ deployment: aDeployment({ replicas: 4 }) }, specOf({ scalingMode: 'randomScale', minReplicas: 1, maxReplicas: 5, guard: { minAvailable: '50%' } }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(w.calls).toEqual(['get demo/web']);
    expect(outcome).toMatchObject({ result: 'blocked', mode: 'randomScale', replicas: null, reason: 'guard minAvailable: scaling from 4 to 1 replicas would go below minAvailable 2 (50% of the desired replicas, rounded up)' });
    expect(problem).toBe('GuardNotMet');
  });

  test('randomScale: a passing guard scales; a missing Deployment on the GET is TargetMissing', async () => {
    const ok = world({ deployment: aDeployment({ replicas: 4 }) }, specOf({ scalingMode: 'randomScale', minReplicas: 2, maxReplicas: 5, guard: { minAvailable: 2 } }));
    expect((await ok.runner.run(entry(ok.clock))).outcome).toMatchObject({ result: 'succeeded', replicas: 2 });
    expect(ok.calls).toEqual(['get demo/web', 'scale demo/web 2']);
    const gone = world({ deployment: undefined }, specOf({ scalingMode: 'randomScale', guard: { minAvailable: 2 } }));
    const r = await gone.runner.run(entry(gone.clock));
    expect(r.problem).toBe('TargetMissing');
    expect(gone.mutations).toEqual([]);
  });
});

describe('ChaosRunner with spec.selection and spec.podSelector (issue 12)', () => {
  const deletedNames = (w: World): string[] => w.calls.filter((c) => c.startsWith('delete ')).map((c) => c.replace(/^delete demo\/(\S+) .*$/, '$1'));

  test('fixed 3: three DELETEs of distinct Running pods, one outcome naming them, one seed Event per pod, podsKilled 3', async () => {
    const pods = [...somePods(4), aPod({ name: 'pending', phase: 'Pending' }), aPod({ name: 'dying', terminating: true })];
    const w = world({ deployment: aDeployment({ replicas: 6 }), pods }, specOf({ selection: { mode: 'fixed', value: 3 } }));
    const { outcome } = await w.runner.run(entry(w.clock));
    const killed = deletedNames(w);
    expect(killed).toHaveLength(3);
    expect(new Set(killed).size).toBe(3);
    expect(killed.every((n) => /^web-[0-3]$/.test(n))).toBe(true);
    expect(outcome).toMatchObject({ result: 'succeeded', mode: 'killPod', podsKilled: 3, podsSeen: 6, reason: 'killed 3 of 4 candidates (selection fixed 3), chosen uniformly at random without replacement' });
    expect(outcome.target).toBe(`${killed[0]}, ${killed[1]} (+1)`);
    expect(w.events.filter((e) => e.reason === 'ChaosMonkeyTarget').map((e) => e.ref.name).sort()).toEqual([...killed].sort());
    expect(w.outcomes).toHaveLength(1);
    expect(w.lines).toHaveLength(1);
  });

  test('all of 12 pods: never more than 5 DELETEs in flight at once', async () => {
    const w = world({ deployment: aDeployment({ replicas: 12 }), pods: somePods(12), deleteGate: () => new Promise((resolve) => setImmediate(resolve)) }, specOf({ selection: { mode: 'all' } }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(outcome).toMatchObject({ result: 'succeeded', podsKilled: 12 });
    expect(w.deletes.max).toBe(5);
  });

  test('a victim already gone (404) is replaced at once by the next candidate, within the same action', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(3), goneNames: ['web-0'] }, specOf({}));
    const { outcome } = await w.runner.run(entry(w.clock));
    const deleted = deletedNames(w);
    expect(deleted[0]).toBe('web-0');
    expect(deleted).toHaveLength(2);
    expect(outcome).toMatchObject({ result: 'succeeded', target: deleted[1], podsKilled: 1 });
    expect(w.events.filter((e) => e.reason === 'ChaosMonkeyTarget').map((e) => e.ref.name)).toEqual([deleted[1]]);
  });

  test('every candidate gone: the slot is skipped after at most 1 + 3 tries, not a failure', async () => {
    const w = world({ deployment: aDeployment({ replicas: 6 }), pods: somePods(6), goneNames: somePods(6).map((p) => p.name) }, specOf({}));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(deletedNames(w)).toHaveLength(4);
    expect(outcome.result).toBe('skipped');
    expect(outcome.reason).toMatch(/^pod web-\d already gone and no other candidate left$/);
    expect(w.events).toEqual([]);
  });

  test('minAvailable trims the batch to what the guard allows and says so', async () => {
    const w = world({ deployment: aDeployment({ replicas: 5 }), pods: somePods(5) }, specOf({ selection: { mode: 'all' }, guard: { minAvailable: 3, skipDuringRollout: false } }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(deletedNames(w)).toHaveLength(2);
    expect(outcome.result).toBe('succeeded');
    expect(outcome.reason).toBe('killed 2 of 5 candidates (selection all), chosen uniformly at random without replacement; guard minAvailable trimmed the batch from 5 to 2 pods (5 ready, minAvailable 3)');
  });

  test('a replacement for a gone victim still respects minAvailable (a gone ready pod keeps its cost)', async () => {
    const w = world({ deployment: aDeployment({ replicas: 3 }), pods: somePods(3), goneNames: ['web-0'] }, specOf({ guard: { minAvailable: 2, skipDuringRollout: false } }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(deletedNames(w)).toEqual(['web-0']);
    expect(outcome.result).toBe('skipped');
  });

  test('dry run names every would-be victim and sends nothing', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(4) }, specOf({ selection: { mode: 'fixed-percent', value: 50 }, dryRun: true }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(w.mutations).toEqual([]);
    expect(outcome.result).toBe('dry_run');
    expect(outcome.reason).toMatch(/^dry run: would delete pods web-\d, web-\d, 2 of 4 candidates \(selection fixed-percent 50%\), chosen uniformly at random without replacement; nothing sent$/);
    expect(w.events.map((e) => e.reason)).toEqual(['DryRun']);
  });

  test('podSelector: only matching pods are candidates; none matching is a skip that says so', async () => {
    const pods = [aPod({ name: 'a', labels: { app: 'web', tier: 'canary' } }), aPod({ name: 'b', labels: { app: 'web' } })];
    const w = world({ deployment: aDeployment({ replicas: 2 }), pods }, specOf({ selection: { mode: 'all' }, podSelector: { matchLabels: { tier: 'canary' } } }));
    expect((await w.runner.run(entry(w.clock))).outcome).toMatchObject({ result: 'succeeded', target: 'a', podsKilled: 1 });
    expect(deletedNames(w)).toEqual(['a']);
    const none = world({ deployment: aDeployment({ replicas: 2 }), pods }, specOf({ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch'] }] } }));
    expect((await none.runner.run(entry(none.clock))).outcome).toMatchObject({ result: 'skipped', reason: 'none of the 2 pods of the target matches spec.podSelector' });
  });

  test('a refused DELETE in a batch: failed, the pods killed still counted', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(3), deleteError: new ForbiddenError('pods is forbidden') }, specOf({ selection: { mode: 'fixed', value: 2 } }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(problem).toBe('ActionFailed');
    expect(outcome).toMatchObject({ result: 'failed', podsKilled: 0 });
    expect(outcome.reason).toMatch(/^0 of 2 pods killed, 2 refused \(first: deleting pod web-\d was refused: /);
  });

  test('antiPressure with podSelector: the busiest matching pod, not the busiest pod', async () => {
    const pods = [aPod({ name: 'hot', labels: { app: 'web' } }), aPod({ name: 'warm', labels: { app: 'web', tier: 'canary' } }), aPod({ name: 'cold', labels: { app: 'web', tier: 'canary' } })];
    const cpu = [{ name: 'hot', cpuNanoCores: 9e8 }, { name: 'warm', cpuNanoCores: 5e8 }, { name: 'cold', cpuNanoCores: 1e8 }];
    const w = world({ deployment: aDeployment(), pods, cpu }, specOf({ scalingMode: 'antiPressure', minReplicas: 1, podSelector: { matchLabels: { tier: 'canary' } } }));
    const { outcome } = await w.runner.run(entry(w.clock));
    expect(outcome).toMatchObject({ result: 'succeeded', target: 'warm', cpuCores: 0.5 });
  });

  test('evict a batch where a budget refuses one pod: succeeded for the others, the refusal noted, a DisruptionBudget Warning', async () => {
    const w = world({ deployment: aDeployment(), pods: somePods(3), evictByName: { 'web-1': { blocked: 'Cannot evict pod as it would violate the pod disruption budget.', pdb: 'web-pdb' } } }, specOf({ selection: { mode: 'all' }, killMethod: 'evict' }));
    const { outcome, problem } = await w.runner.run(entry(w.clock));
    expect(problem).toBeUndefined();
    expect(outcome).toMatchObject({ result: 'succeeded', podsKilled: 2 });
    expect(outcome.reason).toBe('killed 2 of 3 candidates (selection all), chosen uniformly at random without replacement; 1 refused by a PodDisruptionBudget');
    expect(w.events.filter((e) => e.reason === 'DisruptionBudget').map((e) => e.message)).toEqual(['evicting pod web-1 was refused by PodDisruptionBudget web-pdb: Cannot evict pod as it would violate the pod disruption budget.']);
    expect(w.events.filter((e) => e.reason === 'ChaosMonkeyTarget').map((e) => e.ref.name).sort()).toEqual(['web-0', 'web-2']);
  });
});
