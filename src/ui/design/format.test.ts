import { describe, expect, it } from 'vitest';
import { timeTicks } from './format';

describe('timeTicks', () => {
  it('labels a whole minute hh:mm and the seconds between :ss, on one line', () => {
    const minute = new Date(2026, 11, 4, 5, 36, 0).getTime() / 1000;
    expect(timeTicks([minute - 5, minute, minute + 20])).toEqual([':55', '05:36', ':20']);
    // Never a date, never a second line.
    for (const label of timeTicks([minute - 3600, minute + 86_400]))
      expect(label).toMatch(/^(\d\d:\d\d|:\d\d)$/);
  });
});
