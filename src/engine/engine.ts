/**
 * The engine: routing, per-kernel queues, kernels, generators, receipts, dead letters and exact
 * accounting, driven by injected time (`now`) and explicit `tick`s. No timers, no DOM, no WebGPU:
 * the worker adapter plugs in timers and, through `makeKernel`, GPU runtimes.
 */
import { readU64 } from '../core/config';
import type { RouteConfig } from '../core/config';
import { createTwin } from '../gpu/kernels/twins.ts';
import {
  FLAG_REQUIRES_RESPONSE,
  FLAG_RESPONSE,
  PAYLOAD_WORDS,
  createMessageBatch,
  u64FromWords,
  u64Words,
  type KernelRuntime,
  type KernelTwin,
  type MessageBatch,
  type OutputBatch,
} from '../gpu/kernels/types.ts';
import { GeneratedBatch, TrafficGenerator, validateSpec, type MixEntry } from './generators';
import { InputConverter, OutputConverter } from './kernel-io';
import { encodePayload, layoutOf, type PayloadLayout } from './payload';
import type {
  DeadLetterFilter,
  DeadLetterRow,
  EngineCommand,
  EngineError,
  EngineErrorCode,
  EngineEvent,
  EngineReply,
  EngineSnapshot,
  GeneratorSpec,
  KernelConfig,
  ReceiptStatus,
  RedriveResult,
  U64,
  U64Input,
} from './protocol';
import { LatencyRing, ReceiptLog } from './receipts';
import { INLINE_WORDS, MessageQueue, MessageScratch, payloadOf, setPayload } from './store';

/** What `makeKernel` may return: a synchronous CPU twin or an (asynchronous) runtime. */
export type KernelImpl = KernelTwin | KernelRuntime;

export interface EngineOptions {
  config: RouteConfig;
  /** Simulated or wall time in microseconds; read once per tick and per command. */
  now: () => number;
  onEvent?: (event: EngineEvent) => void;
  /** Builds a kernel's runtime; default: the CPU twin of its behaviour. */
  makeKernel?: (kernel: KernelConfig) => KernelImpl;
  /** Rows per kernel `process` call. Default 1024. */
  batchSize?: number;
  /** Dead letters held before the oldest are evicted. Default 10,000. */
  maxDeadLetters?: number;
  /** Upper bound on generated messages per tick, so one tick cannot stall the worker. Default 4 M. */
  maxGeneratedPerTick?: number;
}

export interface Engine {
  /** Applies one command atomically; errors are values. */
  command(cmd: EngineCommand): EngineReply;
  /** Advances: generators emit what is due by `now()`, kernels drain their queues. */
  tick(elapsedUs?: number): void;
  /** A snapshot; receipts/dead letters in `recent` are those new since the previous snapshot. */
  snapshot(): EngineSnapshot;
  /** Lets kernels drain until every queue is empty (or `maxRounds` batches per kernel). */
  drain(maxRounds?: number): void;
  /** True while a generator runs (the worker then ticks as fast as it can). */
  snapshotGeneratorRunning(): boolean;
  destroy(): void;
}

const HOST = 0;
const MAX_RECENT_LETTERS = 500;
const DEFAULT_BATCH = 1024;
const GEN_CHUNK = 1024;

class EngineFailure extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface EdgeAcc {
  source: string;
  target: string;
  total: number;
  last: number;
  rate: number;
}

interface TypeRec {
  typeId: U64;
  lo: number;
  hi: number;
  name: string;
  /** Graph node id of the type, `type:<id>`. */
  label: string;
  layout: PayloadLayout | null;
  flags: number;
  /** Name index of the routed kernel; -1 = no route. */
  route: number;
  input: InputConverter;
  outputs: Map<string, OutputConverter>;
  edges: Map<number, EdgeAcc>;
}

interface KernelState {
  idx: number;
  cfg: KernelConfig;
  queue: MessageQueue;
  impl: KernelImpl;
  backend: 'webgpu' | 'cpu';
  busy: boolean;
  inFlight: number;
  batch: MessageBatch;
  /** Per batch row: message id, and (for async runtimes) whether it was counted. */
  rowId: Float64Array;
  processed: number;
  dropped: number;
  emitted: number;
  rate: number;
  lastProcessed: number;
  edges: Map<number, EdgeAcc>;
}

interface Letter extends DeadLetterRow {
  flags: number;
  enteredUs: number;
  /** Name index of the original destination. */
  dstIdx: number;
  srcIdx: number;
}

function err(code: EngineErrorCode, message: string): never {
  throw new EngineFailure(code, message);
}

