/** Deterministic {@link Random} doubles for unit tests. */
import type { Random } from '../../operator/src/ports.ts';

/**
 * A Random that replays `floats` (each in [0, 1)) in a cycle. `int(min, max)` maps the next float
 * to `min + floor(f * (max - min + 1))` and `pick` to `items[int(0, length - 1)]`, so a test states
 * exactly which value is drawn. `calls` counts draws.
 */
export class FixedRandom implements Random {
  readonly #floats: readonly number[];
  #i = 0;
  calls = 0;

  constructor(floats: readonly number[] = [0]) {
    if (floats.length === 0) throw new RangeError('FixedRandom needs at least one value');
    for (const f of floats) if (!(f >= 0 && f < 1)) throw new RangeError(`float out of [0, 1): ${f}`);
    this.#floats = floats;
  }

  float(): number {
    const f = this.#floats[this.#i % this.#floats.length] as number;
    this.#i++;
    this.calls++;
    return f;
  }

  int(min: number, max: number): number {
    if (min > max) throw new RangeError(`min ${min} > max ${max}`);
    return min + Math.floor(this.float() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }
}

/** A Random whose `int` always answers the given index-like value clamped to [min, max]. */
export function randomReturningInt(value: number): Random {
  return {
    float: () => 0,
    int: (min, max) => Math.min(max, Math.max(min, value)),
    pick: <T>(items: readonly T[]): T => items[Math.min(items.length - 1, Math.max(0, value))] as T,
  };
}
