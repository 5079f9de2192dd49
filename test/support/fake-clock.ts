/**
 * FakeClock: a {@link Clock} whose time moves only when a test calls `advance`. Timers fire in
 * due order (ties in arming order), with `now()` set to each timer's due time while it runs.
 */
import type { Clock } from '../../operator/src/ports.ts';

interface FakeTimer {
  dueAt: number;
  seq: number;
  fn: () => void;
}

/** Deterministic clock for unit tests (style.md convention 2: no jest fake timers). */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];
  /** Total timers ever armed through {@link setTimer} (to assert "re-arms no more than needed"). */
  armedCount = 0;

  /** @param startMs initial time, ms since epoch (default 2026-01-01T00:00:00Z). */
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  /** Current fake time, ms since epoch. */
  now(): number {
    return this.#now;
  }

  /** Arms a one-shot timer at now + max(0, delayMs); the returned cancel is idempotent. */
  setTimer(delayMs: number, fn: () => void): () => void {
    const timer: FakeTimer = { dueAt: this.#now + Math.max(0, delayMs), seq: ++this.#seq, fn };
    this.#timers.push(timer);
    this.armedCount++;
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Number of armed, not yet fired or cancelled timers. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Due times of the armed timers, ascending. */
  pendingDueTimes(): number[] {
    return this.#timers.map((t) => t.dueAt).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms`, firing every timer due up to the new time in due order (timers
   * armed by callbacks fire too when due in the window). Returns the number of timers fired.
   */
  advance(ms: number): number {
    return this.advanceTo(this.#now + ms);
  }

  /** Like {@link advance} but to an absolute time (never moves backwards). */
  advanceTo(targetMs: number): number {
    let fired = 0;
    while (this.#fireNext(targetMs)) fired++;
    this.#now = Math.max(this.#now, targetMs);
    return fired;
  }

  /** Fires the earliest timer due at or before `targetMs`, moving the clock to it; false when none is. */
  #fireNext(targetMs: number): boolean {
    const next = this.#nextDue(targetMs);
    if (next === undefined) return false;
    this.#timers = this.#timers.filter((t) => t !== next);
    this.#now = Math.max(this.#now, next.dueAt);
    next.fn();
    return true;
  }

  /**
   * Async variant of {@link advance}: lets pending promises settle before and after each timer, so
   * code whose timers start async work (the work queue) progresses as with real time.
   */
  async advanceAsync(ms: number): Promise<number> {
    const targetMs = this.#now + ms;
    let fired = 0;
    await flushPromises();
    while (this.#fireNext(targetMs)) {
      fired++;
      await flushPromises();
    }
    this.#now = Math.max(this.#now, targetMs);
    await flushPromises();
    return fired;
  }

  #nextDue(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) {
      if (t.dueAt > limit) continue;
      if (best === undefined || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Resolves after the current microtask queue and one macrotask turn have drained. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
