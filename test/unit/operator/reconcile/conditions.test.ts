import { describe, expect, test } from '@jest/globals';
import { lastActionOf, nextStatus, rfc3339, statusEquals } from '../../../../operator/src/reconcile/conditions.ts';
import { desiredSchedule } from '../../../../operator/src/reconcile/desired.ts';
import type { Desired } from '../../../../operator/src/reconcile/desired.ts';
import { NAMESPACE_LABEL } from '../../../../api/names.ts';
import type { CmcStatusV1 } from '../../../../api/v1.ts';
import { aCmc, aNamespace } from '../../../support/builders.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const config = { behavior: 'AllowAll' as const, namespace: 'chaosmonkey', targetSelf: false };
const scheduled = (): Desired => desiredSchedule({ cmc: aCmc(), namespace: aNamespace(), config, now: T0, existing: undefined });
const paused = (): Desired => desiredSchedule({ cmc: aCmc({ spec: { enabled: false } }), namespace: aNamespace(), config, now: T0, existing: undefined });
const blocked = (): Desired =>
  desiredSchedule({ cmc: aCmc(), namespace: aNamespace({ labels: { [NAMESPACE_LABEL]: 'false' } }), config, now: T0, existing: undefined });
const invalid = (): Desired => desiredSchedule({ cmc: aCmc({ spec: { scalingMode: 'nope' } }), namespace: aNamespace(), config, now: T0, existing: undefined });

const byType = (status: ReturnType<typeof nextStatus>, type: string) => status.conditions?.find((c) => c.type === type);

