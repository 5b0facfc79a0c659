import { describe, expect, it } from 'vitest';
import { measuredRate } from './format';
import { Placement, RateTable, bucketOf } from './placement';

/** Feeds `n` live batches on the kernel's current backend and `n` samples of the other. */
function feed(p: Placement, rows: number, cpuMs: number, gpuMs: number, n = 5): void {
  for (let i = 0; i < n; i++) {
    p.observe(p.current === 'cpu' ? 'cpu' : 'webgpu', rows, p.current === 'cpu' ? cpuMs : gpuMs);
    p.sampled(p.current === 'cpu' ? 'webgpu' : 'cpu', rows, p.current === 'cpu' ? gpuMs : cpuMs, 0);
  }
}

describe('RateTable', () => {
  it('buckets by powers of two and reports rows per second', () => {
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1023)).toBe(9);
    expect(bucketOf(1024)).toBe(10);
    const t = new RateTable();
    t.record(1000, 1); // 1 M/s
    expect(t.rateAt(bucketOf(1000))).toBeCloseTo(1e6, 0);
    expect(t.rateAt(3)).toBeNull();
    expect(t.nearest(3)!.bucket).toBe(9);
  });

  it('reads "not measured" until the clock has seen time pass (a coarse timer reads 0 ms)', () => {
    const t = new RateTable();
    for (let i = 0; i < 10; i++) t.record(256, 0);
    expect(t.rateAt(bucketOf(256))).toBeNull();
    expect(t.nearest(bucketOf(256))).toBeNull();
    // One batch that straddled a 0.1 ms tick: the sums average the quantisation out.
    t.record(256, 0.1);
    expect(t.rateAt(bucketOf(256))).toBeCloseTo((11 * 256 * 1000) / 0.1, -6);
  });
});

