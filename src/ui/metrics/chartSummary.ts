/**
 * A chart in words, for a screen reader (the plot is a canvas, its key names the series only):
 * each series' latest value and its highest over the window on screen. QA: throughput, depths and
 * latency over time were out of reach of anyone who cannot see the plot.
 */
export function chartSummary(
  title: string,
  names: readonly string[],
  data: readonly Float64Array[],
  windowSec: number,
  nowSec: number,
  format: (v: number) => string,
): string {
  const time = data[0];
  const span = windowSec % 60 === 0 && windowSec > 60 ? `${windowSec / 60} minutes` : 'minute';
  const parts = names.map((name, s) => {
    const values = data[s + 1];
    let last = NaN;
    let most = -Infinity;
    if (time && values)
      for (let i = time.length - 1; i >= 0 && (time[i] ?? -Infinity) >= nowSec - windowSec; i--) {
        const v = values[i] ?? NaN;
        if (Number.isNaN(v)) continue;
        if (Number.isNaN(last)) last = v;
        if (v > most) most = v;
      }
    return Number.isNaN(last)
      ? `${name}: no data`
      : `${name}: now ${format(last)}, highest ${format(most)}`;
  });
  return `${title}, the last ${span}. ${parts.length > 0 ? parts.join('; ') : 'No series yet'}.`;
}
