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
