import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createRng } from '../engine/random';
import { createQueuePredictor, pathBottlenecks, type KernelPrediction } from './predict';

/**
 * A discrete-event M/M/1 queue with a finite capacity (arrivals to a full system are dropped),
 * sampled like the engine's snapshots: depth (in system), cumulative processed and dropped.
 */
function mm1(opts: {
  lambda: number;
  mu: number;
  capacity: number;
  seed: number;
  depth0?: number;
}) {
  const rng = createRng(opts.seed);
  let t = 0;
  let depth = opts.depth0 ?? 0;
  let processed = 0;
  let dropped = 0;
  let busyUs = 0;
  let nextArrival = rng.exponential(1e6 / opts.lambda);
  let nextDeparture = depth > 0 ? rng.exponential(1e6 / opts.mu) : Infinity;
  return {
    /** Advance to `until` µs; returns the observation at that time. */
    advance(until: number) {
      for (;;) {
        const next = Math.min(nextArrival, nextDeparture);
        if (next > until) break;
        if (depth > 0) busyUs += next - t;
        t = next;
        if (nextArrival <= nextDeparture) {
          if (depth < opts.capacity) {
            depth++;
            if (depth === 1) nextDeparture = t + rng.exponential(1e6 / opts.mu);
          } else dropped++;
          nextArrival = t + rng.exponential(1e6 / opts.lambda);
        } else {
          depth--;
          processed++;
          nextDeparture = depth > 0 ? t + rng.exponential(1e6 / opts.mu) : Infinity;
        }
      }
      if (depth > 0) busyUs += until - t;
      t = until;
      return {
        timeUs: t,
        kernels: [{ id: 'k', queued: depth, capacity: opts.capacity, processed, dropped }],
      };
    },
    busyFraction: () => busyUs / t,
  };
}

const STEP_US = 1000;

