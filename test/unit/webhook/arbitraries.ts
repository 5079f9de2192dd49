/** fast-check generators of valid ChaosMonkeyConfiguration objects at v1 and v1alpha1 (test support). */
import fc from 'fast-check';
import { V1_GUARDRAILS_ANNOTATION, V1_SCALING_MODE_ANNOTATION } from '../../../api/annotations.ts';
import { SCALING_MODES } from '../../../api/v1.ts';

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/);
const timeout = fc.oneof(
  fc.constantFrom('30s', '1m30s', '10m', '1h', '1.5s', '2h45m10.5s', '90s', '1m0s'),
  fc.integer({ min: 1, max: 100_000 }).map((s) => `${s}s`),
);
const stringMap = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9./-]{0,20}$/).filter((k) => k !== V1_SCALING_MODE_ANNOTATION && k !== V1_GUARDRAILS_ANNOTATION), fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 4 });

/** Metadata as the API server stores it: everything a conversion must carry untouched. */
export const metadata = fc.record(
  {
    name: dnsLabel,
    namespace: dnsLabel,
    uid: fc.uuid(),
    resourceVersion: fc.integer({ min: 1 }).map(String),
    generation: fc.integer({ min: 1, max: 1000 }),
    creationTimestamp: fc.constant('2026-01-02T03:04:05Z'),
    labels: stringMap,
    annotations: stringMap,
    finalizers: fc.array(fc.constantFrom('a.io/x', 'b.io/y'), { maxLength: 2 }),
    ownerReferences: fc.array(fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), name: dnsLabel, uid: fc.uuid() }), { maxLength: 1 }),
    managedFields: fc.array(fc.record({ manager: dnsLabel, operation: fc.constantFrom('Update', 'Apply') }), { maxLength: 2 }),
  },
  { requiredKeys: ['name', 'namespace'] },
);

const replicas = fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

const statusV1 = fc.record(
  {
    observedGeneration: fc.integer({ min: 1, max: 1000 }),
    conditions: fc.array(fc.record({ type: fc.constantFrom('Ready', 'Paused'), status: fc.constantFrom('True', 'False'), reason: dnsLabel, message: fc.string(), lastTransitionTime: fc.constant('2026-01-02T03:04:05Z') }), { maxLength: 2 }),
    nextActionAt: fc.constant('2026-01-02T03:05:05Z'),
  },
  { requiredKeys: [] },
);

/** Issue 11's optional v1 fields (any subset, each valid). */
export const guardrails = fc.record(
  {
    dryRun: fc.boolean(),
    killMethod: fc.constantFrom('delete', 'evict'),
    gracePeriodSeconds: fc.integer({ min: 0, max: 3600 }),
    guard: fc.record(
      {
        minAvailable: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`)),
        skipDuringRollout: fc.boolean(),
        minPodAge: fc.constantFrom('0', '30s', '5m', '1h30m'),
      },
      { requiredKeys: [] },
    ),
    // Issue 12 (valid shapes; the CRD limits them to killPod/antiPressure, the conversion does not care).
    selection: fc.oneof(
      fc.constantFrom({ mode: 'one' }, { mode: 'all' }, {}),
      fc.integer({ min: 1, max: 100 }).chain((value) => fc.constantFrom({ mode: 'fixed', value }, { mode: 'fixed-percent', value }, { mode: 'random-max-percent', value })),
    ),
    podSelector: fc.record(
      {
        matchLabels: fc.dictionary(fc.stringMatching(/^[a-z]([a-z0-9.-]{0,10}[a-z0-9])?$/), fc.stringMatching(/^[a-z0-9]{0,8}$/), { maxKeys: 3 }),
        matchExpressions: fc.array(
          fc.oneof(
            fc.record({ key: fc.constantFrom('tier', 'app.kubernetes.io/name'), operator: fc.constantFrom('In', 'NotIn'), values: fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 3 }) }),
            fc.record({ key: fc.constantFrom('tier', 'debug'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

/** Issue 12's optional spec.schedule (any subset, each valid); with `cron` the spec has no timeout. */
export const schedule = fc.record(
  {
    timeZone: fc.constantFrom('UTC', 'Europe/Rome', 'America/New_York'),
    excludedWeekdays: fc.subarray(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']),
    excludedTimesOfDay: fc.array(fc.constantFrom('18:00-08:30', '12:00:30-13:00', '23:59-00:01'), { maxLength: 2 }),
    excludedDays: fc.array(fc.constantFrom('Dec 24', '2026-12-31', 'Feb 29'), { maxLength: 2 }),
    cron: fc.constantFrom('0 2 * * *', '*/15 9-17 * * 1-5', '@every 10m'),
  },
  { requiredKeys: [] },
);

/** A valid v1 object (status optional). */
export const cmcV1 = fc.record(
  {
    apiVersion: fc.constant('cm.massix.github.io/v1'),
    kind: fc.constant('ChaosMonkeyConfiguration'),
    metadata,
    spec: fc.tuple(fc.boolean(), replicas, fc.constantFrom(...SCALING_MODES), dnsLabel, timeout, guardrails, fc.option(schedule, { nil: undefined })).map(([enabled, [minReplicas, maxReplicas], scalingMode, name, t, extra, sched]) => ({
      enabled, minReplicas, maxReplicas, scalingMode, deployment: { name }, ...(sched?.cron === undefined ? { timeout: t } : {}), ...extra, ...(sched === undefined ? {} : { schedule: sched }),
    })),
    status: statusV1,
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
);

/** A valid v1alpha1 object (status optional, in the seed's shape). */
export const cmcV1Alpha1 = fc.record(
  {
    apiVersion: fc.constant('cm.massix.github.io/v1alpha1'),
    kind: fc.constant('ChaosMonkeyConfiguration'),
    metadata,
    spec: fc.tuple(fc.boolean(), replicas, fc.boolean(), dnsLabel, timeout).map(([enabled, [minReplicas, maxReplicas], podMode, deploymentName, t]) => ({
      enabled, minReplicas, maxReplicas, deploymentName, podMode, timeout: t,
    })),
    status: fc.record({ accepted: fc.boolean(), lastExecution: fc.constant('2026-01-02T03:04:05Z'), lastKnownReplicas: fc.integer({ min: 0, max: 9 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
);
