import { describe, expect, it } from '@jest/globals';
import { evaluateAlerts, StopCondition, stopVerdict } from '../../../../operator/src/alerts/stop-condition.ts';
import { parseMatchers } from '../../../../operator/src/alerts/matchers.ts';
import type { Matcher } from '../../../../operator/src/alerts/matchers.ts';
import type { AlertSource, StopState } from '../../../../operator/src/ports.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const critical = (parseMatchers('severity="critical"') as { ok: true; matchers: Matcher[] }).matchers;
const alert = (labels: Record<string, string>, state = 'active'): unknown => ({ labels, status: { state } });

describe('evaluateAlerts', () => {
  it('names the matching active alert; ignores non-matching and suppressed ones', () => {
    expect(evaluateAlerts([], critical)).toEqual({ state: 'clear' });
    expect(evaluateAlerts([alert({ alertname: 'Disk', severity: 'warning' })], critical)).toEqual({ state: 'clear' });
    expect(evaluateAlerts([alert({ alertname: 'Down', severity: 'critical' }, 'suppressed')], critical)).toEqual({ state: 'clear' });
    expect(evaluateAlerts([alert({ alertname: 'Down', severity: 'critical' })], critical)).toEqual({ state: 'firing', alert: 'Down' });
    expect(evaluateAlerts([alert({ alertname: 'New', severity: 'critical' }, 'unprocessed')], critical)).toEqual({ state: 'firing', alert: 'New' });
    expect(evaluateAlerts([alert({ alertname: 'B', severity: 'critical' }), alert({ alertname: 'A', severity: 'critical' })], critical)).toEqual({ state: 'firing', alert: 'A (+1 more)' });
    expect(evaluateAlerts([alert({ severity: 'critical' })], critical)).toEqual({ state: 'firing', alert: '{severity="critical"}' });
  });

  it.each([[{}], ['<html>'], [null], [[1]], [[{ labels: { a: 1 } }]], [[{ status: {} }]]])('answers unknown for garbage %j', (body) => {
    expect(evaluateAlerts(body, critical).state).toBe('unknown');
  });
});

describe('stopVerdict', () => {
  it('blocks on firing always, on unknown only when failing closed', () => {
    expect(stopVerdict({ state: 'firing', alert: 'Down' }, false)).toMatchObject({ problem: 'StopCondition', message: expect.stringContaining('alert Down is firing') as unknown });
    expect(stopVerdict({ state: 'unknown', why: 'x' }, true)?.problem).toBe('StopConditionUnknown');
    expect(stopVerdict({ state: 'unknown', why: 'x' }, false)).toBeUndefined();
    expect(stopVerdict({ state: 'clear' }, true)).toBeUndefined();
  });
});

/** A source whose answers the test hands out one request at a time. */
class ScriptedSource implements AlertSource {
  readonly pending: { resolve: (v: unknown) => void; reject: (e: Error) => void; signal: AbortSignal }[] = [];
  activeAlerts(signal: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, signal });
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('StopCondition', () => {
  it('polls once per refresh period on the clock, one request in flight, and reports each change once', async () => {
    const clock = new FakeClock(0);
    const source = new ScriptedSource();
    const changes: [StopState, boolean][] = [];
    const sc = new StopCondition({ source, matchers: critical, clock, refreshMs: 5_000, timeoutMs: 2_000, failClosed: true, onChange: (s, b) => changes.push([s, b]) });
    expect(sc.current().state).toBe('unknown'); // nothing known before the first answer
    expect(sc.verdict()?.problem).toBe('StopConditionUnknown');
    const first = sc.start();
    expect(source.pending).toHaveLength(1);
    void sc.refresh(); // joins the request in flight
    expect(source.pending).toHaveLength(1);
    source.pending[0]!.resolve([]);
    await first;
    expect(sc.current()).toEqual({ state: 'clear' });
    clock.advance(4_999);
    expect(source.pending).toHaveLength(1);
    clock.advance(1);
    expect(source.pending).toHaveLength(2);
    source.pending[1]!.resolve([alert({ alertname: 'Down', severity: 'critical' })]);
    await flush();
    expect(sc.current()).toEqual({ state: 'firing', alert: 'Down' });
    clock.advance(5_000);
    source.pending[2]!.resolve([alert({ alertname: 'Down', severity: 'critical' })]); // same state: no new change
    await flush();
    clock.advance(5_000);
    source.pending[3]!.reject(new Error('ECONNREFUSED'));
    await flush();
    expect(sc.current()).toMatchObject({ state: 'unknown', why: expect.stringContaining('unreachable: ECONNREFUSED') as unknown });
    expect(changes.map(([s, b]) => [s.state, b])).toEqual([['clear', false], ['firing', true], ['unknown', true]]);
    expect(sc.requests).toBe(4);
    await sc.stop();
    clock.advance(60_000);
    expect(source.pending).toHaveLength(4); // stopped: no more requests
  });

  it('a request without an answer within the timeout is aborted and counts as unknown', async () => {
    const clock = new FakeClock(0);
    const source = new ScriptedSource();
    const sc = new StopCondition({ source, matchers: critical, clock, refreshMs: 5_000, timeoutMs: 2_000, failClosed: false });
    const first = sc.start();
    clock.advance(2_000);
    await first;
    expect(source.pending[0]!.signal.aborted).toBe(true);
    expect(sc.current()).toMatchObject({ state: 'unknown', why: expect.stringContaining('no answer within 2000 ms') as unknown });
    expect(sc.verdict()).toBeUndefined(); // failClosed false: chaos goes on
    await sc.stop();
  });

  it('stop() aborts the request in flight instead of waiting for its deadline', async () => {
    const clock = new FakeClock(0);
    const source = new ScriptedSource();
    const sc = new StopCondition({ source, matchers: critical, clock, refreshMs: 5_000, timeoutMs: 60_000, failClosed: true });
    void sc.start();
    await sc.stop(); // would hang without the abort: the fake clock never reaches the deadline
    expect(source.pending[0]!.signal.aborted).toBe(true);
    expect(sc.requests).toBe(1);
  });
});
