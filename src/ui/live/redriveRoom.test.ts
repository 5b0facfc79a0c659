import { describe, expect, it } from 'vitest';
import {
  atOnceShortfall,
  countByDestinationType,
  lettersGoing,
  scaledTo,
  pushedOut,
  shortfallWords,
  type QueueRoom,
} from './redriveRoom';

const queues: QueueRoom[] = [
  { id: 'pattern_detector', capacity: 1024, queued: 0, policy: 'reject' },
  { id: 'aggregator', capacity: 4096, queued: 4000, policy: 'dropOldest' },
  { id: 'alert_sink', capacity: 1024, queued: 24, policy: 'deadLetter' },
];

describe('atOnceShortfall', () => {
  it('finds the queue that letters sent at once overfill most', () => {
    // 3,976 refused by pattern_detector's queue of 1,024, redriven at once to it: 2,952 fail again.
    expect(atOnceShortfall({ pattern_detector: 3976 }, queues)).toEqual({
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
    const agg = atOnceShortfall({ aggregator: 500, alert_sink: 10 }, queues);
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
    expect(shortfallWords(atOnceShortfall({ aggregator: 100 }, shrunk)!, true)).toBe(
      'At once, about 100 of the 100 selected letters for aggregator find no room in its queue (0 free) and evict as many queued messages (dropOldest); paced, they go as it drains:',
    );
  });

  it('counts the room a queue had at its fullest over the last half second, not just drained', () => {
    // Under 200 K/s pattern_detector's queue read 0 at each snapshot and ≤280 between: 2,219
    // letters at once, 1,479 failed again. A queue read 0 had said about 1,195.
    const live: QueueRoom[] = [
      { id: 'pattern_detector', capacity: 1024, queued: 0, peakQueued: 280, policy: 'reject' },
    ];
    expect(atOnceShortfall({ pattern_detector: 2219 }, live)?.queues[0]).toMatchObject({
      room: 744,
      short: 1475,
    });
  });

  it('sends every letter to the target when one is chosen, and is null when all fit', () => {
    const toSink = lettersGoing(
      { pattern_detector: { 1010: 600 }, aggregator: { 1010: 600 } },
      'alert_sink',
      () => 'alert_sink',
    );
    expect(atOnceShortfall(toSink.going, queues)?.queues).toEqual([
      expect.objectContaining({ kernel: 'alert_sink', letters: 1200, room: 1000, short: 200 }),
    ]);
    expect(atOnceShortfall({ pattern_detector: 1024 }, queues)).toBeNull();
    expect(atOnceShortfall({}, queues)).toBeNull();
  });

  it('scales the counts to an "at most" redrive', () => {
    expect(scaledTo({ a: { 1: 300 }, b: { 1: 60, 2: 40 } }, 100, 400)).toEqual({
      a: { 1: 75 },
      b: { 1: 15, 2: 10 },
    });
    expect(scaledTo({ a: { 1: 3 } }, 10, 3)).toEqual({ a: { 1: 3 } });
  });
});

describe('lettersGoing', () => {
  const routes = new Map([
    ['1001', 'fraud_processor'],
    ['1002', 'aggregator'],
    ['1003', 'pattern_detector'],
  ]);
  const routeOf = (t: string) => routes.get(t);
  const held = {
    fraud_processor: { 1001: 3355 },
    aggregator: { 1002: 3301 },
    pattern_detector: { 1003: 3152 },
    '': { 9999: 192 },
  };

  it('sends each letter to its destination without a target', () => {
    expect(lettersGoing(held, '', routeOf)).toEqual({
      going: { fraud_processor: 3355, aggregator: 3301, pattern_detector: 3152, '': 192 },
      refused: 0,
    });
    // One never routed goes by its type's route now, where it has one (as the engine sends it).
    expect(lettersGoing({ '': { 1002: 5, 9999: 2 } }, '', routeOf)).toEqual({
      going: { aggregator: 5, '': 2 },
      refused: 0,
    });
  });

  // QA: "about 9,936 of the 10,000 letters for aggregator" where the redrive took 3,277 and
  // refused 6,723 (their types routed to the other kernels).
  it('to a target, takes its own letters, its routed types and unrouted ones, and counts the rest refused', () => {
    expect(lettersGoing(held, 'aggregator', routeOf)).toEqual({
      going: { aggregator: 3301 + 192 },
      refused: 3355 + 3152,
    });
    // A letter whose destination is the target goes whatever its type.
    expect(lettersGoing({ aggregator: { 1001: 5 } }, 'aggregator', routeOf)).toEqual({
      going: { aggregator: 5 },
      refused: 0,
    });
  });

  it('counts listed rows by destination and type', () => {
    expect(
      countByDestinationType([
        { destination: 'a', typeId: 1001 },
        { destination: 'a', typeId: '1001' },
        { destination: 'b', typeId: 1002n },
      ]),
    ).toEqual({ a: { 1001: 2 }, b: { 1002: 1 } });
  });
});

describe('pushedOut', () => {
  it('counts at best: a pace at least as fast as the arrivals loses none', () => {
    expect(pushedOut(10_000, 10_000, 1_000, 5_000, 1_000)).toBeNull();
    expect(pushedOut(10_000, 10_000, 999, 5_000, 1_000)).toBeNull();
    // Full already: of 5,000, the pace takes 1,000/1,500 and the rest go first.
    expect(pushedOut(10_000, 10_000, 1_500, 5_000, 1_000)).toMatchObject({
      lost: 1_666,
      most: false,
    });
    expect(pushedOut(10_000, 10_000, 4_000, 5_000, 1_000)).toMatchObject({
      lost: 3_750,
      most: true,
    });
  });

  it('counts only what is still to send once the queue is full', () => {
    // 4,000 free, filling at 500/s net: full in 8 s; 5,000 letters at 1,000/s take 5 s.
    expect(pushedOut(6_000, 10_000, 1_500, 5_000, 1_000)).toBeNull();
    // 9,000 letters: full after 8 s and 8,000 sent; of the 1,000 left, a third go.
    expect(pushedOut(6_000, 10_000, 1_500, 9_000, 1_000)).toMatchObject({ lost: 333 });
    // Twice the pace and more, yet most are sent before the queue is full: "most" would lie (a
    // review): 6,000 held, 2,000/s arriving, 5,000 at 1,000/s: full after 4 s, 500 lost.
    expect(pushedOut(6_000, 10_000, 2_000, 5_000, 1_000)).toMatchObject({
      lost: 500,
      most: false,
    });
    expect(pushedOut(6_000, 10_000, 1_500, 0, 1_000)).toBeNull();
  });
});
