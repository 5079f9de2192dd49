import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { TimerHeap } from '../../../../operator/src/scheduler/timer-heap.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

function world(): { clock: FakeClock; wheel: TimerHeap; fired: { id: string; dueAt: number; firedAt: number }[] } {
  const clock = new FakeClock(0);
  const wheel = new TimerHeap({ clock });
  const fired: { id: string; dueAt: number; firedAt: number }[] = [];
  wheel.onDue((id, dueAt, firedAt) => fired.push({ id, dueAt, firedAt }));
  return { clock, wheel, fired };
}

describe('TimerHeap', () => {
  test('fires 10,000 entries in dueAt order with one timer armed at a time', () => {
    const { clock, wheel, fired } = world();
    const n = 10_000;
    // deterministic shuffle of due times 1..n*3
    const dues = Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 3 + 1);
    dues.forEach((d, i) => wheel.upsert(`e${i}`, d));
    expect(wheel.size).toBe(n);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.pendingDueTimes()).toEqual([1]);
    clock.advance(n * 3 + 10);
    expect(fired).toHaveLength(n);
    for (let i = 1; i < fired.length; i++) expect(fired[i]!.dueAt).toBeGreaterThanOrEqual(fired[i - 1]!.dueAt);
    expect(fired.every((f) => f.firedAt === f.dueAt)).toBe(true);
    expect(wheel.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  test('arms only when the earliest due time changes', () => {
    const { clock, wheel } = world();
    wheel.upsert('a', 100);
    wheel.upsert('b', 200); // later: no re-arm
    wheel.upsert('c', 300);
    expect(clock.armedCount).toBe(1);
    wheel.upsert('d', 50); // earlier: re-arm
    expect(clock.armedCount).toBe(2);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.pendingDueTimes()).toEqual([50]);
    wheel.cancel('c'); // not earliest: no re-arm
    expect(clock.armedCount).toBe(2);
    wheel.cancel('d'); // earliest gone: re-arm for 100
    expect(clock.pendingDueTimes()).toEqual([100]);
    expect(clock.pendingTimers).toBe(1);
  });

  test('cancel removes an entry and disarms when empty', () => {
    const { clock, wheel, fired } = world();
    wheel.upsert('a', 10);
    wheel.upsert('b', 20);
    expect(wheel.cancel('a')).toBe(true);
    expect(wheel.cancel('a')).toBe(false);
    expect(wheel.has('a')).toBe(false);
    clock.advance(100);
    expect(fired.map((f) => f.id)).toEqual(['b']);
    wheel.upsert('c', 200);
    wheel.cancel('c');
    expect(clock.pendingTimers).toBe(0);
  });

  test('upsert moves an entry later or earlier', () => {
    const { clock, wheel, fired } = world();
    wheel.upsert('a', 10);
    wheel.upsert('b', 20);
    wheel.upsert('a', 30);
    expect(wheel.dueAt('a')).toBe(30);
    clock.advance(25);
    expect(fired.map((f) => f.id)).toEqual(['b']);
    wheel.upsert('a', 26);
    clock.advance(1);
    expect(fired.map((f) => f.id)).toEqual(['b', 'a']);
  });

  test('an overdue timer fires every due entry with the same firedAt', () => {
    const { clock, wheel, fired } = world();
    const stopped = new TimerHeap({ clock, stopped: true });
    const late: number[] = [];
    stopped.onDue((_id, dueAt, firedAt) => late.push(firedAt - dueAt));
    stopped.upsert('x', 10);
    stopped.upsert('y', 20);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(50);
    stopped.start();
    clock.advance(0);
    expect(late).toEqual([40, 30]);
    expect(fired).toEqual([]);
    expect(wheel.size).toBe(0);
  });

  test('a callback may reschedule its own id; entries upserted during a pass wait for the next pass', () => {
    const clock = new FakeClock(0);
    const wheel = new TimerHeap({ clock });
    const seen: string[] = [];
    wheel.onDue((id, dueAt) => {
      seen.push(`${id}@${dueAt}`);
      if (id === 'loop' && seen.length < 5) wheel.upsert('loop', dueAt); // same instant: must not spin
      if (id === 'tick') wheel.upsert('tick', dueAt + 10);
    });
    wheel.upsert('tick', 10);
    wheel.upsert('loop', 10);
    clock.advance(30);
    expect(seen.slice(0, 2)).toEqual(['tick@10', 'loop@10']);
    expect(seen).toContain('tick@20');
    expect(seen).toContain('tick@30');
    expect(seen.filter((s) => s === 'loop@10')).toHaveLength(4);
    expect(wheel.has('tick')).toBe(true);
    expect(clock.pendingTimers).toBe(1);
  });

  test('stop prevents firing at once and start resumes', () => {
    const { clock, wheel, fired } = world();
    wheel.upsert('a', 10);
    wheel.stop();
    expect(wheel.running).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    wheel.upsert('b', 5);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    expect(fired).toEqual([]);
    wheel.start();
    clock.advance(0);
    expect(fired.map((f) => f.id)).toEqual(['b', 'a']);
  });

  test('a callback stopping the wheel stops the pass', () => {
    const clock = new FakeClock(0);
    const wheel = new TimerHeap({ clock });
    const seen: string[] = [];
    wheel.onDue((id) => {
      seen.push(id);
      wheel.stop();
    });
    wheel.upsert('a', 1);
    wheel.upsert('b', 2);
    clock.advance(10);
    expect(seen).toEqual(['a']);
    expect(wheel.has('b')).toBe(true);
  });

  test('a throwing callback does not prevent later entries; onError receives it', () => {
    const clock = new FakeClock(0);
    const errors: string[] = [];
    const wheel = new TimerHeap({ clock, onError: (_e, id) => errors.push(id) });
    const seen: string[] = [];
    wheel.onDue((id) => {
      seen.push(id);
      if (id === 'a') throw new Error('boom');
    });
    wheel.upsert('a', 1);
    wheel.upsert('b', 1);
    clock.advance(5);
    expect(seen).toEqual(['a', 'b']);
    expect(errors).toEqual(['a']);
  });

  test('without onError the first callback error is rethrown after the pass', () => {
    const clock = new FakeClock(0);
    const wheel = new TimerHeap({ clock });
    const seen: string[] = [];
    wheel.onDue((id) => {
      seen.push(id);
      throw new Error(`boom ${id}`);
    });
    wheel.upsert('a', 1);
    wheel.upsert('b', 1);
    expect(() => clock.advance(5)).toThrow('boom a');
    expect(seen).toEqual(['a', 'b']);
  });

  test('rejects a non-finite dueAt', () => {
    const { wheel } = world();
    expect(() => wheel.upsert('a', Number.NaN)).toThrow(RangeError);
  });

  test('property: any sequence of upserts and cancels fires exactly the live entries in order', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('upsert' as const), id: fc.integer({ min: 0, max: 30 }), dueAt: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ kind: fc.constant('cancel' as const), id: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const { clock, wheel, fired } = world();
        const model = new Map<string, number>();
        for (const o of ops) {
          const id = `i${o.id}`;
          if (o.kind === 'upsert') {
            wheel.upsert(id, o.dueAt);
            model.set(id, o.dueAt);
          } else {
            wheel.cancel(id);
            model.delete(id);
          }
          expect(clock.pendingTimers).toBe(model.size === 0 ? 0 : 1);
        }
        expect(wheel.size).toBe(model.size);
        clock.advance(2000);
        expect(fired.map((f) => f.id).sort()).toEqual([...model.keys()].sort());
        for (let i = 1; i < fired.length; i++) expect(fired[i]!.dueAt).toBeGreaterThanOrEqual(fired[i - 1]!.dueAt);
        for (const f of fired) expect(f.dueAt).toBe(model.get(f.id));
      }),
    );
  });
});
