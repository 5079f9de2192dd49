/**
 * WatchHealth on a FakeClock: fresh while the stream is open and for the grace after it ended,
 * stale after that (one onChange per transition), fresh again when it re-opens.
 */
import { describe, expect, test } from '@jest/globals';
import { WatchHealth } from '../../../../operator/src/kube/watch-health.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

function setup() {
  const clock = new FakeClock();
  const changes: boolean[] = [];
  const health = new WatchHealth({ clock, graceMs: 5_000, onChange: (fresh) => changes.push(fresh) });
  return { clock, changes, health };
}

describe('WatchHealth', () => {
  test('stale before the first open; fresh once open', () => {
    const s = setup();
    expect(s.health.fresh).toBe(false);
    s.health.closed(); // a failed first attempt changes nothing
    expect(s.health.fresh).toBe(false);
    s.health.opened();
    expect(s.health.fresh).toBe(true);
    expect(s.changes).toEqual([true]);
  });

  test('a normal reconnect within the grace stays fresh and reports nothing', () => {
    const s = setup();
    s.health.opened();
    s.health.closed();
    s.clock.advance(4_999);
    expect(s.health.fresh).toBe(true);
    s.health.opened();
    s.clock.advance(10_000);
    expect(s.health.fresh).toBe(true);
    expect(s.changes).toEqual([true]);
  });

  test('down longer than the grace: stale, reported once however long; fresh again on re-open', () => {
    const s = setup();
    s.health.opened();
    s.health.closed();
    s.clock.advance(5_000);
    expect(s.health.fresh).toBe(false);
    s.health.closed(); // failed retries during the outage keep the first end time
    s.clock.advance(60_000);
    expect(s.changes).toEqual([true, false]);
    s.health.opened();
    expect(s.health.fresh).toBe(true);
    expect(s.changes).toEqual([true, false, true]);
  });

  test('stop() cancels the pending stale timer', () => {
    const s = setup();
    s.health.opened();
    s.health.closed();
    s.health.stop();
    s.clock.advance(10_000);
    expect(s.changes).toEqual([true]);
  });
});
