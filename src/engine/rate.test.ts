import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate';

describe('RateMeter', () => {
  it('measures over the last window', () => {
    const m = new RateMeter();
    for (let i = 0; i <= 20; i++) m.sample(i * 100_000, i * 500); // 5,000 per second
    expect(m.rate()).toBeCloseTo(5000, 6);
  });

  it('reads exactly 0 once nothing moved for a whole window (no tail of an average)', () => {
    const m = new RateMeter();
    for (let i = 0; i <= 10; i++) m.sample(i * 100_000, i * 1000);
    expect(m.rate()).toBeGreaterThan(0);
    // Traffic stops at 1.0 s; snapshots keep coming every 100 ms.
    let t = 1_000_000;
    const readings: number[] = [];
    for (let i = 0; i < 12; i++) {
      t += 100_000;
      m.sample(t, 10_000);
      readings.push(m.rate());
    }
    // Decreasing to 0 half a second after the last message (a half-second window), then 0.
    for (let i = 1; i < readings.length; i++)
      expect(readings[i]!).toBeLessThanOrEqual(readings[i - 1]!);
    expect(readings[3]).toBeGreaterThan(0); // 1.4 s: the window still holds 0.9-1.0 s
    expect(readings[4]).toBe(0); // 1.5 s: nothing since 1.0 s
    expect(readings.at(-1)).toBe(0);
  });

  it('forgets history when the counter restarts (a reset of the counters)', () => {
    const m = new RateMeter();
    m.sample(0, 0);
    m.sample(500_000, 10_000);
    m.sample(600_000, 0);
    expect(m.rate()).toBe(0);
    m.sample(700_000, 100);
    expect(m.rate()).toBeCloseTo(1000, 6);
  });

  it('keeps a bounded history', () => {
    const m = new RateMeter(1_000_000, 8);
    for (let i = 0; i < 100; i++) m.sample(i * 10_000, i * 10);
    // Only 8 samples kept (70 ms): the rate still reads the counter's slope.
    expect(m.rate()).toBeCloseTo(1000, 6);
  });
});
