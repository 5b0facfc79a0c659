/**
 * The one place the core reads the real wall clock. Everything else takes a `now()` function so
 * tests and replays control time.
 */

/** A wall clock: microseconds since the Unix epoch. */
export type NowMicros = () => number;

const origin = performance.timeOrigin;

/**
 * Microseconds since the epoch from the high-resolution clock (`performance`), floored to an
 * integer. Available in Node, workers and the page.
 */
export const systemNowMicros: NowMicros = () => Math.floor((origin + performance.now()) * 1000);
