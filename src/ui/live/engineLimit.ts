import type { EngineSnapshot } from '../../engine/protocol';
import { useWorkbench } from '../../state/store';
import { STARTING_US, SUSTAINED_S } from '../../state/sustained';
import type { LiveSlice } from '../../state/live';

type SendEnded = LiveSlice['sendEnded'];

/**
 * How far behind its schedule the generator may be before the workbench says the engine does
 * not keep up (a slice or two of jitter is normal; half a second is not).
 */
export const BEHIND_MS = 500;
/**
 * Sooner when the shortfall is large: entering under half the asked rate, this late (ms) is the
 * engine. Started at 10 M/s, the badge had read a green "36.1 K/s" for 0.8 s.
 */
const FAR_BEHIND_MS = 100;

/** Whether the generator's run is in its first `STARTING_US` (the badge says "starting"). */
export function starting(s: EngineSnapshot | null): boolean {
  const g = s?.generator;
  if (!s || !g?.running || g.startedUs === undefined) return false;
  return s.timeUs - g.startedUs < STARTING_US;
}

/**
 * When the engine itself is the limit (never in a run's start-up, `STARTING_US`): the generator runs, is more than `BEHIND_MS` behind its
 * schedule (`FAR_BEHIND_MS` entering under half the asked rate), and messages enter slower than
 * asked. The toolbar's badge, Predict and Problems all say so from this one test, and read the same
 * `sustained` rate: `mean`, the live slice's `generatorMean` (the last 3 s), where there is one.
 */
export function engineLimit(
  s: EngineSnapshot | null,
  mean: number | null = null,
  sendEnded: SendEnded = null,
): { asked: number; actual: number; sustained: number; lagMs: number } | null {
  const b = behindSchedule(s, mean, sendEnded);
  return b && !b.catchingUp && b.heldBySend === null
    ? { asked: b.asked, actual: b.actual, sustained: b.sustained, lagMs: b.lagMs }
    : null;
}

/**
 * The generator late by `engineLimit`'s test, whether messages enter slower than asked (the engine
 * is the limit) or faster (`catchingUp`, after a stall). Problems lists it while either lasts: by
 * `engineLimit` alone it came and went every second or two at 3 M/s, while the generator stayed
 * 1.2 s behind and its rate turned from under to over the asked one and back. `actual` is the
 * half-second rate the test reads; `sustained` the rate to show, `mean` where given and under the
 * asked rate.
 */
export function behindSchedule(
  s: EngineSnapshot | null,
  mean: number | null = null,
  sendEnded: SendEnded = null,
): {
  asked: number;
  actual: number;
  sustained: number;
  lagMs: number;
  catchingUp: boolean;
  /** The size of the burst sent by hand that holds the generator back (see `heldBySend`). */
  heldBySend: number | null;
} | null {
  const g = s?.generator;
  if (!s || !g?.running || !g.spec || starting(s)) return null;
  // The generator's own rate: with a burst sent by hand meanwhile, all that enters can read above
  // the asked rate while the generator falls behind.
  const actual = g.ratePerSec ?? s.rates.injectedPerSec;
  const asked = g.spec.ratePerSec;
  const late = g.lagMs > BEHIND_MS || (g.lagMs > FAR_BEHIND_MS && actual < asked / 2);
  return late
    ? {
        asked,
        actual,
        // A mean at or over the asked rate still holds a catch-up's burst: "5.12 M of 5.00 M/s"
        // in amber would read as nonsense, so the half-second rate is said then.
        sustained: mean !== null && mean < asked ? mean : actual,
        lagMs: g.lagMs,
        catchingUp: actual >= asked,
        heldBySend: heldBySend(s, sendEnded),
      }
    : null;
}

/**
 * The size of the burst sent by hand that holds the generator back now, or null: one being sent,
 * or one that ended within the last `SUSTAINED_S` (the mean's window) while the generator ran.
 * A send holds the engine's thread, and the generator is behind after it for that, not for the
 * engine's limit: Inject's line had read an amber "931 K of 1.00 M/s, 0.3 s behind" beside the
 * toolbar's green "413 K/s · resuming" (QA).
 */
export function heldBySend(s: EngineSnapshot, sendEnded: SendEnded): number | null {
  if (s.sending) return s.sending.count;
  return sendEnded !== null && s.timeUs - sendEnded.endedUs < SUSTAINED_S * 1_000_000
    ? sendEnded.count
    : null;
}

/**
 * The rate the amber "does not keep up" readings give in place of the half-second one: the live
 * slice's `generatorMean` to three significant figures (as a rate on screen shows it) while the
 * generator is behind its schedule and the mean is under the asked rate (`behindSchedule`'s
 * rule), else null. A component re-renders for it only when the figure it would show changes.
 */
export function useMeanWhenBehind(): number | null {
  return useWorkbench((s) => {
    if (s.generatorMean === null) return null;
    const b = behindSchedule(s.snapshot, Number(s.generatorMean.toPrecision(3)));
    return b && b.sustained !== b.actual ? b.sustained : null;
  });
}