describe('queue predictions against a simulated M/M/1 queue', () => {
  it('utilisation matches the simulated busy fraction', () => {
    const q = mm1({ lambda: 80, mu: 100, capacity: 1e9, seed: 5 });
    const p = createQueuePredictor({ tauSec: 1e6 });
    for (let t = 0; t <= 300e6; t += STEP_US) p.observe(q.advance(t));
    const k = p.get('k')!;
    expect(k.arrivalPerSec).toBeGreaterThan(76);
    expect(k.arrivalPerSec).toBeLessThan(84);
    expect(k.rho).not.toBeNull();
    expect(Math.abs(k.rho! - q.busyFraction()) / q.busyFraction()).toBeLessThan(0.03);
  });

  it('predicts the time until an overloaded queue is full, and warns before it overflows', () => {
    const capacity = 5000;
    const q = mm1({ lambda: 200, mu: 100, capacity, seed: 9 });
    const p = createQueuePredictor({ tauSec: 10 });
    let t = 0;
    let obs = q.advance(0);
    p.observe(obs);
    while (obs.kernels[0]!.queued < 1000) p.observe((obs = q.advance((t += STEP_US))));
    const predicted = p.get('k')!.secondsToFull!;
    expect(predicted).toBeGreaterThan(0);
    const at = t;
    let warnedBeforeOverflow = false;
    while (obs.kernels[0]!.queued < capacity) {
      p.observe((obs = q.advance((t += STEP_US))));
      if (p.get('k')!.warning && obs.kernels[0]!.dropped === 0) warnedBeforeOverflow = true;
    }
    const actual = (t - at) / 1e6;
    expect(Math.abs(predicted - actual) / actual).toBeLessThan(0.15);
    expect(warnedBeforeOverflow).toBe(true);
    // No warning far from full.
    const early = createQueuePredictor({ tauSec: 10 });
    const q2 = mm1({ lambda: 200, mu: 100, capacity, seed: 9 });
    for (let s = 0; s <= 5e6; s += STEP_US) early.observe(q2.advance(s));
    expect(early.get('k')!.warning).toBe(false);
  });

  it('predicts the time until a backlog drains', () => {
    const q = mm1({ lambda: 50, mu: 100, capacity: 1e9, seed: 21, depth0: 2000 });
    const p = createQueuePredictor({ tauSec: 10 });
    let t = 0;
    let obs = q.advance(0);
    p.observe(obs);
    while (obs.kernels[0]!.queued > 1500) p.observe((obs = q.advance((t += STEP_US))));
    const predicted = p.get('k')!.secondsToDrain!;
    expect(p.get('k')!.secondsToFull).toBeNull();
    const at = t;
    while (obs.kernels[0]!.queued > 0) obs = q.advance((t += STEP_US));
    const actual = (t - at) / 1e6;
    expect(Math.abs(predicted - actual) / actual).toBeLessThan(0.15);
  });

  it('says full now, never "drained in", for a full queue while the smoothed rates still lag', () => {
    const p = createQueuePredictor();
    const at = (sec: number, queued: number, capacity: number, processed: number) =>
      p.observe({
        timeUs: sec * 1e6,
        kernels: [{ id: 'k', queued, capacity, processed, dropped: 0 }],
      });
    // A backlog draining for ten seconds: 2,000/s served, 1,000/s arriving (μ > λ)...
    for (let s = 0; s <= 10; s++) at(s, 90_000 - s * 1000, 131_072, s * 2000);
    expect(p.get('k')!.secondsToDrain).not.toBeNull();
    // ...then the capacity is lowered to what is queued: full now, whatever the rates say.
    at(10.1, 79_900, 79_900, 20_200);
    const k = p.get('k')!;
    expect(k.secondsToFull).toBe(0);
    expect(k.warning).toBe(true);
    expect(k.secondsToDrain).toBeNull();
  });

  it('says full now while the queue loses messages, though each snapshot catches it below full', () => {
    const p = createQueuePredictor();
    // Traffic in lumps: 5,000 offered a second, served 4,950, but the queue of 1,024 overflows
    // between snapshots, which each find it drained to a few hundred.
    let processed = 0;
    let dropped = 0;
    for (let i = 0; i <= 40; i++) {
      processed += 495;
      if (i > 20) dropped += 60;
      p.observe({
        timeUs: i * 100_000,
        kernels: [{ id: 'k', queued: 300, capacity: 1024, processed, dropped }],
      });
    }
    const k = p.get('k')!;
    expect(k.secondsToFull).toBe(0);
    expect(k.secondsToDrain).toBeNull();
    expect(k.warning).toBe(true);
    expect(k.losing).toBe(true);
    // Losses in lumps, one snapshot in three: still full now at every snapshot, no blinking.
    for (let i = 41; i <= 50; i++) {
      processed += 495;
      if (i % 3 === 0) dropped += 180;
      p.observe({
        timeUs: i * 100_000,
        kernels: [{ id: 'k', queued: 300, capacity: 1024, processed, dropped }],
      });
      expect(p.get('k')!.secondsToFull).toBe(0);
    }
    // Losses stop: a second later the queue is judged by its rates again.
    for (let i = 51; i <= 62; i++) {
      processed += 495;
      p.observe({
        timeUs: i * 100_000,
        kernels: [{ id: 'k', queued: 300, capacity: 1024, processed, dropped }],
      });
    }
    expect(p.get('k')!.secondsToFull).not.toBe(0);
    expect(p.get('k')!.losing).toBe(false);
  });

  it('forgets μ when the kernel moves to another backend', () => {
    const p = createQueuePredictor();
    let processed = 0;
    const at = (i: number, queued: number, backend: string, served: number) => {
      processed += served;
      p.observe({
        timeUs: i * 100_000,
        kernels: [{ id: 'k', queued, capacity: 1024, processed, dropped: 0, backend }],
      });
    };
    // A slow GPU: 5,000 served a second with a backlog, 4,950 offered.
    for (let i = 0; i <= 30; i++) at(i, 500, 'webgpu', 500);
    expect(p.get('k')!.servicePerSec).toBeCloseTo(5_000, -2);
    // Back on the twin, which keeps up at the same load: μ measured on WebGPU is not its.
    at(31, 0, 'cpu', 1_000);
    expect(p.get('k')!.servicePerSec).toBeNull();
    for (let i = 32; i <= 40; i++) at(i, 0, 'cpu', 500);
    expect(p.get('k')!.rho).toBeNull();
  });

  it('leaves μ unknown after one short busy interval: no bottleneck beside an empty queue', () => {
    const p = createQueuePredictor();
    let processed = 0;
    let t = 0;
    const at = (queued: number, served: number) => {
      processed += served;
      p.observe({
        timeUs: t,
        kernels: [{ id: 'k', queued, capacity: 4096, processed, dropped: 0, backend: 'cpu' }],
      });
      t += 100_000;
    };
    // Just moved back to its twin with 17 left from the GPU, at 250 arriving a second: the next
    // interval drains them with the 25 that arrived, 42 in 0.1 s (μ would read 420, ρ 0.6).
    at(17, 0);
    at(0, 42);
    // Then 20 s keeping up: the queue reads 0 at every snapshot.
    for (let i = 0; i < 200; i++) {
      at(0, 25);
      const k = p.get('k')!;
      expect(k.servicePerSec).toBeNull();
      expect(k.rho).toBeNull();
      expect(k.secondsToFull).toBeNull();
      expect(k.warning).toBe(false);
    }
    expect(p.get('k')!.arrivalPerSec).toBeCloseTo(250, -1);
  });

  it('restarts after a counter reset and leaves ρ unknown for a kernel never seen busy', () => {
    const p = createQueuePredictor();
    const k = (processed: number, depth = 0) => ({
      id: 'k',
      queued: depth,
      capacity: 10,
      processed,
      dropped: 0,
    });
    p.observe({ timeUs: 0, kernels: [k(0)] });
    p.observe({ timeUs: 1e6, kernels: [k(500)] });
    expect(p.get('k')).toMatchObject({
      arrivalPerSec: 500,
      servicePerSec: null,
      throughputPerSec: 500,
      rho: null,
    });
    p.observe({ timeUs: 2e6, kernels: [k(3)] });
    expect(p.get('k')!.arrivalPerSec).toBe(0);
    p.observe({ timeUs: 3e6, kernels: [k(3, 10)] });
    expect(p.get('k')).toMatchObject({ secondsToFull: 0, warning: true });
  });
});

