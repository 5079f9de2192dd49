/**
 * The operator's real clock: the only place in operator decision code that reads `Date.now` or
 * calls `setTimeout` (style.md convention 2). Everything else receives a {@link Clock}.
 */
import type { Clock } from '../ports.ts';

/**
 * Largest delay `setTimeout` accepts (2^31 - 1 ms, about 24.8 days); longer delays would fire
 * at once in Node, so {@link systemClock} re-arms in steps of at most this size.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Clock backed by `Date.now` and `setTimeout`.
 * `setTimer(delayMs, fn)` calls `fn` once after `max(0, delayMs)` ms (delays beyond
 * {@link MAX_TIMER_DELAY_MS} are honoured by chaining timers); the returned cancel function is
 * idempotent. Timers are `unref`'d so an armed timer never keeps the process alive on its own.
 */
export const systemClock: Clock = Object.freeze({
  now(): number {
    return Date.now();
  },
  setTimer(delayMs: number, fn: () => void): () => void {
    const target = Date.now() + Math.max(0, delayMs);
    let handle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const arm = (): void => {
      const remaining = target - Date.now();
      if (remaining > MAX_TIMER_DELAY_MS) {
        handle = setTimeout(arm, MAX_TIMER_DELAY_MS);
      } else {
        handle = setTimeout(() => {
          if (!cancelled) fn();
        }, Math.max(0, remaining));
      }
      handle.unref?.();
    };
    arm();
    return () => {
      cancelled = true;
      if (handle !== undefined) clearTimeout(handle);
    };
  },
});
