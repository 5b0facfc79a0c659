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
  /** Writes the next `end - start` words into `out[start..end)`: the same words as `nextU32()` gives. */
  fillU32(out: Uint32Array, start: number, end: number): void;
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

/** Buckets of {@link ZipfSampler.rankWord}'s table: 2^12 words of 4 bytes, 16 KiB. */
const WORD_BUCKET_BITS = 12;

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

  fillU32(out: Uint32Array, start: number, end: number): void {
    // nextU32 on int32 locals (the `| 0` tells the JIT so: without it they stay tagged numbers and
    // every step goes through doubles, 6x slower), in registers for the whole run.
    let a = this.a | 0;
    let b = this.b | 0;
    let c = this.c | 0;
    let d = this.d | 0;
    for (let i = start; i < end; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = t;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
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

/** Bits of a word that pick the ziggurat's layer (the low 8); the other 24 place the point in it. */
const ZIG_LAYERS = 256;
const ZIG_SCALE = 2 ** 24;
/** Where the ziggurat's base layer ends and its tail begins (Marsaglia and Tsang's r for n = 256). */
const ZIG_R = 7.697117470131487;
/** Each layer's area (and the base's, tail included). */
const ZIG_V = 3.949659822581572e-3;

/** The exponential ziggurat's tables: per layer, the fast-accept bound, the width per step, e^-x. */
const ZIG = (() => {
  const ke = new Uint32Array(ZIG_LAYERS);
  const we = new Float64Array(ZIG_LAYERS);
  const fe = new Float64Array(ZIG_LAYERS);
  let de = ZIG_R;
  let te = de;
  const q = ZIG_V / Math.exp(-de);
  ke[0] = Math.floor((de / q) * ZIG_SCALE);
  ke[1] = 0;
  we[0] = q / ZIG_SCALE;
  we[ZIG_LAYERS - 1] = de / ZIG_SCALE;
  fe[0] = 1;
  fe[ZIG_LAYERS - 1] = Math.exp(-de);
  for (let i = ZIG_LAYERS - 2; i >= 1; i--) {
    de = -Math.log(ZIG_V / de + Math.exp(-de));
    ke[i + 1] = Math.floor((de / te) * ZIG_SCALE);
    te = de;
    fe[i] = Math.exp(-de);
    we[i] = de / ZIG_SCALE;
  }
  return { ke, we, fe };
})();

/**
 * Exponential(1) variates by the ziggurat method (Marsaglia and Tsang, 2000; 256 layers): one
 * random word gives the layer (its low 8 bits) and the point in it (its high 24 bits, so the two
 * are independent), accepted at once about 98.9 % of the time for a multiply and a compare. The
 * rest (the wedges and the tail) draw from a stream of the sampler's own, seeded with it, so a
 * caller always consumes exactly one word per variate. Replaces `-log(1 - u)`, whose `Math.log`
 * was the generator's largest cost (Poisson arrivals and amounts each take one).
 */
export class ExpZiggurat {
  private readonly aux: Rng;

  constructor(seed: number) {
    this.aux = createRng((seed ^ 0x5bd1e995) | 0);
  }

  /** An Exp(1) variate from the random word `w` in [0, 2^32). */
  sample(w: number): number {
    const i = w & (ZIG_LAYERS - 1);
    const j = w >>> 8;
    if (j < ZIG.ke[i]!) return j * ZIG.we[i]!;
    // `+`: where `slow` is not inlined, its result comes back tagged, and the two returns would
    // meet as a tagged value: every fast draw boxed in a fresh HeapNumber (12 bytes a draw in
    // the generator's loop). Converted, they meet as a float64.
    return +this.slow(i, j);
  }

  /** The wedges and the tail: rejection against e^-x, and r + Exp(1) beyond r. */
  private slow(layer: number, point: number): number {
    const { ke, we, fe } = ZIG;
    const aux = this.aux;
    let i = layer;
    let j = point;
    for (;;) {
      if (i === 0) return ZIG_R - Math.log(1 - aux.next());
      const x = j * we[i]!;
      if (fe[i]! + aux.next() * (fe[i - 1]! - fe[i]!) < Math.exp(-x)) return x;
      const w = aux.nextU32();
      i = w & (ZIG_LAYERS - 1);
      j = w >>> 8;
      if (j < ke[i]!) return j * we[i]!;
    }
  }
}

/**
 * Precomputed Zipf(s) distribution over ranks 0..n-1 (rank 0 most frequent), sampled by inversion
 * of the cumulative distribution through a guide table (Chen and Asau): the table says where the
 * search for a u in [j/G, (j+1)/G) starts, so a sample takes about one step instead of log2(n),
 * and returns exactly what a binary search would (the smallest rank whose cdf exceeds u). No
 * allocation per sample. s = 0 is uniform.
 *
 * {@link rankWord} samples from a random word w (u = w / 2^32) through a small table over the
 * 2^WORD_BUCKET_BITS buckets of w's top bits, where the bucket is exact (no rounding): a bucket
 * whose words all map to one rank answers at once; the others go the way of {@link rank}. The
 * table is small on purpose: it is read at random (u is uniform), so it must stay in cache while
 * the engine around the generator works (a 2^16-entry table was faster alone and slower there).
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;
  private readonly guide: Int32Array;
  /** Per bucket of w's top bits: the rank all its words map to, or -1 when they do not agree. */
  private wordRank: Int32Array | null = null;

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
    const bucket = Math.floor(u * g);
    let k = this.guide[bucket < g - 1 ? bucket : g - 1]!;
    const last = this.n - 1;
    // Rounding in u * g may land one bucket late; step back so the answer stays exact.
    while (k > 0 && cdf[k - 1]! > u) k--;
    while (k < last && cdf[k]! <= u) k++;
    return k;
  }

  /** `rank(w / 2^32)` for a random word w in [0, 2^32), exactly, and mostly by one table read. */
  rankWord(w: number): number {
    const t = this.wordRank ?? this.buildWordTable();
    const k = t[w >>> (32 - WORD_BUCKET_BITS)]!;
    return k >= 0 ? k : this.rank(w / 4294967296);
  }

  /** Built on first use (a generator that never samples by word pays nothing). */
  private buildWordTable(): Int32Array {
    const buckets = 1 << WORD_BUCKET_BITS;
    const width = 2 ** (32 - WORD_BUCKET_BITS);
    const t = new Int32Array(buckets);
    for (let j = 0; j < buckets; j++) {
      // rank is non-decreasing in u: a bucket is one rank when its first and last words agree.
      const first = this.rank((j * width) / 4294967296);
      const last = this.rank((j * width + width - 1) / 4294967296);
      t[j] = first === last ? first : -1;
    }
    return (this.wordRank = t);
  }

  /** Probability of rank k. */
  probability(k: number): number {
    const hi = this.cdf[k] ?? 0;
    const lo = k > 0 ? (this.cdf[k - 1] ?? 0) : 0;
    return hi - lo;
  }
}
