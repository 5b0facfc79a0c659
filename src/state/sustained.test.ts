import { describe, expect, it } from 'vitest';
import { createSustainedRate } from './sustained';

/** Readings every 100 ms of a run started at 0 whose half-second rate swings by turns. */
function swinging(seconds: number, rates: readonly number[]) {
  const out: { t: number; sent: number }[] = [];
  let sent = 0;
  for (let i = 1; i <= seconds * 10; i++) {
    sent += rates[i % rates.length]! / 10;
    out.push({ t: i * 100_000, sent });
  }
  return out;
}

describe('createSustainedRate', () => {
  it('reads the mean over the last 3 s of a rate that swings, not the swings', () => {
    const s = createSustainedRate();
    let last: number | null = null;
    const seen: number[] = [];
    for (const r of swinging(10, [1_600_000, 3_800_000, 2_500_000, 1_700_000, 2_400_000])) {
      last = s.observe(r.t, r.sent, true, 0);
      if (r.t >= 4_000_000 && last !== null) seen.push(last);
    }
    // The mean of the five rates is 2.4 M/s; every reading after the window fills stays within 5 %.
    expect(last).toBeCloseTo(2_400_000, -4);
    expect(Math.min(...seen)).toBeGreaterThan(2_400_000 * 0.95);
    expect(Math.max(...seen)).toBeLessThan(2_400_000 * 1.05);
  });

  it('gives nothing for a run under a second old, and follows a rate that changes', () => {
    const s = createSustainedRate();
    expect(s.observe(100_000, 100, true, 0)).toBeNull();
    expect(s.observe(900_000, 900, true, 0)).toBeNull();
    expect(s.observe(1_100_000, 1_100, true, 0)).toBeCloseTo(1_000, 0);
    // From 1,000/s to 10,000/s: 3 s later only the new rate is in the window.
    let sent = 1_100;
    let r: number | null = null;
    const shown = new Set<number | null>();
    for (let t = 1_200_000; t <= 4_200_000; t += 100_000) {
      sent += 1_000;
      r = s.observe(t, sent, true, 0);
      shown.add(r);
    }
    expect(r).toBeCloseTo(10_000, 0);
    // Held a second at a time, as the other rates on screen: 3 s of snapshots show 4 figures
    // (1.1 s, 2.1 s, 3.1 s, 4.1 s), not 31.
    expect(shown.size).toBe(4);
  });

  it('starts afresh for another run, after a stop, and when counts go back', () => {
    const s = createSustainedRate();
    s.observe(0, 0, true, 0);
    expect(s.observe(2_000_000, 2_000_000, true, 0)).toBeCloseTo(1_000_000, 0);
    // A new run (another start time) counts from its own first reading.
    expect(s.observe(2_100_000, 10, true, 2_000_000)).toBeNull();
    expect(s.observe(3_100_000, 5_010, true, 2_000_000)).toBeCloseTo(5_000, 0);
    expect(s.observe(3_200_000, 5_010, false, undefined)).toBeNull();
    expect(s.observe(3_300_000, 0, true, 3_250_000)).toBeNull();
    s.observe(4_300_000, 1_000, true, 3_250_000);
    // Counts going back in the same run (reset counters): no negative rate.
    expect(s.observe(4_400_000, 5, true, 3_250_000)).toBeNull();
  });
});
