import { PAYLOAD_WORDS, createMessageBatch, type MessageBatch } from '../kernels/types.ts';

/**
 * A tiny structure-of-arrays ring queue used by the self-check to feed kernels batches that were
 * drained across the ring's end (wrap-around), the way a kernel's queue hands them out.
 */
export class SoaRing {
  readonly capacity: number;
  private readonly slots: MessageBatch;
  private head = 0;
  private tail = 0;
  /** Times a drain crossed the end of the ring. */
  wraps = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.slots = createMessageBatch(capacity);
  }

  get depth(): number {
    return this.tail - this.head;
  }

  /** Enqueue the first `batch.count` rows; returns how many fitted. */
  push(batch: MessageBatch): number {
    const n = Math.min(batch.count, this.capacity - this.depth);
    for (let i = 0; i < n; i++) this.copyRow(batch, i, this.slots, (this.tail + i) % this.capacity);
    this.tail += n;
    return n;
  }

  /** Dequeue up to `max` rows into `into` (overwriting it). */
  drain(into: MessageBatch, max: number): MessageBatch {
    const n = Math.min(max, this.depth, into.capacity);
    const start = this.head % this.capacity;
    if (start + n > this.capacity) this.wraps++;
    for (let i = 0; i < n; i++) this.copyRow(this.slots, (start + i) % this.capacity, into, i);
    into.count = n;
    this.head += n;
    return into;
  }

  private copyRow(from: MessageBatch, r: number, to: MessageBatch, w: number): void {
    to.typeLo[w] = from.typeLo[r] ?? 0;
    to.typeHi[w] = from.typeHi[r] ?? 0;
    to.idLo[w] = from.idLo[r] ?? 0;
    to.idHi[w] = from.idHi[r] ?? 0;
    to.source[w] = from.source[r] ?? 0;
    to.priority[w] = from.priority[r] ?? 0;
    to.flags[w] = from.flags[r] ?? 0;
    to.payload.set(
      from.payload.subarray(r * PAYLOAD_WORDS, (r + 1) * PAYLOAD_WORDS),
      w * PAYLOAD_WORDS,
    );
  }
}
