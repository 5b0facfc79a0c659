/**
 * The live engine's measured tick cadence, as What-if replays it. Apart from `whatif.ts` so the
 * page can read it without the engine the simulation pulls in.
 */
/** A live engine's measured tick cadence, as What-if replays it (see `liveCadence`). */
export interface LiveCadence {
  /** The gaps between ticks, µs, in the order measured. */
  stepsUs: number[];
  /** Their median and longest, ms. */
  medianMs: number;
  longestMs: number;
}

/** Fewer measured ticks than this are not a cadence (a generator just started). */
export const MIN_CADENCE_TICKS = 64;

/**
 * The live engine's ticks while a generator ran (its `drainCadence` reply) as a cadence for
 * What-if: each gap kept within 0.1–100 ms (a tick after a stall of seconds, a tab in the
 * background, would otherwise pass for the engine's pace). Null with too few to go by.
 */
export function liveCadence(gapsUs: readonly number[] | undefined): LiveCadence | null {
  if (!gapsUs || gapsUs.length < MIN_CADENCE_TICKS) return null;
  const stepsUs = gapsUs.map((g) => Math.min(100_000, Math.max(100, Math.round(g))));
  const sorted = [...stepsUs].sort((a, b) => a - b);
  return {
    stepsUs,
    medianMs: sorted[Math.floor(sorted.length / 2)]! / 1000,
    longestMs: sorted[sorted.length - 1]! / 1000,
  };
}
