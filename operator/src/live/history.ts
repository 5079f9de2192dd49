/**
 * Recent action outcomes per CMC for the live view (issue 12 point 4): a bounded in-memory ring.
 *
 * Bound: at most {@link HISTORY_PER_CMC} entries per CMC (the oldest is dropped first), messages
 * cut to {@link MESSAGE_MAX} characters, and a CMC's ring is dropped when the CMC is deleted
 * ({@link ActionHistory.forget}) or no longer in the cache ({@link ActionHistory.retain}). Memory is
 * therefore O(CMCs x 120 small records). Nothing is persisted: a restart or a new leader starts empty.
 */
import type { ScalingMode } from '../../../api/v1.ts';

/** Entries kept per CMC. At the CRD's minimum interval (1 s) that is the last two minutes; at 30 s, the last hour. */
export const HISTORY_PER_CMC = 120;
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

/** Per-CMC rings keyed by `namespace/name`. */
export class ActionHistory {
  readonly #rings = new Map<string, ActionRecord[]>();
  readonly #limit: number;

  /** @param limit entries kept per CMC (default {@link HISTORY_PER_CMC}). */
  constructor(limit = HISTORY_PER_CMC) {
    this.#limit = Math.max(1, Math.floor(limit));
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
    if (ring.length > this.#limit) ring.splice(0, ring.length - this.#limit);
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
}
