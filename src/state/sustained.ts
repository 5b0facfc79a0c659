/**
 * The generator's mean entry rate over the last few seconds of engine time, for the amber "the
 * engine does not keep up" readings. At its limit the engine's half-second rate swings with its
 * slices, collections and the machine's other work: a QA run at 5 M/s asked read 1.66 M, 3.87 M,
 * 2.52 M, 1.69 M, 2.29 M and 3.31 M in 3 s, each a step of more than a quarter shown at once, and
 * no figure could be read. What the engine sustains is the figure a user weighs against the rate
 * asked; the half-second reading stays on the badge's hover.
 */

import { RATE_WINDOW_US } from '../engine/rate';
import { REFRESH_MS, STEP } from './steadyRates';

/** Seconds of engine time the mean spans once the run is that old. */
export const SUSTAINED_S = 3;
/** The least span (s) the mean is given for: before it, the half-second rate is all there is. */
const LEAST_S = 1;
/** The span (s) of the recent mean that a lasting drop is shown by (see `observe`). */
const RECENT_S = 1;
/** A drop: the recent mean under this share of the 3 s mean. */
const DROP = 0.5;
/** The mean shown is taken again this often (engine µs), as the other rates on screen are. */
const HOLD_US = REFRESH_MS * 1000;
/**
 * A run's start-up, µs: the engine warms up (the generator's worker sends its first chunks, the
 * engine's code tiers up). Started at 2 M/s it was 177 ms behind at 0.3 s and on schedule at
 * 0.45 s, and the badge had read an amber "930 K of 2.00 M/s" for the problem it no longer had.
 * As long as the rate's window: past it, the rates are the run's own. The mean leaves it out (a
 * mean holding it read 344 K of 3 M/s asked while 1.7–3 M/s entered, QA), and `engineLimit`
 * judges no run in it (the badge says "starting").
 */
export const STARTING_US = RATE_WINDOW_US;

export interface SustainedRate {
  /**
   * One reading of the generator (engine time in µs, messages sent in this run, when the run
   * started); returns the mean rate over the last `SUSTAINED_S` s (the last second's, where that
   * is under half of it: a drop that lasts), or null (not running, or a
   * run under 1.5 s old: its start-up is left out). The mean returned is held for a second
   * (`REFRESH_MS`), as the rates on screen are (moving smoothly, its third figure had changed at
   * every snapshot shown), unless it moved by more than a quarter (`STEP`): held, a mean climbing
   * out of a slow start read 864 K for 0.7 s while 4.26 M/s entered (QA).
   */
  observe(
    timeUs: number,
    sent: number,
    running: boolean,
    startedUs: number | undefined,
  ): number | null;
  reset(): void;
}

export function createSustainedRate(windowS = SUSTAINED_S): SustainedRate {
  const times: number[] = [];
  const counts: number[] = [];
  let run: number | undefined;
  let held: { mean: number; at: number; drop: boolean } | null = null;
  const reset = () => {
    times.length = 0;
    counts.length = 0;
    run = undefined;
    held = null;
  };
  return {
    observe(timeUs, sent, running, startedUs) {
      if (!running) {
        reset();
        return null;
      }
      const last = times.length - 1;
      // Another run, or counts or time going back (reset counters, a new engine): start afresh.
      if (startedUs !== run || (last >= 0 && (sent < counts[last]! || timeUs < times[last]!)))
        reset();
      run = startedUs;
      if (startedUs !== undefined && timeUs - startedUs < STARTING_US) return null;
      if (times.length === 0 || timeUs > times[times.length - 1]!) {
        times.push(timeUs);
        counts.push(sent);
      }
      // The base: the newest reading at least the window older than this one.
      while (times.length > 2 && timeUs - times[1]! >= windowS * 1e6) {
        times.shift();
        counts.shift();
      }
      const span = (timeUs - times[0]!) / 1e6;
      if (span < LEAST_S) return null;
      let mean = (sent - counts[0]!) / span;
      // A drop that lasts is said within a second: the mean of the last second where it is under
      // half the 3 s mean. The mean alone read "941 K of 1.00 M/s" for seconds while a queue
      // shrunk under traffic stalled the engine on its letters, and the graph's routes added up
      // to 290 K/s (QA). Half, not a quarter: at the engine's limit the last second's mean swings
      // by a third and more (half-second readings of 1.6 M to 3.9 M/s), and at a quarter the
      // figure switched between the two means several times a minute.
      let drop = false;
      let j = times.length - 1;
      while (j > 0 && timeUs - times[j]! < RECENT_S * 1e6) j--;
      // Stopped above the first reading: times[j] is the newest a second old or more.
      if (j > 0) {
        const recent = (sent - counts[j]!) / ((timeUs - times[j]!) / 1e6);
        // Once in a drop, it lasts while the last second stays a quarter under the 3 s mean
        // (that mean, the drop in it, comes down to it within the window).
        if (recent < (held?.drop ? 1 - STEP : DROP) * mean) {
          mean = recent;
          drop = true;
        }
      }
      // Into a drop at once; out of one at the next refresh, as any figure held moves: the 3 s
      // mean it comes back to still holds the drop, and had jumped back by a third at once.
      const moved = Math.abs(mean - (held?.mean ?? 0)) > STEP * (held?.mean ?? 0);
      if (held === null || timeUs - held.at >= HOLD_US || (moved && (drop || !held.drop)))
        held = { mean, at: timeUs, drop };
      return held.mean;
    },
    reset,
  };
}
