import { describe, expect, it } from 'vitest';
import { createGenWarmup } from './gen-warmup';

describe('generator worker warm-up', () => {
  it('draws every pattern its rows a few ms at a time, then says it is done', () => {
    const w = createGenWarmup();
    let steps = 0;
    while (!w.step(4)) {
      steps++;
      expect(steps).toBeLessThan(10_000);
    }
    // Three patterns of 120,000 rows each (a pattern that failed to start would have drawn none).
    expect(w.rows).toBeGreaterThanOrEqual(3 * 120_000);
    expect(w.rows).toBeLessThan(3 * 120_000 + 3 * 6 * 1024);
    expect(steps).toBeGreaterThan(1);
    const rows = w.rows;
    expect(w.step(4)).toBe(true);
    expect(w.rows).toBe(rows);
  });
});
