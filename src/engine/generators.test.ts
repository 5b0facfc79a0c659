import { describe, expect, it } from 'vitest';
import { GeneratedBatch, TrafficGenerator, type MixEntry } from './generators';
import { decodePayload, layoutOf } from './payload';
import type { GeneratorSpec } from './protocol';
import { createRng, ExpZiggurat, ZipfSampler } from './random';

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

  it('holds a high Poisson rate on a wall-clock time scale (gaps far below its 0.25 µs step)', () => {
    // 10 M/s: gaps of 0.1 µs on average. Added to a clock at 1.7e15 µs they were rounded to the
    // clock's 0.25 µs steps, most of them away: 28 % more than asked (1.28 M in 0.1 s).
    const wall = 1_764_000_000_000_000;
    const spec: GeneratorSpec = { ratePerSec: 10_000_000, pattern: 'poisson', seed: 3 };
    const batch = new GeneratedBatch(1 << 16, 32);
    const gen = new TrafficGenerator(spec, mix, wall);
    let n = 0;
    for (let t = wall; t <= wall + 100_000; t += 1_000) {
      let got: number;
      do n += got = gen.fill(t, batch);
      while (got === batch.capacity);
    }
    const expected = 1_000_000;
    expect(Math.abs(n - expected)).toBeLessThan(5 * Math.sqrt(expected));
    // Bursts add up the same way: one message every 0.1 µs for 10 ms is 100,000 (give or take the
    // last, due within the clock's 0.25 µs step of the end). Added to the clock, each 0.1 µs
    // spacing was rounded away: every message fell at the first instant, until the run's cap.
    const bursts = run(
      { ratePerSec: 10_000_000, pattern: 'bursts', burstSize: 1, durationMs: 10 },
      mix,
      2e4,
      1_000,
      wall,
    );
    expect(Math.abs(bursts.length - 100_000)).toBeLessThanOrEqual(1);
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
