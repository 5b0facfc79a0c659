import { describe, expect, it } from 'vitest';
import { engineLimit } from './engineLimit';
import type { EngineSnapshot } from '../../engine/protocol';

/** The parts of a snapshot the test reads: the generator and the rate of all that enters. */
const at = (g: Partial<EngineSnapshot['generator']>, injectedPerSec: number) =>
  ({
    generator: { running: true, emitted: 1, lagMs: 0, onWorker: true, ...g },
    rates: { injectedPerSec, processedPerSec: injectedPerSec, deadLetteredPerSec: 0 },
  }) as EngineSnapshot;

describe('engineLimit', () => {
  it('is the engine when the generator is late and sends slower than asked', () => {
    const s = at({ spec: { ratePerSec: 2_000_000 }, lagMs: 800, ratePerSec: 1_500_000 }, 1_500_000);
    expect(engineLimit(s)).toEqual({ asked: 2_000_000, actual: 1_500_000, lagMs: 800 });
  });

  it("reads the generator's own rate: a burst sent by hand does not hide that it falls behind", () => {
    // 1,000,000 sent by hand within the half second: all that enters reads 3.5 M/s.
    const s = at({ spec: { ratePerSec: 2_000_000 }, lagMs: 800, ratePerSec: 1_500_000 }, 3_500_000);
    expect(engineLimit(s)).toMatchObject({ actual: 1_500_000 });
  });

  it('is nothing while the generator keeps its schedule, or catches up faster than asked', () => {
    expect(engineLimit(at({ spec: { ratePerSec: 2_000_000 }, lagMs: 10 }, 1_000_000))).toBeNull();
    expect(
      engineLimit(
        at({ spec: { ratePerSec: 2_000_000 }, lagMs: 900, ratePerSec: 2_400_000 }, 2_400_000),
      ),
    ).toBeNull();
    expect(engineLimit(null)).toBeNull();
  });
});
