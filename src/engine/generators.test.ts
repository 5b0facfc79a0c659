import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewsOf } from './generator-fields';
import { GeneratedBatch, TrafficGenerator, type MixEntry } from './generators';
import { layoutOf, type FieldSlot, type PayloadLayout } from './payload';
import { createRng, ExpZiggurat, ZipfSampler } from './random';
import { decodePayload } from './payload';
import type { ArrivalPattern, GeneratorSpec } from './protocol';

const txLayout = layoutOf([
  { name: 'id', type: 'u64' },
  { name: 'amount', type: 'f32' },
  { name: 'account', type: 'u32' },
  { name: 'counterparty', type: 'u32' },
  { name: 'country', type: 'u16' },
  { name: 'timestampUs', type: 'u64' },
]);
const empty = { size: 0, fields: [] };

function run(spec: GeneratorSpec, mix: MixEntry[], untilUs: number, stepUs: number, startUs = 0) {
  const gen = new TrafficGenerator(spec, mix, startUs);
  const batch = new GeneratedBatch(256, 32);
  const out: { t: number; mi: number; account: number; payload: number[] }[] = [];
  untilUs += startUs;
  for (let t = startUs + Math.min(stepUs, untilUs - startUs); ; t = Math.min(t + stepUs, untilUs)) {
    for (;;) {
      const n = gen.fill(t, batch);
      for (let i = 0; i < n; i++) {
        out.push({
          t: batch.timeUs[i]!,
          mi: batch.mixIndex[i]!,
          account: batch.account[i]!,
          payload: Array.from(batch.payload.subarray(i * 32, i * 32 + 32)),
        });
      }
      if (n < batch.capacity) break;
    }
    if (t >= untilUs) break;
  }
  return out;
}

describe('random', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 50 }, () => a.nextU32());
    expect(Array.from({ length: 50 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.nextU32())).not.toEqual(xs);
  });

  it('gives uniform floats in [0, 1) with mean near 1/2', () => {
    const r = createRng(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    // Standard error is 0.29/sqrt(1e5) ~ 0.0009: 5 sigma.
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });
});

describe('ExpZiggurat', () => {
  // Fixed seeds: each check gives the same answer every run; bounds are 4+ standard errors wide.
  function samples(seed: number, n: number): Float64Array {
    const z = new ExpZiggurat(seed);
    const rng = createRng(seed + 1000);
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = z.sample(rng.nextU32());
    return xs;
  }

  it('follows Exp(1): Kolmogorov-Smirnov distance, mean and variance', () => {
    const n = 400_000;
    const xs = samples(7, n).sort();
    let d = 0;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const cdf = 1 - Math.exp(-x);
      d = Math.max(d, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
      sum += x;
      sq += x * x;
    }
    // 1.63 / sqrt(n) is the 1 % critical value.
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
    expect(Math.abs(sum / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - (sum / n) ** 2 - 1)).toBeLessThan(0.02);
  });

  it('fills the wedges and the tail past the base layer as e^-x says', () => {
    const n = 2_000_000;
    const xs = samples(11, n);
    for (const [lo, hi] of [
      [0.05, 0.06],
      [2, 2.5],
      [6, 7.697117470131487],
      [7.697117470131487, Infinity],
      [9, Infinity],
    ] as const) {
      const p = Math.exp(-lo) - Math.exp(-hi);
      const got = xs.filter((x) => x >= lo && x < hi).length;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(got - n * p), `[${lo}, ${hi})`).toBeLessThan(4.5 * sd + 1);
    }
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
  });

  it('is deterministic per seed', () => {
    expect(Array.from(samples(3, 1000))).toEqual(Array.from(samples(3, 1000)));
  });
});

