import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import type { EngineSnapshot } from './protocol';
import { expectBalanced, wideConfig } from './test-util';
import { createWarmup } from './warmup';

function runOut(w: ReturnType<typeof createWarmup>, limit = 1000): number {
  let steps = 0;
  while (steps < limit && !w.step(4)) steps++;
  return steps + 1;
}

describe('createWarmup', () => {
  it('pushes the demo through a scratch engine fed the way the generator worker feeds it, then frees it', () => {
    const seen: EngineSnapshot[] = [];
    const w = createWarmup(demoConfig(), { messages: 20_000, afterSnapshot: (s) => seen.push(s) });
    const steps = runOut(w);
    expect(w.processed).toBeGreaterThanOrEqual(20_000);
    expect(steps).toBeLessThan(400);
    const last = seen.at(-1)!;
    // The path of the browser: rows drawn by a GeneratorPump, every kernel on its twin.
    expect(last.generator.onWorker).toBe(true);
    expect(last.kernels.map((k) => k.backend)).toEqual(last.kernels.map(() => 'cpu'));
    // Each kernel's code ran, alerts included.
    for (const k of last.kernels) expect(k.processed, k.id).toBeGreaterThan(0);
    expectBalanced(last);
    // Over: further steps do nothing.
    expect(w.step(4)).toBe(true);
    expect(seen.at(-1)).toBe(last);
  });

  // The first queue shrunk under 1 M/s put the generator 0.7 s behind and held snapshots back
  // 140-160 ms; the same shrink again cost nothing: the refusal path's code was cold.
  it('then shrinks every queue, so refusals, evictions and a full dead-letter queue are warm too', () => {
    const seen: EngineSnapshot[] = [];
    const w = createWarmup(demoConfig(), { messages: 20_000, afterSnapshot: (s) => seen.push(s) });
    runOut(w);
    const last = seen.at(-1)!;
    const reasons = (id: string) => last.kernels.find((k) => k.id === id)!.lettersByReason;
    // Each policy of the demo's: reject, deadLetter, dropOldest.
    expect(reasons('pattern_detector').Rejected ?? 0).toBeGreaterThan(0);
    expect(reasons('fraud_processor').QueueFull ?? 0).toBeGreaterThan(0);
    expect(reasons('aggregator').DroppedOldest ?? 0).toBeGreaterThan(0);
    // The dead-letter queue filled and pushed its oldest out.
    expect(last.deadLetters.evicted).toBeGreaterThan(0);
    expect(last.receipts.byStatus.QueueFull ?? 0).toBeGreaterThan(0);
    expectBalanced(last);
  });

  it("runs on a clock like the real engine's: wall-clock microseconds, steps not all alike", () => {
    // An engine time that is a small integer in the warm-up and a large one at wall-clock scale
    // in the real engine (or a token count that stays whole only because every step is 4,000 µs)
    // changes a field's representation at the first real traffic, and V8 then throws away the
    // optimised code the warm-up built.
    const times: number[] = [];
    const startUs = 1_764_000_000_000_000;
    const w = createWarmup(demoConfig(), {
      startUs,
      snapshotEvery: 1,
      afterSnapshot: (s) => times.push(s.timeUs),
    });
    for (let i = 0; i < 8; i++) w.step(4);
    w.cancel();
    expect(times.length).toBe(8);
    expect(times[0]!).toBeGreaterThan(startUs);
    const steps = new Set(times.slice(1).map((t, i) => t - times[i]!));
    expect(steps.size).toBeGreaterThan(1);
  });

  it('draws on its own thread where a payload is over 32 bytes, like the real engine', () => {
    const seen: EngineSnapshot[] = [];
    const w = createWarmup(wideConfig(), { messages: 5_000, afterSnapshot: (s) => seen.push(s) });
    runOut(w);
    expect(w.processed).toBeGreaterThanOrEqual(5_000);
    expect(seen.at(-1)!.generator.onWorker).toBe(false);
  });

  it('is over at once for a config it cannot drive, and when cancelled', () => {
    const none = demoConfig();
    none.routes = [];
    const w = createWarmup(none);
    expect(w.step(4)).toBe(true);
    expect(w.processed).toBe(0);

    const c = createWarmup(demoConfig(), { snapshotEvery: 1 });
    expect(c.step(4)).toBe(false);
    const after = c.processed;
    c.cancel();
    expect(c.step(4)).toBe(true);
    expect(c.processed).toBe(after);
  });
});
