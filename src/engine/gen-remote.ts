/**
 * The seeded generator on a worker of its own. Its stream does not depend on the engine (arrival
 * times come from the spec and the start time, payloads from the seed), so it can be generated
 * ahead: the generator's side (`GeneratorPump`, in `gen-worker.ts`) fills chunks into buffers the
 * engine hands back, a bounded number ahead; the engine's side (`RemoteFeed`) holds the chunks
 * that arrived and gives their rows out as they fall due. The engine's thread then only copies
 * each message's 32 bytes into its store instead of drawing them.
 *
 * Chunks carry the start's number (`gen`): a chunk of a stopped or restarted generator is dropped.
 */
import { GeneratedBatch, TrafficGenerator, type BatchBuffers, type MixEntry } from './generators';
import type { GeneratorSpec } from './protocol';
import { INLINE_WORDS } from './store';

/**
 * Rows per chunk: about 8 ms of traffic, between these bounds. Each chunk costs the engine one
 * `postMessage` to hand its buffers back, 150-250 µs of the engine's thread in Chromium whatever
 * its size (at 16,384 rows that was 3.7 % of the engine's worker at saturation; without the
 * transfer, slots in shared memory, it cost about as much), so fast runs get big chunks.
 */
const MIN_CHUNK = 1024;
const MAX_CHUNK = 65_536;
/** Chunks generated ahead of the engine (the buffers that circulate). */
export const CHUNKS_AHEAD = 6;

/** Engine → generator. */
export type GenRequest =
  | {
      type: 'start';
      gen: number;
      spec: GeneratorSpec;
      mix: MixEntry[];
      startUs: number;
      capacity: number;
      stride: number;
    }
  /** A consumed chunk's buffers, handed back to be filled again (transferred). */
  | { type: 'credit'; gen: number; buffers: BatchBuffers }
  | { type: 'stop'; gen: number };

/** Generator → engine. */
export type GenReply =
  | {
      type: 'chunk';
      gen: number;
      count: number;
      /** The generator's schedule is over (its duration): no chunk follows. */
      done: boolean;
      /** When the first message after this chunk falls due, µs. */
      nextDue: number;
      buffers: BatchBuffers;
    }
  | { type: 'failed'; gen: number; message: string };

/** The two ends' way of talking: a worker's `postMessage` and `onmessage`, or a direct call in tests. */
export interface GeneratorLink {
  post(message: GenRequest, transfer: ArrayBuffer[]): void;
  /** Set by the engine: called with each reply. */
  onReply: ((reply: GenReply) => void) | null;
  /** Set by the engine: the link broke (the worker failed); the engine generates itself again. */
  onBroken: ((message: string) => void) | null;
  close(): void;
}

export function transferOf(b: BatchBuffers): ArrayBuffer[] {
  return [b.timeUs, b.mixIndex, b.payload];
}

/**
 * Bytes per row of a chunk for `mix`: its largest payload in whole words, and at least a store
 * row's inline words (the engine copies those 32 bytes of each row).
 */
export function chunkStride(mix: readonly MixEntry[]): number {
  return Math.max(INLINE_WORDS * 4, Math.ceil(TrafficGenerator.strideFor(mix) / 4) * 4);
}

/** Rows per chunk for a rate: about 8 ms of traffic, a power of two in 1,024..65,536. */
export function chunkCapacity(ratePerSec: number): number {
  let c = MIN_CHUNK;
  while (c < MAX_CHUNK && c < ratePerSec / 125) c *= 2;
  return c;
}

/**
 * The generator's side: one `TrafficGenerator`, filled chunk by chunk into the buffers it is
 * given (`CHUNKS_AHEAD` fresh ones at the start, then each one the engine hands back).
 */
export class GeneratorPump {
  private gen: TrafficGenerator | null = null;
  private id = -1;
  private capacity = 0;
  private stride = 0;