describe('ZipfSampler', () => {
  it('follows the rank-frequency law', () => {
    const z = new ZipfSampler(100, 1);
    const r = createRng(3);
    const counts = new Array<number>(100).fill(0);
    const N = 200_000;
    for (let i = 0; i < N; i++) counts[z.rank(r.next())]!++;
    for (const k of [0, 1, 2, 9]) {
      const p = z.probability(k);
      const sd = Math.sqrt(N * p * (1 - p));
      expect(Math.abs(counts[k]! - N * p)).toBeLessThan(5 * sd);
    }
    // Rank 1 is about twice as frequent as rank 2 for s = 1.
    expect(counts[0]! / counts[1]!).toBeGreaterThan(1.8);
    expect(counts[0]! / counts[1]!).toBeLessThan(2.2);
  });

  it('is uniform for s = 0', () => {
    const z = new ZipfSampler(10, 0);
    expect(z.probability(0)).toBeCloseTo(0.1, 12);
    expect(z.probability(9)).toBeCloseTo(0.1, 12);
  });
});

describe('TrafficGenerator', () => {
  const mix: MixEntry[] = [{ typeId: 1001, weight: 1, layout: txLayout }];

  it('replays the same sequence for the same seed, whatever the tick size', () => {
    const spec: GeneratorSpec = { ratePerSec: 50_000, pattern: 'poisson', seed: 11, accounts: 500 };
    const a = run(spec, mix, 100_000, 1_000);
    const b = run(spec, mix, 100_000, 7_919);
    const c = run({ ...spec, seed: 12 }, mix, 100_000, 1_000);
    const cut = Math.min(a.length, b.length);
    expect(cut).toBeGreaterThan(4000);
    expect(b.slice(0, cut)).toEqual(a.slice(0, cut));
    expect(c.slice(0, 100)).not.toEqual(a.slice(0, 100));
  });

  it('holds the Poisson mean rate within statistical bounds on a simulated clock', () => {
    const rate = 20_000;
    const seconds = 5;
    const out = run({ ratePerSec: rate, pattern: 'poisson', seed: 5 }, mix, seconds * 1e6, 10_000);
    const expected = rate * seconds;
    // Poisson count: sd = sqrt(mean) ~ 316; allow 5 sd.
    expect(Math.abs(out.length - expected)).toBeLessThan(5 * Math.sqrt(expected));
    // Inter-arrival times are exponential: their coefficient of variation is about 1.
    const gaps = out.slice(1).map((m, i) => m.t - out[i]!.t);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1e6 / rate, -0.5);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it('emits exactly rate x time for constant arrivals and stops at the duration', () => {
    const out = run({ ratePerSec: 1000, durationMs: 500 }, mix, 2e6, 3_000);
    expect(out.length).toBe(500);
    expect(out[1]!.t - out[0]!.t).toBeCloseTo(1000, 6);
  });

  it('stops at the duration on a wall-clock time scale too (no message due at the end itself)', () => {
    // At 1.7e15 µs a float64 steps by 0.25 µs: "end minus 1e-9" was the end itself, and the
    // message due exactly there went out: 10,001 for 10,000/s over 1 s.
    const wall = 1_764_000_000_000_000;
    const out = run({ ratePerSec: 10_000, durationMs: 1000 }, mix, 3e6, 7_000, wall);
    expect(out.length).toBe(10_000);
    expect(out.at(-1)!.t).toBeLessThan(wall + 1e6);
  });

  it('groups bursts at one instant with the right mean rate', () => {
    // Half-open second [0, 1 s): the burst at exactly 1 s belongs to the next one.
    const out = run({ ratePerSec: 10_000, pattern: 'bursts', burstSize: 100 }, mix, 1e6 - 1, 5_000);
    expect(out.length).toBe(10_000);
    const instants = new Set(out.map((m) => m.t));
    expect(instants.size).toBe(100);
  });

  it('follows the weighted mix', () => {
    const m3: MixEntry[] = [
      { typeId: 1, weight: 6, layout: empty },
      { typeId: 2, weight: 3, layout: empty },
      { typeId: 3, weight: 1, layout: empty },
    ];
    const out = run({ ratePerSec: 100_000, seed: 9 }, m3, 1e6 - 1, 10_000);
    const N = out.length;
    expect(N).toBe(100_000);
    for (const [mi, p] of [
      [0, 0.6],
      [1, 0.3],
      [2, 0.1],
    ] as const) {
      const c = out.filter((m) => m.mi === mi).length;
      expect(Math.abs(c - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)));
    }
  });

  it('fills typed fields: the Zipf account, a time stamp and amounts around the thresholds', () => {
    const out = run({ ratePerSec: 10_000, zipfS: 1.2, accounts: 50, seed: 4 }, mix, 1e6, 50_000);
    const decoded = out.map((m) => decodePayload(txLayout, Uint8Array.from(m.payload)));
    decoded.forEach((d, i) => {
      expect(d['account']).toBe(out[i]!.account);
      expect(d['timestampUs']).toBe(Math.floor(out[i]!.t));
      expect(d['account'] as number).toBeLessThan(50);
    });
    const amounts = decoded.map((d) => d['amount'] as number);
    expect(amounts.some((a) => a > 10_000)).toBe(true);
    expect(amounts.some((a) => a >= 9_000 && a < 10_000)).toBe(true);
    expect(amounts.every((a) => a > 0 && Number.isFinite(a))).toBe(true);
  });

  it('rejects invalid specs with a message naming the problem', () => {
    expect(() => new TrafficGenerator({ ratePerSec: 0 }, mix, 0)).toThrow(/ratePerSec/);
    expect(() => new TrafficGenerator({ ratePerSec: 1, accounts: 0 }, mix, 0)).toThrow(/accounts/);
  });
});

