import { describe, expect, it } from 'vitest';
import { outcomeWord } from './whatifWords';

describe('outcomeWord', () => {
  it('says a count changes when the statuses are the same, an outcome when they are not', () => {
    const side = (statuses: Record<string, number>) => ({ statuses });
    expect(
      outcomeWord({ base: side({ Delivered: 190_001 }), other: side({ Delivered: 190_179 }) }),
    ).toBe('count changes');
    expect(
      outcomeWord({
        base: side({ Delivered: 10 }),
        other: side({ Delivered: 6, QueueFull: 4 }),
      }),
    ).toBe('outcome changes');
  });
});
