/**
 * Seeded pseudo-random numbers: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit
 * state, passes PractRand) seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Deterministic across platforms: only 32-bit integer arithmetic.
 */

/** A seeded generator. Not cryptographic. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextU32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n) for 0 < n <= 2^32. */
  int(n: number): number;
  /** Exponential variate with the given mean. */
  exponential(mean: number): number;
}

/** One splitmix32 step: returns the next state and an output word. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

const TWO_POW_32 = 4294967296;

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed | 0;
    let w: number;
    [s, w] = splitmix32(s);
    this.a = w | 0;
    [s, w] = splitmix32(s);
    this.b = w | 0;
    [s, w] = splitmix32(s);
    this.c = w | 0;
    [, w] = splitmix32(s);
    this.d = w | 0;
    // Discard the first outputs: sfc32's state mixes within a dozen rounds.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextU32() / TWO_POW_32;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  exponential(mean: number): number {
    // 1 - u is in (0, 1], so the log is finite.
    return -Math.log(1 - this.next()) * mean;
  }
}

/**
 * Creates a generator from a 32-bit seed (other numbers are truncated to their low 32 bits).
 *
 * @example
 * const rng = createRng(42);
 * rng.int(6); // the same value every run
 */
export function createRng(seed: number): Rng {
  return new Sfc32(Number.isFinite(seed) ? Math.trunc(seed) : 0);
}

/**
 * Precomputed Zipf(s) distribution over ranks 0..n-1 (rank 0 most frequent), sampled by inversion
 * of the cumulative distribution through a guide table (Chen and Asau): the table says where the
 * search for a u in [j/G, (j+1)/G) starts, so a sample takes about one step instead of log2(n),
 * and returns exactly what a binary search would (the smallest rank whose cdf exceeds u). No
 * allocation per sample. s = 0 is uniform.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;
  private readonly guide: Int32Array;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Zipf needs n >= 1 (got ${n}).`);
    if (!(s >= 0)) throw new RangeError(`Zipf exponent must be >= 0 (got ${s}).`);
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      this.cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k] = (this.cdf[k] ?? 0) / sum;
    this.cdf[n - 1] = 1;
    const g = Math.min(n, 1 << 16);
    this.guide = new Int32Array(g);
    let k = 0;
    for (let j = 0; j < g; j++) {
      // The smallest rank that any u >= j / g can map to.
      while (k < n - 1 && this.cdf[k]! <= j / g) k++;
      this.guide[j] = k;
    }
  }

  /** Maps a uniform u in [0, 1) to a rank. */
  rank(u: number): number {
    const cdf = this.cdf;
    const g = this.guide.length;
    let k = this.guide[Math.min(g - 1, Math.floor(u * g))]!;
    const last = this.n - 1;
    // Rounding in u * g may land one bucket late; step back so the answer stays exact.
    while (k > 0 && cdf[k - 1]! > u) k--;
    while (k < last && cdf[k]! <= u) k++;
    return k;
  }

  /** Probability of rank k. */
  probability(k: number): number {
    const hi = this.cdf[k] ?? 0;
    const lo = k > 0 ? (this.cdf[k - 1] ?? 0) : 0;
    return hi - lo;
  }
}
