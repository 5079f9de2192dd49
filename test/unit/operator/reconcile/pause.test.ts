import { describe, expect, test } from '@jest/globals';
import { PAUSED_ANNOTATION, PAUSED_UNTIL_ANNOTATION } from '../../../../api/names.ts';
import { desiredSchedule } from '../../../../operator/src/reconcile/desired.ts';
import type { DesiredInput } from '../../../../operator/src/reconcile/desired.ts';
import { PAUSE_TIMER_PREFIX, PauseTracker, parseRfc3339, pauseBlock, readPause } from '../../../../operator/src/reconcile/pause.ts';
import type { EventSink, Logger, NamespaceInfo } from '../../../../operator/src/ports.ts';
import { TimerHeap } from '../../../../operator/src/scheduler/timer-heap.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { aCmc, aNamespace } from '../../../support/builders.ts';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const ns = (annotations?: Record<string, string>, name = 'apps'): NamespaceInfo => ({ ...aNamespace({ name }), ...(annotations !== undefined ? { annotations } : {}) });

describe('readPause', () => {
  test.each([
    ['no namespace', undefined, null],
    ['no annotation', ns(), null],
    ['paused-until alone does not pause', ns({ [PAUSED_UNTIL_ANNOTATION]: '2026-06-02T00:00:00Z' }), null],
    ['paused', ns({ [PAUSED_ANNOTATION]: 'incident' }), { reason: 'incident' }],
    ['paused, empty reason', ns({ [PAUSED_ANNOTATION]: ' ' }), { reason: '(no reason given)' }],
    ['paused until later', ns({ [PAUSED_ANNOTATION]: 'x', [PAUSED_UNTIL_ANNOTATION]: '2026-06-01T13:00:00+00:00' }), { reason: 'x', until: NOW + 3_600_000 }],
    ['paused until now: over', ns({ [PAUSED_ANNOTATION]: 'x', [PAUSED_UNTIL_ANNOTATION]: '2026-06-01T12:00:00Z' }), null],
  ])('%s', (_name, namespace, want) => {
    expect(readPause(namespace, NOW)).toEqual(want);
  });

  test('an unreadable paused-until keeps the pause and says why (fail closed)', () => {
    const p = readPause(ns({ [PAUSED_ANNOTATION]: 'x', [PAUSED_UNTIL_ANNOTATION]: 'tomorrow' }), NOW);
    expect(p?.until).toBeUndefined();
    expect(p?.reason).toMatch(/"tomorrow" is not an RFC 3339 time/);
  });

  test.each(['2026-06-01', '2026-06-01T12:00:00', 'Mon, 01 Jun 2026 12:00:00 GMT', ''])('parseRfc3339 refuses %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe('pauseBlock and desiredSchedule', () => {
  test('global wins over the namespace; messages carry the reason', () => {
    expect(pauseBlock({ reason: 'g' }, { reason: 'l' }, 'chaosmonkey', 'apps')?.message).toBe('all chaos paused by annotation cm.massix.github.io/paused on namespace chaosmonkey: g');
    expect(pauseBlock(null, { reason: 'l', until: NOW }, 'chaosmonkey', 'apps')?.message).toBe('chaos in namespace apps paused by annotation cm.massix.github.io/paused: l (until 2026-06-01T12:00:00.000Z)');
    expect(pauseBlock(null, null, 'chaosmonkey', 'apps')).toBeNull();
  });

  const config = { behavior: 'AllowAll' as const, namespace: 'chaosmonkey', targetSelf: false };
  const input = (o: Partial<DesiredInput> = {}): DesiredInput => ({ cmc: aCmc(), namespace: aNamespace(), config, now: NOW, existing: undefined, ...o });

  test('a pause keeps the schedule and sets facts.blocked Paused', () => {
    const d = desiredSchedule(input({ operatorNamespace: ns({ [PAUSED_ANNOTATION]: 'freeze' }, 'chaosmonkey') }));
    expect(d.kind).toBe('schedule');
    expect(d.facts.blocked).toEqual({ code: 'Paused', message: expect.stringContaining('freeze') });
  });

  test('killMethod delete, dryRun, gracePeriodSeconds and guard schedule as usual', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { killMethod: 'delete', dryRun: true, gracePeriodSeconds: 5, guard: { minPodAge: '1m' } } }) }));
    expect(d.kind).toBe('schedule');
    expect(d.facts.blocked).toBeNull();
  });

  test('killMethod evict schedules as usual (the eviction happens at action time)', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { killMethod: 'evict' } }) }));
    expect(d.kind).toBe('schedule');
    expect(d.facts.blocked).toBeNull();
  });

  test('namespace ineligibility wins over Unsupported and Paused', () => {
    const d = desiredSchedule(input({ cmc: aCmc({ spec: { killMethod: 'evict' } }), namespace: undefined, operatorNamespace: ns({ [PAUSED_ANNOTATION]: 'x' }, 'chaosmonkey') }));
    expect(d.facts.blocked?.code).toBe('NamespaceNotFound');
  });
});

