import { describe, expect, it } from 'vitest';
import { atOnceShortfall, scaledTo, shortfallWords, type QueueRoom } from './redriveRoom';

const queues: QueueRoom[] = [
  { id: 'pattern_detector', capacity: 1024, queued: 0, policy: 'reject' },
  { id: 'aggregator', capacity: 4096, queued: 4000, policy: 'dropOldest' },
  { id: 'alert_sink', capacity: 1024, queued: 24, policy: 'deadLetter' },
];

describe('atOnceShortfall', () => {
  it('finds the queue that letters sent at once overfill most', () => {
    // 3,976 refused by pattern_detector's queue of 1,024, redriven at once to it: 2,952 fail again.
    expect(atOnceShortfall({ pattern_detector: 3976 }, '', queues)).toEqual({
      queues: [
        {
          kernel: 'pattern_detector',
          letters: 3976,
          room: 1024,
          capacity: 1024,
          short: 2952,
          evicts: false,
        },
      ],
      letters: 3976,
      short: 2952,
      capacity: 1024,
    });
    // A dropOldest queue with 96 free places evicts what does not fit.
    const agg = atOnceShortfall({ aggregator: 500, alert_sink: 10 }, '', queues);
    expect(agg?.queues).toEqual([
      expect.objectContaining({ kernel: 'aggregator', room: 96, short: 404, evicts: true }),
    ]);
  });

  // QA: three queues shrunk to 64 under traffic, and the warning named fraud_processor alone.
  it('names every queue overfilled, most overfilled first, with their sums', () => {
    const shrunk: QueueRoom[] = [
      { id: 'fraud_processor', capacity: 64, queued: 64, policy: 'deadLetter' },
      { id: 'aggregator', capacity: 64, queued: 64, policy: 'dropOldest' },
      { id: 'pattern_detector', capacity: 64, queued: 64, policy: 'reject' },
      { id: 'alert_sink', capacity: 1024, queued: 0, policy: 'deadLetter' },
    ];
    const s = atOnceShortfall(
      { fraud_processor: 3389, aggregator: 3270, pattern_detector: 3305, alert_sink: 10 },
      '',
      shrunk,
    );
    expect(s?.queues.map((q) => [q.kernel, q.short, q.evicts])).toEqual([
      ['fraud_processor', 3389, false],
      ['pattern_detector', 3305, false],
      ['aggregator', 3270, true],
    ]);
    expect(s).toMatchObject({ letters: 9964, short: 9964, capacity: 64 });
    expect(shortfallWords(s!, false)).toBe(
      "At once, about 9,964 of the 9,964 letters find no room in fraud_processor's queue (3,389 short, 0 free), pattern_detector's (3,305, 0 free), and aggregator's (3,270, 0 free): they fail again, except aggregator's, which evict as many queued messages (dropOldest); paced, they go as the queues drain:",
    );
    // One queue: as before.
    expect(shortfallWords(atOnceShortfall({ aggregator: 100 }, '', shrunk)!, true)).toBe(
      'At once, about 100 of the 100 selected letters for aggregator find no room in its queue (0 free) and evict as many queued messages (dropOldest); paced, they go as it drains:',
    );
  });

  it('counts the room a queue had at its fullest over the last half second, not just drained', () => {
    // Under 200 K/s pattern_detector's queue read 0 at each snapshot and ≤280 between: 2,219
    // letters at once, 1,479 failed again. A queue read 0 had said about 1,195.
    const live: QueueRoom[] = [
      { id: 'pattern_detector', capacity: 1024, queued: 0, peakQueued: 280, policy: 'reject' },
    ];
    expect(atOnceShortfall({ pattern_detector: 2219 }, '', live)?.queues[0]).toMatchObject({
      room: 744,
      short: 1475,
    });
  });

  it('sends every letter to the target when one is chosen, and is null when all fit', () => {
    expect(
      atOnceShortfall({ pattern_detector: 600, aggregator: 600 }, 'alert_sink', queues)?.queues,
    ).toEqual([
      expect.objectContaining({ kernel: 'alert_sink', letters: 1200, room: 1000, short: 200 }),
    ]);
    expect(atOnceShortfall({ pattern_detector: 1024 }, '', queues)).toBeNull();
    expect(atOnceShortfall({}, '', queues)).toBeNull();
  });

  it('scales the counts to an "at most" redrive', () => {
    expect(scaledTo({ a: 300, b: 100 }, 100, 400)).toEqual({ a: 75, b: 25 });
    expect(scaledTo({ a: 3 }, 10, 3)).toEqual({ a: 3 });
  });
});