describe('Placement (auto)', () => {
  it("shows one bucket's rates while the batch size hovers at a bucket's edge", () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    // WebGPU measured at both sides of 256 rows, 12 times apart (as SwiftShader's samples were).
    for (let i = 0; i < 3; i++) {
      p.sampled('webgpu', 250, 358, 0); // bucket 7: about 698/s
      p.sampled('webgpu', 262, 30, 0); // bucket 8: about 8.7 K/s
    }
    const shown = new Set<number | null>();
    const sizes: number[] = [];
    for (let i = 0; i < 400; i++) {
      // Live batches of 250 to 262 rows: the mean hovers on both sides of 256.
      p.observe('cpu', i % 40 < 20 ? 250 : 262, 0.01);
      sizes.push(p.batchSize);
      if (i >= 20) shown.add(p.snapshot().gpuRate);
    }
    expect(Math.min(...sizes.slice(20))).toBeLessThan(256);
    expect(Math.max(...sizes.slice(20))).toBeGreaterThanOrEqual(256);
    // One rate, not two by turns.
    expect(shown.size).toBe(1);
    // A size well past the edge moves it: 600 rows is bucket 9's, judged by bucket 8's rate.
    for (let i = 0; i < 60; i++) p.observe('cpu', 600, 0.02);
    expect(p.snapshot().gpuRate).toBeCloseTo((3 * 262 * 1000) / 90, 0);
  });

  it('stays on the CPU twin until WebGPU exists and has been measured', () => {
    const p = new Placement('auto');
    feed(p, 512, 1, 0.1);
    expect(p.decide(10_000_000)).toBeNull(); // no runtime yet
    p.gpuReady = true;
    const fresh = new Placement('auto');
    fresh.gpuReady = true;
    // Nothing taken yet: it waits for traffic, it is not measuring anything.
    expect(fresh.decide(10_000_000)).toBeNull();
    expect(fresh.snapshot().reason).toMatch(/^Waiting for traffic: the CPU twin runs until/);
    fresh.observe('cpu', 512, 1);
    expect(fresh.decide(10_000_000)).toBeNull(); // WebGPU not sampled yet
    expect(fresh.snapshot().reason).toMatch(/^Measuring: the CPU twin runs while/);
    // Traffic stopped before WebGPU was sampled: it says measuring waits for traffic, not that
    // something is being measured beside "processed now 0/s" (QA).
    expect(fresh.snapshot(true).reason).toBe(
      'Measuring paused, no traffic now: the CPU twin runs; the other backend is sampled on the next live batches.',
    );
    // Once it has decided, the decision stands, quiet or not.
    feed(fresh, 512, 1, 0.1);
    expect(fresh.decide(10_000_000)).toBe('webgpu');
    expect(fresh.snapshot(true).reason).toBe(fresh.snapshot(false).reason);
    expect(fresh.snapshot(true).reason).not.toMatch(/paused/);
  });

  it('says whether WebGPU is ready to measure and run (the badge tells a fallback from a choice)', () => {
    const p = new Placement('auto');
    expect(p.snapshot().gpuReady).toBe(false); // no runtime yet
    p.gpuReady = true;
    expect(p.snapshot().gpuReady).toBe(true); // measuring: the twin runs by choice
    p.gpuUnavailable = 'WebGPU failed a measured batch: device lost.';
    expect(p.snapshot().gpuReady).toBe(false);
  });

  it('moves to WebGPU only when it is faster by more than the hysteresis, and says why', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    feed(p, 512, 1, 0.9); // GPU 11 % faster: inside the 25 % band
    expect(p.decide(10_000_000)).toBeNull();
    const q = new Placement('auto');
    q.gpuReady = true;
    feed(q, 512, 1, 0.5); // twice as fast
    expect(q.decide(10_000_000)).toBe('webgpu');
    expect(q.snapshot().reason).toMatch(/WebGPU measured 1\.02\sM\/s vs CPU twin 512\sK\/s/);
    q.switched('webgpu', 10_000_000);
    expect(q.snapshot()).toMatchObject({ switches: 1, lastSwitchUs: 10_000_000 });
    expect(q.snapshot().crossoverBatch).toBe(512);
  });

  it('does not flap: a dwell time after a switch, and the band the other way', () => {
    const p = new Placement('auto', { minDwellUs: 2_000_000 });
    p.gpuReady = true;
    feed(p, 512, 1, 0.5);
    p.switched('webgpu', 1_000_000);
    // The GPU slows down to 4x slower than the twin: back, but not within the dwell time.
    feed(p, 512, 1, 4, 40);
    expect(p.decide(2_000_000)).toBeNull();
    expect(p.decide(3_100_000)).toBe('cpu');
    expect(p.snapshot().reason).toMatch(/CPU twin measured/);
  });

  it('never picks a backend that measures slower, software adapter or not', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    p.adapterLabel = 'WebGPU (swiftshader)';
    feed(p, 256, 0.05, 300, 10);
    expect(p.decide(100_000_000)).toBeNull();
    expect(p.snapshot().reason).toMatch(/stays on the CPU/);
    expect(p.snapshot().crossoverBatch).toBeNull();
  });

  it('needs one sample only when the backends differ by far (a software adapter is costly to sample)', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    p.observe('cpu', 256, 0.05);
    p.sampled('webgpu', 256, 200, 0);
    expect(p.decide(0)).toBeNull();
    expect(p.snapshot().reason).toMatch(/stays on the CPU/);
    const close = new Placement('auto');
    close.gpuReady = true;
    close.observe('cpu', 256, 1);
    close.sampled('webgpu', 256, 0.5, 0); // 2x: not clear enough from one sample
    expect(close.decide(10_000_000)).toBeNull();
    expect(close.snapshot().reason).toMatch(/Measuring/);
  });

  it('shows in its snapshot the very rates its reason names', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    // Well measured at ~130 rows (bucket 7), twice at ~1,000 (bucket 9), the live size now
    // ~770 (bucket 9): the judged rate is the nearest measurement's, bucket 9's, 2 M/s, though
    // bucket 7 has more samples (they are far from the size traffic travels in).
    for (let i = 0; i < 10; i++) p.observe('cpu', 130, 0.01);
    p.observe('cpu', 1000, 0.5);
    p.observe('cpu', 1000, 0.5);
    p.sampled('webgpu', 256, 100, 0);
    p.decide(0);
    const snap = p.snapshot();
    expect(bucketOf(p.batchSize)).toBe(9);
    expect(snap.cpuRate).toBeCloseTo(2e6, -3);
    expect(snap.reason).toContain('CPU twin 2.00\u202fM/s');
  });

  it('judges and shows the rate measured nearest the live batch size, not a surer one far from it', () => {
    // At 1,000 messages/s WebGPU was sampled on batches of a row or two (about 13/s on
    // SwiftShader); at 2 M/s, on ~240-row batches, twice (5.5 and 6.5 K/s). The panel had read
    // "WebGPU 179/s at ~241 rows": the 1-row batches' rate, for having three samples.
    const p = new Placement('auto');
    p.gpuReady = true;
    for (let i = 0; i < 20; i++) p.observe('cpu', 1, 0.001);
    for (let i = 0; i < 4; i++) p.sampled('webgpu', 2, 150, 0);
    for (let i = 0; i < 200; i++) p.observe('cpu', 240, 0.02);
    p.sampled('webgpu', 267, 48.6, 0);
    p.sampled('webgpu', 266, 41, 0);
    p.decide(0);
    const snap = p.snapshot();
    expect(snap.gpuRate!).toBeGreaterThan(5000);
    expect(snap.gpuRate!).toBeLessThan(7000);
    expect(snap.reason).toMatch(/WebGPU [56],\d{3}\/s at ~240 rows/);
  });

  it('reads the live batch size a row travels in, not the mean of batch sizes', () => {
    // A full 4,096-row batch, then a 1-row straggler, over and over: nearly every row travels in
    // a 4,096-row batch, so that is about the size to judge the backends at, not ~2,048.
    const p = new Placement('auto');
    for (let i = 0; i < 40; i++) {
      p.observe('cpu', 4096, 0.2);
      p.observe('cpu', 1, 0.001);
    }
    expect(p.batchSize).toBeGreaterThan(4000);
    expect(p.snapshot().batchSize).toBeGreaterThan(4000);
    // It follows a change of traffic within about a hundred batches (under a second of live
    // traffic), and an empty batch changes nothing.
    for (let i = 0; i < 120; i++) p.observe('cpu', 64, 0.01);
    p.observe('cpu', 0, 0);
    expect(bucketOf(p.batchSize)).toBe(6);
  });

  it('forced modes answer their backend; webgpu without a usable runtime runs on the CPU', () => {
    const w = new Placement('webgpu');
    expect(w.decide(0)).toBeNull();
    w.gpuReady = true;
    expect(w.decide(0)).toBe('webgpu');
    w.switched('webgpu', 0);
    w.gpuUnavailable = 'device lost';
    expect(w.decide(0)).toBe('cpu');
    const c = new Placement('cpu');
    c.gpuReady = true;
    feed(c, 512, 10, 0.1);
    expect(c.decide(0)).toBeNull();
  });

  it('a forced kernel gives both measured rates, and says where auto would run it', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    // Measured on auto first: the twin 512 rows in 0.05 ms, WebGPU in 10 ms.
    feed(p, 512, 0.05, 10);
    expect(p.decide(10_000_000)).toBeNull();
    p.mode = 'webgpu';
    p.explain('Backend set to webgpu.');
    expect(p.decide(10_000_000)).toBe('webgpu');
    p.switched('webgpu', 10_000_000);
    const s = p.snapshot();
    expect(s.reason).toBe(
      `Backend set to webgpu: WebGPU ${measuredRate(s.gpuRate)} vs CPU twin ${measuredRate(s.cpuRate)} at ~512 rows per batch; auto would run it on the CPU twin.`,
    );
    // Forced where auto would run it too: the rates, and no advice.
    p.mode = 'cpu';
    expect(p.decide(10_000_000)).toBe('cpu');
    p.switched('cpu', 10_000_000);
    expect(p.snapshot().reason).toMatch(
      /^Backend set to cpu: CPU twin .* at ~512 rows per batch\.$/,
    );
    // A batch size past a thousand with its separator, as the GPU panel's column writes it.
    const big = new Placement('cpu');
    big.gpuReady = true;
    feed(big, 2048, 0.2, 10);
    big.decide(10_000_000);
    expect(big.snapshot().reason).toMatch(/ at ~2,048 rows per batch\.$/);
    // Nothing measured: the plain words.
    const fresh = new Placement('webgpu');
    fresh.gpuReady = true;
    fresh.decide(0);
    expect(fresh.snapshot().reason).toBe('Backend set to webgpu.');
  });

  it('keeps the fields it was built with (V8 keeps one object layout and the code built on it)', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    const fields = Object.keys(p);
    p.observe('cpu', 256, 0.1);
    p.wantsSample(12.5);
    p.sampled('webgpu', 256, 3.25, 15.75);
    p.decide(20_000);
    p.wantsSample(4_000.5);
    expect(Object.keys(p)).toEqual(fields);
  });

  it('samples while learning, then keeps sampling to at most 2 % of the time', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    p.observe('cpu', 256, 0.1);
    expect(p.wantsSample(0)).toBe('webgpu');
    expect(p.wantsSample(50)).toBeNull(); // learning gap 100 ms
    // A sample that took 300 ms: the next waits 49 x 300 ms after it ended.
    p.sampled('webgpu', 256, 300, 400);
    expect(p.wantsSample(500)).toBeNull();
    expect(p.wantsSample(400 + 49 * 300 - 1)).toBeNull();
    expect(p.wantsSample(400 + 49 * 300 + 1)).toBe('webgpu');
    // Forced to the CPU, or without a runtime: never sampled.
    expect(new Placement('cpu').wantsSample(1e9)).toBeNull();
    expect(new Placement('auto').wantsSample(1e9)).toBeNull();
  });

  it('a kernel forced to WebGPU keeps sampling its twin, so the twin rate beside it is current', () => {
    const w = new Placement('webgpu');
    w.gpuReady = true;
    // Still on the twin (the runtime was not ready): its cold first batches, 256 rows in 5 ms.
    w.observe('cpu', 256, 5);
    expect(w.wantsSample(0)).toBeNull();
    expect(w.decide(0)).toBe('webgpu');
    w.switched('webgpu', 0);
    w.observe('webgpu', 256, 4);
    // On WebGPU: the twin is measured again, on copies of live batches.
    expect(w.wantsSample(1)).toBe('cpu');
    for (let i = 0; i < 20; i++) w.sampled('cpu', 256, 0.02, 1 + i);
    // Forced: it stays on WebGPU whatever the twin measures.
    expect(w.decide(10_000_000)).toBeNull();
    const s = w.snapshot();
    // 256 rows in 0.02 ms, not the cold 5 ms: the twin reads millions a second.
    expect(s.cpuRate).toBeGreaterThan(1_000_000);
    expect(s.reason).toMatch(/auto would run it on the CPU twin/);
    // And it keeps being measured at the learning pace, not at gaps doubling to 8 s (between
    // which its code went cold, and it read 3 to 70 times below its speed).
    const at: number[] = [];
    for (let t = 100; t < 20_000; t += 10) {
      if (w.wantsSample(t) !== 'cpu') continue;
      at.push(t);
      w.sampled('cpu', 256, 0.02, t);
    }
    expect(at.length).toBeGreaterThan(150);
    expect(Math.max(...at.slice(1).map((t, i) => t - at[i]!))).toBeLessThanOrEqual(110);
  });

  it('re-measures a clear loser at most once a minute, and learns again when the batch size moves', () => {
    // Gaps between the samples taken while the clock runs for `ms`, sampling as soon as allowed.
    const gaps = (p: Placement, from: number, ms: number, sampleMs: number): number[] => {
      const at: number[] = [];
      for (let t = from; t < from + ms; t += 10) {
        if (p.wantsSample(t) === null) continue;
        at.push(t);
        p.sampled('webgpu', 256, sampleMs, t + sampleMs);
      }
      return at.slice(1).map((t, i) => t - at[i]!);
    };
    // WebGPU 1,000 times slower than the twin (a software adapter): gaps grow to 60 s.
    const slow = new Placement('auto');
    slow.gpuReady = true;
    for (let i = 0; i < 50; i++) slow.observe('cpu', 256, 0.01);
    const g = gaps(slow, 0, 400_000, 10);
    expect(Math.max(...g)).toBeGreaterThanOrEqual(60_000);
    expect(Math.max(...g)).toBeLessThan(61_000);
    // One sample was enough: after the gap set before WebGPU had any measurement, no learning
    // burst of 100 ms gaps.
    expect(Math.min(...g.slice(1))).toBeGreaterThanOrEqual(1000);
    // Only 2x slower: not a clear loser, so the gap stops at 8 s.
    const near = new Placement('auto');
    near.gpuReady = true;
    for (let i = 0; i < 50; i++) near.observe('cpu', 256, 1);
    const h = gaps(near, 0, 400_000, 2);
    expect(Math.max(...h)).toBeLessThanOrEqual(8_010);
    // Traffic moves to batches of 4,096 rows, a size WebGPU was not measured near: measured
    // there as soon as the duty cycle allows, not a minute later (the 1-row batches' rate had
    // stood for ~240-row ones that long). 1,000 times slower there too, it is then re-measured at
    // most once a minute again: no learning burst.
    for (let i = 0; i < 200; i++) slow.observe('cpu', 4096, 0.2);
    const t0 = 400_000;
    expect(slow.wantsSample(t0)).toBe('webgpu');
    slow.sampled('webgpu', 4096, 200, t0 + 200);
    const after: number[] = [];
    for (let t = t0 + 210; t < t0 + 200_000; t += 10)
      if (slow.wantsSample(t) !== null) after.push(t);
    expect(after.length).toBeLessThanOrEqual(4);
    expect(after[0]! - t0).toBeGreaterThanOrEqual(60_000);
    // Traffic hovers at a bucket's edge (230 and 262 rows: buckets 7 and 8), WebGPU measured
    // only in bucket 8. Fewer rows run no faster than more on a GPU (a fixed cost per batch), so
    // the clear loser is not unmeasured below the edge: no 2-second re-learning there.
    const edge = new Placement('auto');
    edge.gpuReady = true;
    for (let i = 0; i < 50; i++) edge.observe('cpu', 262, 0.01);
    edge.sampled('webgpu', 262, 60, 0);
    let flaps = 0;
    const at: number[] = [];
    for (let t = 10_000; t < 130_000; t += 10) {
      edge.observe('cpu', flaps++ % 2 === 0 ? 230 : 262, 0.01);
      if (edge.wantsSample(t) === null) continue;
      at.push(t);
      edge.sampled('webgpu', 262, 60, t + 60);
    }
    expect(bucketOf(edge.batchSize)).toBe(7);
    // 1 s, 2 s, 4 s, ... up to a minute: about 8 samples in two minutes, not 60.
    expect(at.length).toBeLessThanOrEqual(9);
    expect(at.slice(1).every((t, i) => t - at[i]! >= 1000)).toBe(true);
    // A GPU 80 times slower at 256 rows (a real one's fixed cost per batch) may win at 65,536:
    // that size is learned at once (the next sample 100 ms later).
    const real = new Placement('auto');
    real.gpuReady = true;
    for (let i = 0; i < 50; i++) real.observe('cpu', 256, 0.0128); // 20 M/s
    real.sampled('webgpu', 256, 1, 0); // 256 K/s
    for (let i = 0; i < 200; i++) real.observe('cpu', 65_536, 3.3);
    expect(real.wantsSample(60_000)).toBe('webgpu');
    expect(real.wantsSample(60_100)).toBe('webgpu');
  });
});

describe('the reason beside the rates', () => {
  it('words rates as the columns do', () => {
    expect(measuredRate(1103.4)).toBe('1,103/s');
    expect(measuredRate(13_480)).toBe('13.5\u202fK/s');
    expect(measuredRate(7_920_000)).toBe('7.92\u202fM/s');
    expect(measuredRate(null)).toBe('not measured');
  });

  it('names the rates the snapshot shows, also when samples came in after the decision', () => {
    const p = new Placement('auto');
    p.gpuReady = true;
    feed(p, 512, 1, 5); // twin 512 K/s, GPU 102 K/s: stays on the CPU
    expect(p.decide(10_000_000)).toBeNull();
    // More samples after the decision move the GPU's measured rate.
    for (let i = 0; i < 20; i++) p.sampled('webgpu', 512, 2, 0);
    const s = p.snapshot();
    expect(s.reason).toContain(`CPU twin ${measuredRate(s.cpuRate)}`);
    expect(s.reason).toContain(measuredRate(s.gpuRate));
    expect(s.reason).toMatch(/stays on the CPU/);
  });
});