describe('predictions after the traffic stops (issue 13)', () => {
  // An overloaded kernel: 2,000/s offered, 1,000/s served, queue filling towards 4,096.
  function overloaded() {
    const p = createQueuePredictor();
    let processed = 0;
    let queued = 100;
    let t = 0;
    const k = () => ({ id: 'k', queued, inFlight: 0, capacity: 4096, processed, dropped: 0 });
    p.observe({ timeUs: t, kernels: [k()] });
    for (let i = 0; i < 20; i++) {
      t += 100_000;
      processed += 100;
      queued += 100;
      p.observe({ timeUs: t, kernels: [k()] });
    }
    return { p, t, k, drain: (n: number) => ((processed += n), (queued -= n)) };
  }

  it('warns while the queue fills', () => {
    const { p } = overloaded();
    expect(p.get('k')).toMatchObject({ warning: true });
    expect(p.get('k')!.rho).toBeGreaterThan(1.5);
  });

  it('drops λ, ρ and the alarm within a second of the last arrival, although the EWMA remembers', () => {
    const o = overloaded();
    let t = o.t;
    // Stop: the kernel drains what is queued, nothing arrives any more.
    o.drain(2100);
    for (let i = 0; i < 12; i++) {
      t += 100_000;
      o.p.observe({ timeUs: t, kernels: [o.k()] });
    }
    expect(o.p.get('k')).toMatchObject({
      arrivalPerSec: 0,
      rho: 0,
      secondsToFull: null,
      warning: false,
    });
  });

  it('clears at once when the engine says it is idle, even if its clock stands still', () => {
    const o = overloaded();
    o.drain(2100);
    o.p.observe({ timeUs: o.t, idle: true, kernels: [o.k()] });
    expect(o.p.get('k')).toMatchObject({ arrivalPerSec: 0, warning: false });
  });

  it('starts afresh after quiet time: traffic after 4 s idle reads its own rate at once', () => {
    const p = createQueuePredictor();
    let processed = 0;
    let t = 0;
    const k = () => ({ id: 'k', queued: 0, inFlight: 0, capacity: 4096, processed, dropped: 0 });
    for (let i = 0; i <= 40; i++, t += 100_000) p.observe({ timeUs: t, kernels: [k()] });
    // 50,000/s from now on, snapshots every 100 ms.
    for (let i = 0; i < 10; i++) {
      processed += 5000;
      p.observe({ timeUs: t, kernels: [k()] });
      t += 100_000;
    }
    expect(p.get('k')!.arrivalPerSec).toBeGreaterThan(50_000 * 0.95);
    expect(p.get('k')!.arrivalPerSec).toBeLessThan(50_000 * 1.05);
  });

  it('forgets a μ that the kernel outruns: no overload alarm beside an empty queue after a burst', () => {
    const p = createQueuePredictor();
    let processed = 0;
    let dropped = 0;
    let t = 0;
    const at = (queued: number) =>
      p.observe({
        timeUs: t,
        kernels: [{ id: 'k', queued, inFlight: 0, capacity: 4096, processed, dropped }],
      });
    at(0);
    // A burst of 10,000: the queue is full at one snapshot, and the next comes 400 ms later (the
    // injection held the engine), the queue long drained: μ from that interval reads 10 K/s.
    t += 16_000;
    dropped = 5904;
    at(4096);
    t += 400_000;
    processed = 4096;
    at(0);
    expect(p.get('k')!.servicePerSec).toBeCloseTo(10_240, -2);
    // Then a steady 250,000/s that the kernel keeps up with: its queue reads 0 at every snapshot.
    for (let i = 0; i < 125; i++) {
      t += 16_000;
      processed += 4000;
      at(0);
    }
    const k = p.get('k')!;
    expect(k.arrivalPerSec).toBeGreaterThan(200_000);
    expect(k.servicePerSec).toBeNull();
    expect(k.rho).toBeNull();
    expect(k.secondsToFull).toBeNull();
    expect(k.warning).toBe(false);
  });

  it('keeps μ when the throughput does not outrun it by a quarter, or the kernel still holds messages', () => {
    const run = (tpOverMu: number, inFlight: number) => {
      const p = createQueuePredictor();
      let processed = 0;
      let t = 0;
      const at = (queued: number, held = 0) =>
        p.observe({
          timeUs: t,
          kernels: [{ id: 'k', queued, inFlight: held, capacity: 4096, processed, dropped: 0 }],
        });
      // Busy for 2 s at 100,000/s: μ is 100 K.
      at(500);
      for (let i = 0; i < 20; i++) {
        t += 100_000;
        processed += 10_000;
        at(500);
      }
      // Then 3 s at tpOverMu x 100,000/s with nothing queued (and `inFlight` out on a backend).
      for (let i = 0; i < 30; i++) {
        t += 100_000;
        processed += 10_000 * tpOverMu;
        at(0, inFlight);
      }
      return p.get('k')!.servicePerSec;
    };
    expect(run(1.2, 0)).not.toBeNull();
    // A GPU kernel whose batch took the whole queue is busy, not keeping up with room to spare.
    expect(run(3, 1024)).not.toBeNull();
    // Nothing held and three times μ: μ was wrong.
    expect(run(3, 0)).toBeNull();
  });

  it('counts only queued messages against the capacity: a GPU batch in flight left the queue', () => {
    const p = createQueuePredictor();
    const k = (processed: number, queued: number, inFlight: number) => ({
      id: 'k',
      queued,
      inFlight,
      capacity: 1024,
      processed,
      dropped: 0,
    });
    p.observe({ timeUs: 0, kernels: [k(0, 0, 0)] });
    p.observe({ timeUs: 1e6, kernels: [k(1000, 1000, 1024)] });
    const pred = p.get('k')!;
    expect(pred.queued).toBe(1000);
    // queued + in flight (2,024) is above the capacity, yet the queue is not full.
    expect(pred.secondsToFull).not.toBe(0);
    // Arrivals count the in-flight batch too (conservation): 1000 + 1000 + 1024.
    expect(pred.arrivalPerSec).toBe(3024);
  });
});

