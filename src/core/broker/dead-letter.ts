import { InvalidArgumentError } from '../errors.ts';
import type { U64 } from '../message/u64.ts';
import { RingBuffer } from '../queue/ring-buffer.ts';
import type { DeadLetter, DeadLetterReason } from './types.ts';

/** Which letters {@link DeadLetterQueue.browse} and replay select. All given fields must match. */
export interface DeadLetterFilter {
  reason?: DeadLetterReason;
  destination?: string;
  source?: string;
  typeId?: U64;
  /** Custom predicate, applied after the fields above. */
  where?: (letter: DeadLetter) => boolean;
}

/** Options of {@link DeadLetterQueue.browse}. */
export interface BrowseOptions extends DeadLetterFilter {
  offset?: number;
  limit?: number;
}

/** Counters of a dead-letter queue. */
export interface DeadLetterStats {
  depth: number;
  /** Letters ever added. */
  added: number;
  /** Oldest letters evicted to stay within `maxSize`. */
  evicted: number;
  /** Letters purged for exceeding `maxAgeMs`. */
  expired: number;
  /** Letters taken out for replay. */
  replayed: number;
  /** Discarded by a purge. */
  purged: number;
  byReason: Record<DeadLetterReason, number>;
}

function matches(l: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.reason !== undefined && l.reason !== f.reason) return false;
  if (f.destination !== undefined && l.destination !== f.destination) return false;
  if (f.source !== undefined && l.source !== f.source) return false;
  if (f.typeId !== undefined && l.typeId !== f.typeId) return false;
  return f.where === undefined || f.where(l);
}

/**
 * A bounded, oldest-first store of failed messages. When full, the oldest letter is evicted and
 * counted; letters older than `maxAgeMs` are purged (and counted) whenever the queue is read.
 * Replaying goes through the broker (`broker.replayDeadLetters`), which takes letters out with
 * {@link DeadLetterQueue.take}.
 */
export class DeadLetterQueue {
  readonly maxSize: number;
  readonly maxAgeMs: number;
  /** Called with each letter as it is added (the broker's owner tracks failures through it). */
  onAdd: ((letter: DeadLetter) => void) | null = null;
  /**
   * Called with each letter that leaves without being taken: evicted to stay within `maxSize`,
   * or expired past `maxAgeMs` (so an owner can release what `payloadRef` points at).
   */
  onDrop: ((letter: DeadLetter, why: 'evicted' | 'expired') => void) | null = null;
  private readonly ring: RingBuffer<DeadLetter>;
  private seq = 0;
  private added = 0;
  private evicted = 0;
  private expired = 0;
  private replayed = 0;
  private purged = 0;
  private readonly byReason: Record<DeadLetterReason, number> = {
    NoRoute: 0,
    QueueFull: 0,
    Rejected: 0,
    MaxHopsExceeded: 0,
    TenantMismatch: 0,
    DroppedOldest: 0,
    Unregistered: 0,
    KernelError: 0,
    InvalidPayload: 0,
  };

  constructor(
    private readonly now: () => number,
    maxSize = 10_000,
    maxAgeMs = 3_600_000,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new InvalidArgumentError(
        `dead-letter maxSize must be a positive integer, got ${maxSize}`,
      );
    }
    this.maxSize = maxSize;
    this.maxAgeMs = maxAgeMs;
    this.ring = new RingBuffer<DeadLetter>(maxSize);
  }

  /** Letters held. */
  get size(): number {
    return this.ring.size;
  }

  /** The sequence number of the newest letter added (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Store a letter (assigning its `seq`), evicting the oldest when at `maxSize`. A letter made
   * with a `seq` already (any number; it is replaced) keeps its shape: one given its `seq` here
   * grew a property store of its own, an allocation more per letter.
   */
  add(letter: Omit<DeadLetter, 'seq'> & { seq?: number }): DeadLetter {
    if (this.ring.size >= this.maxSize) {
      const old = this.ring.evictOldest();
      this.evicted++;
      if (old !== undefined) this.onDrop?.(old, 'evicted');
    }
    const full = letter as DeadLetter;
    full.seq = ++this.seq;
    this.ring.push(full);
    this.added++;
    this.byReason[full.reason]++;
    this.onAdd?.(full);
    return full;
  }

  /** Letters matching `options`, oldest first, after purging expired ones. */
  browse(options: BrowseOptions = {}): DeadLetter[] {
    this.purgeExpired();
    const offset = options.offset ?? 0;
    const limit = options.limit ?? Infinity;
    const out: DeadLetter[] = [];
    let seen = 0;
    for (let i = 0; i < this.ring.size && out.length < limit; i++) {
      const l = this.ring.at(i)!;
      if (!matches(l, options)) continue;
      if (seen++ >= offset) out.push(l);
    }
    return out;
  }

  /** Remove and return the letters matching `filter` (counted as replayed), oldest first. */
  take(filter: DeadLetterFilter): DeadLetter[] {
    this.purgeExpired();
    const taken = this.ring.removeWhere((l) => matches(l, filter));
    this.replayed += taken.length;
    return taken;
  }

  /** Remove and return the letters matching `filter` for good (counted as purged, not replayed). */
  discard(filter: DeadLetterFilter): DeadLetter[] {
    this.purgeExpired();
    const gone = this.ring.removeWhere((l) => matches(l, filter));
    this.purged += gone.length;
    return gone;
  }

  /** Drop letters older than `maxAgeMs`; returns how many. */
  purgeExpired(): number {
    const cutoff = this.now() - this.maxAgeMs * 1000;
    let n = 0;
    while (this.ring.size > 0 && this.ring.peek()!.deadAt < cutoff) {
      const old = this.ring.evictOldest()!;
      n++;
      this.onDrop?.(old, 'expired');
    }
    this.expired += n;
    return n;
  }

  /** A copy of the counters. */
  stats(): DeadLetterStats {
    return {
      depth: this.ring.size,
      added: this.added,
      evicted: this.evicted,
      expired: this.expired,
      replayed: this.replayed,
      purged: this.purged,
      byReason: { ...this.byReason },
    };
  }
}
