/**
 * Traffic into the engine: the seeded generator (hand injections are `hand-send.ts`'s). Generated
 * messages are written straight into the message store's columns and dispatched in batches.
 * The generator works in time slices: when a slice is used up it stops where it is and goes on
 * in the next, so a saturated engine falls behind the generator's schedule (reported as its lag)
 * instead of holding the worker until it has caught up.
 */
import { HOST_KERNEL } from '../core';
import { err, normU64, type EngineCore, type TypeRec } from './context';
import {
  chunkCapacity,
  chunkStride,
  RemoteFeed,
  type FeedChunk,
  type GeneratorLink,
  type GenReply,
} from './gen-remote';
import { viewsOf, type Views } from './generator-fields';
import { GeneratedBatch, TrafficGenerator, validateSpec, type MixEntry } from './generators';
import { layoutOf } from './payload';
import type { EngineSnapshot, GeneratorSpec } from './protocol';
import type { SendPath } from './send';
import { clearRow8, INLINE_WORDS } from './store';

export const GEN_CHUNK = 1024;

export class Traffic {
  private generator: TrafficGenerator | null = null;
  private batch: GeneratedBatch | null = null;
  private words: Uint32Array | null = null;
  private recs: TypeRec[] = [];
  private lens = new Uint32Array(0);
  private priority = 0;
  private lastEmitted = 0;
  /** Messages the runs before the current one emitted (for the generator's own rate). */
  private pastEmitted = 0;
  /** The last run's spec, when it ran its whole duration (not stopped); null otherwise. */
  private finished: GeneratorSpec | null = null;
  /**
   * Payloads of at most 32 bytes are generated straight into the message store's inline words,
   * at references taken before `fill` (the ones it leaves unused go back), so they are written
   * once; longer ones go through the batch and are copied.
   */
  private direct = false;
  private readonly refs = new Int32Array(GEN_CHUNK);
  private readonly rowAt = new Int32Array(GEN_CHUNK);
  private storeViews: Views | null = null;
  private storeViewsOf: Uint32Array | null = null;
  /** Engine time of the previous run: no message can have entered before it. */
  private lastRunUs = 0;
  /** Engine time the current (or last) run started; a new run's rate is measured from there. */
  runStartedUs = Number.NEGATIVE_INFINITY;
  /** The generator's worker (spawned with the engine, kept from run to run); null without one. */
  private link: GeneratorLink | null = null;
  /** False once spawning failed or the link broke: this engine then generates itself. */
  private remoteOk: boolean;
  /** The run on the generator's worker, when it runs there. */
  private remote: RemoteFeed | null = null;
  private runs = 0;
  private mix: MixEntry[] = [];

  constructor(
    private readonly c: EngineCore,
    private readonly send: SendPath,
    /** Lets the kernels take what was just dispatched (they run concurrently with traffic). */
    private readonly drainAll: () => void,
    /**
     * Spawns the generator's own worker (see `gen-remote.ts`); without it, or when it returns
     * null, the generator runs on the engine's thread.
     */
    private readonly spawn?: () => GeneratorLink | null,
  ) {
    this.remoteOk = spawn !== undefined;
    // Spawned now, not at the first start: a worker takes a while to load, and the first
    // messages would wait for it.
    this.linkNow();
  }

  get running(): boolean {
    return this.generator !== null || this.remote !== null;
  }

