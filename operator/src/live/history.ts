/**
 * Recent action outcomes per CMC for the live view (issue 12 point 4): a bounded in-memory ring.
 *
 * Bound: each CMC keeps at most {@link HISTORY_PER_CMC} entries, fewer when many CMCs share the
 * {@link HISTORY_BUDGET} (the per-CMC limit is `budget / CMCs`, never below
 * {@link HISTORY_MIN_PER_CMC}), so the total stays at most max(budget, CMCs x 10) records of about
 * 120 bytes (measured: 10,000 CMCs x 120 records took 147 MB; under the budget ~12 MB). The oldest
 * entry goes first; messages are cut to {@link MESSAGE_MAX} characters; a CMC's ring is dropped
 * when the CMC is deleted ({@link ActionHistory.forget}) or leaves the cache
 * ({@link ActionHistory.retain}). Nothing is persisted: a restart or a new leader starts empty.
 */
import type { ScalingMode } from '../../../api/v1.ts';

/** Entries kept per CMC at most. At the CRD's minimum interval (1 s) that is the last two minutes; at 30 s, the last hour. */
export const HISTORY_PER_CMC = 120;
/** Entries kept per CMC at least, however many CMCs there are. */
export const HISTORY_MIN_PER_CMC = 10;
/** Entries shared by all CMCs (the per-CMC limit shrinks as CMCs grow). */
export const HISTORY_BUDGET = 50_000;
/** Longest message kept, characters. */
export const MESSAGE_MAX = 200;

/** One recorded action outcome. */
export interface ActionRecord {
  /** When the outcome was reported, ms epoch (the operator's clock). */
  at: number;
  mode: ScalingMode;
  result: 'succeeded' | 'skipped' | 'failed';
  /** Pod or Deployment acted on, when known. */
  target?: string;
  /** Why (the outcome's reason). */
  message: string;
}

/** Bounds of an {@link ActionHistory}. */
export interface HistoryBounds {
  perCmc?: number;
  minPerCmc?: number;
  budget?: number;
}

/** Per-CMC rings keyed by `namespace/name`. */
export class ActionHistory {
  readonly #rings = new Map<string, ActionRecord[]>();
  readonly #perCmc: number;
  readonly #minPerCmc: number;
  readonly #budget: number;
  /** The limit the rings were last trimmed to. */
  #trimmedTo: number;

  /** Default bounds: {@link HISTORY_PER_CMC}, {@link HISTORY_MIN_PER_CMC}, {@link HISTORY_BUDGET}. */
  constructor(bounds: HistoryBounds = {}) {
    this.#perCmc = Math.max(1, Math.floor(bounds.perCmc ?? HISTORY_PER_CMC));
    this.#minPerCmc = Math.min(this.#perCmc, Math.max(1, Math.floor(bounds.minPerCmc ?? HISTORY_MIN_PER_CMC)));
    this.#budget = Math.max(1, Math.floor(bounds.budget ?? HISTORY_BUDGET));
    this.#trimmedTo = this.#perCmc;
  }

  /** Entries each CMC may keep now. */
  get limit(): number {
    return Math.max(this.#minPerCmc, Math.min(this.#perCmc, Math.floor(this.#budget / Math.max(1, this.#rings.size))));
  }

  /** Appends an outcome to the CMC's ring, dropping the oldest beyond the bound. */
  record(key: string, entry: ActionRecord): void {
    let ring = this.#rings.get(key);
    if (ring === undefined) {
      ring = [];
      this.#rings.set(key, ring);
    }
    const message = entry.message.length > MESSAGE_MAX ? `${entry.message.slice(0, MESSAGE_MAX - 1)}…` : entry.message;
    ring.push({ ...entry, message });
    const limit = this.limit;
    if (limit < this.#trimmedTo) {
      // More CMCs share the budget: trim every ring once per new, lower limit.
      for (const r of this.#rings.values()) if (r.length > limit) r.splice(0, r.length - limit);
    } else if (ring.length > limit) ring.splice(0, ring.length - limit);
    this.#trimmedTo = limit;
  }

  /** The CMC's entries at or after `since` (ms epoch), oldest first; a copy. */
  since(key: string, since: number): ActionRecord[] {
    return (this.#rings.get(key) ?? []).filter((e) => e.at >= since);
  }

  /** Drops a CMC's ring (the CMC was deleted). */
  forget(key: string): void {
    this.#rings.delete(key);
  }

  /** Drops the ring of every CMC not in `keys` (e.g. the cache's current CMCs). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#rings.keys()) if (!keys.has(key)) this.#rings.delete(key);
  }

  /** Drops everything (leadership lost: a follower shows no actions). */
  clear(): void {
    this.#rings.clear();
  }

  /** CMCs with a ring. */
  get size(): number {
    return this.#rings.size;
  }

  /** Records held, all CMCs together. */
  get total(): number {
    let n = 0;
    for (const r of this.#rings.values()) n += r.length;
    return n;
  }
}
