/**
 * One timer for every scheduled entry (architecture.md "scheduler", issue 4 point 5): an indexed
 * binary min-heap ordered by `dueAt` (ties by insertion order) and a single armed {@link Clock}
 * timer for the earliest entry. It plays the design's "timer wheel" role (ADR 0001); the data
 * structure is a heap, hence the name. Knows nothing of CMCs: entries are opaque string ids.
 */
import type { Clock } from '../ports.ts';

/** Called once per due entry: its id, the time it was due and the time the wheel fired it (ms epoch). */
export type DueCallback = (id: string, dueAt: number, firedAt: number) => void;

/** Construction options of {@link TimerHeap}. */
export interface TimerHeapOptions {
  clock: Clock;
  /**
   * Receives an exception thrown by a due callback (the remaining due entries still fire).
   * Default: the first exception of a firing pass is rethrown after the pass completes.
   */
  onError?: (error: unknown, id: string) => void;
  /** Start stopped (no timer armed until {@link TimerHeap.start}). Default false. */
  stopped?: boolean;
}

interface Node {
  id: string;
  dueAt: number;
  /** Insertion sequence: ties on dueAt fire in upsert order; entries added during a pass wait for the next pass. */
  seq: number;
  /** Position in the heap array. */
  index: number;
}

/**
 * Shared timer heap (the design's "timer wheel"). Invariants: at most one clock timer is armed, and only while the wheel is
 * running and non-empty; it is armed for the earliest `dueAt` and re-armed only when that earliest
 * time changes. `upsert`/`cancel` are O(log n), `has`/`dueAt`/`size` O(1).
 *
 * Firing: when the timer fires, every entry whose `dueAt <= now` is removed and its callbacks run,
 * in `dueAt` order (ties in upsert order). An entry is removed before its callbacks run, so a
 * callback may `upsert` the same id for its next slot. Entries upserted during a pass with
 * `dueAt <= now` fire in a following pass (armed with delay 0), never in the same one, so a
 * callback cannot starve the loop.
 */
export class TimerHeap {
  readonly #clock: Clock;
  readonly #onError: ((error: unknown, id: string) => void) | undefined;
  readonly #heap: Node[] = [];
  readonly #byId = new Map<string, Node>();
  readonly #listeners = new Set<DueCallback>();
  #seq = 0;
  #running: boolean;
  #firing = false;
  #armedFor: number | undefined;
  #cancelTimer: (() => void) | undefined;

  /** Creates an empty wheel; see {@link TimerHeapOptions}. */
  constructor(options: TimerHeapOptions) {
    this.#clock = options.clock;
    this.#onError = options.onError;
    this.#running = options.stopped !== true;
  }

  /** Number of scheduled entries. */
  get size(): number {
    return this.#heap.length;
  }

  /** True while the wheel arms timers and fires entries (see {@link stop}/{@link start}). */
  get running(): boolean {
    return this.#running;
  }

  /** True when `id` is scheduled. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The scheduled `dueAt` of `id` (ms epoch), undefined when not scheduled. */
  dueAt(id: string): number | undefined {
    return this.#byId.get(id)?.dueAt;
  }