  start(spec: GeneratorSpec): void {
    const c = this.c;
    const problem = validateSpec(spec);
    if (problem) err('InvalidCommand', problem);
    const mixIn =
      spec.mix && spec.mix.length > 0
        ? spec.mix
        : c.config.routes.map((r) => ({ typeId: r.typeId, weight: 1 }));
    if (mixIn.length === 0)
      err('InvalidCommand', 'The config has no routes; give the generator a mix.');
    const recs = mixIn.map((e) => c.typeRec(normU64(e.typeId)));
    const mix: MixEntry[] = mixIn.map((e, i) => ({
      typeId: recs[i]!.typeId,
      weight: e.weight,
      layout: mixLayout(e) ?? recs[i]!.layout ?? { size: 0, fields: [] },
    }));
    const priority = spec.priority ?? c.dispatcher.defaultPriority;
    TrafficGenerator.check(spec, mix);
    this.stop();
    const stride = chunkStride(mix);
    this.batch = new GeneratedBatch(GEN_CHUNK, stride);
    this.direct = TrafficGenerator.strideFor(mix) <= INLINE_WORDS * 4;
    this.words = new Uint32Array(this.batch.payload.buffer);
    this.recs = recs;
    this.mix = mix;
    this.lens = Uint32Array.from(mix, (e) => e.layout.size);
    this.priority = priority;
    this.lastRunUs = c.nowUs;
    this.runStartedUs = c.nowUs;
    c.receipts.startRun();
    // Payloads of at most 32 bytes are generated on the generator's worker when there is one.
    const link = this.direct ? this.linkNow() : null;
    // The generator's tables (its Zipf sampler over up to 10 M accounts) are built where it runs.
    if (link) {
      const feed = new RemoteFeed(link, ++this.runs, spec, c.nowUs);
      this.remote = feed;
      const capacity = chunkCapacity(spec.ratePerSec);
      link.post(
        { type: 'start', gen: feed.gen, spec, mix, startUs: feed.startUs, capacity, stride },
        [],
      );
    } else {
      this.generator = new TrafficGenerator(spec, mix, c.nowUs);
    }
  }

  /** Messages the generator emitted in the runs before the current one. */
  get emittedBefore(): number {
    return this.pastEmitted;
  }

  /** Every message the generator has emitted, over all its runs. */
  get totalEmitted(): number {
    return this.pastEmitted + ((this.remote ?? this.generator)?.emitted ?? 0);
  }

  /** A run went its whole duration: it finished, and its count joins the runs before. */
  private ended(run: { spec: GeneratorSpec; emitted: number }): void {
    this.finished = run.spec;
    this.pastEmitted += run.emitted;
  }

  stop(): void {
    this.finished = null;
    this.pastEmitted = this.totalEmitted;
    if (this.generator) this.lastEmitted = this.generator.emitted;
    if (this.remote) {
      this.lastEmitted = this.remote.emitted;
      this.remote.stop();
    }
    this.generator = null;
    this.remote = null;
  }

  /** Ends the generator's worker (the engine is being destroyed). */
  close(): void {
    this.stop();
    this.link?.close();
    this.link = null;
    this.remoteOk = false;
  }

  private linkNow(): GeneratorLink | null {
    if (!this.remoteOk || !this.spawn) return null;
    if (this.link) return this.link;
    let link: GeneratorLink | null = null;
    try {
      link = this.spawn();
    } catch {
      link = null;
    }
    if (!link) {
      this.remoteOk = false;
      return null;
    }
    link.onReply = (r) => this.onReply(r);
    link.onBroken = (message) => this.broken(message);
    this.link = link;
    return link;
  }

  private onReply(r: GenReply): void {
    const feed = this.remote;
    if (!feed || r.gen !== feed.gen) return;
    if (r.type === 'chunk') feed.receive(r);
    else this.broken(r.message);
  }

  /**
   * The generator's worker failed: the run goes on on the engine's thread, from the message
   * after the last that entered (the same stream: the skipped messages are drawn and dropped).
   */
  private broken(message: string): void {
    this.link?.close();
    this.link = null;
    this.remoteOk = false;
    const feed = this.remote;
    if (!feed) return;
    this.remote = null;
    const gen = new TrafficGenerator(feed.spec, this.mix, feed.startUs);
    for (let left = feed.emitted; left > 0;) {
      const n = gen.fill(
        Number.POSITIVE_INFINITY,
        new GeneratedBatch(Math.min(left, GEN_CHUNK), this.batch!.stride),
      );
      if (n === 0) break;
      left -= n;
    }
    this.generator = gen.done ? null : gen;
    this.lastEmitted = gen.emitted;
    this.c.opts.onEvent?.({
      type: 'error',
      error: {
        code: 'Internal',
        message: `The generator's worker failed (${message}); the generator goes on on the engine's thread from message ${gen.emitted + 1}.`,
      },
    });
  }

