import type { EngineSnapshot } from '../../engine/protocol';

/**
 * How far behind its schedule the generator may be before the workbench says the engine does
 * not keep up (a slice or two of jitter is normal; half a second is not).
 */
export const BEHIND_MS = 500;

/**
 * When the engine itself is the limit: the generator runs, is more than `BEHIND_MS` behind its
 * schedule, and messages enter slower than asked. The toolbar's badge, Predict and Problems all
 * say so from this one test.
 */
export function engineLimit(
  s: EngineSnapshot | null,
): { asked: number; actual: number; lagMs: number } | null {
  const g = s?.generator;
  if (!s || !g?.running || !g.spec) return null;
  // The generator's own rate: with a burst sent by hand meanwhile, all that enters can read above
  // the asked rate while the generator falls behind.
  const actual = g.ratePerSec ?? s.rates.injectedPerSec;
  return g.lagMs > BEHIND_MS && actual < g.spec.ratePerSec
    ? { asked: g.spec.ratePerSec, actual, lagMs: g.lagMs }
    : null;
}
