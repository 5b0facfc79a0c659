import { describe, expect, it } from 'vitest';
import { logRange, logSplits, rateTick } from './chart';

describe('the throughput chart axes', () => {
  it('spans whole decades around the rates', () => {
    expect(logRange([94_100, 9_370_000, 1_430_000])).toEqual([10_000, 10_000_000]);
    expect(logRange([100_000, 1_000_000])).toEqual([100_000, 1_000_000]);
    expect(logRange([50_000])).toEqual([10_000, 100_000]);
    expect(logRange([0, Number.NaN])).toEqual([1, 10]);
  });

  it('ticks every decade, with 3 times each on a short axis, and labels every tick', () => {
    expect(logSplits(1e4, 1e8)).toEqual([1e4, 1e5, 1e6, 1e7, 1e8]);
    expect(logSplits(1e5, 1e7)).toEqual([1e5, 3e5, 1e6, 3e6, 1e7]);
    for (const [lo, hi] of [
      [1e4, 1e8],
      [1e5, 1e7],
      [1, 1e10],
    ] as const) {
      const labels = logSplits(lo, hi).map(rateTick);
      expect(labels.every((l) => /^\d+(\.\d+)?\u202f[KMG]?\/s$/.test(l))).toBe(true);
    }
  });

  it('writes a tick short, and nothing for a tick it is not given', () => {
    expect([1e5, 1e6, 3e6, 1e7, 1e8, 3, 1e9].map(rateTick)).toEqual(
      ['100 K/s', '1 M/s', '3 M/s', '10 M/s', '100 M/s', '3 /s', '1 G/s'].map((s) =>
        s.replace(' ', '\u202f'),
      ),
    );
    expect(rateTick(null)).toBe('');
  });
});
