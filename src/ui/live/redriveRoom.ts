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

/** The queue an at-once redrive overfills most, and by how much. */
export interface Shortfall {
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
 * Where redriving letters all at once would overfill a queue: `letters` counts them by their
 * original destination, and a `target` (a kernel id; empty for "to original") sends them all
 * there. Null when every queue has room. Each queue's room is what it had free at its fullest over
 * the last half second: under traffic the letters meet the queue as the traffic fills it, not as
 * a snapshot finds it just drained (pattern_detector at "≤280 / 1,024" under 200 K/s was said to
 * have 1,024 free: about 1,195 of 2,219 letters to fail again, and 1,479 did; its peak says 744
 * free and 1,475). Kernels drain meanwhile, so the words say "about".
 */
export function atOnceShortfall(
  letters: Readonly<Record<string, number>>,
  target: string,
  queues: readonly QueueRoom[],
): Shortfall | null {
  const going = new Map<string, number>();
  for (const [dest, n] of Object.entries(letters)) {
    const to = target || dest;
    going.set(to, (going.get(to) ?? 0) + n);
  }
  let worst: Shortfall | null = null;
  for (const q of queues) {
    const n = going.get(q.id) ?? 0;
    const room = Math.max(0, q.capacity - Math.max(q.queued, q.peakQueued ?? 0));
    const short = n - room;
    if (short > 0 && (!worst || short > worst.short))
      worst = {
        kernel: q.id,
        letters: n,
        room,
        capacity: q.capacity,
        short,
        evicts: q.policy === 'dropOldest',
      };
  }
  return worst;
}

/** `letters` scaled to the oldest `limit` of their `total` (an "at most" redrive), rounded. */
export function scaledTo(
  letters: Readonly<Record<string, number>>,
  limit: number,
  total: number,
): Record<string, number> {
  if (total <= 0 || limit >= total) return { ...letters };
  const out: Record<string, number> = {};
  for (const [dest, n] of Object.entries(letters)) out[dest] = Math.round((n * limit) / total);
  return out;
}
