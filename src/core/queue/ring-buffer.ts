import { CountedQueue } from './capacity.ts';

/**
 * A fixed-capacity FIFO ring buffer. Capacity is rounded up to a power of two and every slot is
 * usable; a push onto a full buffer fails and is counted as dropped (nothing is overwritten).
 *
 * @example
 * const rb = new RingBuffer<string>(3); // capacity 4
 * rb.push('a'); rb.push('b');
 * rb.shift(); // 'a'
 * rb.stats().depth; // 1
 */
export class RingBuffer<T> extends CountedQueue {
  private readonly mask: number;
  private readonly slots: (T | undefined)[];
  private head = 0;

  constructor(capacity: number) {
    super(capacity);
    this.mask = this.capacity - 1;
    this.slots = new Array<T | undefined>(this.capacity).fill(undefined);
  }

  /** Append; false (and counted as dropped) when full. */
  push(item: T): boolean {
    if (this.count === this.capacity) {
      this.dropped++;
      return false;
    }
    this.slots[(this.head + this.count) & this.mask] = item;
    this.count++;
    this.enqueued++;
    if (this.count > this.maxDepth) this.maxDepth = this.count;
    if (this.count > this.windowPeak) this.windowPeak = this.count;
    return true;
  }

  /** Remove and return the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.dequeued++;
    return item;
  }

  /** Remove the oldest item to make room (counted as evicted, not dequeued). */
  evictOldest(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.evicted++;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** The i-th oldest item (0 = oldest), or undefined out of range. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.slots[(this.head + i) & this.mask];
  }

  /** Oldest-first copy of the contents. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.slots[(this.head + i) & this.mask] as T);
    return out;
  }

  /**
   * Remove the items for which `remove` returns true, preserving the order of the rest; returns
   * the removed items (counted as dequeued). If `remove` throws, nothing is removed.
   */
  removeWhere(remove: (item: T) => boolean): T[] {
    // Every predicate runs before anything moves, so one that throws leaves the buffer intact.
    const verdicts: boolean[] = [];
    for (let i = 0; i < this.count; i++) {
      verdicts.push(remove(this.slots[(this.head + i) & this.mask] as T));
    }
    const kept: T[] = [];
    const removed: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const item = this.slots[(this.head + i) & this.mask] as T;
      (verdicts[i] === true ? removed : kept).push(item);
      this.slots[(this.head + i) & this.mask] = undefined;
    }
    this.head = 0;
    this.count = kept.length;
    for (let i = 0; i < kept.length; i++) this.slots[i] = kept[i];
    this.dequeued += removed.length;
    return removed;
  }
}
