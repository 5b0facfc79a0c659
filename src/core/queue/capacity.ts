import { InvalidArgumentError } from '../errors.ts';

/** Largest queue capacity the core allocates (2^24 slots). */
export const MAX_QUEUE_CAPACITY = 1 << 24;

/**
 * Round a requested capacity up to a power of two (minimum 1). Throws on non-positive,
 * fractional or oversized requests.
 */
export function roundCapacity(requested: number): number {
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_QUEUE_CAPACITY) {
    throw new InvalidArgumentError(
      `queue capacity must be an integer in [1, ${MAX_QUEUE_CAPACITY}], got ${requested}`,
    );
  }
  let c = 1;
  while (c < requested) c <<= 1;
  return c;
}

/** Counters every core queue keeps. */
export interface QueueStats {
  /** Items accepted. */
  enqueued: number;
  /** Items taken out by a dequeue. */
  dequeued: number;
  /** Enqueues refused because the queue was full. */
  dropped: number;
  /** Items removed to make room (drop-oldest). */
  evicted: number;
  /** Items held now. */
  depth: number;
  /** Highest depth reached (since `resetPeak`). */
  maxDepth: number;
}

/** Queue health by fill ratio: warning at 75 %, critical at 90 %. */
export type QueueHealth = 'ok' | 'warning' | 'critical';

/** Health of a queue holding `depth` of `capacity` slots. */
export function queueHealth(depth: number, capacity: number): QueueHealth {
  const r = depth / capacity;
  return r >= 0.9 ? 'critical' : r >= 0.75 ? 'warning' : 'ok';
}

/**
 * What every bounded core queue keeps: its capacity (rounded up to a power of two), the items
 * held, and the counters {@link QueueStats} reports. Subclasses move items and count them.
 */
export abstract class CountedQueue {
  /** Items it holds at most (a power of two). */
  readonly capacity: number;
  protected count = 0;
  protected enqueued = 0;
  protected dequeued = 0;
  protected dropped = 0;
  protected evicted = 0;
  protected maxDepth = 0;
  /** Highest depth since the last {@link CountedQueue.takeWindowPeak}. */
  protected windowPeak = 0;

  constructor(capacity: number) {
    this.capacity = roundCapacity(capacity);
  }

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** True when `capacity` items are held. */
  isFull(): boolean {
    return this.count === this.capacity;
  }

  /**
   * The most items held at once since the previous call (at least what is held now), and starts
   * the next window from what is held now. A depth read between drains is 0 under steady load;
   * this is how full the queue got in between.
   */
  takeWindowPeak(): number {
    const peak = Math.max(this.windowPeak, this.count);
    this.windowPeak = this.count;
    return peak;
  }

  /** Starts the high-water mark afresh from what is held now (a reset of the owner's counters). */
  resetPeak(): void {
    this.maxDepth = this.count;
  }

  /**
   * Carries a predecessor's high-water mark into this queue (a kernel re-registered with another
   * capacity, policy or tenant): the peak does not go backwards, but it never reads above what
   * this queue can hold.
   */
  carryPeak(peak: number): void {
    this.maxDepth = Math.max(this.maxDepth, this.count, Math.min(peak, this.capacity));
  }

  /** A copy of the counters. */
  stats(): QueueStats {
    return {
      enqueued: this.enqueued,
      dequeued: this.dequeued,
      dropped: this.dropped,
      evicted: this.evicted,
      depth: this.count,
      maxDepth: this.maxDepth,
    };
  }
}
