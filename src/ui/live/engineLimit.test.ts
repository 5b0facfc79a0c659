import { describe, expect, it } from 'vitest';
import { STARTING_US } from '../../state/sustained';
import { behindSchedule, engineLimit, starting } from './engineLimit';
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
    expect(engineLimit(s)).toEqual({
      asked: 2_000_000,
      actual: 1_500_000,
      sustained: 1_500_000,
      lagMs: 800,
    });
    // Given the mean of the last 3 s, that is the rate to show; the test still reads the
    // half-second rate.
    expect(engineLimit(s, 1_620_000)).toMatchObject({ actual: 1_500_000, sustained: 1_620_000 });
    // A mean holding a catch-up's burst, at or over the asked rate, is not said as a shortfall.
    expect(engineLimit(s, 2_120_000)).toMatchObject({ sustained: 1_500_000 });
    expect(engineLimit(at({ spec: { ratePerSec: 2e6 }, lagMs: 10 }, 1e6), 1_620_000)).toBeNull();
  });

  it("reads the generator's own rate: a burst sent by hand does not hide that it falls behind", () => {
    // 1,000,000 sent by hand within the half second: all that enters reads 3.5 M/s.
    const s = at({ spec: { ratePerSec: 2_000_000 }, lagMs: 800, ratePerSec: 1_500_000 }, 3_500_000);
    expect(engineLimit(s)).toMatchObject({ actual: 1_500_000 });
  });

  // Inject's line read an amber "931 K of 1.00 M/s, 0.3 s behind" beside the toolbar's green
  // "413 K/s · resuming": the send held the generator back, not the engine's limit.
  it('is nothing while a burst sent by hand is going in and for 3 s after, the send being why', () => {
    const late = { spec: { ratePerSec: 1_000_000 }, lagMs: 800, ratePerSec: 413_000 };
    const s = { ...at(late, 413_000), timeUs: 10_000_000 };
    expect(engineLimit(s)).not.toBeNull();
    expect(engineLimit({ ...s, sending: { count: 50_000, sent: 1_000 } })).toBeNull();
    expect(engineLimit(s, null, { count: 50_000, endedUs: 7_500_000 })).toBeNull();
    expect(behindSchedule(s, null, { count: 50_000, endedUs: 7_500_000 })).toMatchObject({
      heldBySend: 50_000,
      lagMs: 800,
    });
    // Three seconds on, still behind: the engine again.
    expect(engineLimit(s, null, { count: 50_000, endedUs: 7_000_000 })).toMatchObject({
      sustained: 413_000,
    });
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

  // Started at 10 M/s, the badge read a green "36.1 K/s", then "124 K/s", for 0.8 s before the
  // amber "260 K of 10.0 M/s": a shortfall that large is the engine's well within half a second.
  it('is the engine sooner when the shortfall is large: under half the asked rate, 100 ms late', () => {
    const ten = { ratePerSec: 10_000_000 };
    expect(engineLimit(at({ spec: ten, lagMs: 150, ratePerSec: 36_100 }, 36_100))).toEqual({
      asked: 10_000_000,
      actual: 36_100,
      sustained: 36_100,
      lagMs: 150,
    });
    // A little late and near the asked rate: a slice's jitter, not the engine.
    expect(engineLimit(at({ spec: ten, lagMs: 150, ratePerSec: 6_000_000 }, 6e6))).toBeNull();
    // On schedule, whatever the rate reads in its first moments.
    expect(engineLimit(at({ spec: ten, lagMs: 60, ratePerSec: 36_100 }, 36_100))).toBeNull();
  });

  // Started at 2 M/s, the engine was 177 ms behind at 0.3 s (warming up) and on schedule at
  // 0.45 s: an amber "930 K of 2.00 M/s" had claimed a limit it did not have.
  it("is never the engine in a run's first half second, its start-up", () => {
    const run = (sinceStartUs: number) =>
      ({
        ...at({ spec: { ratePerSec: 2_000_000 }, lagMs: 177, ratePerSec: 930_000 }, 930_000),
        timeUs: 5_000_000 + sinceStartUs,
        generator: {
          running: true,
          emitted: 1,
          lagMs: 177,
          onWorker: true,
          spec: { ratePerSec: 2_000_000 },
          ratePerSec: 930_000,
          startedUs: 5_000_000,
        },
      }) as EngineSnapshot;
    expect(starting(run(300_000))).toBe(true);
    expect(engineLimit(run(300_000))).toBeNull();
    // Past it, the same readings are the engine's limit.
    expect(starting(run(STARTING_US))).toBe(false);
    expect(engineLimit(run(STARTING_US))).toMatchObject({ actual: 930_000 });
  });
});
