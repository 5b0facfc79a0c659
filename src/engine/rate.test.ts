import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LUMP_COUNT, LUMP_SPAN_US, PeakWindow, RATE_WINDOW_US, RateMeter } from './rate';

/**
 * The rate as RateMeter defines it, computed the plain way from the same samples: every change of
 * the last LUMP_SPAN_US collected, then the newest LUMP_COUNT of them judged. What RateMeter (which
 * stops its walk early and works on a ring) must return.
 */
function plainRate(samples: readonly (readonly [number, number])[], windowUs: number): number {
  const kept: [number, number][] = [];
  for (const [t, v] of samples) {
    const last = kept[kept.length - 1];
    if (last && (v < last[1] || t < last[0])) kept.length = 0;
    else if (last && t === last[0]) {
      last[1] = v;
      continue;
    }
    kept.push([t, v]);
  }
  if (kept.length < 2) return 0;
  const [tN, vN] = kept[kept.length - 1]!;
  let from = kept[0]!;
  for (let i = kept.length - 2; i >= 0; i--) {
    if (tN - kept[i]![0] >= windowUs) {
      from = kept[i]!;
      break;
    }
  }
  const dt = tN - from[0];
  if (dt <= 0) return 0;
  // Changes, newest first, with their index in `kept`.
  const changes: [number, number, number][] = [];
  for (let i = kept.length - 1; i > 0; i--) {
    if (tN - kept[i]![0] > LUMP_SPAN_US) break;
    if (kept[i]![1] > kept[i - 1]![1]) changes.push([kept[i]![0], kept[i]![1], i]);
  }
  let counted = changes.slice(0, LUMP_COUNT);
  // Three changes at consecutive samples: smooth; the lumps are those before it (newer), three
  // at least.
  let lumpy = true;
  for (let j = 0; j + 2 < counted.length; j++) {
    if (
      counted[j]![2] - 1 === counted[j + 1]![2] &&
      counted[j + 1]![2] - 1 === counted[j + 2]![2]
    ) {
      counted = counted.slice(0, j);
      lumpy = counted.length >= 3;
      break;
    }
  }
  if (lumpy && counted.length >= 2) {
    const [lastT, lastV, lastI] = counted[0]!;
    const [firstT, firstV, firstI] = counted[counted.length - 1]!;
    const smooth = 2 * (counted.length - 1) >= lastI - firstI;
    const span = lastT - firstT;
    const gap = span / (counted.length - 1);
    const overdue = tN - lastT > Math.min(LUMP_SPAN_US, Math.max(windowUs, 1.5 * gap));
    if (!smooth && !overdue) return ((lastV - firstV) * 1e6) / span;
  }
  return ((vN - from[1]) * 1e6) / dt;
}

