/**
 * Per-kernel message queues: the core's {@link SlotQueue} index machinery (priority levels, FIFO
 * within a level, O(1) drop-oldest) over structure-of-arrays columns owned here, so a queued
 * message is a slot index, never an object.
 */
import { SlotQueue } from '../core/queue/slot-queue.ts';

/** Payload words held inline per slot (RingKernel's 32-byte inline payload). */
export const INLINE_WORDS = 8;

/** One in-flight message, as the engine passes it between queues (a reusable scratch record). */
export class MessageScratch {
  id = 0;
  typeLo = 0;
  typeHi = 0;
  /** Name index of the sender (0 = host). */
  src = 0;
  /** Name index of the final destination kernel. */
  dst = 0;
  priority = 0;
  flags = 0;
  hops = 0;
  correlationId = 0;
  /** -1 = none. */
  parentId = -1;
  /** Simulated time the message entered the dispatcher (injection or emission), µs. */
  enteredUs = 0;
  hlcPhysical = 0;
  hlcLogical = 0;
  /** Payload bytes in the config layout: the first 32 inline, and the whole when longer. */
  readonly words = new Uint32Array(INLINE_WORDS);
  /** Byte view of `words`. */
  readonly bytes = new Uint8Array(this.words.buffer);
  len = 0;
  big: Uint8Array | undefined = undefined;
  /** Materialise a receipt row when this message is processed. */
  sampled = false;
  /** Times the message was dead-lettered and redriven. */
  attempts = 0;
  /** Sequence number of its latest receipt (for rows materialised later). */
  seq = 0;
}

/** A kernel's bounded priority queue with its message columns. */
export class MessageQueue extends SlotQueue {
  readonly id: Float64Array;
  readonly typeLo: Uint32Array;
  readonly typeHi: Uint32Array;
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly flags: Uint32Array;
  readonly hops: Uint8Array;
  readonly correlationId: Float64Array;
  readonly parentId: Float64Array;
  readonly enteredUs: Float64Array;
  readonly hlcPhysical: Float64Array;
  readonly hlcLogical: Uint32Array;
  readonly words: Uint32Array;
  readonly len: Uint32Array;
  readonly sampled: Uint8Array;
  readonly attempts: Uint8Array;
  readonly seq: Float64Array;
  readonly big: (Uint8Array | undefined)[];

  constructor(capacity: number) {
    super(capacity);
    const n = this.capacity;
    this.id = new Float64Array(n);
    this.typeLo = new Uint32Array(n);
    this.typeHi = new Uint32Array(n);
    this.src = new Int32Array(n);
    this.dst = new Int32Array(n);
    this.flags = new Uint32Array(n);
    this.hops = new Uint8Array(n);
    this.correlationId = new Float64Array(n);
    this.parentId = new Float64Array(n);
    this.enteredUs = new Float64Array(n);
    this.hlcPhysical = new Float64Array(n);
    this.hlcLogical = new Uint32Array(n);
    this.words = new Uint32Array(n * INLINE_WORDS);
    this.len = new Uint32Array(n);
    this.sampled = new Uint8Array(n);
    this.attempts = new Uint8Array(n);
    this.seq = new Float64Array(n);
    this.big = new Array<Uint8Array | undefined>(n).fill(undefined);
  }

  /** Appends a message; -1 when full (the caller applies the overflow policy). */
  push(m: MessageScratch): number {
    const s = this.allocSlot(m.priority);
    if (s < 0) return -1;
    this.write(s, m);
    return s;
  }

  write(s: number, m: MessageScratch): void {
    this.id[s] = m.id;
    this.typeLo[s] = m.typeLo;
    this.typeHi[s] = m.typeHi;
    this.src[s] = m.src;
    this.dst[s] = m.dst;
    this.flags[s] = m.flags;
    this.hops[s] = m.hops;
    this.correlationId[s] = m.correlationId;
    this.parentId[s] = m.parentId;
    this.enteredUs[s] = m.enteredUs;
    this.hlcPhysical[s] = m.hlcPhysical;
    this.hlcLogical[s] = m.hlcLogical;
    const b = s * INLINE_WORDS;
    const w = this.words;
    const mw = m.words;
    for (let i = 0; i < INLINE_WORDS; i++) w[b + i] = mw[i] ?? 0;
    this.len[s] = m.len;
    this.sampled[s] = m.sampled ? 1 : 0;
    this.attempts[s] = Math.min(255, m.attempts);
    this.seq[s] = m.seq;
    this.big[s] = m.big;
  }

  /** Copies a held (or just popped) slot into a scratch record. */
  read(s: number, m: MessageScratch): void {
    m.id = this.id[s] ?? 0;
    m.typeLo = this.typeLo[s] ?? 0;
    m.typeHi = this.typeHi[s] ?? 0;
    m.src = this.src[s] ?? 0;
    m.dst = this.dst[s] ?? 0;
    m.priority = this.slotPriority[s] ?? 0;
    m.flags = this.flags[s] ?? 0;
    m.hops = this.hops[s] ?? 0;
    m.correlationId = this.correlationId[s] ?? 0;
    m.parentId = this.parentId[s] ?? -1;
    m.enteredUs = this.enteredUs[s] ?? 0;
    m.hlcPhysical = this.hlcPhysical[s] ?? 0;
    m.hlcLogical = this.hlcLogical[s] ?? 0;
    const b = s * INLINE_WORDS;
    for (let i = 0; i < INLINE_WORDS; i++) m.words[i] = this.words[b + i] ?? 0;
    m.len = this.len[s] ?? 0;
    m.sampled = this.sampled[s] === 1;
    m.attempts = this.attempts[s] ?? 0;
    m.seq = this.seq[s] ?? 0;
    m.big = this.big[s];
    // Drop the reference so a freed slot does not keep a large payload alive.
    this.big[s] = undefined;
  }
}

/** Copies payload bytes into a scratch record (inline words, plus `big` when over 32 bytes). */
export function setPayload(m: MessageScratch, bytes: Uint8Array): void {
  m.words.fill(0);
  const n = Math.min(bytes.length, INLINE_WORDS * 4);
  const inline = m.bytes;
  for (let i = 0; i < n; i++) inline[i] = bytes[i] ?? 0;
  m.len = bytes.length;
  m.big = bytes.length > INLINE_WORDS * 4 ? bytes.slice() : undefined;
}

/** The payload bytes of a scratch record (a fresh copy). */
export function payloadOf(m: MessageScratch): Uint8Array {
  if (m.big) return m.big.slice();
  return new Uint8Array(m.words.buffer).slice(0, Math.min(m.len, INLINE_WORDS * 4));
}
