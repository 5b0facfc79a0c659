/**
 * The axes of the GPU panel's throughput chart (messages per second against batch size, both on
 * log scales). uPlot's own log axis ticks every 1..9 times a power of ten and hands the labels it
 * leaves out to `values` as null: formatted, each read "—", a column of dashes over the tick marks
 * beside every label. Here the chart is given only the ticks it labels.
 */

/** Thin no-break space between a number and its unit, as in `src/engine/format.ts`. */
const SEP = '\u202f';

/**
 * The y range: from the power of ten at or below the lowest rate to the one at or above the
 * highest, so both ends are labelled ticks. `[1, 10]` when there is no positive finite value.
 */
export function logRange(values: readonly number[]): [number, number] {
  const ok = values.filter((v) => v > 0 && Number.isFinite(v));
  if (ok.length === 0) return [1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...ok)));
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...ok)));
  if (hi <= lo) hi = lo * 10;
  return [lo, hi];
}

/**
 * Ticks for a log axis from `min` to `max` (powers of ten, as `logRange` gives): every power of
 * ten, with 3 times each between when the range spans fewer than three decades, so a short axis
 * still has three labels or more.
 */
export function logSplits(min: number, max: number): number[] {
  const from = Math.round(Math.log10(min));
  const to = Math.round(Math.log10(max));
  const out: number[] = [];
  for (let e = from; e <= to; e++) {
    out.push(10 ** e);
    if (to - from < 3 && e < to) out.push(3 * 10 ** e);
  }
  return out;
}

/** A tick's rate, short: `100 K/s`, `1 M/s`, `30 M/s`, `3/s`; empty for a tick without one. */
export function rateTick(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  const [div, suffix] =
    a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'K'] : [1, ''];
  return `${Number((v / div).toPrecision(3))}${SEP}${suffix}/s`;
}