describe('generator fast paths', () => {
  it('Zipf guide table ranks exactly as a binary search over the cdf, bucket edges included', () => {
    for (const [n, s] of [
      [10, 1.1],
      [1000, 0],
      [1000, 2],
      [100_000, 1.1],
    ] as const) {
      const z = new ZipfSampler(n, s);
      const cdf: number[] = [];
      let acc = 0;
      for (let k = 0; k < n; k++) {
        acc += z.probability(k);
        cdf.push(acc);
      }
      const bsearch = (u: number): number => {
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (z.probability(mid) + (mid > 0 ? cdf[mid - 1]! : 0) > u) hi = mid;
          else lo = mid + 1;
        }
        return lo;
      };
      const g = Math.min(n, 1 << 16);
      const rng = createRng(n);
      const us: number[] = [0, 1 - 2 ** -32];
      for (let j = 1; j < Math.min(g, 2000); j++) us.push(j / g, j / g - 1e-12, j / g + 1e-12);
      for (let i = 0; i < 20_000; i++) us.push(rng.next());
      const wrong = us.filter((u) => z.rank(u) !== bsearch(u));
      expect(wrong).toEqual([]);
    }
  });

  it('Zipf rankWord(w) is rank(w / 2^32) for every kind of bucket, edges included', () => {
    for (const [n, s] of [
      [1, 1],
      [10, 1.1],
      [10_000, 1.1],
      [10_000, 0],
      [70_000, 0],
      [1_000_000, 0.5],
    ] as const) {
      const z = new ZipfSampler(n, s);
      const rng = createRng(n + 1);
      const ws: number[] = [0, 2 ** 32 - 1];
      // Bucket edges for any table size up to 2^16 buckets.
      for (let j = 0; j < 65536; j += 1 + rng.int(7)) ws.push(j * 65536, j * 65536 + 65535);
      for (let j = 0; j < 4096; j++) ws.push(j * 2 ** 20, j * 2 ** 20 + 2 ** 20 - 1);
      for (let i = 0; i < 50_000; i++) ws.push(rng.nextU32());
      const wrong = ws.filter((w) => z.rankWord(w) !== z.rank(w / 2 ** 32));
      expect(wrong).toEqual([]);
    }
  });

  it('draws random words in stream order across its read-ahead buffer', () => {
    const layout = layoutOf([{ name: 'noise', type: 'u32' }]);
    const gen = new TrafficGenerator(
      { ratePerSec: 1e6, seed: 21 },
      [{ typeId: 1, weight: 1, layout }],
      0,
    );
    const batch = new GeneratedBatch(1000, 4);
    const got: number[] = [];
    while (got.length < 10_000) {
      const n = gen.fill(1e12, batch);
      for (let i = 0; i < n; i++) got.push(batch.view.getUint32(i * 4, true));
    }
    // Per message: one word for the account (Zipf), then one for the field.
    const rng = createRng(21);
    const want = got.map(() => (rng.nextU32(), rng.nextU32()));
    expect(got).toEqual(want);
  });
});

