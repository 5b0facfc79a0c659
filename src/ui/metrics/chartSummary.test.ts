import { describe, expect, it } from 'vitest';
import { chartSummary } from './chartSummary';
import { formatRate } from '../design/format';

describe('chartSummary', () => {
  const time = Float64Array.from([100, 130, 150, 159, 160]);
  it("says each series' latest value and its highest within the window", () => {
    const data = [
      time,
      Float64Array.from([9e6, 2_000, 5_000, 4_000, 1_000]),
      Float64Array.from([0, 10, NaN, 30, NaN]),
    ];
    // The window starts at 100 s: the first sample (9 M/s, at 100 s) is in; at 101 s it is not.
    expect(chartSummary('Rates', ['in/s', 'out/s'], data, 60, 160, formatRate)).toBe(
      'Rates, the last minute. in/s: now 1,000/s, highest 9.00\u202fM/s; out/s: none now (30/s 1 s ago), highest 30/s.',
    );
    expect(chartSummary('Rates', ['in/s'], data, 60, 161, formatRate)).toBe(
      'Rates, the last minute. in/s: now 1,000/s, highest 5,000/s.',
    );
  });

  it('says there is no value now while the newest samples are a gap, and when the last was', () => {
    // Latency after Stop: nothing taken for 2 s, the line ends in a gap.
    const t = Float64Array.from([150, 151, 152, 153, 158]);
    const data = [t, Float64Array.from([700, 675, NaN, NaN, NaN])];
    expect(chartSummary('Latency', ['p50'], data, 60, 158.4, formatRate)).toBe(
      'Latency, the last minute. p50: none now (675/s 7 s ago), highest 700/s.',
    );
    // A gap under a second (a snapshot between two bursts took nothing): the value holds.
    const brief = [
      Float64Array.from([150, 151, 152, 157.8, 158]),
      Float64Array.from([700, 675, 690, 640, NaN]),
    ];
    expect(chartSummary('Latency', ['p50'], brief, 60, 158, formatRate)).toBe(
      'Latency, the last minute. p50: now 640/s, highest 700/s.',
    );
  });

  it('says where a series has no data in the window, and a window of minutes', () => {
    const data = [time, Float64Array.from([NaN, NaN, NaN, NaN, NaN])];
    expect(chartSummary('Latency', ['p99'], data, 300, 160, formatRate)).toBe(
      'Latency, the last 5 minutes. p99: no data.',
    );
    expect(chartSummary('Kernels', [], [time], 60, 160, formatRate)).toBe(
      'Kernels, the last minute. No series yet.',
    );
  });
});
