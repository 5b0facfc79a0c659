/**
 * Traffic into the engine: hand injections (`inject`) and the seeded generator. Generated
 * messages are written straight into the message store's columns and dispatched in batches.
 * The generator works in time slices: when a slice is used up it stops where it is and goes on
 * in the next, so a saturated engine falls behind the generator's schedule (reported as its lag)
 * instead of holding the worker until it has caught up.
 */
import { HOST_KERNEL } from '../core';
import { err, normU64, type EngineCore, type TypeRec } from './context';
import { viewsOf, type Views } from './generator-fields';
import { GeneratedBatch, TrafficGenerator, validateSpec, type MixEntry } from './generators';
import { encodePayload } from './payload';
import type { EngineCommand, EngineSnapshot, GeneratorSpec } from './protocol';
import type { SendPath } from './send';
import { clearRow8, INLINE_WORDS } from './store';

export const GEN_CHUNK = 1024;
/** Hand-injected messages traced exactly per `inject` command. */
const MAX_TRACED_PER_INJECT = 10_000;

export class Traffic {
  private generator: TrafficGenerator | null = null;
  private batch: GeneratedBatch | null = null;
  private words: Uint32Array | null = null;
  private recs: TypeRec[] = [];
  private lens = new Uint32Array(0);
  private priority = 0;
  private lastEmitted = 0;
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

  constructor(
    private readonly c: EngineCore,
    private readonly send: SendPath,
    /** Lets the kernels take what was just dispatched (they run concurrently with traffic). */
    private readonly drainAll: () => void,
  ) {}

  get running(): boolean {
    return this.generator !== null;
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
      layout: recs[i]!.layout ?? { size: 0, fields: [] },
    }));
    const priority = spec.priority ?? c.dispatcher.defaultPriority;
    const gen = new TrafficGenerator(spec, mix, c.nowUs);
    const stride = Math.max(INLINE_WORDS * 4, Math.ceil(TrafficGenerator.strideFor(mix) / 4) * 4);
    this.batch = new GeneratedBatch(GEN_CHUNK, stride);
    this.direct = TrafficGenerator.strideFor(mix) <= INLINE_WORDS * 4;
    this.words = new Uint32Array(this.batch.payload.buffer);
    this.recs = recs;
    this.lens = Uint32Array.from(mix, (e) => e.layout.size);
    this.generator = gen;
    this.priority = priority;
    this.lastRunUs = c.nowUs;
  }

  stop(): void {
    if (this.generator) this.lastEmitted = this.generator.emitted;
    this.generator = null;
  }

  /** Emits what is due by now, chunk by chunk, until due or the time slice is used up. */
  run(): void {
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
    if (gen.done) this.generator = null;
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
    const gen = this.generator;
    if (!gen) return { running: false, emitted: this.lastEmitted, lagMs: 0 };
    return {
      running: true,
      emitted: gen.emitted,
      spec: gen.spec,
      lagMs: Math.max(0, (this.c.nowUs - gen.nextDue) / 1000),
    };
  }

  inject(cmd: Extract<EngineCommand, { type: 'inject' }>): number {
    const c = this.c;
    const typeId = normU64(cmd.typeId);
    const count = cmd.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
      err('InvalidCommand', `count must be an integer in 1..10,000,000 (got ${count}).`);
    }
    const priority = cmd.priority ?? c.dispatcher.defaultPriority;
    if (!Number.isInteger(priority) || priority < 0 || priority > 255) {
      err('InvalidCommand', `priority must be an integer in 0..255 (got ${priority}).`);
    }
    const source = cmd.source ?? HOST_KERNEL;
    if (source !== HOST_KERNEL && !c.kernels.has(source)) {
      err('UnknownKernel', `Source "${String(cmd.source)}" is not a kernel.`);
    }
    const known = c.typeByKey.get(typeId);
    let bytes: Uint8Array;
    try {
      bytes =
        cmd.payload instanceof Uint8Array
          ? cmd.payload
          : known?.layout
            ? this.randomPayload(known, cmd.payload ?? {})
            : new Uint8Array(0);
    } catch (e) {
      return err('InvalidPayload', e instanceof Error ? e.message : String(e));
    }
    if (bytes.length > 65_536) err('InvalidPayload', 'A payload holds at most 65,536 bytes.');
    const rec = c.typeRec(typeId);
    const srcNum = c.broker.kernelNumber(source);
    const s = c.store;
    const send = this.send;
    for (let i = 0; i < count; i++) {
      const ref = s.alloc();
      send.initMessage(ref, rec, cmd.correlationId ?? 0, -1, c.nowUs);
      s.setPayload(ref, bytes);
      // Messages injected by hand are traced exactly (and so are their outputs).
      if (i < MAX_TRACED_PER_INJECT) s.traced[ref] = 1;
      c.injected++;
      send.enqueue(ref, rec, priority, source, srcNum);
    }
    send.flush(source, srcNum);
    return count;
  }

  /** Given field values over a random fill (so a form may leave fields empty). */
  private randomPayload(
    rec: TypeRec,
    values: Record<string, number | bigint | string | boolean>,
  ): Uint8Array {
    const c = this.c;
    const layout = rec.layout!;
    const next = c.broker.lastMessageId + 1;
    const gen = new TrafficGenerator(
      { ratePerSec: 1, seed: next },
      [{ typeId: rec.typeId, weight: 1, layout }],
      0,
    );
    const batch = new GeneratedBatch(1, Math.max(4, layout.size));
    gen.fill(0, batch);
    const base = batch.payload.slice(0, layout.size);
    const id = layout.fields.find((f) => f.name === 'id');
    const v = { ...values };
    if (id && v['id'] === undefined) v['id'] = next;
    const ts = layout.fields.find((f) => f.name === 'timestampUs');
    if (ts && v['timestampUs'] === undefined) v['timestampUs'] = c.nowUs;
    return encodePayload(layout, v, base);
  }
}