  /**
   * Schedules `id` at `dueAt` (ms epoch), replacing any previous schedule of `id`. O(log n).
   * Idempotent: upserting the same id and dueAt again changes nothing (not even tie order).
   * A `dueAt` in the past fires on the next timer turn (delay 0).
   */
  upsert(id: string, dueAt: number): void {
    if (!Number.isFinite(dueAt)) throw new RangeError(`dueAt must be a finite number, got ${dueAt}`);
    const existing = this.#byId.get(id);
    if (existing !== undefined) {
      if (existing.dueAt === dueAt) return;
      const earlier = dueAt < existing.dueAt;
      existing.dueAt = dueAt;
      existing.seq = ++this.#seq;
      if (earlier) this.#siftUp(existing.index);
      else this.#siftDown(existing.index);
    } else {
      const node: Node = { id, dueAt, seq: ++this.#seq, index: this.#heap.length };
      this.#heap.push(node);
      this.#byId.set(id, node);
      this.#siftUp(node.index);
    }
    this.#rearm();
  }

  /** Removes `id`; returns true when it was scheduled. O(log n). Idempotent. */
  cancel(id: string): boolean {
    const node = this.#byId.get(id);
    if (node === undefined) return false;
    this.#removeAt(node.index);
    this.#byId.delete(id);
    this.#rearm();
    return true;
  }

  /**
   * Registers a callback for due entries; returns a function that unregisters it.
   * Callbacks run synchronously inside the firing pass, in registration order.
   */
  onDue(callback: DueCallback): () => void {
    this.#listeners.add(callback);
    return () => {
      this.#listeners.delete(callback);
    };
  }

  /**
   * Stops firing at once: cancels the armed timer. Entries are kept (and may still be upserted or
   * cancelled) so {@link start} resumes the same schedule; entries that became due meanwhile fire
   * on start. Idempotent.
   */
  stop(): void {
    this.#running = false;
    this.#disarm();
  }

  /** Resumes firing after {@link stop} (arms the timer for the earliest entry). Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#rearm();
  }

  /** Removes every entry and disarms the timer (the running state is unchanged). */
  clear(): void {
    this.#heap.length = 0;
    this.#byId.clear();
    this.#disarm();
  }

  #disarm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#armedFor = undefined;
  }

  #rearm(delayOverride?: number): void {
    if (this.#firing) return; // the pass re-arms once when it ends
    const top = this.#heap[0];
    if (!this.#running || top === undefined) {
      this.#disarm();
      return;
    }
    if (delayOverride === undefined && this.#armedFor === top.dueAt && this.#cancelTimer !== undefined) return;
    this.#disarm();
    this.#armedFor = top.dueAt;
    const delay = delayOverride ?? Math.max(0, top.dueAt - this.#clock.now());
    this.#cancelTimer = this.#clock.setTimer(delay, () => {
      this.#cancelTimer = undefined;
      this.#armedFor = undefined;
      this.#fire();
    });
  }

  #fire(): void {
    if (!this.#running) return;
    const firedAt = this.#clock.now();
    const passSeq = this.#seq;
    let deferred = false;
    let firstError: { error: unknown } | undefined;
    this.#firing = true;
    try {
      for (;;) {
        const top = this.#heap[0];
        if (top === undefined || top.dueAt > firedAt || !this.#running) break;
        if (top.seq > passSeq) {
          deferred = true; // upserted during this pass: next pass
          break;
        }
        this.#removeAt(0);
        this.#byId.delete(top.id);
        for (const listener of [...this.#listeners]) {
          try {
            listener(top.id, top.dueAt, firedAt);
          } catch (error) {
            if (this.#onError !== undefined) this.#onError(error, top.id);
            else firstError ??= { error };
          }
        }
      }
    } finally {
      this.#firing = false;
    }
    this.#rearm(deferred ? 0 : undefined);
    if (firstError !== undefined) throw firstError.error;
  }

  #less(a: Node, b: Node): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const a = heap[i] as Node;
    const b = heap[j] as Node;
    heap[i] = b;
    heap[j] = a;
    b.index = i;
    a.index = j;
  }

  #siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(this.#heap[i] as Node, this.#heap[parent] as Node)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(index: number): void {
    const n = this.#heap.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.#less(this.#heap[left] as Node, this.#heap[smallest] as Node)) smallest = left;
      if (right < n && this.#less(this.#heap[right] as Node, this.#heap[smallest] as Node)) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  #removeAt(index: number): void {
    const last = this.#heap.pop() as Node;
    if (index === this.#heap.length) return; // removed the last slot
    this.#heap[index] = last;
    last.index = index;
    this.#siftDown(index);
    this.#siftUp(last.index);
  }
}
