import { InvalidArgumentError } from '../errors.ts';
import { CountedQueue } from './capacity.ts';
import { CHUNK_SHIFT, CHUNK_SLOTS, ChunkPool } from './chunk-pool.ts';

const LEVELS = 256;

/**
 * The index machinery of a bounded priority queue whose payload lives in caller-owned
 * structure-of-arrays columns. Each priority level (u8, higher first) is a FIFO of chunks of
 * consecutive slots taken from a {@link ChunkPool} (shared by all the queues of one owner), so
 * messages of one priority sit side by side: enqueue, dequeue and drop-oldest are O(1) and
 * allocate nothing, and runs of messages are appended ({@link SlotQueue.reserveRun}) and drained
 * ({@link SlotQueue.popRun}) as contiguous ranges.
 *
 * The capacity bounds the items held, not the slots: a level holds at most one partly used chunk
 * at each end, and a level that empties gives its chunk back (except the last one to empty, which
 * parks it for its next message), so a queue never spans more than
 * `capacity + 32 * (2 * priorities in use + 1)` slots of its pool.
 *
 * A slot returned by {@link SlotQueue.popSlot} or {@link SlotQueue.popRun} is already free: read
 * its columns before the next allocation from the pool.
 */
export class SlotQueue extends CountedQueue {
  /** Where the slots come from. */
  readonly pool: ChunkPool;
  private readonly headChunk = new Int32Array(LEVELS).fill(-1);
  private readonly headPos = new Int32Array(LEVELS);
  private readonly tailChunk = new Int32Array(LEVELS).fill(-1);
  private readonly tailPos = new Int32Array(LEVELS);
  private readonly levelCount = new Uint32Array(LEVELS);
  private top = -1;
  /**
   * A level that emptied keeps its chunk, rewound, for its next message (a queue that is
   * drained as fast as it fills would otherwise take and give back a chunk per message); at most
   * one level per queue holds such a parked chunk. -1 when none.
   */
  private parked = -1;
  /** Length of the run the last {@link SlotQueue.popRun} or {@link SlotQueue.reserveRun} gave. */
  runLength = 0;

  /** `pool` defaults to a private one sized for `capacity` items of one priority. */
  constructor(capacity: number, pool?: ChunkPool) {
    super(capacity);
    this.pool = pool ?? new ChunkPool(Math.ceil(this.capacity / CHUNK_SLOTS) + 1);
  }

  /** The number of slot indices the pool spans now: columns need at least this length. */
  get slotSpace(): number {
    return this.pool.slotSpace;
  }

  /**
   * Take a free slot at the tail of `priority`'s FIFO (marked as a run start: it carries its own
   * metadata). Returns -1 (counted as dropped) when the queue is full.
   */
  allocSlot(priority: number): number {
    if (this.count === this.capacity) {
      this.dropped++;
      return -1;
    }
    const s = this.tailSlot(priority & 0xff, 1);
    this.pool.markRunStart(s);
    if (++this.count > this.maxDepth) this.maxDepth = this.count;
    if (this.count > this.windowPeak) this.windowPeak = this.count;
    this.enqueued++;
    return s;
  }

  /**
   * Take up to `want` consecutive free slots at the tail of `priority`'s FIFO (as many as fit in
   * its tail chunk and under the capacity) and return the first, marked as a run start;
   * `runLength` says how many. -1 (and `runLength` 0) when the queue is full or `want < 1`. The
   * slots count as held at once; give back the ones left unfilled with
   * {@link SlotQueue.settleRun}. The bulk form of {@link SlotQueue.allocSlot}.
   */
  reserveRun(priority: number, want: number): number {
    if (want < 1 || this.count === this.capacity) {
      this.runLength = 0;
      return -1;
    }
    const p = priority & 0xff;
    const c = this.tailChunk[p]!;
    const room = c < 0 ? CHUNK_SLOTS : CHUNK_SLOTS - this.tailPos[p]!;
    const n = Math.min(want, room === 0 ? CHUNK_SLOTS : room, this.capacity - this.count);
    const s = this.tailSlot(p, n);
    this.pool.markRunStart(s);
    this.runLength = n;
    this.count += n;
    return s;
  }

