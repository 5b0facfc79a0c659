import { describe, expect, it } from 'vitest';
import type { EngineSnapshot } from '../engine/protocol';
import { createLumps, LUMP_MS } from './lumps';
import { edgeKey } from './steadyRates';

/** Kernel `k` has processed `processed`, its route edge carried as many; rates as shown. */
function snap(processed: number, rate = 0, running = false, byHand = 0): EngineSnapshot {
  return {
    injected: byHand + 1_000_000,
    generator: { running, emitted: 1_000_000 },
    kernels: [{ id: 'k', processed, ratePerSec: rate }],
    edges: [{ source: 'type:1', target: 'k', total: processed, ratePerSec: rate }],
  } as unknown as EngineSnapshot;
}
const EDGE = `e:${edgeKey('type:1', 'k')}`;

describe('lumps: traffic no rate showed', () => {
  it('shows a burst processed between two snapshots as a count until it has stood still', () => {
    const lumps = createLumps();
    expect(lumps.observe(snap(500), 0).size).toBe(0);
    // 3,000 more, all done before the next snapshot: the engine is idle, its rates read 0.
    const burst = lumps.observe(snap(3500), 100);
    expect(burst.get('k:k')).toBe(3000);
    expect(burst.get(EDGE)).toBe(3000);
    // The same map while nothing changes, so nothing on screen re-renders.
    expect(lumps.observe(snap(3500), 200)).toBe(burst);
    // A second burst soon after adds to the same lump.
    expect(lumps.observe(snap(3501), 900).get('k:k')).toBe(3001);
    // Gone once the count has stood still for LUMP_MS.
    expect(lumps.observe(snap(3501), 900 + LUMP_MS).size).toBe(0);
    // A later one starts afresh.
    expect(lumps.observe(snap(3502), 5000).get('k:k')).toBe(1);
  });

  it('shows a burst whose edge read a rate for one snapshot, once its rate reads 0', () => {
    const lumps = createLumps();
    lumps.observe(snap(0), 0);
    // Dispatched, not yet processed: the next snapshot (not idle) shows a rate.
    expect(lumps.observe(snap(3000, 6000), 100).size).toBe(0);
    expect(lumps.observe(snap(3000, 0), 200).get(EDGE)).toBe(3000);
  });

  it('counts all of an edge that appears with its first traffic', () => {
    const lumps = createLumps();
    lumps.observe(
      {
        kernels: [],
        edges: [],
        injected: 0,
        generator: { running: false, emitted: 0 },
      } as unknown as EngineSnapshot,
      0,
    );
    expect(lumps.observe(snap(3000), 100).get(EDGE)).toBe(3000);
    // But not what a page opened on a running engine finds already counted.
    const fresh = createLumps();
    expect(fresh.observe(snap(3000), 0).size).toBe(0);
  });

  it('leaves nothing behind a run whose rates were shown', () => {
    const lumps = createLumps();
    lumps.observe(snap(0), 0);
    lumps.observe(snap(1000, 2000), 500);
    lumps.observe(snap(2000, 2000), 1000);
    // Stopped: the last messages drain after, with the rates at 0.
    expect(lumps.observe(snap(2100, 0), 1100).size).toBe(0);
    expect(lumps.observe(snap(2100, 0), 1200).size).toBe(0);
  });

  it('leaves nothing behind a generator run, however short', () => {
    const lumps = createLumps();
    lumps.observe(snap(0), 0);
    // Started and stopped within 300 ms: its rates were on screen for less than RATED_MS.
    lumps.observe(snap(1000, 3000, true), 100);
    lumps.observe(snap(3900, 3000, true), 300);
    expect(lumps.observe(snap(3903, 0), 400).size).toBe(0);
    // A burst afterwards, once the run's counts stood still, shows.
    expect(lumps.observe(snap(3904, 0), 400 + LUMP_MS).get('k:k')).toBe(1);
  });

  it('shows a burst sent by hand right after a generator run as a lump of its own', () => {
    const lumps = createLumps();
    lumps.observe(snap(0), 0);
    lumps.observe(snap(1000, 3000, true), 100);
    lumps.observe(snap(3900, 3000, true), 300);
    // Stopped; the run's last messages drain: still no count.
    expect(lumps.observe(snap(3903, 0), 400).size).toBe(0);
    // A burst of 500, 300 ms later, within LUMP_MS of the run's last movement.
    expect(lumps.observe(snap(4403, 0, false, 500), 700).get('k:k')).toBe(500);
    // Its count stays one lump while it moves on.
    expect(lumps.observe(snap(4503, 0, false, 600), 800).get('k:k')).toBe(600);
    expect(lumps.observe(snap(4503, 0, false, 600), 800 + LUMP_MS).size).toBe(0);
  });

  it('starts the lump where a count moves after the burst was injected, a snapshot later', () => {
    const lumps = createLumps();
    lumps.observe(snap(0), 0);
    lumps.observe(snap(3000, 3000, true), 100);
    lumps.observe(snap(3000, 0), 200);
    // Injected by hand, not yet processed, then processed.
    expect(lumps.observe(snap(3000, 0, false, 50), 300).size).toBe(0);
    expect(lumps.observe(snap(3050, 0, false, 50), 400).get('k:k')).toBe(50);
  });

  it('forgets what was counted before a reset of the counters', () => {
    const lumps = createLumps();
    lumps.observe(snap(0), 0);
    expect(lumps.observe(snap(40), 100).get('k:k')).toBe(40);
    expect(lumps.observe(snap(0), 200).size).toBe(0);
    expect(lumps.observe(snap(5), 300).get('k:k')).toBe(5);
    lumps.reset();
    expect(lumps.observe(snap(9), 400).size).toBe(0);
  });
});
