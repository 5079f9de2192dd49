import { describe, expect, test } from '@jest/globals';
import { desiredSchedule } from '../../../../operator/src/reconcile/desired.ts';
import type { DesiredInput } from '../../../../operator/src/reconcile/desired.ts';
import { NAMESPACE_LABEL } from '../../../../api/names.ts';
import { aCmc, aNamespace } from '../../../support/builders.ts';

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