  /** Emits what is due by now, chunk by chunk, until due or the time slice is used up. */
  run(): void {
    if (this.remote) {
      this.runRemote(this.remote);
      return;
    }
    const gen = this.generator;
    const batch = this.batch;
    const words = this.words;
    if (!gen || !batch || !words) return;
    const c = this.c;
    const send = this.send;
    const recs = this.recs;
    const lens = this.lens;
    const wordsPer = batch.stride / 4;
    const s = c.store;
    const prio = this.priority;
    const hostNum = c.hostNum;
    // A message the generator scheduled while the engine was busy enters when it is generated:
    // its latency is the engine's, and how far behind schedule the generator is shows as lagMs.
    const earliest = this.lastRunUs;
    this.lastRunUs = c.nowUs;
    let total = 0;
    const direct = this.direct;
    const refs = this.refs;
    while (total < c.opts.maxGeneratedPerTick) {
      // Fill writes field bytes only: rows start zeroed, so padding never shows another
      // message's bytes.
      if (direct) this.takeRows(batch);
      else batch.payload.fill(0);
      const n = gen.fill(c.nowUs, batch);
      if (direct) for (let i = batch.capacity - 1; i >= n; i--) s.release(refs[i]!);
      if (n === 0) break;
      total += n;
      for (let i = 0; i < n; i++) {
        const mi = batch.mixIndex[i]!;
        const rec = recs[mi]!;
        const ref = direct ? refs[i]! : s.alloc();
        const due = batch.timeUs[i]!;
        send.initMessage(ref, rec, 0, -1, due < earliest ? earliest : due);
        const len = lens[mi]!;
        s.len[ref] = len;
        if (!direct) {
          const src = i * wordsPer;
          const dst = ref * INLINE_WORDS;
          const sw = s.words;
          for (let w = 0; w < INLINE_WORDS; w++) sw[dst + w] = words[src + w]!;
          s.big[ref] =
            len > INLINE_WORDS * 4
              ? batch.payload.slice(i * batch.stride, i * batch.stride + len)
              : undefined;
        }
        c.injected++;
        send.enqueue(ref, rec, prio, HOST_KERNEL, hostNum);
      }
      send.flush(HOST_KERNEL, hostNum);
      this.drainAll();
      if (n < batch.capacity || c.overBudget()) break;
    }
    this.lastEmitted = gen.emitted;
    if (gen.done) {
      this.ended(gen);
      this.generator = null;
    }
  }

  /**
   * Emits the generator worker's rows that are due by now, in groups of `GEN_CHUNK` (each
   * dispatched and drained before the next, as the engine's own generator does: the same groups,
   * so the same run), until a row is not due yet, no chunk has arrived (the worker is behind: it
   * shows as lag) or the time slice is used up.
   */
  private runRemote(feed: RemoteFeed): void {
    const c = this.c;
    const hostNum = c.hostNum;
    const now = c.nowUs;
    const earliest = this.lastRunUs;
    this.lastRunUs = now;
    let total = 0;
    let waiting = false;
    while (!waiting && total < c.opts.maxGeneratedPerTick) {
      // The group's references are allocated without growing the store: its columns hold.
      c.store.reserve(GEN_CHUNK);
      let n = 0;
      while (n < GEN_CHUNK) {
        const ch = feed.current();
        if (!ch) {
          waiting = true;
          break;
        }
        const end = Math.min(ch.count, ch.pos + GEN_CHUNK - n);
        const i = this.copyDue(ch, end, now, earliest);
        // Stopped short of `end`: at a message not yet due.
        if (i < end) waiting = true;
        n += i - ch.pos;
        ch.pos = i;
        if (i === ch.count) feed.consumed();
        if (waiting) break;
      }
      feed.emitted += n;
      c.injected += n;
      total += n;
      if (n > 0) {
        this.send.flush(HOST_KERNEL, hostNum);
        this.drainAll();
      }
      if (c.overBudget()) break;
    }
    this.lastEmitted = feed.emitted;
    if (feed.done) {
      this.ended(feed);
      this.remote = null;
    }
  }

