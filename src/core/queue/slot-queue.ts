import { InvalidArgumentError } from '../errors.ts';
import { roundCapacity, type QueueStats } from './capacity.ts';

const LEVELS = 256;

/**
 * The index machinery of a bounded priority queue whose payload lives in caller-owned
 * structure-of-arrays columns. Slots are preallocated; each priority level (u8, higher first) is
 * a singly linked FIFO through `next`, and free slots form a stack. Enqueue, dequeue and
 * drop-oldest are O(1) and allocate nothing.
 *
 * A slot returned by {@link SlotQueue.popSlot} is already free: read its columns before the next
 * {@link SlotQueue.allocSlot}.
 */
export class SlotQueue {
  /** Number of slots (a power of two). */
  readonly capacity: number;
  /** Priority of each slot. */
  protected readonly slotPriority: Uint8Array;
  private readonly next: Int32Array;
  private readonly head = new Int32Array(LEVELS).fill(-1);
  private readonly tail = new Int32Array(LEVELS).fill(-1);
  private readonly levelCount = new Uint32Array(LEVELS);
  private freeTop: number;
  private top = -1;
  private count = 0;
  private enqueued = 0;
  private dequeued = 0;
  private dropped = 0;
  private evicted = 0;
  private maxDepth = 0;

  constructor(capacity: number) {
    this.capacity = roundCapacity(capacity);
    this.slotPriority = new Uint8Array(this.capacity);
    this.next = new Int32Array(this.capacity);
    for (let i = 0; i < this.capacity; i++) this.next[i] = i + 1;
    this.next[this.capacity - 1] = -1;
    this.freeTop = 0;
  }

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** True when every slot is taken. */
  isFull(): boolean {
    return this.count === this.capacity;
  }

  /**
   * Take a free slot and append it to `priority`'s FIFO. Returns -1 (counted as dropped) when
   * the queue is full.
   */
  allocSlot(priority: number): number {
    const slot = this.freeTop;
    if (slot < 0) {
      this.dropped++;
      return -1;
    }
    const p = priority & 0xff;
    this.freeTop = this.next[slot]!;
    this.next[slot] = -1;
    this.slotPriority[slot] = p;
    const t = this.tail[p]!;
    if (t < 0) this.head[p] = slot;
    else this.next[t] = slot;
    this.tail[p] = slot;
    this.levelCount[p]!++;
    if (p > this.top) this.top = p;
    this.count++;
    this.enqueued++;
    if (this.count > this.maxDepth) this.maxDepth = this.count;
    return slot;
  }

  /** Remove the oldest slot of the highest priority; -1 when empty. */
  popSlot(): number {
    const p = this.top;
    if (p < 0) return -1;
    this.dequeued++;
    return this.unlinkHead(p);
  }

  /**
   * Remove up to `max` slots in delivery order (as repeated {@link SlotQueue.popSlot} calls
   * would), writing them to `out`; returns how many. Walks each priority's chain once and settles
   * the counters once per level, which is what makes bulk draining cheap. Like `popSlot`, the
   * slots are free on return: read their columns before the next allocation.
   */
  popMany(out: Int32Array, max: number): number {
    const next = this.next;
    const head = this.head;
    const levelCount = this.levelCount;
    const limit = Math.min(max, out.length, this.count);
    let free = this.freeTop;
    let p = this.top;
    let n = 0;
    while (n < limit) {
      // `limit <= count` guarantees level p (the top) is non-empty here.
      let s = head[p]!;
      const start = n;
      while (s >= 0 && n < limit) {
        const nx = next[s]!;
        out[n++] = s;
        next[s] = free;
        free = s;
        s = nx;
      }
      head[p] = s;
      levelCount[p] = levelCount[p]! - (n - start);
      if (s >= 0) break;
      this.tail[p] = -1;
      p--;
      while (p >= 0 && levelCount[p] === 0) p--;
    }
    this.top = p;
    this.freeTop = free;
    this.count -= n;
    this.dequeued += n;
    return n;
  }

  /** The slot {@link SlotQueue.popSlot} would return, without removing it; -1 when empty. */
  peekSlot(): number {
    return this.top < 0 ? -1 : this.head[this.top]!;
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
    return this.unlinkHead(p);
  }

  /** The priority of a held (or just popped) slot. */
  priorityOf(slot: number): number {
    return this.slotPriority[slot]!;
  }

  /** Visit held slots in delivery order (highest priority first, FIFO within a priority). */
  forEachSlot(visit: (slot: number) => void): void {
    for (let p = this.top; p >= 0; p--) {
      for (let s = this.head[p]!; s >= 0; s = this.next[s]!) visit(s);
    }
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

  private unlinkHead(p: number): number {
    const slot = this.head[p]!;
    const nx = this.next[slot]!;
    this.head[p] = nx;
    if (nx < 0) this.tail[p] = -1;
    this.levelCount[p]!--;
    this.count--;
    this.next[slot] = this.freeTop;
    this.freeTop = slot;
    if (p === this.top && nx < 0) {
      let q = p - 1;
      while (q >= 0 && this.levelCount[q] === 0) q--;
      this.top = q;
    }
    return slot;
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
    this.items = new Array<T | undefined>(this.capacity).fill(undefined);
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
    this.forEachSlot((s) => out.push(this.slotPriority[s]!));
    return out;
  }
}
