/**
 * Latency as the engine measures it: engine time moves on between drain rounds (an alert taken a
 * round after its transaction was emitted took time), and the ring holds samples from many
 * batches, so p99 is not one batch's value.
 */
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createEngine } from './engine';
import { LATENCY_SAMPLES_PER_BATCH } from './kernel-run';
import { ok } from './test-util';

/** The demo engine on a clock that moves 7 µs each time it is read (real time moves on too). */
function movingClock() {
  let t = 1_000_000;
  const engine = createEngine({
    config: demoConfig(),
    now: () => (t += 7),
    batchSize: 256,
  });
  return engine;
}

describe('engine latency', () => {
  it('stamps an emitted alert with the time it waited, not 0 µs', () => {
    const engine = movingClock();
    ok(engine, { type: 'inject', typeId: 1001, count: 3, payload: { amount: 15_000 } });
    engine.drain();
    const alerts = engine.snapshot().receipts.recent.filter((r) => r.typeId === 1010);
    expect(alerts).toHaveLength(3);
    for (const a of alerts) {
      expect(a.source).toBe('fraud_processor');
      expect(a.latencyUs).toBeGreaterThan(0);
    }
  });

  it('samples at most a bounded number per batch, so p99 spans batches', () => {
    const engine = movingClock();
    // 4,000 AccountUpdates, all entered at once, taken in 16 batches of 256 over many rounds.
    ok(engine, { type: 'inject', typeId: 1002, count: 4_000 });
    engine.drain();
    const s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(4_000);
    expect(s.latency.samples).toBeLessThanOrEqual(16 * LATENCY_SAMPLES_PER_BATCH);
    expect(s.latency.samples).toBeGreaterThanOrEqual(15 * LATENCY_SAMPLES_PER_BATCH);
    // The last batches waited longer than the first: the tail is not the median.
    expect(s.latency.p99Us).toBeGreaterThan(s.latency.p50Us);
  });

  it('gives a response delivered to the host no latency: no kernel processes it', () => {
    const engine = movingClock();
    ok(engine, { type: 'inject', typeId: 1003, count: 2 });
    engine.drain();
    const rows = engine.snapshot().receipts.recent;
    const responses = rows.filter((r) => r.typeId === 1004);
    expect(responses).toHaveLength(2);
    for (const r of responses) {
      expect(r.source).toBe('pattern_detector');
      expect(r.status).toBe('Delivered');
      expect(r.latencyUs).toBeNull();
    }
    // The requests themselves were processed, with a latency.
    for (const r of rows.filter((x) => x.typeId === 1003)) expect(r.latencyUs).not.toBeNull();
  });
});