describe('optimised fill against the frozen reference', () => {
  const TYPES: FieldSlot['type'][] = [
    'u8',
    'bool',
    'u16',
    'u32',
    'i32',
    'u64',
    'i64',
    'f32',
    'f64',
    'bytes',
  ];
  // Names that hit every role (see roleOf), plus ones that are just random.
  const NAMES = [
    'id',
    'txId',
    'account',
    'counterparty',
    'to',
    'amount',
    'value',
    'country',
    'timestampUs',
    'windowMs',
    'maxDepth',
    'noise',
  ];
  const field = fc.record({
    name: fc.constantFrom(...NAMES),
    type: fc.constantFrom(...TYPES),
    size: fc.integer({ min: 1, max: 12 }),
  });
  const layout = fc
    .array(field, { maxLength: 8 })
    .map((fs) =>
      layoutOf(fs.map((f) => (f.type === 'bytes' ? f : { name: f.name, type: f.type }))),
    );
  const spec = fc.record(
    {
      ratePerSec: fc.oneof(fc.constant(10_000_000), fc.double({ min: 1, max: 5e6, noNaN: true })),
      pattern: fc.constantFrom<ArrivalPattern>('constant', 'poisson', 'bursts'),
      seed: fc.integer(),
      zipfS: fc.oneof(fc.constant(1.1), fc.double({ min: 0, max: 3, noNaN: true })),
      accounts: fc.integer({ min: 1, max: 20_000 }),
      burstSize: fc.integer({ min: 1, max: 50 }),
      durationMs: fc.integer({ min: 0, max: 50 }),
    },
    { requiredKeys: ['ratePerSec', 'pattern', 'seed', 'zipfS', 'accounts'] },
  );
  const mix = fc.array(
    fc.record({
      weight: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 100, noNaN: true })),
      layout,
    }),
    { minLength: 1, maxLength: 4 },
  );

  /** Both generators through the same ticks; every batch compared byte for byte. */
  function same(
    s: GeneratorSpec,
    entries: { weight: number; layout: PayloadLayout }[],
    stride: number,
    cap: number,
    ticks: number[],
  ): void {
    const m: MixEntry[] = entries.map((e, i) => ({ typeId: i + 1, ...e }));
    if (!m.some((e) => e.weight > 0)) m[0]!.weight = 1;
    const startUs = 1000;
    const fast = new TrafficGenerator(s, m, startUs);
    const ref = new FrozenTrafficGenerator(s, m, startUs);
    const a = new GeneratedBatch(cap, stride);
    const b = new GeneratedBatch(cap, stride);
    // Stale bytes in both, so padding that neither writes must also stay equal.
    for (let i = 0; i < a.payload.length; i++) a.payload[i] = b.payload[i] = (i * 37) & 0xff;
    let t = startUs;
    for (const dt of ticks) {
      t += dt;
      for (let guard = 0; guard < 50; guard++) {
        const n = fast.fill(t, a);
        expect(ref.fill(t, b)).toBe(n);
        expect(Array.from(a.timeUs.subarray(0, n))).toEqual(Array.from(b.timeUs.subarray(0, n)));
        expect(Array.from(a.mixIndex.subarray(0, n))).toEqual(
          Array.from(b.mixIndex.subarray(0, n)),
        );
        expect(Array.from(a.account.subarray(0, n))).toEqual(Array.from(b.account.subarray(0, n)));
        expect(Buffer.from(a.payload).equals(Buffer.from(b.payload))).toBe(true);
        expect(fast.emitted).toBe(ref.emitted);
        if (n < cap) break;
      }
      expect(fast.nextDue).toBe(ref.nextDueUs);
    }
  }

  it('writes the same messages, payload bytes and times for any spec, mix and batch shape', () => {
    fc.assert(
      fc.property(
        spec,
        mix,
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (s, entries, extra, cap, ticks) => {
          const need = Math.max(1, ...entries.map((e) => e.layout.size));
          // Aligned strides take the in-place path, the others the scratch path.
          same(s, entries, need + extra, cap, ticks);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes the same bytes through a row target (rows anywhere in another buffer)', () => {
    fc.assert(
      fc.property(
        spec,
        mix,
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer(),
        (sp, entries, extra, cap, shuffle) => {
          const m: MixEntry[] = entries.map((e, i) => ({ typeId: i + 1, ...e }));
          if (!m.some((e) => e.weight > 0)) m[0]!.weight = 1;
          const stride = Math.max(1, ...entries.map((e) => e.layout.size)) + extra;
          const plain = new TrafficGenerator(sp, m, 0);
          const targeted = new TrafficGenerator(sp, m, 0);
          const a = new GeneratedBatch(cap, stride);
          const b = new GeneratedBatch(cap, stride);
          // Row i of the target is slot perm[i] of a buffer twice the batch's size.
          const rng = createRng(shuffle);
          const slots = Array.from({ length: 2 * cap }, (_, i) => i);
          for (let i = slots.length - 1; i > 0; i--) {
            const j = rng.int(i + 1);
            [slots[i], slots[j]] = [slots[j]!, slots[i]!];
          }
          const rowAt = Int32Array.from(slots.slice(0, cap), (slot) => slot * stride);
          const bytes = new Uint8Array(2 * cap * stride + 8);
          // The same stale bytes under row i in both, so untouched padding compares equal too.
          for (let i = 0; i < cap; i++) {
            for (let j = 0; j < stride; j++) {
              a.payload[i * stride + j] = bytes[rowAt[i]! + j] = (i * 31 + j * 7) & 0xff;
            }
          }
          b.target = { views: viewsOf(bytes), rowAt };
          for (const until of [50, 400, 2_000]) {
            const n = plain.fill(until, a);
            expect(targeted.fill(until, b)).toBe(n);
            for (let i = 0; i < n; i++) {
              const want = a.payload.subarray(i * stride, (i + 1) * stride);
              const got = bytes.subarray(rowAt[i]!, rowAt[i]! + stride);
              expect(Array.from(got)).toEqual(Array.from(want));
            }
            expect(Array.from(b.timeUs.subarray(0, n))).toEqual(
              Array.from(a.timeUs.subarray(0, n)),
            );
          }
          // The batch's own payload is not written when a target is set.
          expect(b.payload.every((x) => x === 0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('matches on the demo mix at saturation over many refills of the random buffer', () => {
    const tx = txLayout;
    const update = layoutOf([
      { name: 'account', type: 'u32' },
      { name: 'amount', type: 'f32' },
      { name: 'windowMs', type: 'u32' },
      { name: 'timestampUs', type: 'u64' },
    ]);
    const check = layoutOf([
      { name: 'account', type: 'u32' },
      { name: 'counterparty', type: 'u32' },
      { name: 'windowMs', type: 'u32' },
      { name: 'maxDepth', type: 'u8' },
    ]);
    for (const pattern of ['poisson', 'constant', 'bursts'] as const) {
      for (const seed of [42, 1, -7]) {
        same(
          { ratePerSec: 10_000_000, pattern, zipfS: 1.1, accounts: 10_000, seed },
          [
            { weight: 80, layout: tx },
            { weight: 15, layout: update },
            { weight: 5, layout: check },
          ],
          32,
          1024,
          Array.from({ length: 20 }, () => 16_000 / 20),
        );
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The generator as it was before its fill was optimised (commit 313be36), frozen here with its
// RNG and Zipf sampler as the reference the optimised fill must match bit for bit. Do not edit.
// One deliberate change since: its exponential draws (Poisson gaps, ordinary amounts) were
// -log(1 - u) and are now the shared ExpZiggurat's, one word each as before, when the generator
// moved to the ziggurat (its distribution is tested on its own, above).

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

const TWO_POW_32 = 4294967296;

class FrozenSfc32 {
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

class FrozenZipf {
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

/** How generated amounts are drawn: mostly ordinary, a few over and just under the fraud threshold. */
const AMOUNT_OVER_P = 0.01;
const AMOUNT_STRUCTURING_P = 0.02;
const AMOUNT_MEAN = 800;

/** Field roles, as small integers so the per-message loop switches on numbers. */
const R_ID = 0;
const R_ACCOUNT = 1;
const R_COUNTERPARTY = 2;
const R_AMOUNT = 3;
const R_COUNTRY = 4;
const R_TIME = 5;
const R_RANDOM = 6;

function roleOf(f: FieldSlot): number {
  const n = f.name.toLowerCase();
  if (n === 'id' || n === 'messageid' || n === 'txid') return R_ID;
  if (n.includes('counterparty') || n === 'to' || n.includes('dest')) return R_COUNTERPARTY;
  if (n.includes('account')) return R_ACCOUNT;
  if (n.includes('amount') || n.includes('value')) return R_AMOUNT;
  if (n.includes('country')) return R_COUNTRY;
  if (n.includes('time')) return R_TIME;
  return R_RANDOM;
}

/** Field types as small integers (see {@link writeNumber}). */
const TYPE_CODE: Record<FieldSlot['type'], number> = {
  u8: 0,
  bool: 8,
  u16: 1,
  u32: 2,
  i32: 3,
  u64: 4,
  i64: 9,
  f32: 5,
  f64: 6,
  bytes: 7,
};

/** A mix entry's fields compiled to parallel arrays: no objects or strings per message. */
interface CompiledFields {
  count: number;
  role: Uint8Array;
  type: Uint8Array;
  offset: Int32Array;
  size: Int32Array;
  /** Most random words one message of this entry can draw (for the buffer's headroom). */
  maxDraws: number;
}

function compileFields(layout: PayloadLayout): CompiledFields {
  const fs = layout.fields;
  const c: CompiledFields = {
    count: fs.length,
    role: Uint8Array.from(fs, roleOf),
    type: Uint8Array.from(fs, (f) => TYPE_CODE[f.type]),
    offset: Int32Array.from(fs, (f) => f.offset),
    size: Int32Array.from(fs, (f) => f.size),
    maxDraws: 0,
  };
  for (let k = 0; k < c.count; k++) {
    // amount: up to 2 draws, others at most one; bytes fields one more per byte.
    c.maxDraws += (c.role[k] === R_AMOUNT ? 2 : 1) + (c.type[k] === 7 ? c.size[k]! : 0);
  }
  return c;
}

const RANDOM_BUFFER = 4096;
const FROZEN_DEFAULTS = { zipfS: 1, accounts: 1000, seed: 1 } as const;

class FrozenTrafficGenerator {
  readonly pattern: ArrivalPattern;
  readonly endUs: number;
  /** Messages emitted so far. */
  emitted = 0;
  private readonly rng: FrozenSfc32;
  private readonly zipf: FrozenZipf;
  private readonly exp: ExpZiggurat;
  private readonly cumWeights: Float64Array;
  private readonly fields: CompiledFields[];
  /** Random words drawn ahead from `rng`, consumed in order from `rIdx`. */
  private readonly rBuf: Uint32Array;
  private rIdx: number;
  /** Most words one message can consume (type pick, account, fields, arrival). */
  private readonly maxDraws: number;
  private readonly intervalUs: number;
  private readonly burstSize: number;
  /** Public here (private in the original) so the test can compare it. */
  nextDueUs: number;
  private burstLeft = 0;

  constructor(
    readonly spec: GeneratorSpec,
    readonly mix: readonly MixEntry[],
    readonly startUs: number,
  ) {
    this.pattern = spec.pattern ?? 'constant';
    this.rng = new FrozenSfc32(
      Number.isFinite(spec.seed ?? 1) ? Math.trunc(spec.seed ?? FROZEN_DEFAULTS.seed) : 0,
    );
    this.exp = new ExpZiggurat(spec.seed ?? FROZEN_DEFAULTS.seed);
    this.zipf = new FrozenZipf(
      spec.accounts ?? FROZEN_DEFAULTS.accounts,
      spec.zipfS ?? FROZEN_DEFAULTS.zipfS,
    );
    this.cumWeights = new Float64Array(mix.length);
    let sum = 0;
    mix.forEach((m, i) => {
      sum += m.weight;
      this.cumWeights[i] = sum;
    });
    for (let i = 0; i < mix.length; i++) this.cumWeights[i] = (this.cumWeights[i] ?? 0) / sum;
    this.fields = mix.map((m) => compileFields(m.layout));
    this.maxDraws = 3 + this.fields.reduce((m, f) => Math.max(m, f.maxDraws), 0);
    this.rBuf = new Uint32Array(Math.max(RANDOM_BUFFER, 2 * this.maxDraws));
    this.rIdx = this.rBuf.length;
    this.intervalUs = 1e6 / spec.ratePerSec;
    this.burstSize = spec.burstSize ?? Math.max(1, Math.round(spec.ratePerSec / 10));
    this.endUs = spec.durationMs ? startUs + spec.durationMs * 1000 : Number.POSITIVE_INFINITY;
    this.nextDueUs = startUs;
    if (this.pattern === 'poisson') {
      this.refill(1);
      this.nextDueUs += this.exp.sample(this.rBuf[this.rIdx++]!) * this.intervalUs;
    }
  }

  /**
   * Makes at least `need` unread words available: the unread rest moves to the front and the
   * buffer is topped up from the generator in order, so words come out exactly as `rng.nextU32()`
   * would give them one by one.
   */
  private refill(need: number): void {
    const buf = this.rBuf;
    const left = buf.length - this.rIdx;
    if (left >= need) return;
    buf.copyWithin(0, this.rIdx);
    const rng = this.rng;
    for (let i = left; i < buf.length; i++) buf[i] = rng.nextU32();
    this.rIdx = 0;
  }

  /** Writes the messages due at or before `untilUs` into `batch` (from index 0); returns how many. */
  fill(untilUs: number, batch: GeneratedBatch): number {
    const limit = Math.min(untilUs, this.endUs - 1e-9);
    const stride = batch.stride;
    const view = batch.view;
    const buf = this.rBuf;
    const maxDraws = this.maxDraws;
    const cw = this.cumWeights;
    const single = cw.length === 1;
    const zipf = this.zipf;
    const accounts = zipf.n;
    const fieldsOf = this.fields;
    const pattern = this.pattern;
    const interval = this.intervalUs;
    let n = 0;
    let r = this.rIdx;
    // Locals, not fields, in the loop: the fields are written back once at the end.
    let due = this.nextDueUs;
    let emitted = this.emitted;
    const timeUs = batch.timeUs;
    const mixIndex = batch.mixIndex;
    const accountOut = batch.account;
    const cap = batch.capacity;
    while (n < cap && due <= limit) {
      if (buf.length - r < maxDraws) {
        this.rIdx = r;
        this.refill(maxDraws);
        r = this.rIdx;
      }
      const t = due;
      let mi = 0;
      if (!single) {
        const u = buf[r++]! / TWO_POW_32;
        while (mi < cw.length - 1 && cw[mi]! <= u) mi++;
      }
      const account = zipf.rank(buf[r++]! / TWO_POW_32);
      timeUs[n] = t;
      mixIndex[n] = mi;
      accountOut[n] = account;
      const f = fieldsOf[mi]!;
      const base = n * stride;
      for (let k = 0; k < f.count; k++) {
        const o = base + f.offset[k]!;
        const type = f.type[k]!;
        let num = 0;
        switch (f.role[k]!) {
          case R_ID:
            num = emitted + 1;
            break;
          case R_ACCOUNT:
            num = account;
            break;
          case R_COUNTERPARTY:
            num = Math.floor((buf[r++]! / TWO_POW_32) * accounts);
            break;
          case R_AMOUNT: {
            const u = buf[r++]! / TWO_POW_32;
            num =
              u < AMOUNT_OVER_P
                ? 10_000 + (buf[r++]! / TWO_POW_32) * 40_000
                : u < AMOUNT_OVER_P + AMOUNT_STRUCTURING_P
                  ? 9_000 + (buf[r++]! / TWO_POW_32) * 999
                  : Math.min(8_999, this.exp.sample(buf[r++]!) * AMOUNT_MEAN);
            num = Math.max(0.01, Math.round(num * 100) / 100);
            break;
          }
          case R_COUNTRY:
            num = Math.floor((buf[r++]! / TWO_POW_32) * 250);
            break;
          case R_TIME:
            num = Math.floor(t);
            break;
          default:
            num = type === 7 ? 0 : randomFor(type, buf[r++]!);
        }
        if (type === 7) {
          // Bytes fields are random whatever their role, one word per byte.
          const size = f.size[k]!;
          for (let j = 0; j < size; j++)
            view.setUint8(o + j, Math.floor((buf[r++]! / TWO_POW_32) * 256));
        } else writeNumber(view, type, o, num);
      }
      emitted++;
      n++;
      switch (pattern) {
        case 'constant':
          due = this.startUs + emitted * interval;
          break;
        case 'poisson':
          due += this.exp.sample(buf[r++]!) * interval;
          break;
        case 'bursts':
          // A burst arrives at one instant; bursts are spaced so the mean rate is ratePerSec.
          if (++this.burstLeft >= this.burstSize) {
            this.burstLeft = 0;
            due += this.burstSize * interval;
          }
          break;
      }
    }
    this.nextDueUs = due;
    this.emitted = emitted;
    this.rIdx = r;
    batch.count = n;
    return n;
  }
}

function randomFor(type: number, w: number): number {
  const u = w / TWO_POW_32;
  switch (type) {
    case 0:
      return Math.floor(u * 256);
    case 8:
      return Math.floor(u * 2);
    case 1:
      return Math.floor(u * 65536);
    case 2:
    case 4:
      return w;
    case 3:
    case 9:
      return w | 0;
    default:
      return Math.round(u * 100_000) / 100;
  }
}

function writeNumber(view: DataView, type: number, o: number, num: number): void {
  switch (type) {
    case 0:
    case 8:
      view.setUint8(o, num & 0xff);
      return;
    case 1:
      view.setUint16(o, num & 0xffff, true);
      return;
    case 2:
      view.setUint32(o, num >>> 0, true);
      return;
    case 3:
      view.setInt32(o, num | 0, true);
      return;
    case 4:
    case 9: {
      const v = Math.max(0, Math.floor(num));
      view.setUint32(o, v >>> 0, true);
      view.setUint32(o + 4, Math.floor(v / 4294967296) >>> 0, true);
      return;
    }
    case 5:
      view.setFloat32(o, num, true);
      return;
    case 6:
      view.setFloat64(o, num, true);
      return;
  }
}
