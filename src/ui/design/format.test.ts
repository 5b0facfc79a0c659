import { describe, expect, it } from 'vitest';
import { axisTop, countTicks, latencyTicks, seriesStroke, timeTicks, withGaps } from './format';

describe('latencyTicks', () => {
  it('labels a µs axis in the one unit its largest value reads best in, short', () => {
    expect(latencyTicks([0, 125_000, 250_000])).toEqual(['0 ms', '125 ms', '250 ms']);
    expect(latencyTicks([0, 6_250, 12_500])).toEqual(['0 ms', '6.25 ms', '12.5 ms']);
    expect(latencyTicks([0, 250, 500])).toEqual(['0 µs', '250 µs', '500 µs']);
    expect(latencyTicks([0, 1_250_000, 2_500_000])).toEqual(['0 s', '1.25 s', '2.5 s']);
  });
});

describe('seriesStroke', () => {
  it('draws each series of a chart narrower than the one before, every second one dashed', () => {
    const strokes = [0, 1, 2, 3].map((i) => seriesStroke(i, 4));
    for (let i = 1; i < strokes.length; i++)
      expect(strokes[i]!.width).toBeLessThan(strokes[i - 1]!.width);
    expect(strokes.map((s) => s.dash !== undefined)).toEqual([false, true, false, true]);
    expect(seriesStroke(0, 1)).toEqual({ width: 1.25 });
  });
});

describe('timeTicks', () => {
  it('labels a whole minute hh:mm and the seconds between :ss, on one line', () => {
    const minute = new Date(2026, 11, 4, 5, 36, 0).getTime() / 1000;
    expect(timeTicks([minute - 5, minute, minute + 20])).toEqual([':55', '05:36', ':20']);
    // Never a date, never a second line.
    for (const label of timeTicks([minute - 3600, minute + 86_400]))
      expect(label).toMatch(/^(\d\d:\d\d|:\d\d)$/);
  });
});

describe('axisTop', () => {
  it('rounds the highest value up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(axisTop(2_040_000)).toBe(2_500_000);
    expect(axisTop(2_500_000)).toBe(2_500_000);
    expect(axisTop(3_500_000)).toBe(5_000_000);
    expect(axisTop(612)).toBe(1000);
    expect(axisTop(0.3)).toBe(0.5);
    expect(axisTop(7)).toBe(10);
  });
  it('gives a count an axis of whole labels, its half too', () => {
    expect(axisTop(0, true)).toBe(2);
    expect(axisTop(1, true)).toBe(2);
    expect(axisTop(3, true)).toBe(10);
    expect(axisTop(24, true)).toBe(50);
    expect(axisTop(240, true)).toBe(250);
    expect(axisTop(3_900, true)).toBe(5_000);
  });
  it('reads 2 with nothing positive to show: whole labels, 0 / 1 / 2', () => {
    expect(axisTop(null)).toBe(2);
    expect(axisTop(0)).toBe(2);
    expect(axisTop(Number.NaN)).toBe(2);
  });
});

describe('withGaps', () => {
  it('gives uPlot null where a series has no value, and leaves the time column and whole series be', () => {
    const time = Float64Array.of(1, 2, 3);
    const whole = Float64Array.of(4, 5, 6);
    const [t, w, g] = withGaps([time, whole, Float64Array.of(7, NaN, 9)]);
    expect(t).toBe(time);
    expect(w).toBe(whole);
    expect(g).toEqual([7, null, 9]);
  });
});

describe('countTicks', () => {
  it("writes a whole axis in one unit, the top's", () => {
    // Each in its own form, "5,000" had stood under "10.0 K".
    expect(countTicks([0, 5_000, 10_000])).toEqual(['0', '5 K', '10 K']);
    expect(countTicks([0, 1_250_000, 2_500_000])).toEqual(['0', '1.25 M', '2.5 M']);
    expect(countTicks([0, 62_500, 125_000])).toEqual(['0', '62.5 K', '125 K']);
    expect(countTicks([0, 3e9, 6e9])).toEqual(['0', '3 G', '6 G']);
    // Under 10,000 at the top: whole numbers with separators.
    expect(countTicks([0, 2_500, 5_000])).toEqual(['0', '2,500', '5,000']);
    expect(countTicks([0, 0.5, 1])).toEqual(['0', '0.5', '1']);
    // Under 1,000, to three figures: 7.5 had been rounded to 8.
    expect(countTicks([0, 7.5, 15])).toEqual(['0', '7.5', '15']);
    // A top that rounds to 1,000 of a unit is 1 of the next.
    expect(countTicks([0, 499_850, 999_700])).toEqual(['0', '0.5 M', '1 M']);
  });
});
