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
    let lastAt = NaN;
    let most = -Infinity;
    // The newest samples a gap for a second or more: nothing to say now (latency 2 s after the
    // last message taken). It had read "now 675 µs", the value before the gap, for as long as the
    // gap lasted. A shorter gap is a snapshot that took nothing (between bursts): the value holds.
    let noneNow = false;
    if (time && values)
      for (let i = time.length - 1; i >= 0 && (time[i] ?? -Infinity) >= nowSec - windowSec; i--) {
        const v = values[i] ?? NaN;
        if (Number.isNaN(v)) {
          if (i === time.length - 1) noneNow = true;
          continue;
        }
        if (Number.isNaN(last)) {
          last = v;
          lastAt = time[i]!;
        }
        if (v > most) most = v;
      }
    if (Number.isNaN(last)) return `${name}: no data`;
    const now =
      noneNow && nowSec - lastAt >= 1
        ? `none now (${format(last)} ${Math.max(0, Math.round(nowSec - lastAt))} s ago)`
        : `now ${format(last)}`;
    return `${name}: ${now}, highest ${format(most)}`;
  });
  return `${title}, the last ${span}. ${parts.length > 0 ? parts.join('; ') : 'No series yet'}.`;
}
