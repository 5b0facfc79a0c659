import { describe, expect, it } from 'vitest';
import { liveCadence, MIN_CADENCE_TICKS } from './liveCadence';

describe('liveCadence', () => {
  it('is null with too few ticks to go by, or none', () => {
    expect(liveCadence(undefined)).toBeNull();
    expect(liveCadence(Array.from({ length: MIN_CADENCE_TICKS - 1 }, () => 1000))).toBeNull();
  });

  it('keeps each gap within 0.1-100 ms, in order, and says its median and longest', () => {
    const gaps = Array.from({ length: 100 }, (_, i) => (i === 0 ? 5_000_000 : i === 1 ? 10 : 1500));
    const c = liveCadence(gaps)!;
    expect(c.stepsUs.slice(0, 3)).toEqual([100_000, 100, 1500]);
    expect(c.stepsUs).toHaveLength(100);
    expect(c.medianMs).toBe(1.5);
    expect(c.longestMs).toBe(100);
  });
});