describe('RateMeter', () => {
  it('measures over the last window', () => {
    const m = new RateMeter();
    for (let i = 0; i <= 20; i++) m.sample(i * 100_000, i * 500); // 5,000 per second
    expect(m.rate()).toBeCloseTo(5000, 6);
  });

  it('reads exactly 0 once nothing moved for a whole window (no tail of an average)', () => {
    const m = new RateMeter();
    for (let i = 0; i <= 10; i++) m.sample(i * 100_000, i * 1000);
    expect(m.rate()).toBeGreaterThan(0);
    // Traffic stops at 1.0 s; snapshots keep coming every 100 ms.
    let t = 1_000_000;
    const readings: number[] = [];
    for (let i = 0; i < 12; i++) {
      t += 100_000;
      m.sample(t, 10_000);
      readings.push(m.rate());
    }
    // Decreasing to 0 half a second after the last message (a half-second window), then 0.
    for (let i = 1; i < readings.length; i++)
      expect(readings[i]!).toBeLessThanOrEqual(readings[i - 1]!);
    expect(readings[3]).toBeGreaterThan(0); // 1.4 s: the window still holds 0.9-1.0 s
    expect(readings[4]).toBe(0); // 1.5 s: nothing since 1.0 s
    expect(readings.at(-1)).toBe(0);
  });

  it('forgets history when the counter restarts (a reset of the counters)', () => {
    const m = new RateMeter();
    m.sample(0, 0);
    m.sample(500_000, 10_000);
    m.sample(600_000, 0);
    expect(m.rate()).toBe(0);
    m.sample(700_000, 100);
    expect(m.rate()).toBeCloseTo(1000, 6);
  });

  it('keeps a bounded history', () => {
    const m = new RateMeter(1_000_000, 8);
    for (let i = 0; i < 100; i++) m.sample(i * 10_000, i * 10);
    // Only 8 samples kept (70 ms): the rate still reads the counter's slope.
    expect(m.rate()).toBeCloseTo(1000, 6);
  });

  it('reads a counter that moves in lumps (a slow GPU: 1,024 rows every 0.9 s) steadily, never 0 while it moves', () => {
    const m = new RateMeter();
    const readings: number[] = [];
    let value = 0;
    let t = 0;
    // Snapshots every 16 ms; a batch lands every 900 ms, for 6 s.
    for (; t <= 6_000_000; t += 16_000) {
      if (t > 0 && t % 900_000 < 16_000) value += 1024;
      m.sample(t, value);
      if (t >= 2_000_000) readings.push(m.rate());
    }
    const exact = (1024 * 1e6) / 900_000;
    for (const r of readings) {
      expect(r).toBeGreaterThan(exact * 0.95);
      expect(r).toBeLessThan(exact * 1.05);
    }
    // The batches stop: 0 within 2 s of the last one.
    const lastLump = t - (t % 900_000);
    let zeroAt: number | null = null;
    for (; t <= 10_000_000; t += 16_000) {
      m.sample(t, value);
      if (zeroAt === null && m.rate() === 0) zeroAt = t;
      if (zeroAt !== null) expect(m.rate()).toBe(0);
    }
    expect(zeroAt).not.toBeNull();
    expect(zeroAt! - lastLump).toBeLessThanOrEqual(2_000_000);
  });

  it('a counter that moves every sample is measured over the window as before', () => {
    const m = new RateMeter();
    for (let i = 0; i <= 200; i++) m.sample(i * 16_000, i * 16 + (i >= 150 ? (i - 150) * 16 : 0));
    // 1,000/s for 2.4 s, then 2,000/s: the half-second window shows the new rate at once.
    expect(m.rate()).toBeCloseTo(2000, 6);
  });

  it('reads a kernel on a slow GPU (irregular batches 16-500 ms apart) within a third of its rate, never 0', () => {
    // The lumps a kernel forced onto WebGPU (SwiftShader) at about 250 rows/s showed, measured:
    // [ms since the previous batch landed, rows]. The half-second window read 0 to 2.3 times the
    // kernel's throughput by turns.
    const trace: [number, number][] = [
      [105, 66],
      [50, 38],
      [223, 77],
      [34, 20],
      [188, 60],
      [252, 9],
      [274, 57],
      [187, 64],
      [319, 64],
      [227, 44],
      [259, 75],
      [141, 54],
      [94, 127],
      [16, 2],
      [66, 1],
      [135, 2],
      [219, 24],
      [307, 37],
      [502, 55],
      [118, 83],
      [247, 120],
    ];
    const ms = trace.reduce((a, [g]) => a + g, 0);
    const rows = trace.reduce((a, [, n]) => a + n, 0);
    const exact = (rows * 1000) / ms;
    const m = new RateMeter();
    const readings: number[] = [];
    let t = 0;
    let v = 0;
    let next = 0;
    let k = 0;
    // Snapshots every 16 ms for 12 s; the trace repeats.
    for (; t <= 12_000_000; t += 16_000) {
      while (next <= t) {
        const [gap, n] = trace[k % trace.length]!;
        if (k > 0) v += n;
        next += gap * 1000;
        k++;
      }
      m.sample(t, v);
      if (t >= 3_000_000) readings.push(m.rate());
    }
    for (const r of readings) {
      expect(r).toBeGreaterThan(exact * 0.67);
      expect(r).toBeLessThan(exact * 1.33);
    }
  });

  it('a counter that moved at every snapshot and stopped falls to 0 over the window, lumps or not', () => {
    // Snapshots 250 ms apart, a change at each: smooth (the window's rate), though its changes are
    // half a window apart.
    const m = new RateMeter();
    const samples: [number, number][] = [];
    let v = 0;
    for (let i = 0; i < 10; i++) {
      v += 1000 * (i + 1);
      samples.push([i * 250_000, v]);
      m.sample(i * 250_000, v);
    }
    const window = ((samples[9]![1] - samples[7]![1]) * 1e6) / 500_000;
    expect(m.rate()).toBe(window);
    expect(m.rate()).toBe(plainRate(samples, RATE_WINDOW_US));
  });

  it('reads lumps landing after smooth traffic stopped by the window, not the tail with them (QA)', () => {
    // 200 K/s at every 16 ms snapshot for 2 s, then nothing for 0.8 s, then two batches of
    // 2,048 landing 48 ms apart (a forced-WebGPU kernel's last pipelined batches after Stop).
    const m = new RateMeter();
    const samples: [number, number][] = [];
    let t = 0;
    let v = 0;
    const at = (dt: number, dv: number) => {
      t += dt;
      v += dv;
      m.sample(t, v);
      samples.push([t, v]);
    };
    for (let i = 0; i < 125; i++) at(16_000, 3_200);
    for (let i = 0; i < 50; i++) at(16_000, 0);
    at(16_000, 2048);
    at(16_000, 0);
    at(16_000, 0);
    at(16_000, 2048);
    // What the last half second held: 4,096 in 0.5 s. Measured lump to lump with the smooth
    // tail behind them, it had read over 40 K/s.
    expect(m.rate()).toBeLessThanOrEqual((4096 * 1e6) / 500_000 + 1);
    expect(m.rate()).toBe(plainRate(samples, RATE_WINDOW_US));
  });

  it("stops the lump test early, on its ring, with the plain computation's result (property)", () => {
    // Snapshots 1-40 or 100-400 ms apart; the counter moves by 0-3 lumps per sample, often not at all, so
    // both smooth and lumpy counters (and everything between) come up.
    const gap = fc.oneof(
      fc.integer({ min: 1_000, max: 40_000 }),
      fc.integer({ min: 100_000, max: 400_000 }),
    );
    const step = fc.tuple(gap, fc.nat(3), fc.nat(4));
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 300 }), (steps) => {
        const m = new RateMeter();
        const samples: [number, number][] = [];
        let t = 0;
        let v = 0;
        for (const [dt, lumps, skip] of steps) {
          t += dt;
          if (skip < 2) v += lumps * 1024;
          m.sample(t, v);
          samples.push([t, v]);
          expect(m.rate()).toBe(plainRate(samples.slice(-256), RATE_WINDOW_US));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('PeakWindow', () => {
  it('keeps a peak for a quarter to half a second of engine time, then falls to what is held', () => {
    const w = new PeakWindow(250_000);
    expect(w.add(0, 600)).toBe(600);
    expect(w.add(100_000, 3)).toBe(600);
    // The first bucket closes with 600 in it: still shown through the next quarter second.
    expect(w.add(260_000, 3)).toBe(600);
    expect(w.add(400_000, 0)).toBe(600);
    expect(w.add(520_000, 0)).toBe(3);
    expect(w.add(780_000, 0)).toBe(0);
  });
  it('forgets a bucket older than the whole window after a long gap between reads', () => {
    const w = new PeakWindow(250_000);
    w.add(0, 900);
    expect(w.add(2_000_000, 5)).toBe(5);
  });
  it('starts afresh when engine time goes back (a new engine)', () => {
    const w = new PeakWindow(250_000);
    w.add(5_000_000, 900);
    expect(w.add(0, 7)).toBe(7);
  });
});
