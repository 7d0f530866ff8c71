/**
 * A small seeded pseudo-random generator, so that every random choice in a study (problem
 * subsets, NEAT mutations) can be replayed from the seed written into its result file.
 *
 * The algorithm is mulberry32 (Tommy Ettinger, public domain): one 32-bit word of state, fast,
 * and good enough for sampling and evolutionary search (not for cryptography). Its whole state
 * is one integer, so a run can be paused and resumed by saving `state`.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** A normally distributed number (Box-Muller), for Gaussian mutation steps. */
  normal(mean?: number, sd?: number): number;
  /** The current 32-bit state; `createRng(rng.state)` continues the same sequence. */
  readonly state: number;
}

const TWO_POW_32 = 4294967296;

/** Seeds are any finite number; they are reduced to 32 bits, as the state is 32 bits. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`A random seed must be a finite number, got ${seed}.`);
  let state = Math.trunc(seed) >>> 0;

  function nextUint32(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  const rng: Rng = {
    next: () => nextUint32() / TWO_POW_32,
    int(maxExclusive: number): number {
      if (!Number.isInteger(maxExclusive) || maxExclusive < 1) {
        throw new Error(`Rng.int needs a positive integer bound, got ${maxExclusive}.`);
      }
      return Math.floor(rng.next() * maxExclusive);
    },
    normal(mean = 0, sd = 1): number {
      // 1 - next() lies in (0, 1], so the logarithm is finite.
      const u = 1 - rng.next();
      const v = rng.next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    get state() {
      return state;
    },
  };
  return rng;
}

/** A new array with the items in a random order (Fisher-Yates), leaving the input untouched. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/**
 * A 32-bit seed derived from a seed and the parts that name one use of it (a study's sampling
 * seed and a chat call's repeat, problem, node and call index), so that each use gets its own
 * seed and the same use always the same one. FNV-1a over the parts' text, then mulberry32's
 * output mix, so that neighbouring parts (repeat 0 and 1) give unrelated seeds.
 */
export function deriveSeed(seed: number, ...parts: readonly (string | number)[]): number {
  const text = [Math.trunc(seed) >>> 0, ...parts].join('\u0000');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return createRng(hash).int(TWO_POW_32 / 2);
}