describe('PauseTracker', () => {
  const setup = (): { clock: FakeClock; wheel: TimerHeap; tracker: PauseTracker; gauge: Map<string, boolean>; events: string[]; lines: string[] } => {
    const clock = new FakeClock(NOW);
    const wheel = new TimerHeap({ clock });
    const gauge = new Map<string, boolean>();
    const events: string[] = [];
    const lines: string[] = [];
    const sink: EventSink = { emit: async (ref, _type, reason, message) => void events.push(`${ref.name} ${reason}: ${message}`) };
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: () => undefined, debug: () => undefined } as unknown as Logger;
    const tracker = new PauseTracker({ ownNamespace: 'chaosmonkey', wheel, events: sink, log, setPaused: (s, p) => gauge.set(s, p), now: () => clock.now() });
    return { clock, wheel, tracker, gauge, events, lines };
  };

  test('one log line, one Event and the gauge per change; the same state again changes nothing', () => {
    const { tracker, gauge, events, lines } = setup();
    const paused = ns({ [PAUSED_ANNOTATION]: 'drill' }, 'chaosmonkey');
    expect(tracker.observe('chaosmonkey', paused)).toBe(true);
    expect(tracker.observe('chaosmonkey', paused)).toBe(false);
    expect(gauge.get('global')).toBe(true);
    expect(lines).toEqual(['all chaos paused']);
    expect(events).toEqual(['chaosmonkey Paused: all chaos paused: drill']);
    expect(tracker.observe('chaosmonkey', ns(undefined, 'chaosmonkey'))).toBe(true);
    expect(gauge.get('global')).toBe(false);
    expect(lines).toEqual(['all chaos paused', 'all chaos resumed']);
    expect(events).toHaveLength(2);
  });

  test('paused-until arms one heap entry, moved when the time changes and cancelled on resume', () => {
    const { wheel, tracker } = setup();
    const id = `${PAUSE_TIMER_PREFIX}apps`;
    tracker.observe('apps', ns({ [PAUSED_ANNOTATION]: 'x', [PAUSED_UNTIL_ANNOTATION]: '2026-06-01T13:00:00Z' }));
    expect(wheel.dueAt(id)).toBe(NOW + 3_600_000);
    tracker.observe('apps', ns({ [PAUSED_ANNOTATION]: 'x', [PAUSED_UNTIL_ANNOTATION]: '2026-06-01T14:00:00Z' }));
    expect(wheel.dueAt(id)).toBe(NOW + 7_200_000);
    expect(wheel.size).toBe(1);
    tracker.observe('apps', ns());
    expect(wheel.has(id)).toBe(false);
  });

  test('when the end time passes, observing the unchanged namespace resumes', () => {
    const { clock, tracker, gauge } = setup();
    const annotated = ns({ [PAUSED_ANNOTATION]: 'x', [PAUSED_UNTIL_ANNOTATION]: '2026-06-01T12:00:01Z' });
    tracker.observe('apps', annotated);
    expect(gauge.get('apps')).toBe(true);
    clock.advance(1_000);
    expect(tracker.observe('apps', annotated)).toBe(true);
    expect(gauge.get('apps')).toBe(false);
  });

  test('reset clears every scope from the gauge', () => {
    const { tracker, gauge } = setup();
    tracker.observe('apps', ns({ [PAUSED_ANNOTATION]: 'x' }));
    tracker.reset();
    expect(gauge.get('apps')).toBe(false);
    expect(tracker.pausedNamespaces()).toEqual([]);
  });
});