  /**
   * Close the run the last {@link SlotQueue.reserveRun} at `priority` gave, of which `used`
   * slots were filled: the rest go back (they must be its last slots and still the level's tail).
   */
  settleRun(priority: number, reserved: number, used: number): void {
    const p = priority & 0xff;
    const unused = reserved - used;
    if (unused > 0) {
      const c = this.tailChunk[p]!;
      const pos = this.tailPos[p]! - unused;
      this.tailPos[p] = pos;
      this.levelCount[p] = this.levelCount[p]! - unused;
      this.count -= unused;
      this.pool.clearRunStartsFrom(c, pos);
      if (this.levelCount[p] === 0) this.dropLevel(p, c);
      else if (pos === 0) {
        // The run began a chunk and none of it was used: that chunk goes back.
        let prev = this.headChunk[p]!;
        while (this.pool.next[prev] !== c) prev = this.pool.next[prev]!;
        this.pool.next[prev] = -1;
        this.tailChunk[p] = prev;
        this.tailPos[p] = CHUNK_SLOTS;
        this.pool.release(c);
      }
    }
    this.enqueued += used;
    if (this.count > this.maxDepth) this.maxDepth = this.count;
    if (this.count > this.windowPeak) this.windowPeak = this.count;
  }

  /** Remove the oldest slot of the highest priority; -1 when empty. */
  popSlot(): number {
    const p = this.top;
    if (p < 0) return -1;
    this.dequeued++;
    return this.unlinkHead(p, 1);
  }

  /**
   * Remove the longest run of consecutive slots (at most `max`) from the head of the highest
   * priority and return its first slot; `runLength` says how many. -1 (and `runLength` 0) when
   * the queue is empty or `max < 1`. Repeated calls yield the slots in the order repeated
   * {@link SlotQueue.popSlot} calls would. The run is free on return.
   */
  popRun(max: number): number {
    const p = this.top;
    if (p < 0 || max < 1) {
      this.runLength = 0;
      return -1;
    }
    const c = this.headChunk[p]!;
    const end = c === this.tailChunk[p] ? this.tailPos[p]! : CHUNK_SLOTS;
    const n = Math.min(max, end - this.headPos[p]!);
    this.runLength = n;
    this.dequeued += n;
    return this.unlinkHead(p, n);
  }

  /**
   * Remove up to `max` slots in delivery order (as repeated {@link SlotQueue.popSlot} calls
   * would), writing them to `out`; returns how many. Like `popSlot`, the slots are free on
   * return: read their columns before the next allocation.
   */
  popMany(out: Int32Array, max: number): number {
    const limit = Math.min(max, out.length);
    let n = 0;
    while (n < limit) {
      const s = this.popRun(limit - n);
      if (s < 0) break;
      for (let k = 0; k < this.runLength; k++) out[n++] = s + k;
    }
    return n;
  }

  /** The slot {@link SlotQueue.popSlot} would return, without removing it; -1 when empty. */
  peekSlot(): number {
    const p = this.top;
    return p < 0 ? -1 : (this.headChunk[p]! << CHUNK_SHIFT) | this.headPos[p]!;
  }

  /**
   * Remove the oldest slot of the lowest priority present (the drop-oldest victim); -1 when
   * empty. Counted as evicted.
   */
  evictSlot(): number {
    if (this.count === 0) return -1;
    let p = 0;
    while (this.levelCount[p] === 0) p++;
    this.evicted++;
    return this.unlinkHead(p, 1);
  }

  /** The priority of a held (or just popped) slot. */
  priorityOf(slot: number): number {
    return this.pool.level[slot >> CHUNK_SHIFT]!;
  }

  /** Visit held slots in delivery order (highest priority first, FIFO within a priority). */
  forEachSlot(visit: (slot: number) => void): void {
    for (let p = this.top; p >= 0; p--) {
      let c = this.headChunk[p]!;
      if (c < 0) continue;
      let pos = this.headPos[p]!;
      for (;;) {
        const last = c === this.tailChunk[p];
        const end = last ? this.tailPos[p]! : CHUNK_SLOTS;
        for (; pos < end; pos++) visit((c << CHUNK_SHIFT) | pos);
        if (last) break;
        c = this.pool.next[c]!;
        pos = 0;
      }
    }
  }

  /**
   * Give the parked chunk back to the pool: call when the queue is emptied for good (its
   * endpoint closed), or a shared pool would lose a chunk per discarded queue.
   */
  releaseParked(): void {
    const p = this.parked;
    if (p < 0) return;
    this.parked = -1;
    this.pool.release(this.headChunk[p]!);
    this.headChunk[p] = -1;
    this.tailChunk[p] = -1;
  }

