/**
 * The page's number formatter (thousands separators, compact forms, units): it lives in
 * `src/engine/format.ts`, because the engine words some numbers itself with the same functions.
 */
export * from '../../engine/format';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Engine time (µs since the Unix epoch) as local time of day to the second: `14:03:09`. */
export function formatClock(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/**
 * A latency axis (µs values) in one unit, the one its largest value reads best in: "0 ms, 125 ms,
 * 250 ms", "0 s, 1.25 s, 2.5 s". A unit per label read "0 µs" under "125 ms".
 */
export function latencyTicks(splits: readonly number[]): string[] {
  const top = Math.max(0, ...splits.map((us) => Math.abs(us)));
  const [div, unit] = top >= 1e6 ? [1e6, 's'] : top >= 1e3 ? [1e3, 'ms'] : [1, 'µs'];
  return splits.map((us) => `${tickNumber(us / div)} ${unit}`);
}

/** A tick's number to three figures at most, no trailing zeros: 2.5, 12.5, 125. */
function tickNumber(x: number): string {
  const a = Math.abs(x);
  return String(Number(x.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0)));
}

/**
 * A count or rate axis in one unit, as `latencyTicks` does for time: "0, 5 K, 10 K", where each
 * label in its own form read "5,000" under "10.0 K" (QA). Under 10,000 at the top, whole numbers
 * with separators; under 1,000, to three figures (a rate of 15/s: "0, 7.5, 15").
 */
export function countTicks(splits: readonly number[]): string[] {
  const top = Math.max(0, ...splits.map((v) => Math.abs(v)));
  // The unit whose figure for the top stays under 1,000 once rounded (999,700 is "1 M", not
  // "1000 K").
  const [div, unit] =
    Number(tickNumber(top / 1e6)) >= 1000
      ? [1e9, 'G']
      : Number(tickNumber(top / 1e3)) >= 1000
        ? [1e6, 'M']
        : [1e3, 'K'];
  if (top < 1000) return splits.map(tickNumber);
  if (top < 1e4) return splits.map((v) => Math.round(v).toLocaleString('en-US'));
  return splits.map((v) => (v === 0 ? '0' : `${tickNumber(v / div)} ${unit}`));
}

/**
 * How the n series of one chart are drawn so that equal ones stay visible: earlier series wider
 * (underneath), later ones narrower, every second one dashed. Drawn alike, "delivered/s" covered
 * "dispatched/s" exactly and a legend of four showed two lines.
 */
export function seriesStroke(i: number, n: number): { width: number; dash?: number[] } {
  const width = Math.min(4, 1.25 + (n - 1 - i));
  return i % 2 === 1 ? { width, dash: [6, 4] } : { width };
}

/**
 * The top of a value axis that starts at 0: the data's highest value rounded up to 1, 2, 2.5 or 5
 * times a power of ten, so the axis can label its top (and half of it). With uPlot's own range and
 * ticks, a chart 80 px tall labelled only "0" and "2.00 M" while its line ran at 2.5 M, above the
 * highest label. 1 when there is no positive value. `whole`: for counts, a top whose half is whole
 * too (2 at the least).
 */
export function axisTop(max: number | null | undefined, whole = false): number {
  // A count (a queue's depth) has whole labels: top and half. "1 / 0.5 / 0" had read as half a
  // message queued.
  const fits = (top: number) => !whole || Number.isInteger(top / 2);
  // Nothing to show: whole labels for any chart (an empty rate chart read "0 / 0.5 / 1", half a
  // message a second of traffic that never came).
  if (max === null || max === undefined || !(max > 0) || !Number.isFinite(max)) return 2;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max * (1 - 1e-12) && fits(m * p)) return m * p;
  return 10 * p;
}

/**
 * The time axis on one line: a whole minute as "05:36", the seconds between as ":20". uPlot's
 * default adds a second line with the date and the hour at each rollover, whose labels overprinted
 * each other ("12/4/26 5:35am5:36am") in a chart a pane wide.
 */
export function timeTicks(splits: readonly number[]): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    return d.getSeconds() === 0
      ? `${pad2(d.getHours())}:${pad2(d.getMinutes())}`
      : `:${pad2(d.getSeconds())}`;
  });
}

/**
 * A chart's columns for uPlot, with each NaN (no value: a kernel that is gone, no latency
 * samples) as null: uPlot breaks its line only at null, and drew a NaN as a point it skipped, so the
 * line ran on from the last value across the time that had none.
 */
export function withGaps(data: readonly Float64Array[]): (Float64Array | (number | null)[])[] {
  return data.map((col, i) => {
    if (i === 0 || !col.some(Number.isNaN)) return col;
    return Array.from(col, (v) => (Number.isNaN(v) ? null : v));
  });
}
