/**
 * The engine's message store: what the core's queues do not hold about a message (payload,
 * header fields, causal parent, HLC stamps, sampling state), in structure-of-arrays columns
 * indexed by a reference that travels through the core as the message's `payloadRef`. A
 * reference is live while its message is queued, in flight on a kernel or dead-lettered.
 */

/** Payload words held inline per message (RingKernel's 32-byte inline payload). */
export const INLINE_WORDS = 8;

/**
 * Zeroes the 8 words at `at` (one message's inline payload, or one kernel row), written out: this
 * runs once per message on the hot paths, where a loop or `fill` costs more.
 */
export function clearRow8(words: Uint32Array, at: number): void {
  words[at] = 0;
  words[at + 1] = 0;
  words[at + 2] = 0;
  words[at + 3] = 0;
  words[at + 4] = 0;
  words[at + 5] = 0;
  words[at + 6] = 0;
  words[at + 7] = 0;
}

/** `MessageStore.sampled`: a message a dropOldest queue evicted before its send settled its receipt. */
export const EVICTED_BEFORE_RECEIPT = 2;

/** Growable SoA message store with a free-list; reference 0 is never handed out ("none"). */
export class MessageStore {
  capacity = 0;
  live = 0;
  private free = new Int32Array(0);
  private freeTop = 0;
  /** Index of the type's record in the engine's type table (its id, layout, routes). */
  typeIdx = new Int32Array(0);
  flags = new Uint32Array(0);
  correlationId = new Float64Array(0);
  /** -1 = none. */
  parentId = new Float64Array(0);
  /** Broker message id once known (0 before). */
  msgId = new Float64Array(0);
  /** Simulated time the message entered the dispatcher, µs. */
  enteredUs = new Float64Array(0);
  injP = new Float64Array(0);
  injL = new Float64Array(0);
  dlvP = new Float64Array(0);
  dlvL = new Float64Array(0);
  words = new Uint32Array(0);
  bytes = new Uint8Array(0);
  len = new Uint32Array(0);
  big: (Uint8Array | undefined)[] = [];
  /**
   * 1 = a Delivered receipt row is reserved and materialised at processing;
   * {@link EVICTED_BEFORE_RECEIPT} = evicted (dropOldest) before its receipt was settled.
   */
  sampled = new Uint8Array(0);
  /** Receipt sequence number of that row. */
  seq = new Float64Array(0);
  attempts = new Uint8Array(0);
  /** 1 = recorded in the trace store (and its outputs too). */
  traced = new Uint8Array(0);

  constructor(initial = 4096) {
    this.grow(initial);
  }

  /** A free reference (growing the columns when none is left). */
  alloc(): number {
    if (this.freeTop === 0) this.grow(this.capacity * 2);
    const r = this.free[--this.freeTop]!;
    this.live++;
    return r;
  }

  /**
   * Makes sure `n` more references can be allocated without growing, so a caller may hold the
   * columns while it allocates up to `n` (growing replaces every column).
   */
  reserve(n: number): void {
    if (this.freeTop < n) this.grow(Math.max(this.capacity * 2, this.capacity + n - this.freeTop));
  }

  /** Returns a reference; its large payload is released. */
  release(r: number): void {
    this.big[r] = undefined;
    this.sampled[r] = 0;
    this.traced[r] = 0;
    this.free[this.freeTop++] = r;
    this.live--;
  }

  /** Sets the payload of `r` (inline words, plus `big` when over 32 bytes). */
  setPayload(r: number, src: Uint8Array): void {
    const base = r * INLINE_WORDS;
    this.words.fill(0, base, base + INLINE_WORDS);
    const n = Math.min(src.length, INLINE_WORDS * 4);
    this.bytes.set(n === src.length ? src : src.subarray(0, n), base * 4);
    this.len[r] = src.length;
    this.big[r] = src.length > INLINE_WORDS * 4 ? src.slice() : undefined;
  }

  /** A copy of the payload bytes of `r`. */
  payloadOf(r: number): Uint8Array {
    const big = this.big[r];
    if (big) return big.slice();
    const start = r * INLINE_WORDS * 4;
    return this.bytes.slice(start, start + Math.min(this.len[r]!, INLINE_WORDS * 4));
  }

  private grow(to: number): void {
    const old = this.capacity;
    const n = Math.max(to, 16);
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const u32 = (a: Uint32Array, k = 1): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n * k);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    const ti = new Int32Array(n);
    ti.set(this.typeIdx);
    this.typeIdx = ti;
    this.flags = u32(this.flags);
    this.correlationId = f64(this.correlationId);
    this.parentId = f64(this.parentId);
    this.msgId = f64(this.msgId);
    this.enteredUs = f64(this.enteredUs);
    this.injP = f64(this.injP);
    this.injL = f64(this.injL);
    this.dlvP = f64(this.dlvP);
    this.dlvL = f64(this.dlvL);
    this.words = u32(this.words, INLINE_WORDS);
    this.bytes = new Uint8Array(this.words.buffer);
    this.len = u32(this.len);
    this.sampled = u8(this.sampled);
    this.seq = f64(this.seq);
    this.attempts = u8(this.attempts);
    this.traced = u8(this.traced);
    for (let i = this.big.length; i < n; i++) this.big.push(undefined);
    const free = new Int32Array(n);
    free.set(this.free.subarray(0, this.freeTop));
    // New references, lowest handed out first; 0 is reserved.
    for (let r = n - 1; r >= Math.max(old, 1); r--) free[this.freeTop++] = r;
    this.free = free;
    this.capacity = n;
  }
}