  /**
   * Append `n` slots (at most what the tail chunk has left, or a fresh chunk's worth) to level
   * `p` and return the first; counts them in the level (the caller counts the queue).
   */
  private tailSlot(p: number, n: number): number {
    let c = this.tailChunk[p]!;
    let pos = this.tailPos[p]!;
    if (p === this.parked) {
      // Reusing the parked chunk from its start: forget the run starts of its last use.
      this.parked = -1;
      this.pool.runStarts[c] = 0;
    }
    if (c < 0 || pos === CHUNK_SLOTS) {
      const fresh = this.pool.take(p);
      if (c < 0) {
        this.headChunk[p] = fresh;
        this.headPos[p] = 0;
      } else this.pool.next[c] = fresh;
      this.tailChunk[p] = fresh;
      c = fresh;
      pos = 0;
    }
    this.tailPos[p] = pos + n;
    this.levelCount[p] = this.levelCount[p]! + n;
    if (p > this.top) this.top = p;
    return (c << CHUNK_SHIFT) | pos;
  }

  /** Remove `n` (>= 1, all within the head chunk) slots from level `p`; returns the first. */
  private unlinkHead(p: number, n: number): number {
    const c = this.headChunk[p]!;
    const pos = this.headPos[p]!;
    const left = this.levelCount[p]! - n;
    this.levelCount[p] = left;
    this.count -= n;
    if (left === 0) this.dropLevel(p, c);
    else if (pos + n === CHUNK_SLOTS) {
      this.headChunk[p] = this.pool.next[c]!;
      this.headPos[p] = 0;
      this.pool.release(c);
    } else this.headPos[p] = pos + n;
    return (c << CHUNK_SHIFT) | pos;
  }

  /** Level `p` is empty: it parks its only chunk `c`, rewound (the parked one before goes back). */
  private dropLevel(p: number, c: number): void {
    const old = this.parked;
    if (old >= 0 && old !== p) {
      this.pool.release(this.headChunk[old]!);
      this.headChunk[old] = -1;
      this.tailChunk[old] = -1;
    }
    // The run starts stay until the chunk is reused: the caller may still read what it popped.
    this.parked = p;
    this.headChunk[p] = c;
    this.tailChunk[p] = c;
    this.headPos[p] = 0;
    this.tailPos[p] = 0;
    if (p === this.top) {
      let q = p - 1;
      while (q >= 0 && this.levelCount[q] === 0) q--;
      this.top = q;
    }
  }
}

/**
 * A bounded priority queue: higher priority (u8) first, FIFO within equal priority. Capacity is
 * rounded up to a power of two and shared by all priorities.
 *
 * @example
 * const q = new PriorityQueue<string>(4);
 * q.enqueue('low', 0); q.enqueue('high', 9); q.enqueue('low2', 0);
 * q.dequeue(); // 'high'
 * q.dequeue(); // 'low'
 */
export class PriorityQueue<T> extends SlotQueue {
  private readonly items: (T | undefined)[];

  constructor(capacity: number) {
    super(capacity);
    this.items = new Array<T | undefined>(this.slotSpace).fill(undefined);
    this.pool.onGrow((space) => {
      while (this.items.length < space) this.items.push(undefined);
    });
  }

  /** Add `item` at `priority` (0-255); false (counted as dropped) when full. */
  enqueue(item: T, priority = 0): boolean {
    if (!Number.isInteger(priority) || priority < 0 || priority > 255) {
      throw new InvalidArgumentError(`priority must be a u8 (0-255), got ${priority}`);
    }
    const slot = this.allocSlot(priority);
    if (slot < 0) return false;
    this.items[slot] = item;
    return true;
  }

  /** Remove and return the next item (highest priority, oldest), or undefined when empty. */
  dequeue(): T | undefined {
    const slot = this.popSlot();
    if (slot < 0) return undefined;
    const item = this.items[slot];
    this.items[slot] = undefined;
    return item;
  }

  /** The next item without removing it. */
  peek(): T | undefined {
    const slot = this.peekSlot();
    return slot < 0 ? undefined : this.items[slot];
  }

  /** Remove the oldest item of the lowest priority present (counted as evicted). */
  evictOldest(): T | undefined {
    const slot = this.evictSlot();
    if (slot < 0) return undefined;
    const item = this.items[slot];
    this.items[slot] = undefined;
    return item;
  }

  /** Items in delivery order. */
  toArray(): T[] {
    const out: T[] = [];
    this.forEachSlot((s) => out.push(this.items[s] as T));
    return out;
  }

  /** Priority of each item, in delivery order. */
  priorities(): number[] {
    const out: number[] = [];
    this.forEachSlot((s) => out.push(this.priorityOf(s)));
    return out;
  }
}
