/**
 * Keyed, deduplicated, level-based work queue (controller-runtime's workqueue; style.md conventions
 * 4-5). Keys are CMC `namespace/name`. A key is never processed by two workers at once; a key added
 * while it is being processed is processed once more afterwards. Failures retry with per-key capped
 * exponential backoff. The queue is the ONE place that observes reconcile outcomes (through
 * {@link WorkQueueOptions.onProcessed}); workers return or throw, they do not log.
 */
import type { Clock } from '../ports.ts';
import { ChaosMonkeyError, ThrottledError } from '../errors.ts';
import { TimerHeap } from '../scheduler/timer-heap.ts';

/** What a worker returns: nothing (done) or a delay after which the key is reconciled again. */
export type ReconcileResult = { requeueAfterMs?: number } | undefined | void;

/** The worker: reconciles one key. Throwing = failure (see {@link ProcessedInfo}). */
export type Worker = (key: string) => Promise<ReconcileResult>;

/** One processed key, reported to {@link WorkQueueOptions.onProcessed} (metrics and the single log line). */
export interface ProcessedInfo {
  key: string;
  /** success: done and forgotten; requeue: worker asked for requeueAfterMs; error: worker threw. */
  result: 'success' | 'requeue' | 'error';
  durationMs: number;
  /** The thrown value, for result 'error'. */
  error?: unknown;
  /** True when the error is terminal (a ChaosMonkeyError with retryable false): not retried. */
  terminal?: boolean;
  /** When the key will be processed again, ms from now (requeue, or retryable error). */
  retryInMs?: number;
  /** Consecutive failures of this key, including this one (0 on success). */
  failures: number;
}

/** Construction options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  clock: Clock;
  /** First retry delay (ms). Default 5. */
  baseDelayMs?: number;
  /** Cap of the retry delay (ms). Default 300,000 (5 min). */
  maxDelayMs?: number;
  /** Keys processed at the same time (distinct keys). Default 1. */
  concurrency?: number;
  /** Monotonic ms source for durations (e.g. performance.now); default clock.now. */
  stopwatch?: () => number;
  /** Called after every processed key. Must not throw. */
  onProcessed?: (info: ProcessedInfo) => void;
  /** Called whenever the ready depth changes. Must not throw. */
  onDepth?: (depth: number) => void;
  /**
   * Keys dispatched before the queue yields to the event loop (through `defer`) and resumes.
   * A reconcile that needs no I/O completes in microtasks, so without this bound a long ready
   * list would be processed in one go and delay timers (chaos actions) meanwhile. Default 32.
   */
  batchSize?: number;
  /** Runs `resume` after the event loop's pending I/O and timers. Default setImmediate. */
  defer?: (resume: () => void) => void;
}

/**
 * The work queue. Methods are synchronous and never throw (except `start` twice); processing runs
 * on the microtask/timer queue. Delayed adds share ONE clock timer (a private {@link TimerHeap}).
 */
export class WorkQueue {
  readonly #clock: Clock;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #concurrency: number;
  readonly #stopwatch: () => number;
  readonly #onProcessed: ((info: ProcessedInfo) => void) | undefined;
  readonly #onDepth: ((depth: number) => void) | undefined;
  readonly #batchSize: number;
  readonly #defer: (resume: () => void) => void;
  /** Keys dispatched since the queue last yielded. */
  #sinceYield = 0;
  #yielding = false;
  readonly #ready: string[] = [];
  #readyHead = 0;
  /** Keys waiting to be processed (in #ready, or re-added while processing). */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #delayed: TimerHeap;
  #worker: Worker | undefined;
  #stopped = false;
  #idleWaiters: (() => void)[] = [];

  /** Creates an idle queue; nothing is processed before {@link start}. */
  constructor(options: WorkQueueOptions) {
    this.#clock = options.clock;
    this.#baseDelayMs = options.baseDelayMs ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 300_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#stopwatch = options.stopwatch ?? (() => this.#clock.now());
    this.#onProcessed = options.onProcessed;
    this.#onDepth = options.onDepth;
    this.#batchSize = Math.max(1, options.batchSize ?? 32);
    this.#defer = options.defer ?? ((resume) => void setImmediate(resume));
    this.#delayed = new TimerHeap({ clock: this.#clock });
    this.#delayed.onDue((key) => this.add(key));
  }

  /** Keys ready to be processed (not counting delayed ones or those being processed). */
  get depth(): number {
    return this.#ready.length - this.#readyHead;
  }

  /** Keys waiting for a delayed add (addAfter / backoff). */
  get delayedCount(): number {
    return this.#delayed.size;
  }

  /** Keys being processed right now. */
  get processingCount(): number {
    return this.#processing.size;
  }

