import { describe, expect, it } from 'vitest';
import { atOnceShortfall, scaledTo, type QueueRoom } from './redriveRoom';

const queues: QueueRoom[] = [
  { id: 'pattern_detector', capacity: 1024, queued: 0, policy: 'reject' },
  { id: 'aggregator', capacity: 4096, queued: 4000, policy: 'dropOldest' },
  { id: 'alert_sink', capacity: 1024, queued: 24, policy: 'deadLetter' },
];

describe('atOnceShortfall', () => {
  it('finds the queue that letters sent at once overfill most', () => {
    // 3,976 refused by pattern_detector's queue of 1,024, redriven at once to it: 2,952 fail again.
    expect(atOnceShortfall({ pattern_detector: 3976 }, '', queues)).toEqual({
      kernel: 'pattern_detector',
      letters: 3976,
      room: 1024,
      capacity: 1024,
      short: 2952,
      evicts: false,
    });
    // A dropOldest queue with 96 free places evicts what does not fit.
    const agg = atOnceShortfall({ aggregator: 500, alert_sink: 10 }, '', queues);
    expect(agg).toMatchObject({ kernel: 'aggregator', room: 96, short: 404, evicts: true });
  });

  it('counts the room a queue had at its fullest over the last half second, not just drained', () => {
    // Under 200 K/s pattern_detector's queue read 0 at each snapshot and ≤280 between: 2,219
    // letters at once, 1,479 failed again. A queue read 0 had said about 1,195.
    const live: QueueRoom[] = [
      { id: 'pattern_detector', capacity: 1024, queued: 0, peakQueued: 280, policy: 'reject' },
    ];
    expect(atOnceShortfall({ pattern_detector: 2219 }, '', live)).toMatchObject({
      room: 744,
      short: 1475,
    });
  });

  it('sends every letter to the target when one is chosen, and is null when all fit', () => {
    expect(
      atOnceShortfall({ pattern_detector: 600, aggregator: 600 }, 'alert_sink', queues),
    ).toMatchObject({ kernel: 'alert_sink', letters: 1200, room: 1000, short: 200 });
    expect(atOnceShortfall({ pattern_detector: 1024 }, '', queues)).toBeNull();
    expect(atOnceShortfall({}, '', queues)).toBeNull();
  });

  it('scales the counts to an "at most" redrive', () => {
    expect(scaledTo({ a: 300, b: 100 }, 100, 400)).toEqual({ a: 75, b: 25 });
    expect(scaledTo({ a: 3 }, 10, 3)).toEqual({ a: 3 });
  });
});
