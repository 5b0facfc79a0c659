import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { DrainCadence } from './cadence';
import { createEngine } from './engine';

describe('DrainCadence', () => {
  it('keeps the gaps between ticks while a generator runs, the newest up to its capacity', () => {
    const d = new DrainCadence(3);
    d.tick(0, true);
    d.tick(1_000, true);
    d.tick(3_000, true);
    // Idle ticks neither count nor bridge: the next gap starts at the next running tick.
    d.tick(10_000, false);
    d.tick(50_000, true);
    d.tick(51_500, true);
    d.tick(52_000, true);
    expect(d.gapsUs()).toEqual([2_000, 1_500, 500]);
  });

  it("is the engine's drainCadence: its ticks while the generator ran", () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({ type: 'startGenerator', spec: { ratePerSec: 10_000, seed: 1 } });
    for (const gap of [1_000, 2_500, 8_000, 1_200]) {
      t += gap;
      engine.tick();
    }
    engine.command({ type: 'stopGenerator' });
    t += 50_000;
    engine.tick();
    const r = engine.command({ type: 'drainCadence' });
    expect(r.ok && r.command === 'drainCadence' ? r.gapsUs : null).toEqual([2_500, 8_000, 1_200]);
    engine.destroy();
  });
});
