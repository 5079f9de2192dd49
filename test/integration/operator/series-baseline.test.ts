/**
 * Issue 9 point 5 end to end: namespaces are created, each with a Deployment and a killPod CMC
 * that acts, then deleted; the operator's chaos_monkey_ series return to the baseline taken after
 * one such namespace lived and died. 100 namespaces here (about 5 s); the 1,000-namespace run is
 * test/unit/operator/metrics/series-hygiene.test.ts on the metrics module, because 1,000 CMCs with
 * the 1 s minimum period did not all get an action within 30 s on the shared 2-core machine.
 * SERIES_BASELINE_COUNT=1000 runs this file at that size.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { httpGet, startWorld, waitFor } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

const COUNT = Number(process.env.SERIES_BASELINE_COUNT ?? 100);
const BATCH = 50;

let world: World;
let replica: Replica;

/** The chaos_monkey_ series of a scrape, as `name{labels}` (values dropped). */
async function chaosSeries(): Promise<string[]> {
  const res = await httpGet(replica, '/metrics');
  return res.body
    .split('\n')
    .filter((l) => l.startsWith('chaos_monkey_'))
    .map((l) => l.slice(0, l.lastIndexOf(' ')));
}

async function inBatches(names: string[], fn: (name: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < names.length; i += BATCH) await Promise.all(names.slice(i, i + BATCH).map(fn));
}

/** Namespace with a one-pod Deployment `web` (no wait for its pod) and a killPod CMC on it. */
async function populate(ns: string): Promise<void> {
  await world.createNamespace(ns);
  const labels = { app: 'web' };
  await world.apps.createNamespacedDeployment({
    namespace: ns,
    body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
  });
  await world.createCmc(ns, 'kill', { scalingMode: 'killPod', deployment: { name: 'web' } });
}

/** Namespaces with at least one chaos decision logged, read incrementally from the replica's log. */
const actedIn = new Set<string>();
let logCursor = 0;
function acted(ns: string): boolean {
  for (; logCursor < replica.logs.length; logCursor += 1) {
    const line = replica.logs[logCursor];
    if (line?.message === 'chaos action' || line?.message === 'chaos action skipped') actedIn.add(String(line.namespace));
  }
  return actedIn.has(ns);
}

beforeAll(async () => {
  world = await startWorld();
  replica = await world.startOperator();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

test(`after ${COUNT} namespaces are created, used and deleted, the series return to their baseline`, async () => {
  await populate('warm-up');
  await waitFor('an action in warm-up', () => acted('warm-up'), 10_000);
  await world.core.deleteNamespace({ name: 'warm-up' });
  await waitFor('warm-up gone from /metrics', async () => !(await chaosSeries()).some((s) => s.includes('namespace="warm-up"')), 10_000);
  const baseline = await chaosSeries();

  const names = Array.from({ length: COUNT }, (_, i) => `churn-${i}`);
  await inBatches(names, populate);
  await waitFor(`an action in each of the ${COUNT} namespaces`, () => names.every(acted), 30_000);
  const peak = await chaosSeries();
  expect(peak.length).toBeGreaterThan(baseline.length + COUNT * 5);

  await inBatches(names, (name) => world.core.deleteNamespace({ name }));
  const after = await waitFor(
    'the series to return to the baseline',
    async () => {
      const now = await chaosSeries();
      return now.some((s) => s.includes('namespace="churn-')) ? undefined : now;
    },
    30_000,
  );
  expect(after.filter((s) => !baseline.includes(s))).toEqual([]);
  expect(after.length).toBe(baseline.length);
}, 90_000);