/** Normalises a u64 given as number, bigint or decimal string; throws an InvalidCommand failure. */
export function normU64(x: U64Input): U64 {
  const big = readU64(x);
  if (big === undefined) err('InvalidCommand', `"${String(x)}" is not a u64 type id.`);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function isPromise(x: unknown): x is Promise<OutputBatch> {
  return (
    typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function'
  );
}

/**
 * Creates an engine for a config.
 *
 * @example
 * let t = 0;
 * const engine = createEngine({ config: demoConfig(), now: () => t });
 * engine.command({ type: 'inject', typeId: 1001, payload: { amount: 15_000 } });
 * t += 1000; engine.tick();
 * engine.snapshot().receipts.byStatus.Delivered; // 2 (the transaction and its alert)
 */
export function createEngine(options: EngineOptions): Engine {
  return new EngineImpl(options);
}

class EngineImpl implements Engine {
  private config!: RouteConfig;
  private readonly now: () => number;
  private readonly onEvent: ((e: EngineEvent) => void) | undefined;
  private readonly makeKernel: (k: KernelConfig) => KernelImpl;
  private readonly batchSize: number;
  private readonly maxDeadLetters: number;
  private readonly maxGeneratedPerTick: number;

  private nowUs = 0;
  private hlcP = 0;
  private hlcL = 0;
  private nextId = 1;

  private readonly names: string[] = ['host'];
  private readonly nameIdx = new Map<string, number>([['host', HOST]]);
  private kernels: (KernelState | undefined)[] = [];
  private types = new Map<U64, TypeRec>();
  private k2k = new Map<number, number>();
  private maxHops = 8;
  private defaultPriority = 0;

  // Dispatcher metrics (the seed's semantics).
  private mDispatched = 0;
  private mDelivered = 0;
  private mUnknown = 0;
  private mDeliveryErrors = 0;

  // Accounting.
  private injected = 0;
  private emitted = 0;
  private processed = 0;
  private failed = new Map<string, number>();
  private inFlightTotal = 0;
  private carriedOver = 0;

  private readonly receipts = new ReceiptLog();
  private readonly latency = new LatencyRing();

  private letters: (Letter | undefined)[] = [];
  private letterHead = 0;
  private letterCount = 0;
  private nextLetterId = 1;
  private evicted = 0;
  private refusedCrossTenant = 0;
  private recentLetters: Letter[] = [];
  private deadByDest = new Map<number, number>();

  private generator: TrafficGenerator | null = null;
  private genBatch: GeneratedBatch | null = null;
  private genWords: Uint32Array | null = null;
  private genPriority = 0;
  private lastGenEmitted = 0;

  private seq = 0;
  private lastSnapshotUs = 0;
  private readonly m = new MessageScratch();
  private readonly fwd = new MessageScratch();
  private readonly rawOutput = new OutputConverter(null, 'generic');

  constructor(o: EngineOptions) {
    this.now = o.now;
    this.onEvent = o.onEvent;
    this.makeKernel = o.makeKernel ?? ((k) => createTwin(k.behavior));
    this.batchSize = o.batchSize ?? DEFAULT_BATCH;
    this.maxDeadLetters = o.maxDeadLetters ?? 10_000;
    this.maxGeneratedPerTick = o.maxGeneratedPerTick ?? 4_000_000;
    this.nowUs = Math.floor(this.now());
    this.lastSnapshotUs = this.nowUs;
    this.applyConfig(o.config);
  }

  // ---------------------------------------------------------------------------------------------
  // Names, types, kernels

  private idxOf(name: string): number {
    let i = this.nameIdx.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIdx.set(name, i);
    }
    return i;
  }

  private typeRec(typeId: U64): TypeRec {
    let rec = this.types.get(typeId);
    if (!rec) {
      const w = u64Words(typeId);
      rec = {
        typeId,
        lo: w.lo,
        hi: w.hi,
        name: `type ${String(typeId)}`,
        label: `type:${String(typeId)}`,
        layout: null,
        flags: 0,
        route: -1,
        input: new InputConverter(null),
        outputs: new Map(),
        edges: new Map(),
      };
      this.types.set(typeId, rec);
    }
    return rec;
  }

  private setTypeDef(def: RouteConfig['messageTypes'][number]): void {
    const rec = this.typeRec(normU64(def.typeId));
    rec.name = def.name;
    rec.layout = layoutOf(def.fields);
    rec.flags = def.requiresResponse ? FLAG_REQUIRES_RESPONSE : 0;
    rec.input = new InputConverter(rec.layout);
    rec.outputs.clear();
  }

  private clearTypeDef(rec: TypeRec): void {
    rec.name = `type ${String(rec.typeId)}`;
    rec.layout = null;
    rec.flags = 0;
    rec.input = new InputConverter(null);
    rec.outputs.clear();
  }

  private checkKernelConfig(k: KernelConfig): void {
    if (typeof k.id !== 'string' || k.id.length === 0 || k.id === 'host') {
      err('InvalidConfig', `Kernel id "${String(k.id)}" is not allowed (non-empty, not "host").`);
    }
    if (!Number.isInteger(k.queueCapacity) || k.queueCapacity < 1 || k.queueCapacity > 1 << 20) {
      err('InvalidConfig', `Kernel "${k.id}": queueCapacity must be an integer in 1..1,048,576.`);
    }
    if (!['reject', 'dropOldest', 'deadLetter'].includes(k.overflowPolicy)) {
      err('InvalidConfig', `Kernel "${k.id}": unknown overflow policy "${k.overflowPolicy}".`);
    }
    if (!['fraud', 'aggregator', 'pattern', 'generic'].includes(k.behavior)) {
      err('InvalidConfig', `Kernel "${k.id}": unknown behavior "${k.behavior}".`);
    }
  }

  private upsertKernel(cfg: KernelConfig): void {
    this.checkKernelConfig(cfg);
    const idx = this.idxOf(cfg.id);
    const existing = this.kernels[idx];
    if (!existing) {
      const impl = this.makeKernel(cfg);
      this.kernels[idx] = {
        idx,
        cfg: { ...cfg },
        queue: new MessageQueue(cfg.queueCapacity),
        impl,
        backend: 'backend' in impl ? impl.backend : 'cpu',
        busy: false,
        inFlight: 0,
        batch: createMessageBatch(this.batchSize),
        rowId: new Float64Array(this.batchSize),
        processed: 0,
        dropped: 0,
        emitted: 0,
        rate: 0,
        lastProcessed: 0,
        edges: new Map(),
      };
      return;
    }
    const old = existing.cfg;
    existing.cfg = { ...cfg };
    if (old.behavior !== cfg.behavior || old.backend !== cfg.backend) {
      if ('destroy' in existing.impl) existing.impl.destroy();
      existing.impl = this.makeKernel(cfg);
      existing.backend = 'backend' in existing.impl ? existing.impl.backend : 'cpu';
    }
    if (old.queueCapacity !== cfg.queueCapacity) this.resize(existing);
  }

  /** Moves a kernel's messages into a queue of the new capacity; the excess becomes dead letters. */
  private resize(k: KernelState): void {
    const from = k.queue;
    const to = new MessageQueue(k.cfg.queueCapacity);
    const m = this.fwd;
    for (let s = from.popSlot(); s >= 0; s = from.popSlot()) {
      from.read(s, m);
      if (to.size >= k.cfg.queueCapacity || to.push(m) < 0) {
        this.deadLetter('QueueFull', m, m.src, k.idx);
      }
    }
    k.queue = to;
  }

  private removeKernel(id: string): void {
    const idx = this.nameIdx.get(id);
    const k = idx === undefined ? undefined : this.kernels[idx];
    if (!k || idx === undefined) err('UnknownKernel', `There is no kernel "${id}" to remove.`);
    const m = this.fwd;
    for (let s = k.queue.popSlot(); s >= 0; s = k.queue.popSlot()) {
      k.queue.read(s, m);
      if (m.sampled) this.receipts.release();
      this.deadLetter('NotFound', m, m.src, m.dst);
    }
    if ('destroy' in k.impl) k.impl.destroy();
    this.kernels[idx] = undefined;
  }

  private applyConfig(config: RouteConfig): void {
    if (!config || config.version !== 1) {
      err('InvalidConfig', 'Only route config documents of version 1 can be loaded.');
    }
    for (const k of config.kernels) this.checkKernelConfig(k);
    const ids = new Set(config.kernels.map((k) => k.id));
    if (ids.size !== config.kernels.length) err('InvalidConfig', 'Kernel ids must be unique.');
    // Validate type ids before changing anything, so a bad document never half-applies.
    for (const t of config.messageTypes) normU64(t.typeId);
    for (const r of config.routes) normU64(r.typeId);

    this.config = config;
    for (const k of this.kernels) if (k && !ids.has(k.cfg.id)) this.removeKernel(k.cfg.id);
    for (const k of config.kernels) this.upsertKernel(k);
    for (const rec of this.types.values()) {
      this.clearTypeDef(rec);
      rec.route = -1;
    }
    for (const t of config.messageTypes) this.setTypeDef(t);
    for (const r of config.routes) this.typeRec(normU64(r.typeId)).route = this.idxOf(r.kernelId);
    this.k2k.clear();
    for (const r of config.k2kRoutes) this.k2k.set(this.idxOf(r.dest), this.idxOf(r.nextHop));
    this.maxHops = config.broker.maxHops;
    this.defaultPriority = config.broker.defaultPriority;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  private stamp(m: MessageScratch): void {
    const p = this.nowUs;
    if (p > this.hlcP) {
      this.hlcP = p;
      this.hlcL = 0;
    } else {
      this.hlcL++;
    }
    m.hlcPhysical = this.hlcP;
    m.hlcLogical = this.hlcL;
  }

  private typeIdOf(m: MessageScratch): U64 {
    return u64FromWords(m.typeLo, m.typeHi);
  }

  private edge(map: Map<number, EdgeAcc>, source: string, target: number): void {
    let e = map.get(target);
    if (!e) {
      e = { source, target: this.names[target] ?? '?', total: 0, last: 0, rate: 0 };
      map.set(target, e);
    }
    e.total++;
  }

  /** Routes by type id (the dispatcher): updates the seed's metrics. */
  private dispatch(m: MessageScratch, rec: TypeRec | undefined, src: number): ReceiptStatus {
    if (!rec || rec.route < 0) {
      this.mDispatched++;
      this.mUnknown++;
      m.dst = -1;
      this.fail('NoRoute', m, src, -1);
      return 'NoRoute';
    }
    m.dst = rec.route;
    const status = this.send(m, src, rec.route, rec);
    if (status === 'TenantMismatch') return status;
    this.mDispatched++;
    if (status === 'Delivered') this.mDelivered++;
    else if (status !== 'Pending') this.mDeliveryErrors++;
    return status;
  }

  /**
   * The broker: delivers to `dst` when it is a kernel, else forwards to its next hop (Pending),
   * else NotFound. Failures are recorded (receipt, dead letter or drop) here.
   */
  private send(
    m: MessageScratch,
    src: number,
    dst: number,
    rec: TypeRec | undefined,
  ): ReceiptStatus {
    m.dst = dst;
    let target = this.kernels[dst];
    let status: ReceiptStatus = 'Delivered';
    if (!target) {
      const hop = this.k2k.get(dst);
      const hopKernel = hop === undefined ? undefined : this.kernels[hop];
      if (!hopKernel) {
        this.fail('NotFound', m, src, dst);
        return 'NotFound';
      }
      if (m.hops + 1 > this.maxHops) {
        this.fail('MaxHopsExceeded', m, src, dst);
        return 'MaxHopsExceeded';
      }
      m.hops++;
      target = hopKernel;
      status = 'Pending';
    }
    const srcKernel = src === HOST ? undefined : this.kernels[src];
    if (srcKernel && srcKernel.cfg.tenantId !== target.cfg.tenantId) {
      this.fail('TenantMismatch', m, src, dst);
      return 'TenantMismatch';
    }
    const q = target.queue;
    if (q.size >= target.cfg.queueCapacity || q.isFull()) {
      switch (target.cfg.overflowPolicy) {
        case 'reject':
          target.dropped++;
          this.count('QueueFull', m, src, dst);
          this.addFailed('QueueFull');
          return 'QueueFull';
        case 'deadLetter':
          target.dropped++;
          this.fail('QueueFull', m, src, dst);
          return 'QueueFull';
        case 'dropOldest': {
          const victim = q.evictSlot();
          if (q.sampled[victim] === 1) this.receipts.release();
          q.big[victim] = undefined;
          target.dropped++;
          this.addFailed('DroppedOldest');
          break;
        }
      }
    }
    const seq = this.receipts.count(status);
    m.seq = seq;
    const typeId = rec ? rec.typeId : this.typeIdOf(m);
    m.sampled =
      status === 'Delivered' &&
      this.receipts.wants(status, typeId, this.names[src] ?? '?', this.names[dst] ?? '?');
    if (
      status === 'Pending' &&
      this.receipts.wants(status, typeId, this.names[src] ?? '?', this.names[dst] ?? '?')
    ) {
      this.row(seq, status, m, src, dst, null);
    }
    q.push(m);
    if (src === HOST && rec) this.edge(rec.edges, rec.label, target.idx);
    else if (srcKernel) this.edge(srcKernel.edges, srcKernel.cfg.id, target.idx);
    return status;
  }

  private addFailed(why: string, n = 1): void {
    this.failed.set(why, (this.failed.get(why) ?? 0) + n);
  }

  /** Counts a receipt and materialises it when sampled. */
  private count(status: ReceiptStatus, m: MessageScratch, src: number, dst: number): void {
    const seq = this.receipts.count(status);
    const dstName = dst < 0 ? '' : (this.names[dst] ?? '?');
    if (this.receipts.wants(status, this.typeIdOf(m), this.names[src] ?? '?', dstName)) {
      this.row(seq, status, m, src, dst, null);
    }
  }

  /** A failed delivery: a receipt and a dead letter. */
  private fail(status: ReceiptStatus, m: MessageScratch, src: number, dst: number): void {
    this.count(status, m, src, dst);
    this.deadLetter(status, m, src, dst);
  }

  private row(
    seq: number,
    status: ReceiptStatus,
    m: MessageScratch,
    src: number,
    dst: number,
    latencyUs: number | null,
  ): void {
    this.receipts.add({
      seq,
      hlc: { physical: m.hlcPhysical, logical: m.hlcLogical, nodeId: 1 },
      messageId: m.id,
      typeId: this.typeIdOf(m),
      source: this.names[src] ?? '?',
      destination: dst < 0 ? '' : (this.names[dst] ?? '?'),
      status,
      hops: m.hops,
      latencyUs,
      priority: m.priority,
      correlationId: m.correlationId,
      parentId: m.parentId < 0 ? null : m.parentId,
      payload: payloadOf(m),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Dead letters

  private deadLetter(reason: ReceiptStatus, m: MessageScratch, src: number, dst: number): void {
    const destKernel = dst >= 0 ? this.kernels[dst] : undefined;
    const srcKernel = this.kernels[src];
    const letter: Letter = {
      id: this.nextLetterId++,
      messageId: m.id,
      typeId: this.typeIdOf(m),
      reason,
      source: this.names[src] ?? '?',
      destination: dst < 0 ? '' : (this.names[dst] ?? '?'),
      tenantId: destKernel?.cfg.tenantId ?? srcKernel?.cfg.tenantId ?? 0,
      attempts: m.attempts + 1,
      priority: m.priority,
      correlationId: m.correlationId,
      parentId: m.parentId < 0 ? null : m.parentId,
      atUs: this.nowUs,
      payload: payloadOf(m),
      flags: m.flags,
      enteredUs: m.enteredUs,
      dstIdx: dst,
      srcIdx: src,
    };
    this.letters.push(letter);
    this.letterCount++;
    if (dst >= 0) this.deadByDest.set(dst, (this.deadByDest.get(dst) ?? 0) + 1);
    if (this.recentLetters.length < MAX_RECENT_LETTERS) this.recentLetters.push(letter);
    while (this.letterCount > this.maxDeadLetters) {
      const old = this.letters[this.letterHead];
      this.letters[this.letterHead++] = undefined;
      if (old) {
        this.letterCount--;
        this.evicted++;
        this.addFailed('Evicted');
      }
    }
    if (this.letterHead > 4096 && this.letterHead * 2 > this.letters.length) {
      this.letters = this.letters.slice(this.letterHead);
      this.letterHead = 0;
    }
  }

  private selectLetters(filter: DeadLetterFilter | undefined): number[] {
    const ids = filter?.ids ? new Set(filter.ids) : null;
    const reasons = filter?.reasons ? new Set(filter.reasons) : null;
    const typeIds = filter?.typeIds ? new Set(filter.typeIds.map(normU64)) : null;
    const dests = filter?.destinations ? new Set(filter.destinations) : null;
    const sources = filter?.sources ? new Set(filter.sources) : null;
    const out: number[] = [];
    for (let i = this.letterHead; i < this.letters.length; i++) {
      const l = this.letters[i];
      if (!l) continue;
      if (ids && !ids.has(l.id)) continue;
      if (reasons && !reasons.has(l.reason)) continue;
      if (typeIds && !typeIds.has(l.typeId)) continue;
      if (dests && !dests.has(l.destination)) continue;
      if (sources && !sources.has(l.source)) continue;
      out.push(i);
    }
    return out;
  }

  private takeLetter(i: number): Letter {
    const l = this.letters[i]!;
    this.letters[i] = undefined;
    this.letterCount--;
    return l;
  }

  private redrive(cmd: Extract<EngineCommand, { type: 'redrive' }>): RedriveResult {
    const target = cmd.target ?? cmd.overrides?.destination;
    const targetIdx = target === undefined ? undefined : this.nameIdx.get(target);
    if (target !== undefined && (targetIdx === undefined || !this.kernels[targetIdx])) {
      err('UnknownKernel', `Cannot redrive to "${target}": no such kernel.`);
    }
    const o = cmd.overrides;
    if (
      o?.priority !== undefined &&
      (!Number.isInteger(o.priority) || o.priority < 0 || o.priority > 255)
    ) {
      err('InvalidCommand', `priority must be an integer in 0..255 (got ${o.priority}).`);
    }
    const chosen = this.selectLetters(cmd.filter);
    const result: RedriveResult = {
      selected: chosen.length,
      redriven: 0,
      failedAgain: 0,
      refusedCrossTenant: 0,
    };
    const m = this.m;
    for (const i of chosen) {
      const l = this.letters[i]!;
      const destIdx = targetIdx ?? l.dstIdx;
      const destKernel = destIdx >= 0 ? this.kernels[destIdx] : undefined;
      if (targetIdx !== undefined && destKernel && destKernel.cfg.tenantId !== l.tenantId) {
        result.refusedCrossTenant++;
        this.refusedCrossTenant++;
        continue;
      }
      this.takeLetter(i);
      const w = u64Words(l.typeId);
      m.id = l.messageId;
      m.typeLo = w.lo;
      m.typeHi = w.hi;
      m.src = HOST;
      m.priority = o?.priority ?? l.priority;
      m.flags = l.flags;
      m.hops = 0;
      m.correlationId = o?.correlationId ?? l.correlationId;
      m.parentId = l.parentId ?? -1;
      m.enteredUs = l.enteredUs;
      m.attempts = l.attempts;
      setPayload(m, l.payload);
      this.stamp(m);
      const rec = this.types.get(l.typeId);
      const status = destIdx < 0 ? this.dispatch(m, rec, HOST) : this.send(m, HOST, destIdx, rec);
      if (status === 'Delivered' || status === 'Pending') result.redriven++;
      else result.failedAgain++;
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Processing

  private drainKernel(k: KernelState, budget: number): number {
    let done = 0;
    const q = k.queue;
    const b = k.batch;
    const m = this.fwd;
    let lastRec: TypeRec | undefined;
    while (done < budget && q.size > 0 && !k.busy && this.kernels[k.idx] === k) {
      b.count = 0;
      while (b.count < b.capacity && q.size > 0) {
        const s = q.popSlot();
        if ((q.dst[s] ?? 0) !== k.idx) {
          // A message passing through on its way to another kernel: forward it, hops accumulate.
          q.read(s, m);
          if (m.sampled) this.receipts.release();
          this.stamp(m);
          this.send(m, k.idx, m.dst, this.types.get(this.typeIdOf(m)));
          continue;
        }
        const r = b.count++;
        const lo = q.typeLo[s] ?? 0;
        const hi = q.typeHi[s] ?? 0;
        if (!lastRec || lastRec.lo !== lo || lastRec.hi !== hi) {
          lastRec = this.types.get(u64FromWords(lo, hi));
        }
        const id = q.id[s] ?? 0;
        b.typeLo[r] = lo;
        b.typeHi[r] = hi;
        b.idLo[r] = id >>> 0;
        b.idHi[r] = Math.floor(id / 4294967296) >>> 0;
        b.source[r] = q.src[s] ?? 0;
        b.priority[r] = q.priorityOf(s);
        b.flags[r] = q.flags[s] ?? 0;
        k.rowId[r] = id;
        const entered = q.enteredUs[s] ?? 0;
        const conv = lastRec?.input;
        if (conv) {
          conv.convert(
            q.words,
            s * INLINE_WORDS,
            q.big[s],
            b.payload,
            r * PAYLOAD_WORDS,
            id,
            entered,
          );
        } else {
          for (let w = 0; w < PAYLOAD_WORDS; w++)
            b.payload[r * PAYLOAD_WORDS + w] = q.words[s * INLINE_WORDS + w] ?? 0;
        }
        this.latency.add(this.nowUs - entered);
        if (q.sampled[s] === 1) {
          q.read(s, m);
          this.row(m.seq, 'Delivered', m, m.src, k.idx, this.nowUs - entered);
        } else {
          q.big[s] = undefined;
        }
      }
      if (b.count === 0) continue;
      const n = b.count;
      done += n;
      const out = k.impl.process(b);
      if (isPromise(out)) {
        k.busy = true;
        k.inFlight = n;
        this.inFlightTotal += n;
        out.then(
          (o) => this.finishAsync(k, n, o),
          (e: unknown) => this.finishAsync(k, n, null, e),
        );
        return done;
      }
      k.processed += n;
      this.processed += n;
      this.emit(k, out);
    }
    return done;
  }

  private finishAsync(k: KernelState, n: number, out: OutputBatch | null, error?: unknown): void {
    k.busy = false;
    k.inFlight = 0;
    this.inFlightTotal -= n;
    if (!out) {
      this.addFailed('KernelError', n);
      this.onEvent?.({
        type: 'error',
        error: {
          code: 'Internal',
          message: `Kernel "${k.cfg.id}" failed a batch: ${String(error)}`,
        },
      });
      return;
    }
    k.processed += n;
    this.processed += n;
    this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
    if (this.kernels[k.idx] === k) this.emit(k, out);
  }

  /** Sends a kernel's outputs on: responses back to their source, everything else by type. */
  private emit(k: KernelState, out: OutputBatch): void {
    const m = this.m;
    for (let r = 0; r < out.count; r++) {
      const parentRow = out.parentRow[r] ?? 0;
      const parentId = k.rowId[parentRow] ?? 0;
      const lo = out.typeLo[r] ?? 0;
      const hi = out.typeHi[r] ?? 0;
      const rec = this.types.get(u64FromWords(lo, hi));
      m.id = this.nextId++;
      m.typeLo = lo;
      m.typeHi = hi;
      m.src = k.idx;
      m.priority = out.priority[r] ?? 0;
      m.flags = rec ? rec.flags : 0;
      m.hops = 0;
      m.correlationId = parentId;
      m.parentId = parentId;
      m.enteredUs = this.nowUs;
      m.attempts = 0;
      let conv = rec?.outputs.get(k.cfg.behavior);
      if (rec && !conv) {
        conv = new OutputConverter(rec.layout, k.cfg.behavior);
        rec.outputs.set(k.cfg.behavior, conv);
      }
      const bytes = (conv ?? new OutputConverter(null, k.cfg.behavior)).convert(
        out.payload,
        r * PAYLOAD_WORDS,
      );
      setPayload(m, bytes);
      this.stamp(m);
      this.emitted++;
      k.emitted++;
      if (((out.flags[r] ?? 0) & FLAG_RESPONSE) !== 0) {
        const dest = out.dest[r] ?? HOST;
        if (dest === HOST) {
          // The host consumes responses addressed to it at once.
          m.dst = HOST;
          this.count('Delivered', m, k.idx, HOST);
          this.processed++;
        } else {
          this.send(m, k.idx, dest, rec);
        }
      } else {
        this.dispatch(m, rec, k.idx);
      }
    }
  }

  drain(maxRounds = 1_000_000): void {
    this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
    for (let round = 0; round < maxRounds; round++) {
      let any = 0;
      for (const k of this.kernels) if (k) any += this.drainKernel(k, k.batch.capacity);
      if (any === 0) return;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generator

  private startGenerator(spec: GeneratorSpec): void {
    const problem = validateSpec(spec);
    if (problem) err('InvalidCommand', problem);
    const mixIn =
      spec.mix && spec.mix.length > 0
        ? spec.mix
        : this.config.routes.map((r) => ({ typeId: r.typeId, weight: 1 }));
    if (mixIn.length === 0)
      err('InvalidCommand', 'The config has no routes; give the generator a mix.');
    const mix: MixEntry[] = mixIn.map((e) => {
      const rec = this.types.get(normU64(e.typeId));
      return {
        typeId: normU64(e.typeId),
        weight: e.weight,
        layout: rec?.layout ?? { size: 0, fields: [] },
      };
    });
    const gen = new TrafficGenerator(spec, mix, this.nowUs);
    const stride = Math.max(INLINE_WORDS * 4, Math.ceil(TrafficGenerator.strideFor(mix) / 4) * 4);
    this.genBatch = new GeneratedBatch(GEN_CHUNK, stride);
    this.genWords = new Uint32Array(this.genBatch.payload.buffer);
    this.generator = gen;
    this.genPriority = spec.priority ?? this.defaultPriority;
  }

  private runGenerator(): void {
    const gen = this.generator;
    const batch = this.genBatch;
    const words = this.genWords;
    if (!gen || !batch || !words) return;
    const mix = gen.mix;
    const recs = mix.map((e) => this.types.get(e.typeId));
    const lens = mix.map((e) => e.layout.size);
    const wordsPer = batch.stride / 4;
    const m = this.m;
    let total = 0;
    while (total < this.maxGeneratedPerTick) {
      const n = gen.fill(this.nowUs, batch);
      if (n === 0) break;
      total += n;
      for (let i = 0; i < n; i++) {
        const mi = batch.mixIndex[i] ?? 0;
        const rec = recs[mi];
        const entry = mix[mi]!;
        const w = rec ?? u64Words(entry.typeId);
        m.id = this.nextId++;
        m.typeLo = w.lo;
        m.typeHi = w.hi;
        m.src = HOST;
        m.priority = this.genPriority;
        m.flags = rec ? rec.flags : 0;
        m.hops = 0;
        m.correlationId = 0;
        m.parentId = -1;
        m.enteredUs = batch.timeUs[i] ?? this.nowUs;
        m.attempts = 0;
        const base = i * wordsPer;
        for (let k = 0; k < INLINE_WORDS; k++) m.words[k] = words[base + k] ?? 0;
        const len = lens[mi] ?? 0;
        m.len = len;
        m.big =
          len > INLINE_WORDS * 4
            ? batch.payload.slice(i * batch.stride, i * batch.stride + len)
            : undefined;
        this.stamp(m);
        this.injected++;
        this.dispatch(m, rec, HOST);
      }
      // Let the kernels keep up between chunks, as they would run concurrently.
      for (const k of this.kernels) if (k) this.drainKernel(k, Number.POSITIVE_INFINITY);
      if (n < batch.capacity) break;
    }
    this.lastGenEmitted = gen.emitted;
    if (gen.done) this.generator = null;
  }

  tick(_elapsedUs?: number): void {
    this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
    this.runGenerator();
    this.drain(64);
  }

  // ---------------------------------------------------------------------------------------------
  // Commands

  command(cmd: EngineCommand): EngineReply {
    const requestId = cmd.requestId;
    const base = requestId === undefined ? {} : { requestId };
    try {
      this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
      const extra = this.apply(cmd);
      return { ok: true, ...base, command: cmd.type, ...extra };
    } catch (e) {
      const error: EngineError =
        e instanceof EngineFailure
          ? { code: e.code, message: e.message }
          : { code: 'Internal', message: e instanceof Error ? e.message : String(e) };
      const command =
        typeof cmd === 'object' && cmd && typeof cmd.type === 'string' ? cmd.type : 'unknown';
      return { ok: false, ...base, command, error };
    }
  }

  private apply(cmd: EngineCommand): Partial<Extract<EngineReply, { ok: true }>> {
    switch (cmd.type) {
      case 'loadConfig':
        this.applyConfig(cmd.config);
        return {};
      case 'inject':
        return { count: this.inject(cmd) };
      case 'startGenerator':
        this.startGenerator(cmd.spec);
        return {};
      case 'stopGenerator':
        this.generator = null;
        return {};
      case 'resetMetrics':
        this.resetMetrics();
        return {};
      case 'setRoute': {
        const id = normU64(cmd.typeId);
        this.typeRec(id).route = this.idxOf(cmd.kernelId);
        this.config = {
          ...this.config,
          routes: [
            ...this.config.routes.filter((r) => normU64(r.typeId) !== id),
            {
              typeId: cmd.typeId as number | string,
              kernelId: cmd.kernelId,
              ...(cmd.handlerName ? { handlerName: cmd.handlerName } : {}),
            },
          ],
        };
        return {};
      }
      case 'removeRoute': {
        const id = normU64(cmd.typeId);
        const rec = this.types.get(id);
        if (rec) rec.route = -1;
        this.config = {
          ...this.config,
          routes: this.config.routes.filter((r) => normU64(r.typeId) !== id),
        };
        return {};
      }
      case 'setK2kRoute':
        this.k2k.set(this.idxOf(cmd.dest), this.idxOf(cmd.nextHop));
        return {};
      case 'removeK2kRoute':
        this.k2k.delete(this.idxOf(cmd.dest));
        return {};
      case 'upsertKernel':
        this.upsertKernel(cmd.kernel);
        this.config = {
          ...this.config,
          kernels: [...this.config.kernels.filter((k) => k.id !== cmd.kernel.id), cmd.kernel],
        };
        return {};
      case 'removeKernel':
        this.removeKernel(cmd.kernelId);
        this.config = {
          ...this.config,
          kernels: this.config.kernels.filter((k) => k.id !== cmd.kernelId),
        };
        return {};
      case 'upsertType':
        normU64(cmd.messageType.typeId);
        this.setTypeDef(cmd.messageType);
        return {};
      case 'removeType': {
        const rec = this.types.get(normU64(cmd.typeId));
        if (rec) this.clearTypeDef(rec);
        return {};
      }
      case 'setBroker': {
        const b = { ...this.config.broker, ...cmd.broker };
        if (!Number.isInteger(b.maxHops) || b.maxHops < 0 || b.maxHops > 255)
          err('InvalidCommand', 'maxHops must be an integer in 0..255.');
        if (
          !Number.isInteger(b.defaultPriority) ||
          b.defaultPriority < 0 ||
          b.defaultPriority > 255
        ) {
          err('InvalidCommand', 'defaultPriority must be an integer in 0..255.');
        }
        this.config = { ...this.config, broker: b };
        this.maxHops = b.maxHops;
        this.defaultPriority = b.defaultPriority;
        return {};
      }
      case 'redrive':
        return { redrive: this.redrive(cmd) };
      case 'purgeDeadLetters': {
        const chosen = this.selectLetters(cmd.filter);
        for (const i of chosen) this.takeLetter(i);
        this.addFailed('Purged', chosen.length);
        return { count: chosen.length };
      }
      case 'listDeadLetters': {
        const chosen = this.selectLetters(cmd.filter);
        const offset = cmd.offset ?? 0;
        const limit = cmd.limit ?? 100;
        const rows = chosen
          .slice(offset, offset + limit)
          .map((i) => publicLetter(this.letters[i]!));
        return { deadLetters: { total: chosen.length, rows } };
      }
      case 'setReceiptFilter':
        this.receipts.setFilter(cmd.filter, (ids) => (ids ? new Set(ids.map(normU64)) : null));
        return {};
      case 'setSampling':
        if (!Number.isInteger(cmd.perSnapshotCap) || cmd.perSnapshotCap < 0) {
          err('InvalidCommand', 'perSnapshotCap must be a non-negative integer.');
        }
        this.receipts.perSnapshotCap = cmd.perSnapshotCap;
        return {};
      case 'snapshot':
        this.onEvent?.({ type: 'snapshot', snapshot: this.snapshot() });
        return {};
      case 'routes': {
        const routes: [U64, string][] = [];
        for (const rec of this.types.values())
          if (rec.route >= 0) routes.push([rec.typeId, this.names[rec.route] ?? '?']);
        return { routes };
      }
      default: {
        const unknown = cmd as { type?: unknown };
        return err('InvalidCommand', `Unknown command "${String(unknown.type)}".`);
      }
    }
  }

  private inject(cmd: Extract<EngineCommand, { type: 'inject' }>): number {
    const typeId = normU64(cmd.typeId);
    const count = cmd.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
      err('InvalidCommand', `count must be an integer in 1..10,000,000 (got ${count}).`);
    }
    const priority = cmd.priority ?? this.defaultPriority;
    if (!Number.isInteger(priority) || priority < 0 || priority > 255) {
      err('InvalidCommand', `priority must be an integer in 0..255 (got ${priority}).`);
    }
    const src = cmd.source === undefined ? HOST : this.nameIdx.get(cmd.source);
    if (src === undefined || (src !== HOST && !this.kernels[src])) {
      err('UnknownKernel', `Source "${String(cmd.source)}" is not a kernel.`);
    }
    const rec = this.types.get(typeId);
    let bytes: Uint8Array;
    try {
      bytes =
        cmd.payload instanceof Uint8Array
          ? cmd.payload
          : rec?.layout
            ? this.randomPayload(rec, cmd.payload ?? {})
            : new Uint8Array(0);
    } catch (e) {
      return err('InvalidPayload', e instanceof Error ? e.message : String(e));
    }
    if (bytes.length > 65_536) err('InvalidPayload', 'A payload holds at most 65,536 bytes.');
    const w = u64Words(typeId);
    const m = this.m;
    for (let i = 0; i < count; i++) {
      m.id = this.nextId++;
      m.typeLo = w.lo;
      m.typeHi = w.hi;
      m.src = src;
      m.priority = priority;
      m.flags = rec ? rec.flags : 0;
      m.hops = 0;
      m.correlationId = cmd.correlationId ?? 0;
      m.parentId = -1;
      m.enteredUs = this.nowUs;
      m.attempts = 0;
      setPayload(m, bytes);
      this.stamp(m);
      this.injected++;
      this.dispatch(m, rec, src);
    }
    return count;
  }

  /** Given field values over a random fill (so a form may leave fields empty). */
  private randomPayload(
    rec: TypeRec,
    values: Record<string, number | bigint | string | boolean>,
  ): Uint8Array {
    const layout = rec.layout!;
    const gen = new TrafficGenerator(
      { ratePerSec: 1, seed: this.nextId },
      [{ typeId: rec.typeId, weight: 1, layout }],
      0,
    );
    const batch = new GeneratedBatch(1, Math.max(4, layout.size));
    gen.fill(0, batch);
    const base = batch.payload.slice(0, layout.size);
    const id = layout.fields.find((f) => f.name === 'id');
    const v = { ...values };
    if (id && v['id'] === undefined) v['id'] = this.nextId;
    const ts = layout.fields.find((f) => f.name === 'timestampUs');
    if (ts && v['timestampUs'] === undefined) v['timestampUs'] = this.nowUs;
    return encodePayload(layout, v, base);
  }

  private resetMetrics(): void {
    this.mDispatched = 0;
    this.mDelivered = 0;
    this.mUnknown = 0;
    this.mDeliveryErrors = 0;
    this.receipts.reset();
    this.latency.reset();
    // Messages still held keep the equation exact after the counters restart.
    this.carriedOver = this.queuedNow() + this.letterCount;
    this.injected = 0;
    this.emitted = 0;
    this.processed = 0;
    this.failed.clear();
    this.evicted = 0;
    this.refusedCrossTenant = 0;
    this.deadByDest.clear();
    for (const k of this.kernels) {
      if (!k) continue;
      k.processed = 0;
      k.dropped = 0;
      k.emitted = 0;
      k.lastProcessed = 0;
      k.rate = 0;
      for (const e of k.edges.values()) e.total = e.last = e.rate = 0;
    }
    for (const t of this.types.values())
      for (const e of t.edges.values()) e.total = e.last = e.rate = 0;
  }

  private queuedNow(): number {
    let q = this.inFlightTotal;
    for (const k of this.kernels) if (k) q += k.queue.size;
    return q;
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshot

  snapshot(): EngineSnapshot {
    const now = this.nowUs;
    const dtSec = Math.max(1e-6, (now - this.lastSnapshotUs) / 1e6);
    const advanced = now > this.lastSnapshotUs;
    this.lastSnapshotUs = now;
    const smooth = (prev: number, inst: number): number =>
      prev === 0 ? inst : prev * 0.5 + inst * 0.5;
    const kernels: EngineSnapshot['kernels'] = [];
    const edges: EngineSnapshot['edges'] = [];
    const edgeOut = (e: EdgeAcc): void => {
      if (advanced) e.rate = smooth(e.rate, (e.total - e.last) / dtSec);
      e.last = e.total;
      edges.push({ source: e.source, target: e.target, ratePerSec: e.rate, total: e.total });
    };
    for (const k of this.kernels) {
      if (!k) continue;
      if (advanced) k.rate = smooth(k.rate, (k.processed - k.lastProcessed) / dtSec);
      k.lastProcessed = k.processed;
      const st = k.queue.stats();
      kernels.push({
        id: k.cfg.id,
        backend: k.backend,
        behavior: k.cfg.behavior,
        tenantId: k.cfg.tenantId,
        queueDepth: k.queue.size + k.inFlight,
        maxDepth: st.maxDepth,
        capacity: k.cfg.queueCapacity,
        processed: k.processed,
        dropped: k.dropped,
        deadLettered: this.deadByDest.get(k.idx) ?? 0,
        emitted: k.emitted,
        ratePerSec: k.rate,
      });
      for (const e of k.edges.values()) edgeOut(e);
    }
    for (const t of this.types.values()) for (const e of t.edges.values()) edgeOut(e);
    const failedByStatus: Record<string, number> = {};
    let failedSum = 0;
    for (const [why, n] of this.failed) {
      failedByStatus[why] = n;
      failedSum += n;
    }
    const queued = this.queuedNow();
    const entered = this.injected + this.emitted + this.carriedOver;
    const recentLetters = this.recentLetters.map(publicLetter);
    this.recentLetters = [];
    const gen = this.generator;
    return {
      seq: ++this.seq,
      timeUs: now,
      injected: this.injected,
      metrics: {
        messagesDispatched: this.mDispatched,
        messagesDelivered: this.mDelivered,
        unknownTypeErrors: this.mUnknown,
        deliveryErrors: this.mDeliveryErrors,
      },
      receipts: {
        total: this.receipts.total,
        byStatus: this.receipts.byStatusRecord(),
        sampledOut: this.receipts.sampledOut,
        recent: this.receipts.drain(),
      },
      kernels,
      edges,
      deadLetters: {
        count: this.letterCount,
        evicted: this.evicted,
        refusedCrossTenant: this.refusedCrossTenant,
        recent: recentLetters,
      },
      accounting: {
        injected: this.injected,
        emitted: this.emitted,
        carriedOver: this.carriedOver,
        processed: this.processed,
        queued,
        failedByStatus,
        deadLettered: this.letterCount,
        balanced: entered === this.processed + queued + failedSum + this.letterCount,
      },
      latency: this.latency.percentiles(),
      generator: gen
        ? { running: true, emitted: gen.emitted, spec: gen.spec }
        : { running: false, emitted: this.lastGenEmitted },
      configName: this.config.name,
    };
  }

  snapshotGeneratorRunning(): boolean {
    return this.generator !== null;
  }

  destroy(): void {
    for (const k of this.kernels) if (k && 'destroy' in k.impl) k.impl.destroy();
    this.kernels = [];
    this.generator = null;
  }
}

function publicLetter(l: Letter): DeadLetterRow {
  return {
    id: l.id,
    messageId: l.messageId,
    typeId: l.typeId,
    reason: l.reason,
    source: l.source,
    destination: l.destination,
    tenantId: l.tenantId,
    attempts: l.attempts,
    priority: l.priority,
    correlationId: l.correlationId,
    parentId: l.parentId,
    atUs: l.atUs,
    payload: l.payload,
  };
}