describe('a kernel served in batches (a GPU)', () => {
  /**
   * 250 messages/s arrive (Poisson); the backend takes the whole queue as one batch whenever none
   * is out and returns it `latencyMs` later. Snapshots every 100 ms. Returns every prediction.
   */
  function batched(latencyMs: number, lambda = 250, seconds = 30) {
    const rng = createRng(11);
    const p = createQueuePredictor();
    let queued = 0;
    let processed = 0;
    // Up to two batches out at once (the engine's double buffering), each landing in order.
    const out: KernelPrediction[] = [];
    const flying: { rows: number; landsAt: number }[] = [];
    let nextArrival = rng.exponential(1e6 / lambda);
    let most = 0;
    for (let t = 0; t <= seconds * 1e6; t += 10_000) {
      while (nextArrival <= t) {
        queued++;
        nextArrival += rng.exponential(1e6 / lambda);
      }
      while (flying.length > 0 && flying[0]!.landsAt <= t) processed += flying.shift()!.rows;
      if (flying.length < 2 && queued > 0) {
        flying.push({ rows: queued, landsAt: t + latencyMs * 1000 });
        queued = 0;
      }
      most = Math.max(most, queued);
      // A snapshot every 100 ms, between the engine's steps.
      if (t % 100_000 !== 50_000) continue;
      const inFlight = flying.reduce((n, b) => n + b.rows, 0);
      const k = {
        id: 'gpu',
        backend: 'webgpu',
        queued,
        inFlight,
        capacity: 1024,
        processed,
        dropped: 0,
      };
      p.observe({ timeUs: t, kernels: [k] });
      out.push(p.get('gpu')!);
    }
    return { out, most };
  }

  it('keeps up at a steady rate: no "full in" alarm, μ about its throughput, not a tenth of it', () => {
    const { out, most } = batched(900);
    // It never comes near full: the batches grow with the queue.
    expect(most).toBeLessThan(400);
    // Its lumps landed in intervals that began with the queue just emptied into the batch: μ read
    // 7.8/s, "ρ 33.02 · ⚠ full in 2.2 s" beside a queue at 380 of 1,024 that lost nothing.
    expect(out.filter((x) => x.warning)).toEqual([]);
    // Measured from lump to lump, μ is what it serves, from 5 s on (the first batches were small).
    for (const x of out.slice(50)) {
      expect(x.servicePerSec).not.toBeNull();
      expect(x.servicePerSec!).toBeGreaterThan(150);
      expect(x.rho!).toBeLessThan(1.6);
    }
  });

  it('still warns when the batches cannot keep up', () => {
    // Two batches of at most a queueful out at once, each 5 s: at most about 410/s against 600/s.
    const { out } = batched(5000, 600, 20);
    expect(out.some((x) => x.warning)).toBe(true);
  });
});