  constructor(private readonly reply: (r: GenReply, transfer: ArrayBuffer[]) => void) {}

  handle(m: GenRequest): void {
    switch (m.type) {
      case 'start': {
        this.id = m.gen;
        this.capacity = m.capacity;
        this.stride = m.stride;
        try {
          this.gen = new TrafficGenerator(m.spec, m.mix, m.startUs);
        } catch (e) {
          this.gen = null;
          this.reply(
            { type: 'failed', gen: m.gen, message: e instanceof Error ? e.message : String(e) },
            [],
          );
          return;
        }
        for (let i = 0; i < CHUNKS_AHEAD; i++) {
          this.fill({
            timeUs: new ArrayBuffer(m.capacity * 8),
            mixIndex: new ArrayBuffer(m.capacity * 2),
            payload: new ArrayBuffer(m.capacity * m.stride),
          });
        }
        return;
      }
      case 'credit':
        if (m.gen === this.id) this.fill(m.buffers);
        return;
      case 'stop':
        if (m.gen === this.id) this.gen = null;
        return;
    }
  }

  private fill(buffers: BatchBuffers): void {
    const gen = this.gen;
    if (!gen) return;
    const batch = new GeneratedBatch(this.capacity, this.stride, buffers);
    // Fill writes field bytes only: rows start zeroed, so padding never shows another message's.
    batch.payload.fill(0);
    const count = gen.fill(Number.POSITIVE_INFINITY, batch);
    const done = gen.done;
    if (done) this.gen = null;
    this.reply(
      { type: 'chunk', gen: this.id, count, done, nextDue: gen.nextDue, buffers },
      transferOf(buffers),
    );
  }
}

/** A chunk the engine holds: its rows from `pos` on are still to enter. */
export interface FeedChunk {
  readonly count: number;
  readonly timeUs: Float64Array;
  readonly mixIndex: Uint16Array;
  readonly words: Uint32Array;
  readonly buffers: BatchBuffers;
  pos: number;
}

/** The engine's side of one generator run: chunks that arrived, in order, and the run's state. */
export class RemoteFeed {
  /** Messages that entered the engine from this run. */
  emitted = 0;
  /** Arrived and not used up, oldest first (at most `CHUNKS_AHEAD`). */
  private readonly chunks: FeedChunk[] = [];
  private lastNextDue: number;
  private ended = false;

  constructor(
    private readonly link: GeneratorLink,
    readonly gen: number,
    readonly spec: GeneratorSpec,
    readonly startUs: number,
  ) {
    this.lastNextDue = startUs;
  }

  receive(r: Extract<GenReply, { type: 'chunk' }>): void {
    this.chunks.push({
      count: r.count,
      timeUs: new Float64Array(r.buffers.timeUs),
      mixIndex: new Uint16Array(r.buffers.mixIndex),
      words: new Uint32Array(r.buffers.payload),
      buffers: r.buffers,
      pos: 0,
    });
    this.lastNextDue = r.nextDue;
    if (r.done) this.ended = true;
  }

  /** The chunk whose rows enter next, or null while none has arrived. */
  current(): FeedChunk | null {
    return this.chunks[0] ?? null;
  }

  /** The current chunk is used up: its buffers go back to be filled again. */
  consumed(): void {
    const ch = this.chunks.shift()!;
    if (!this.ended) {
      this.link.post(
        { type: 'credit', gen: this.gen, buffers: ch.buffers },
        transferOf(ch.buffers),
      );
    }
  }

  /** When the next message falls due, µs (the schedule's, however far behind the engine is). */
  get nextDue(): number {
    const ch = this.current();
    return ch && ch.pos < ch.count ? ch.timeUs[ch.pos]! : this.lastNextDue;
  }

  /** Every message of a run with a duration has entered. */
  get done(): boolean {
    return this.ended && this.current() === null;
  }

  stop(): void {
    this.link.post({ type: 'stop', gen: this.gen }, []);
  }
}
