import { u64Key } from '../../core/config';
import { formatCount, formatRate, listOf } from '../design/format';

/** A kernel's queue as the snapshot shows it. */
export interface QueueRoom {
  id: string;
  capacity: number;
  queued: number;
  /**
   * The most it held at once over the last half second (the snapshot's `peakQueued`): under
   * traffic a queue is drained every slice, so `queued` read at a snapshot is 0 while it fills to
   * hundreds in between.
   */
  peakQueued?: number;
  /** The kernel's overflow policy: dropOldest makes room by evicting, the others refuse. */
  policy: string;
}

/** A queue an at-once redrive overfills, and by how much. */
export interface QueueShort {
  kernel: string;
  /** Letters going to that queue. */
  letters: number;
  /** Free places in it at its fullest over the last half second. */
  room: number;
  /** Its capacity. */
  capacity: number;
  /** Letters that find no place: they fail again, or (dropOldest) evict as many queued. */
  short: number;
  evicts: boolean;
}

/**
 * Every queue an at-once redrive overfills, most overfilled first, and their sums. With three
 * queues shrunk under traffic the warning had named one, fraud_processor's 3,389 letters, where
 * pattern_detector's 3,305 failed again too and aggregator's 3,270 evicted as many (QA).
 */
export interface Shortfall {
  queues: readonly [QueueShort, ...QueueShort[]];
  /** Letters going to those queues. */
  letters: number;
  /** Letters that find no place in them. */
  short: number;
  /** The largest of their capacities. */
  capacity: number;
}

/**
 * Where redriving letters all at once would overfill queues: `going` counts them by the queue
 * each enters (`lettersGoing`). Null when every queue has room. Each queue's room is what it had
 * free at its fullest over the last half second: under traffic the letters meet the queue as the
 * traffic fills it, not as a snapshot finds it just drained (pattern_detector at "≤280 / 1,024"
 * under 200 K/s was said to have 1,024 free: about 1,195 of 2,219 letters to fail again, and
 * 1,479 did; its peak says 744 free and 1,475). Kernels drain meanwhile, so the words say "about".
 */
export function atOnceShortfall(
  going: Readonly<Record<string, number>>,
  queues: readonly QueueRoom[],
): Shortfall | null {
  const short: QueueShort[] = [];
  for (const q of queues) {
    const n = going[q.id] ?? 0;
    const room = Math.max(0, q.capacity - Math.max(q.queued, q.peakQueued ?? 0));
    if (n > room)
      short.push({
        kernel: q.id,
        letters: n,
        room,
        capacity: q.capacity,
        short: n - room,
        evicts: q.policy === 'dropOldest',
      });
  }
  short.sort((a, b) => b.short - a.short);
  const [first, ...rest] = short;
  if (!first) return null;
  return {
    queues: [first, ...rest],
    letters: short.reduce((sum, q) => sum + q.letters, 0),
    short: short.reduce((sum, q) => sum + q.short, 0),
    capacity: Math.max(...short.map((q) => q.capacity)),
  };
}

/**
 * The warning's words up to its link: what an at-once redrive of these letters (`selected`: the
 * picked ones) does to the queues it overfills.
 */
export function shortfallWords(
  s: Shortfall,
  selected: boolean,
  refused = 0,
  /** Ends on the pace ("paced, they go as it drains:", a link follows); else at the outcome. */
  paced = true,
): string {
  const which = selected ? 'selected ' : '';
  // Letters the target refuses: held, not sent, so not in the count above, nor in what goes.
  const also =
    refused > 0
      ? `; the other ${formatCount(refused)} ${refused === 1 ? 'is' : 'are'} refused (their type is routed to another kernel) and stay held`
      : '';
  const they = refused > 0 ? `the ${formatCount(s.letters)}` : 'they';
  const [q, ...more] = s.queues;
  const evict = 'evict as many queued messages';
  if (more.length === 0)
    return (
      `At once, about ${formatCount(q.short)} of the ${formatCount(q.letters)} ${which}letters ` +
      `for ${q.kernel} find no room in its queue (${formatCount(q.room)} free) and ` +
      `${q.evicts ? `${evict} (dropOldest)` : 'fail again'}${also}${paced ? `; paced, ${they} go as it drains:` : '.'}`
    );
  const places = s.queues.map(
    (x, i) =>
      `${x.kernel}'s${i === 0 ? ' queue' : ''} (${formatCount(x.short)}${i === 0 ? ' short' : ''}, ${formatCount(x.room)} free)`,
  );
  const evicting = s.queues.filter((x) => x.evicts).map((x) => `${x.kernel}'s`);
  const outcome =
    evicting.length === s.queues.length
      ? `${evict} (dropOldest)`
      : evicting.length === 0
        ? 'fail again'
        : `fail again, except ${listOf(evicting)}, which ${evict} (dropOldest)`;
  return (
    `At once, about ${formatCount(s.short)} of the ${formatCount(s.letters)} ${which}letters ` +
    `find no room in ${listOf(places)}: they ${outcome}${also}${paced ? `; paced, ${they} go as the queues drain:` : '.'}`
  );
}

