/**
 * Seeded pseudo-random source implementing the {@link Random} port (style.md convention 2). The
 * seed is recorded so a run can be reproduced with CHAOSMONKEY_RANDOM_SEED. Algorithm: sfc32
 * (Small Fast Counter, 128-bit state), seeded from the text seed through a 32-bit string hash.
 * Not cryptographic.
 */
import type { Random } from '../ports.ts';

const TWO_32 = 4_294_967_296;

/** A {@link Random} whose sequence is fully determined by {@link SeededRandom.seed}. */
export interface SeededRandom extends Random {
  /** The seed this sequence derives from (log it to reproduce the run). */
  readonly seed: string;
  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number;
}

/** cyrb128-style mixing of a string into four 32-bit words. */
function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A fresh random seed (8 hex digits) from the platform's CSPRNG. */
export function randomSeed(): string {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return (buf[0] as number).toString(16).padStart(8, '0');
}

/**
 * Creates a seeded Random. Same seed => same sequence, on every platform.
 * @param seed any text (e.g. CHAOSMONKEY_RANDOM_SEED); default: {@link randomSeed}().
 * `int(min, max)` is exactly uniform (rejection sampling) for ranges up to 2^32 values and
 * throws RangeError for non-integer bounds or min > max; `pick` throws RangeError on an empty array.
 */
export function createRandom(seed: string = randomSeed()): SeededRandom {
  let [a, b, c, d] = hashSeed(seed);
  const nextUint32 = (): number => {
    // sfc32
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) nextUint32(); // warm up: decorrelate similar seeds
  const float = (): number => {
    // 53 random bits: 21 high bits + 32 low bits.
    const hi = nextUint32() >>> 11;
    const lo = nextUint32();
    return (hi * TWO_32 + lo) / 2 ** 53;
  };
  const int = (min: number, max: number): number => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new RangeError(`int bounds must be safe integers, got ${min}, ${max}`);
    if (min > max) throw new RangeError(`int: min ${min} > max ${max}`);
    const range = max - min + 1;
    if (range <= TWO_32) {
      // Rejection sampling: drop the top partial bucket so every value is equally likely.
      const limit = TWO_32 - (TWO_32 % range);
      for (;;) {
        const x = nextUint32();
        if (x < limit) return min + (x % range);
      }
    }
    return min + Math.floor(float() * range);
  };
  return Object.freeze({
    seed,
    nextUint32,
    float,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[int(0, items.length - 1)] as T;
    },
  });
}