describe('nextStatus', () => {
  test.each([
    ['scheduled', scheduled, ['True', 'Scheduled'], ['False', 'Enabled'], ['False', 'None'], true],
    ['paused', paused, ['False', 'Paused'], ['True', 'Disabled'], ['False', 'None'], false],
    ['blocked', blocked, ['False', 'NamespaceOptedOut'], ['False', 'Enabled'], ['True', 'NamespaceOptedOut'], false],
    ['invalid', invalid, ['False', 'InvalidSpec'], ['False', 'Enabled'], ['False', 'None'], false],
  ] as const)('%s', (_name, make, ready, pausedC, blockedC, hasNext) => {
    const s = nextStatus(undefined, { desired: make(), generation: 3, now: T0 });
    expect([byType(s, 'Ready')?.status, byType(s, 'Ready')?.reason]).toEqual(ready);
    expect([byType(s, 'Paused')?.status, byType(s, 'Paused')?.reason]).toEqual(pausedC);
    expect([byType(s, 'Blocked')?.status, byType(s, 'Blocked')?.reason]).toEqual(blockedC);
    expect(s.observedGeneration).toBe(3);
    expect(s.conditions?.every((c) => c.observedGeneration === 3 && c.lastTransitionTime === '2026-01-01T12:00:00Z')).toBe(true);
    expect(s.nextActionAt !== undefined).toBe(hasNext);
  });

  test('a stop condition makes Blocked True with its reason and message; a namespace block takes precedence', () => {
    const stopped = { reason: 'StopCondition', message: 'alert PaymentsDown is firing (CHAOSMONKEY_STOP_ON_ALERTS): chaos stopped' };
    const s = nextStatus(undefined, { desired: scheduled(), generation: 1, now: T0, stopped });
    expect(byType(s, 'Blocked')).toMatchObject({ status: 'True', ...stopped });
    expect(byType(nextStatus(undefined, { desired: blocked(), generation: 1, now: T0, stopped }), 'Blocked')?.reason).toBe('NamespaceOptedOut');
  });

  test('nextActionAt is the RFC 3339 dueAt', () => {
    expect(nextStatus(undefined, { desired: scheduled(), generation: 1, now: T0 }).nextActionAt).toBe('2026-01-01T12:00:30Z');
  });

  test('lastTransitionTime changes only when the status flips', () => {
    const s1 = nextStatus(undefined, { desired: scheduled(), generation: 1, now: T0 });
    const s2 = nextStatus(s1, { desired: scheduled(), generation: 2, now: T0 + 60_000 });
    expect(byType(s2, 'Ready')?.lastTransitionTime).toBe('2026-01-01T12:00:00Z');
    const s3 = nextStatus(s2, { desired: paused(), generation: 3, now: T0 + 120_000 });
    expect(byType(s3, 'Ready')?.lastTransitionTime).toBe('2026-01-01T12:02:00Z');
    expect(byType(s3, 'Paused')?.lastTransitionTime).toBe('2026-01-01T12:02:00Z');
    expect(byType(s3, 'Blocked')?.lastTransitionTime).toBe('2026-01-01T12:00:00Z'); // still False
  });

  test('reconciling twice with the same inputs gives an equal status (no patch)', () => {
    const s1 = nextStatus(undefined, { desired: scheduled(), generation: 1, now: T0 });
    const s2 = nextStatus(s1, { desired: scheduled(), generation: 1, now: T0 + 5_000 });
    expect(statusEquals(s1, s2)).toBe(true);
  });

  test('a skipped or failed last action of the current mode makes Ready False', () => {
    const skip = lastActionOf({ namespace: 'demo', cmc: 'cmc-1', mode: 'killPod', result: 'skipped', reason: 'deployment web not found', latenessMs: 0, deployment: 'web', labelSelector: null, podsSeen: null }, 'web', T0);
    const s = nextStatus(undefined, { desired: scheduled(), generation: 1, now: T0, lastAction: skip });
    expect(byType(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ActionSkipped', message: 'deployment web not found' });
    expect(s.lastAction).toEqual({ time: '2026-01-01T12:00:00Z', mode: 'killPod', target: 'deployment/web', result: 'Skipped', message: 'deployment web not found' });
    // kept from the previous status when no new action
    const kept = nextStatus(s, { desired: scheduled(), generation: 1, now: T0 + 1000 });
    expect(kept.lastAction).toEqual(s.lastAction);
    const ok = lastActionOf({ namespace: 'demo', cmc: 'cmc-1', mode: 'killPod', result: 'succeeded', target: 'web-1', reason: 'killed', latenessMs: 3, deployment: 'web', labelSelector: 'app=web', podsSeen: 3 }, 'web', T0 + 30_000);
    const s2 = nextStatus(s, { desired: scheduled(), generation: 1, now: T0 + 30_000, lastAction: ok });
    expect(byType(s2, 'Ready')).toMatchObject({ status: 'True', reason: 'Scheduled' });
    expect(s2.lastAction?.target).toBe('web-1');
  });

  test('a failing last action of another mode does not affect Ready', () => {
    const failed = lastActionOf({ namespace: 'demo', cmc: 'c', mode: 'randomScale', result: 'failed', reason: 'forbidden', latenessMs: 0, deployment: 'web', replicas: null }, 'web', T0);
    expect(failed.target).toBe('deployment/web');
    const s = nextStatus(undefined, { desired: scheduled(), generation: 1, now: T0, lastAction: failed });
    expect(byType(s, 'Ready')?.status).toBe('True');
  });

  test('conditions of other types are preserved', () => {
    const foreign = { type: 'Audited', status: 'True' as const, reason: 'X', message: 'y', lastTransitionTime: '2025-01-01T00:00:00Z' };
    const s = nextStatus({ conditions: [foreign] }, { desired: scheduled(), generation: 1, now: T0 });
    expect(s.conditions?.map((c) => c.type)).toEqual(['Ready', 'Paused', 'Blocked', 'Audited']);
  });
});

describe('statusEquals', () => {
  test.each([
    [undefined, {}, true],
    [{ observedGeneration: 1 }, { observedGeneration: 1 }, true],
    [{ observedGeneration: 1, nextActionAt: undefined }, { observedGeneration: 1 }, true],
    [{ observedGeneration: 1, nextActionAt: 'a' }, { nextActionAt: 'a', observedGeneration: 1 }, true],
    [{ observedGeneration: 1 }, { observedGeneration: 2 }, false],
    [{ nextActionAt: 'a' }, {}, false],
    [{}, { nextActionAt: 'a' }, false],
    [{ conditions: [{ type: 'Ready', status: 'True', reason: undefined }] }, { conditions: [{ status: 'True', type: 'Ready' }] }, true],
    [{ conditions: [{ type: 'Ready' }, { type: 'Paused' }] }, { conditions: [{ type: 'Paused' }, { type: 'Ready' }] }, false],
    [{ conditions: [{ type: 'Ready' }] }, { conditions: [{ type: 'Ready' }, { type: 'Paused' }] }, false],
    [{ lastAction: { time: 't', mode: 'killPod' } }, { lastAction: { time: 't', mode: 'randomScale' } }, false],
    [{ lastAction: null }, { lastAction: {} }, false],
  ] as [unknown, unknown, boolean][])('%j vs %j -> %p', (a, b, equal) => {
    expect(statusEquals(a as CmcStatusV1 | undefined, b as CmcStatusV1 | undefined)).toBe(equal);
  });

  test('rfc3339 truncates to seconds', () => {
    expect(rfc3339(Date.UTC(2026, 0, 1, 0, 0, 1, 999))).toBe('2026-01-01T00:00:01Z');
  });
});
