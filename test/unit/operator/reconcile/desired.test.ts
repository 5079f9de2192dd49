import { describe, expect, test } from '@jest/globals';
import { desiredSchedule } from '../../../../operator/src/reconcile/desired.ts';
import type { DesiredInput } from '../../../../operator/src/reconcile/desired.ts';
import { NAMESPACE_LABEL } from '../../../../api/names.ts';
import { aCmc, aNamespace } from '../../../support/builders.ts';
import { nextStatus } from '../../../../operator/src/reconcile/conditions.ts';
import { checkCronWithCroner, loadCron } from '../../../../operator/src/scheduler/croner.ts';

const NOW = 1_000_000;
const config = { behavior: 'AllowAll' as const, namespace: 'chaosmonkey', targetSelf: false };
const input = (overrides: Partial<DesiredInput> = {}): DesiredInput => ({ cmc: aCmc(), namespace: aNamespace(), config, now: NOW, existing: undefined, ...overrides });

describe('desiredSchedule: cancel reasons', () => {
  test.each([
    ['deleted', { cmc: undefined }, 'Deleted', undefined],
    ['being deleted', { cmc: aCmc({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }) }, 'Deleting', 'Deleting'],
    ['unknown mode', { cmc: aCmc({ spec: { scalingMode: 'explode' } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['min > max', { cmc: aCmc({ spec: { minReplicas: 5, maxReplicas: 2 } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['bad timeout', { cmc: aCmc({ spec: { timeout: 'soon' } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['timeout below 1s', { cmc: aCmc({ spec: { timeout: '500ms' } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['wrong type', { cmc: aCmc({ spec: { minReplicas: '1' } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['enabled as string', { cmc: aCmc({ spec: { enabled: 'yes' } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['empty deployment name', { cmc: aCmc({ spec: { deployment: { name: '' } } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['missing spec field', { cmc: aCmc({ spec: { timeout: undefined } }) }, 'InvalidSpec', 'InvalidSpec'],
    ['disabled', { cmc: aCmc({ spec: { enabled: false } }) }, 'Paused', 'Paused'],
    ['namespace missing', { namespace: undefined }, 'Blocked', 'NamespaceNotFound'],
    ['namespace opted out', { namespace: aNamespace({ labels: { [NAMESPACE_LABEL]: 'false' } }) }, 'Blocked', 'NamespaceOptedOut'],
    ['DenyAll without opt-in', { config: { ...config, behavior: 'DenyAll' as const } }, 'Blocked', 'NamespaceNotOptedIn'],
    ['own namespace', { cmc: aCmc({ metadata: { namespace: 'chaosmonkey' } }), namespace: aNamespace({ name: 'chaosmonkey' }) }, 'Blocked', 'OwnNamespace'],
    ['namespace terminating', { namespace: aNamespace({ terminating: true }) }, 'Blocked', 'NamespaceTerminating'],
  ])('%s -> cancel %s (Ready reason %s)', (_name, overrides, reason, conditionReason) => {
    const d = desiredSchedule(input(overrides));
    expect(d.kind).toBe('cancel');
    if (d.kind !== 'cancel') return;
    expect(d.reason).toBe(reason);
    expect(d.condition?.reason).toBe(conditionReason);
    expect(d.message.length).toBeGreaterThan(0);
  });

  test('invalid spec message names the field', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { minReplicas: 5, maxReplicas: 2, scalingMode: 'x' } }) }));
    expect(d.kind === 'cancel' && d.message).toContain('spec.scalingMode');
    expect(d.kind === 'cancel' && d.message).toContain('minReplicas must be less than or equal to maxReplicas');
  });

  test('invalid wins over disabled, disabled over blocked; all facts are still evaluated', () => {
    const blockedNs = aNamespace({ labels: { [NAMESPACE_LABEL]: 'false' } });
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { enabled: false } }), namespace: blockedNs }));
    expect(d.kind === 'cancel' && d.reason).toBe('Paused');
    expect(d.facts.paused).toBe(true);
    expect(d.facts.blocked?.code).toBe('NamespaceOptedOut');
    const e = desiredSchedule(input({ cmc: aCmc({ spec: { enabled: false, timeout: 'x' } }), namespace: blockedNs }));
    expect(e.kind === 'cancel' && e.reason).toBe('InvalidSpec');
    expect(e.facts.invalid).toContain('spec.timeout');
  });

  test('a CMC whose apiVersion/kind are missing (list items) is still validated', () => {
    const cmc = aCmc();
    const bare = { metadata: cmc.metadata, spec: cmc.spec } as unknown as typeof cmc;
    expect(desiredSchedule(input({ cmc: bare })).kind).toBe('schedule');
  });
});

describe('desiredSchedule: schedule', () => {
  test('first action one timeout after acceptance', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { timeout: '1m30s', scalingMode: 'randomScale', minReplicas: 2, maxReplicas: 4 } }) }));
    expect(d).toMatchObject({ kind: 'schedule', mode: 'randomScale', intervalMs: 90_000, dueAt: NOW + 90_000, change: 'new', deploymentName: 'web', minReplicas: 2, maxReplicas: 4, cadence: 'every 1m30s' });
  });

  test('same interval keeps dueAt (idempotent), even when the mode changes', () => {
    const first = desiredSchedule(input());
    if (first.kind !== 'schedule') throw new Error('expected schedule');
    const existing = { mode: first.mode, intervalMs: first.intervalMs, dueAt: first.dueAt };
    const again = desiredSchedule(input({ now: NOW + 10_000, existing }));
    expect(again).toMatchObject({ kind: 'schedule', dueAt: first.dueAt, change: 'kept' });
    const modeChanged = desiredSchedule(input({ now: NOW + 10_000, existing, cmc: aCmc({ spec: { scalingMode: 'antiPressure' } }) }));
    expect(modeChanged).toMatchObject({ kind: 'schedule', mode: 'antiPressure', dueAt: first.dueAt, change: 'kept' });
  });

  test('a changed timeout reschedules from now', () => {
    const existing = { mode: 'killPod' as const, intervalMs: 30_000, dueAt: NOW + 20_000 };
    const d = desiredSchedule(input({ existing, cmc: aCmc({ spec: { timeout: '5s' } }) }));
    expect(d).toMatchObject({ kind: 'schedule', intervalMs: 5_000, dueAt: NOW + 5_000, change: 'rescheduled' });
  });

  test.each([
    ['AllowAll', {}, 'schedule'],
    ['AllowAll', { [NAMESPACE_LABEL]: 'blabla' }, 'schedule'],
    ['DenyAll', { [NAMESPACE_LABEL]: 'true' }, 'schedule'],
    ['DenyAll', { [NAMESPACE_LABEL]: 'True' }, 'cancel'],
  ] as const)('behavior %s, labels %j -> %s', (behavior, labels, kind) => {
    expect(desiredSchedule(input({ config: { ...config, behavior }, namespace: aNamespace({ labels }) })).kind).toBe(kind);
  });

  test('targetSelf allows the own namespace', () => {
    const d = desiredSchedule(input({ config: { ...config, targetSelf: true }, cmc: aCmc({ metadata: { namespace: 'chaosmonkey' } }), namespace: aNamespace({ name: 'chaosmonkey' }) }));
    expect(d.kind).toBe('schedule');
  });
});

describe('desiredSchedule: spec.schedule (issue 12)', () => {
  const cron = { load: loadCron, check: checkCronWithCroner };
  const EVENING = Date.parse('2026-12-03T19:30:00Z'); // a Thursday; the hourly grid from here hits 08:30
  const nights = { timeout: '1h', schedule: { excludedTimesOfDay: ['18:00-08:30'] } };

  test('inside a window: scheduled at the first allowed slot, Blocked OutsideWindow says until when, Ready False', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: nights }), now: EVENING, cron }));
    expect(d).toMatchObject({ kind: 'schedule', dueAt: Date.parse('2026-12-04T08:30:00Z'), intervalMs: 3_600_000 });
    expect(d.facts.insideWindow).toBe(true);
    expect(d.facts.blocked).toEqual({ code: 'OutsideWindow', message: 'outside the allowed time of spec.schedule (time zone UTC) until 2026-12-04T08:30:00Z: next action at 2026-12-04T08:30:00Z' });
    const status = nextStatus(undefined, { desired: d, generation: 1, now: EVENING });
    expect(status.nextActionAt).toBe('2026-12-04T08:30:00Z');
    expect(status.conditions?.find((c) => c.type === 'Blocked')).toMatchObject({ status: 'True', reason: 'OutsideWindow' });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'OutsideWindow' });
  });

  test('outside, with the next slot pushed past a window: Blocked OutsideWindow names the skipped slot', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: nights }), now: Date.parse('2026-12-03T17:30:00Z'), cron }));
    expect(d.kind === 'schedule' && new Date(d.dueAt).toISOString()).toBe('2026-12-04T08:30:00.000Z');
    expect(d.facts.insideWindow).toBe(false);
    expect(d.facts.blocked?.message).toBe('the slot at 2026-12-03T18:30:00Z falls in an excluded window of spec.schedule (time zone UTC, until 2026-12-04T08:30:00Z): skipped, next action at 2026-12-04T08:30:00Z');
  });

  test('clear: Blocked None, Ready Scheduled with the cron named', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { timeout: undefined, schedule: { cron: '0 9 * * 1-5', timeZone: 'Europe/Rome' } } }), now: EVENING, cron }));
    expect(d).toMatchObject({ kind: 'schedule', dueAt: Date.parse('2026-12-04T08:00:00Z'), intervalMs: 0, cadence: 'on cron 0 9 * * 1-5 (Europe/Rome)' });
    expect(d.facts.blocked).toBeNull();
    const ready = nextStatus(undefined, { desired: d, generation: 1, now: EVENING }).conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'Scheduled', message: 'killPod on deployment web on cron 0 9 * * 1-5 (Europe/Rome)' });
  });

  test('an edit of spec.schedule reschedules at once; an unchanged one keeps dueAt', () => {
    const first = desiredSchedule(input({ cmc: aCmc({ spec: nights }), now: EVENING, cron }));
    if (first.kind !== 'schedule') throw new Error('scheduled expected');
    const existing = { mode: first.mode, intervalMs: first.intervalMs, key: first.plan.key, dueAt: first.dueAt };
    expect(desiredSchedule(input({ cmc: aCmc({ spec: nights }), now: EVENING + 60_000, cron, existing }))).toMatchObject({ change: 'kept', dueAt: first.dueAt });
    const edited = desiredSchedule(input({ cmc: aCmc({ spec: { timeout: '1h', schedule: { excludedTimesOfDay: ['22:00-08:30'] } } }), now: EVENING + 60_000, cron, existing }));
    expect(edited).toMatchObject({ change: 'rescheduled', dueAt: EVENING + 60_000 + 3_600_000 });
    expect(edited.facts.blocked).toBeNull();
  });

  test('invalid schedule: InvalidSpec naming the field; without the cron library: Unsupported (fail closed)', () => {
    const bad = desiredSchedule(input({ cmc: aCmc({ spec: { timeout: undefined, schedule: { cron: '0 25 * * *' } } }), cron }));
    expect(bad).toMatchObject({ kind: 'cancel', reason: 'InvalidSpec' });
    expect(bad.kind === 'cancel' && bad.message).toContain('spec.schedule.cron: Invalid value: "0 25 * * *": CronPattern: Invalid value for hour: 25');
    expect(desiredSchedule(input({ cmc: aCmc({ spec: nights }) }))).toMatchObject({ kind: 'cancel', reason: 'Unsupported' });
  });

  test('nothing ever allowed: cancelled, Blocked OutsideWindow', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { timeout: '1h', schedule: { excludedWeekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] } } }), cron }));
    expect(d).toMatchObject({ kind: 'cancel', reason: 'Blocked', condition: { reason: 'OutsideWindow' } });
    expect(d.facts.blocked?.code).toBe('OutsideWindow');
  });
});
