/** log2 of {@link CHUNK_SLOTS}. */
export const CHUNK_SHIFT = 5;
/** Slots per chunk. */
export const CHUNK_SLOTS = 1 << CHUNK_SHIFT;
const POS_MASK = CHUNK_SLOTS - 1;

/**
 * A pool of fixed-size chunks of consecutive slot indices, shared by the {@link SlotQueue}s of
 * one owner (a broker's endpoints share one pool, so their slots index one set of columns).
 * Chunks are handed out and given back in O(1); when none is free the pool doubles and tells its
 * listeners the new slot space, so the owner can lengthen its columns. It never shrinks: memory
 * follows the high-water mark of what the queues held.
 *
 * Each chunk also keeps a bitmap of *run starts*: a slot whose bit is set carries its own
 * message metadata in the owner's columns, and the slots after it (up to the next set bit) share
 * it. {@link ChunkPool.metaSlot} finds the slot holding a slot's metadata.
 */
export class ChunkPool {
  /** @internal Next chunk in a queue level's FIFO, or in the free list. */
  next: Int32Array;
  /** @internal Priority level of a chunk in use. */
  level: Uint8Array;
  /** @internal Run-start bitmap of each chunk (bit `pos` for slot `pos` of the chunk). */
  runStarts: Int32Array;
  private free: number;
  private readonly listeners: ((slotSpace: number) => void)[] = [];

  constructor(chunks = 4) {
    const n = Math.max(1, chunks);
    this.next = new Int32Array(n);
    this.level = new Uint8Array(n);
    this.runStarts = new Int32Array(n);
    for (let i = 0; i < n; i++) this.next[i] = i + 1;
    this.next[n - 1] = -1;
    this.free = 0;
  }

  /** Number of slot indices the pool spans (the length its owner's columns need). */
  get slotSpace(): number {
    return this.next.length << CHUNK_SHIFT;
  }

  /** Call `listener(slotSpace)` whenever the pool grows (before a new slot is handed out). */
  onGrow(listener: (slotSpace: number) => void): void {
    this.listeners.push(listener);
  }

  /** Take a free chunk for priority `level` (growing the pool when none is free). */
  take(level: number): number {
    if (this.free < 0) this.grow();
    const c = this.free;
    this.free = this.next[c]!;
    this.next[c] = -1;
    this.level[c] = level;
    this.runStarts[c] = 0;
    return c;
  }

  /** Give a chunk back. */
  release(c: number): void {
    this.next[c] = this.free;
    this.free = c;
  }

  /** Mark `slot` as the start of a run (it carries metadata of its own). */
  markRunStart(slot: number): void {
    this.runStarts[slot >> CHUNK_SHIFT]! |= 1 << (slot & POS_MASK);
  }

  /** Clear the run starts of `chunk` from position `pos` on (slots given back unused). */
  clearRunStartsFrom(chunk: number, pos: number): void {
    this.runStarts[chunk] = pos === 0 ? 0 : (this.runStarts[chunk]! & ((1 << pos) - 1)) | 0;
  }

  /** The slot holding `slot`'s metadata: the nearest run start at or before it in its chunk. */
  metaSlot(slot: number): number {
    const pos = slot & POS_MASK;
    const below = pos === POS_MASK ? -1 : (2 << pos) - 1;
    const bits = this.runStarts[slot >> CHUNK_SHIFT]! & below;
    return (slot & ~POS_MASK) | (31 - Math.clz32(bits));
  }

  private grow(): void {
    const old = this.next.length;
    const n = old * 2;
    const next = new Int32Array(n);
    next.set(this.next);
    for (let i = old; i < n; i++) next[i] = i + 1;
    next[n - 1] = -1;
    const level = new Uint8Array(n);
    level.set(this.level);
    const starts = new Int32Array(n);
    starts.set(this.runStarts);
    this.next = next;
    this.level = level;
    this.runStarts = starts;
    this.free = old;
    const space = this.slotSpace;
    for (const l of this.listeners) l(space);
  }
}
