/**
 * The page's number formatter (thousands separators, compact forms, units): it lives in
 * `src/engine/format.ts`, because the engine words some numbers itself with the same functions.
 */
export * from '../../engine/format';

const pad2 = (n: number) => String(n).padStart(2, '0');

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
