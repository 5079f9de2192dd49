/**
 * Freshness of one informer's cache (issue 9 point 5, "fail closed"). The cache can be trusted
 * while its watch stream is open, or for `graceMs` after it ended (the normal reconnect of a stream
 * the server closed takes well under a second). Before the first open, and once a stream has been
 * down longer than the grace (the informer backing off after errors, the API server unreachable),
 * the cache is stale: an opt-out label or `enabled: false` made meanwhile would go unseen.
 *
 * `onChange` is called once per transition to stale (armed timer) and once back to fresh.
 */
import type { Clock } from '../ports.ts';

/** Default grace after a stream ended before the cache counts as stale, ms. */
export const DEFAULT_STALE_AFTER_MS = 5_000;

/** Construction options of {@link WatchHealth}. */
export interface WatchHealthOptions {
  clock: Clock;
  /** Default {@link DEFAULT_STALE_AFTER_MS}. */
  graceMs?: number;
  onChange?: (fresh: boolean) => void;
}

/** Tracks one watch stream: open, or ended at a known time. */
export class WatchHealth {
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #onChange: (fresh: boolean) => void;
  #open = false;
  /** When the last open stream ended; undefined before the first open. */
  #closedAt: number | undefined;
  #cancel: (() => void) | undefined;
  /** Last state reported through onChange (starts stale: nothing was ever watched). */
  #reported = false;

  constructor(options: WatchHealthOptions) {
    this.#clock = options.clock;
    this.#graceMs = options.graceMs ?? DEFAULT_STALE_AFTER_MS;
    this.#onChange = options.onChange ?? (() => undefined);
  }

  /** True while the stream is open or ended less than the grace ago. */
  get fresh(): boolean {
    if (this.#open) return true;
    return this.#closedAt !== undefined && this.#clock.now() - this.#closedAt < this.#graceMs;
  }

  /** The watch stream is open (the server answered 200). */
  opened(): void {
    this.#open = true;
    this.#cancel?.();
    this.#cancel = undefined;
    this.#report(true);
  }

  /** The stream ended or the request failed. A stream that was not open keeps its first end time. */
  closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#closedAt = this.#clock.now();
    this.#cancel?.();
    this.#cancel = this.#clock.setTimer(this.#graceMs, () => {
      this.#cancel = undefined;
      // Not `!this.fresh`: a timer may fire a millisecond before Date.now() says the grace is over
      // (libuv measures from its cached loop time), and then no stale report would ever come.
      // opened() cancels this timer, so firing means the stream stayed down for the grace.
      if (!this.#open) this.#report(false);
    });
  }

  /** Cancels the pending timer (informer stopped). */
  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #report(fresh: boolean): void {
    if (this.#reported === fresh) return;
    this.#reported = fresh;
    this.#onChange(fresh);
  }
}