  /** Consecutive failures recorded for `key` (0 after success or {@link forget}). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /**
   * Queues `key` now. Deduplicated: a key already waiting is not queued twice; a key being
   * processed is processed once more after the current run. Cancels a pending delayed add of the
   * key (it is due now). Ignored after {@link stop}.
   */
  add(key: string): void {
    if (this.#stopped) return;
    this.#delayed.cancel(key);
    if (this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (!this.#processing.has(key)) this.#pushReady(key);
    this.#pump();
  }

  /**
   * Queues `key` after `delayMs` (<= 0: now). When the key already waits for a delayed add, the
   * earlier of the two times wins. A key already ready stays ready. Ignored after {@link stop}.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    if (this.#dirty.has(key) && !this.#processing.has(key)) return; // already ready: sooner than any delay
    const dueAt = this.#clock.now() + delayMs;
    const existing = this.#delayed.dueAt(key);
    if (existing === undefined || dueAt < existing) this.#delayed.upsert(key, dueAt);
  }

  /**
   * Records one more failure of `key` and queues it after the backoff delay
   * `min(baseDelayMs * 2^(failures-1), maxDelayMs)`. Returns that delay (ms).
   */
  addRateLimited(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const delayMs = this.backoffMs(failures);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Backoff delay (ms) after `failures` consecutive failures (>= 1). Pure. */
  backoffMs(failures: number): number {
    const exp = Math.min(Math.max(0, failures - 1), 62);
    return Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** exp);
  }

  /** Clears the failure count of `key` (its next failure starts at baseDelayMs). Idempotent. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /**
   * Starts processing with `worker`. A successful run forgets the key's failures; a result with
   * `requeueAfterMs` forgets failures and re-adds after that delay; a thrown retryable error (or
   * any non-ChaosMonkeyError) re-adds with backoff (a ThrottledError's retryAfterMs is honoured
   * as a minimum); a terminal ChaosMonkeyError forgets the key. Every run is reported once.
   * @throws Error when already started.
   */
  start(worker: Worker): void {
    if (this.#worker !== undefined) throw new Error('WorkQueue already started');
    this.#worker = worker;
    this.#pump();
  }

  /**
   * Stops: no new key is dispatched, delayed adds are dropped, later adds are ignored. Resolves
   * when the keys being processed have finished. Idempotent.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#delayed.stop();
    this.#delayed.clear();
    this.#ready.length = 0;
    this.#readyHead = 0;
    this.#dirty.clear();
    this.#onDepth?.(0);
    await this.whenIdle();
  }

  /** Resolves once nothing is ready or being processed (delayed keys do not count). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#processing.size === 0 && (this.depth === 0 || this.#worker === undefined || this.#stopped);
  }

  #pushReady(key: string): void {
    this.#ready.push(key);
    this.#onDepth?.(this.depth);
  }

  #shiftReady(): string | undefined {
    if (this.#readyHead >= this.#ready.length) return undefined;
    const key = this.#ready[this.#readyHead++] as string;
    if (this.#readyHead > 1024 && this.#readyHead * 2 > this.#ready.length) {
      this.#ready.splice(0, this.#readyHead);
      this.#readyHead = 0;
    }
    this.#onDepth?.(this.depth);
    return key;
  }

  #pump(): void {
    const worker = this.#worker;
    if (worker === undefined || this.#stopped || this.#yielding) return;
    while (this.#processing.size < this.#concurrency) {
      if (this.#sinceYield >= this.#batchSize && this.depth > 0) {
        this.#yielding = true;
        this.#defer(() => {
          this.#yielding = false;
          this.#sinceYield = 0;
          this.#pump();
        });
        return;
      }
      const key = this.#shiftReady();
      if (key === undefined) break;
      this.#dirty.delete(key);
      this.#processing.add(key);
      this.#sinceYield += 1;
      void this.#run(worker, key);
    }
  }

  async #run(worker: Worker, key: string): Promise<void> {
    const started = this.#stopwatch();
    let info: ProcessedInfo;
    try {
      const result = await worker(key);
      const durationMs = this.#stopwatch() - started;
      const requeueAfterMs = result?.requeueAfterMs;
      this.forget(key);
      if (requeueAfterMs !== undefined && requeueAfterMs >= 0) {
        info = { key, result: 'requeue', durationMs, retryInMs: requeueAfterMs, failures: 0 };
        this.addAfter(key, requeueAfterMs);
      } else {
        info = { key, result: 'success', durationMs, failures: 0 };
      }
    } catch (error) {
      const durationMs = this.#stopwatch() - started;
      const terminal = error instanceof ChaosMonkeyError && !error.retryable;
      if (terminal) {
        const failures = this.failures(key) + 1;
        this.forget(key);
        info = { key, result: 'error', durationMs, error, terminal, failures };
      } else {
        let retryInMs = this.addRateLimited(key);
        if (error instanceof ThrottledError && error.retryAfterMs !== undefined && error.retryAfterMs > retryInMs) {
          retryInMs = error.retryAfterMs;
          this.#delayed.upsert(key, this.#clock.now() + retryInMs);
        }
        info = { key, result: 'error', durationMs, error, terminal, retryInMs, failures: this.failures(key) };
      }
    }
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#stopped) this.#pushReady(key);
    try {
      this.#onProcessed?.(info);
    } finally {
      this.#pump();
      if (this.#isIdle()) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}

/** Splits a queue key `namespace/name`; undefined for a malformed key. */
export function splitKey(key: string): { namespace: string; name: string } | undefined {
  const i = key.indexOf('/');
  if (i <= 0 || i === key.length - 1 || key.indexOf('/', i + 1) !== -1) return undefined;
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Builds the queue key of a namespaced object. */
export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