/** Letters by destination and then type id (`u64Key`), as `listDeadLetters` counts them. */
export type ByDestinationType = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * Where an at-once redrive sends letters: by the queue each enters, and how many a `target`
 * refuses. To original, each to its destination. To a target, the engine takes a letter whose
 * destination the target is, or whose type is routed to it or nowhere; one of a type routed to
 * another kernel stays held (its handler would read a payload of another layout). The warning had
 * counted all 10,000 letters for aggregator where 3,277 were taken and 6,723 refused (QA).
 */
export function lettersGoing(
  letters: ByDestinationType,
  target: string,
  routeOf: (typeKey: string) => string | undefined,
): { going: Record<string, number>; refused: number } {
  const going: Record<string, number> = {};
  let refused = 0;
  for (const [dest, byType] of Object.entries(letters))
    for (const [type, n] of Object.entries(byType)) {
      if (!target) {
        // A letter that was never routed goes by its type's route now, if it has one.
        const to = dest === '' ? (routeOf(type) ?? '') : dest;
        going[to] = (going[to] ?? 0) + n;
        continue;
      }
      const route = routeOf(type);
      if (dest === target || route === undefined || route === target)
        going[target] = (going[target] ?? 0) + n;
      else refused += n;
    }
  return { going, refused };
}

/** Counts of letters rows, by destination and type (`u64Key`). */
export function countByDestinationType(
  rows: readonly { destination: string; typeId: unknown }[],
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const byType = (out[r.destination] ??= {});
    const type = u64Key(r.typeId);
    byType[type] = (byType[type] ?? 0) + 1;
  }
  return out;
}

/** `letters` scaled to the oldest `limit` of their `total` (an "at most" redrive), rounded. */
export function scaledTo(
  letters: ByDestinationType,
  limit: number,
  total: number,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const share = total <= 0 || limit >= total ? 1 : limit / total;
  for (const [dest, byType] of Object.entries(letters)) {
    const o: Record<string, number> = (out[dest] = {});
    for (const [type, n] of Object.entries(byType)) o[type] = Math.round(n * share);
  }
  return out;
}

/**
 * What a paced redrive loses while new letters arrive: the dead-letter queue holds `capacity` at
 * most, and each letter past that pushes the oldest out, those the pace has not reached yet among
 * them. Counted at best (each letter redriven makes room for one arriving, none fails again): the
 * queue grows at the arrival rate less the pace, so a pace at least as fast as the arrivals loses
 * none; once it is full, of the letters still to send, the pace takes pace/arrivals and the rest
 * are pushed out first. `lost` is that floor, `most` whether it is half of them or more. Null when
 * none would be lost (the run, `sending` letters at `pace` a second, ends before the queue is
 * full). QA: paced at 1,000/s under overload, 9,930 of 10,000 letters were gone before their
 * turn, and the warning had offered the pace as the way to redrive them.
 */
export function pushedOut(
  held: number,
  capacity: number,
  arrivingPerSec: number,
  sending: number,
  pace: number,
): { words: string; lost: number; most: boolean } | null {
  if (sending <= 0 || pace <= 0 || arrivingPerSec <= pace) return null;
  const fullIn = Math.max(0, capacity - held) / (arrivingPerSec - pace);
  const left = sending - pace * fullIn;
  const lost = Math.floor(left * (1 - pace / arrivingPerSec));
  if (lost < 1) return null;
  const most = lost >= sending / 2;
  return {
    lost,
    most,
    words:
      `New letters arrive at ${formatRate(arrivingPerSec)}, faster than a redrive paced at ` +
      `${formatCount(pace)}/s takes these out, and push the oldest out of the dead-letter queue ` +
      `(${formatCount(capacity)} at most): at least ${formatCount(lost)} of these ` +
      `${formatCount(sending)} would be gone before their turn. Stop the traffic, or make room ` +
      'at the kernels, first.',
  };
}