describe('pathBottlenecks', () => {
  it('picks the kernel with the highest utilisation on each path, following observed emits', () => {
    const pred = (id: string, rho: number | null, losing = false): KernelPrediction => ({
      id,
      queued: 0,
      capacity: 10,
      arrivalPerSec: 1,
      servicePerSec: rho === null ? null : 1 / rho,
      throughputPerSec: 0,
      rho,
      secondsToFull: losing ? 0 : null,
      secondsToDrain: null,
      warning: losing,
      losing,
    });
    const map = new Map([
      ['fraud_processor', pred('fraud_processor', 0.4)],
      ['alert_sink', pred('alert_sink', 0.9)],
      ['aggregator', pred('aggregator', null)],
      ['pattern_detector', pred('pattern_detector', 0.2)],
    ]);
    const paths = pathBottlenecks(demoConfig(), map, [
      { source: 'type:1001', target: 'fraud_processor' },
      { source: 'fraud_processor', target: 'alert_sink', total: 3 },
      // What a kernel emitted of a type is not a hop on the path.
      { source: 'pattern_detector', target: 'type:1004', total: 5 },
    ]);
    const byType = Object.fromEntries(paths.map((p) => [p.typeId, p]));
    expect(byType['1001']).toMatchObject({
      kernels: ['fraud_processor', 'alert_sink'],
      bottleneck: 'alert_sink',
      rho: 0.9,
    });
    // Not seen busy: it keeps up, so the path has no bottleneck to name.
    expect(byType['1002']).toMatchObject({
      kernels: ['aggregator'],
      bottleneck: null,
      rho: null,
    });
    expect(byType['1003']).toMatchObject({ bottleneck: 'pattern_detector', rho: 0.2 });
    // Nothing arriving (ρ 0) names no bottleneck either.
    const idle = new Map([...map, ['pattern_detector', pred('pattern_detector', 0)]]);
    expect(pathBottlenecks(demoConfig(), idle).find((p) => p.typeId === '1003')).toMatchObject({
      kernels: ['pattern_detector'],
      bottleneck: null,
      rho: null,
    });
    // Losing messages, it is the bottleneck though μ was never measured (ρ unknown), and ahead
    // of a kernel downstream with a higher ρ.
    const losing = new Map([
      ...map,
      ['aggregator', pred('aggregator', null, true)],
      ['fraud_processor', pred('fraud_processor', 0.4, true)],
    ]);
    const lossy = Object.fromEntries(
      pathBottlenecks(demoConfig(), losing, [
        { source: 'fraud_processor', target: 'alert_sink', total: 3 },
      ]).map((p) => [p.typeId, p]),
    );
    expect(lossy['1002']).toMatchObject({ bottleneck: 'aggregator', rho: null, losing: true });
    expect(lossy['1001']).toMatchObject({ bottleneck: 'fraud_processor', rho: 0.4 });
  });
});
