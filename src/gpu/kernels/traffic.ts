import {
  DemoTypes,
  FLAG_REQUIRES_RESPONSE,
  PAYLOAD_WORDS,
  f32Bits,
  type MessageBatch,
} from './types.ts';

/** A seeded 32-bit RNG (mulberry32): same seed, same sequence, on every engine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options for {@link TrafficGenerator}. */
export interface TrafficOptions {
  seed: number;
  /** Distinct accounts; few accounts make velocity and pattern rules fire often. */
  accounts?: number;
  /** Mean microseconds between consecutive messages. */
  meanGapUs?: number;
  /** Share of messages flagged as requiring a response. */
  responseShare?: number;
}

/**
 * Seeded demo traffic for tests, the self-check page and benchmarks: transactions, account
 * updates and pattern checks whose amounts cluster near the fraud thresholds and whose accounts
 * repeat, so every rule fires. Timestamps grow monotonically across batches (with 64-bit carries
 * when started near 2^32). Never produces NaN or subnormal amounts (GPUs may flush or canonicalise
 * them, which would make byte equality meaningless).
 */
export class TrafficGenerator {
  private readonly rnd: () => number;
  private readonly accounts: number;
  private readonly meanGap: number;
  private readonly responseShare: number;
  private tsLo: number;
  private tsHi = 0;
  private nextId = 1;
  private readonly last = new Uint32Array(3);

  constructor(opts: TrafficOptions) {
    this.rnd = mulberry32(opts.seed);
    this.accounts = opts.accounts ?? 64;
    this.meanGap = opts.meanGapUs ?? 50_000;
    this.responseShare = opts.responseShare ?? 0.25;
    // Start just below 2^32 µs so the high timestamp word carries during a run.
    this.tsLo = 0xffffffff - 50_000_000;
  }

  /** Overwrite `batch` with `count` fresh messages (count <= capacity). */
  fill(batch: MessageBatch, count: number): MessageBatch {
    const r = this.rnd;
    const p = batch.payload;
    for (let i = 0; i < count; i++) {
      const kind = r();
      const type =
        kind < 0.6
          ? DemoTypes.Transaction
          : kind < 0.8
            ? DemoTypes.AccountUpdate
            : DemoTypes.PatternCheck;
      const id = this.nextId++;
      batch.typeLo[i] = type;
      batch.typeHi[i] = id % 97 === 0 ? 1 : 0;
      batch.idLo[i] = id >>> 0;
      batch.idHi[i] = Math.floor(id / 0x1_0000_0000);
      batch.source[i] = 1 + Math.floor(r() * 8);
      batch.priority[i] = Math.floor(r() * 4);
      batch.flags[i] = r() < this.responseShare ? FLAG_REQUIRES_RESPONSE : 0;
      const a = r();
      const amount =
        a < 0.1
          ? 10_000 + Math.floor(r() * 5000)
          : a < 0.2
            ? 9_000 + Math.floor(r() * 1000)
            : a < 0.25
              ? 10_000
              : 1 + Math.floor(r() * 500) / 4;
      let account = Math.floor(r() * this.accounts);
      let counterparty = r() < 0.5 ? Math.floor(r() * 4) : Math.floor(r() * this.accounts);
      let amountBits = f32Bits(amount);
      const echo = r();
      if (echo < 0.05) {
        // An exact repeat of the previous transfer: rapid-repeat material.
        account = this.last[0] ?? 0;
        counterparty = this.last[1] ?? 0;
        amountBits = this.last[2] ?? 0;
      } else if (echo < 0.1) {
        // The previous transfer reversed: circular-transfer material.
        account = this.last[1] ?? 0;
        counterparty = this.last[0] ?? 0;
      }
      this.last[0] = account;
      this.last[1] = counterparty;
      this.last[2] = amountBits;
      const gap = Math.floor(r() * 2 * this.meanGap);
      const lo = this.tsLo + gap;
      this.tsLo = lo >>> 0;
      if (lo > 0xffffffff) this.tsHi = (this.tsHi + 1) >>> 0;
      const b = i * PAYLOAD_WORDS;
      p[b] = id >>> 0;
      p[b + 1] = Math.floor(id / 0x1_0000_0000);
      p[b + 2] = amountBits;
      p[b + 3] = account;
      p[b + 4] = counterparty;
      p[b + 5] = Math.floor(r() * 250);
      p[b + 6] = this.tsLo;
      p[b + 7] = this.tsHi;
    }
    batch.count = count;
    return batch;
  }
}