  /**
   * Copies chunk `ch`'s rows from its `pos` up to `end` into the message store and queues them,
   * stopping at the first not yet due (after `now`); returns the row it stopped at. A method of
   * its own, called once per chunk and group: as the innermost of `runRemote`'s three loops, V8
   * compiled it on the stack (OSR) and threw that code away at each exit from it ("exit from
   * OSR'd inner loop", 35 times in the first 1.5 s), so the page's first Start ran at a
   * fraction of its rate, 0.3-0.7 s behind schedule, until V8 optimised the whole function.
   */
  private copyDue(ch: FeedChunk, end: number, now: number, earliest: number): number {
    const c = this.c;
    const s = c.store;
    const send = this.send;
    const recs = this.recs;
    const lens = this.lens;
    const prio = this.priority;
    const hostNum = c.hostNum;
    const sw = s.words;
    const slen = s.len;
    const timeUs = ch.timeUs;
    const mixIndex = ch.mixIndex;
    const words = ch.words;
    let i = ch.pos;
    for (; i < end; i++) {
      const due = timeUs[i]!;
      if (due > now) break;
      const mi = mixIndex[i]!;
      const rec = recs[mi]!;
      const ref = s.alloc();
      send.initMessage(ref, rec, 0, -1, due < earliest ? earliest : due);
      slen[ref] = lens[mi]!;
      const src = i * INLINE_WORDS;
      const dst = ref * INLINE_WORDS;
      sw[dst] = words[src]!;
      sw[dst + 1] = words[src + 1]!;
      sw[dst + 2] = words[src + 2]!;
      sw[dst + 3] = words[src + 3]!;
      sw[dst + 4] = words[src + 4]!;
      sw[dst + 5] = words[src + 5]!;
      sw[dst + 6] = words[src + 6]!;
      sw[dst + 7] = words[src + 7]!;
      send.enqueue(ref, rec, prio, HOST_KERNEL, hostNum);
    }
    return i;
  }

  /**
   * Takes a reference for every row `fill` may write, zeroes its inline words (padding reads 0)
   * and points the batch's rows at them.
   */
  private takeRows(batch: GeneratedBatch): void {
    const s = this.c.store;
    const cap = batch.capacity;
    s.reserve(cap);
    const sw = s.words;
    if (this.storeViewsOf !== sw) {
      this.storeViews = viewsOf(s.bytes);
      this.storeViewsOf = sw;
    }
    const refs = this.refs;
    const rowAt = this.rowAt;
    for (let i = 0; i < cap; i++) {
      const ref = s.alloc();
      refs[i] = ref;
      rowAt[i] = ref * INLINE_WORDS * 4;
      clearRow8(sw, ref * INLINE_WORDS);
    }
    if (batch.target?.views !== this.storeViews) batch.target = { views: this.storeViews!, rowAt };
  }

  snapshot(): EngineSnapshot['generator'] {
    const run = this.remote ?? this.generator;
    if (!run)
      return {
        running: false,
        emitted: this.lastEmitted,
        lagMs: 0,
        onWorker: false,
        ...(this.finished ? { finished: true, spec: this.finished } : {}),
      };
    return {
      running: true,
      emitted: run.emitted,
      spec: run.spec,
      lagMs: Math.max(0, (this.c.nowUs - run.nextDue) / 1000),
      startedUs: this.runStartedUs,
      onWorker: this.remote !== null,
    };
  }
}

/** The payload layout a mix entry fixes with its own `fields`, if it does (see `GeneratorSpec.mix`). */
function mixLayout(e: NonNullable<GeneratorSpec['mix']>[number]) {
  if (!('fields' in e) || e.fields === undefined) return undefined;
  const bad = (why: string) => err('InvalidCommand', `mix entry ${String(e.typeId)}: ${why}`);
  if (!Array.isArray(e.fields)) return bad('fields must be a list.');
  const layout = layoutOf(e.fields);
  if (
    layout.fields.some(
      (f) => typeof f.name !== 'string' || !(Number.isInteger(f.size) && f.size >= 1),
    )
  )
    return bad('every field needs a name and a known type (bytes with a size of 1 or more).');
  if (layout.size > 65_536) return bad('a payload holds at most 65,536 bytes.');
  return layout;
}
