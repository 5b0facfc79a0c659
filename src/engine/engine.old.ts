/**
 * The engine: the core's `KernelDispatcher` over one `K2KBroker` (routing, K2K next hops,
 * tenants, overflow policies, dead letters), plus what the core leaves to its owner: kernels,
 * generators, payloads, receipts, traces and exact accounting. Driven by injected time (`now`)
 * and explicit `tick`s. No timers, no DOM, no WebGPU: the worker plugs in timers and, through
 * `makeKernel`, GPU runtimes.
 */
import {
  DispatcherBuilder,
  HOST_KERNEL,
  K2KBroker,
  KernelDispatcher,
  StatusCode,
  TenantMismatchError,
  UnknownMessageTypeError,
  createEnvelope,
  type DeadLetter,
  type K2KEndpoint,
} from '../core';
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
  DeadLetterReason,
  DeadLetterRow,
  EngineCommand,
  EngineError,
  EngineErrorCode,
  EngineEvent,
  EngineReply,
  EngineSnapshot,
  GeneratorSpec,
  GpuInfo,
  GpuNotice,
  HlcRow,
  KernelConfig,
  ReceiptStatus,
  RedriveResult,
  U64,
  U64Input,
} from './protocol';
import { LatencyRing, ReceiptLog } from './receipts';
import { INLINE_WORDS, MessageStore } from './store';
import { TraceStore } from './trace';

/** What `makeKernel` may return: a synchronous CPU twin or an (asynchronous) runtime. */
export type KernelImpl = KernelTwin | KernelRuntime;

/** Hooks a kernel factory may use. */
export interface KernelContext {
  /** Report a backend change (device lost, fallback) for the UI. */
  notice(message: string): void;
}

export interface EngineOptions {
  config: RouteConfig;
  /** Simulated or wall time in microseconds; read once per tick and per command. */
  now: () => number;
  onEvent?: (event: EngineEvent) => void;
  /**
   * Builds a kernel's runtime; default: the CPU twin of its behaviour. A promise (a GPU runtime
   * being created) is awaited while the CPU twin runs; its state moves over when it resolves.
   */
  makeKernel?: (
    kernel: KernelConfig,
    ctx: KernelContext,
  ) => KernelImpl | Promise<KernelImpl | null>;
  /** What the worker found about WebGPU (reported by `gpuInfo`, and as kernels' fallback reason). */
  gpu?: () => GpuInfo;
  /** Rows per kernel `process` call. Default 1024. */
  batchSize?: number;
  /** Dead letters held before the oldest are evicted. Default 10,000. */
  maxDeadLetters?: number;
  /** Upper bound on generated messages per tick, so one tick cannot stall the worker. Default 4 M. */
  maxGeneratedPerTick?: number;
  /** Messages held by the trace store. Default 50,000. */
  traceCapacity?: number;
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
  /** The core dispatcher (for tests and tools; commands are the way to change it). */
  readonly dispatcher: KernelDispatcher;
  destroy(): void;
}

const MAX_RECENT_LETTERS = 500;
const MAX_RECENT_NOTICES = 100;
const DEFAULT_BATCH = 1024;
const GEN_CHUNK = 1024;
/** Hand-injected messages traced exactly per `inject` command. */
const MAX_TRACED_PER_INJECT = 10_000;
const NODE_ID = 1;

const STATUS_OF_CODE: readonly ReceiptStatus[] = [
  'Delivered',
  'Pending',
  'QueueFull',
  'NotFound',
  'MaxHopsExceeded',
  'NoRoute',
  'TenantMismatch',
];

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
  idx: number;
  typeId: U64;
  /** The type id as a safe number, or NaN above 2^53 - 1 (those go the per-message way). */
  num: number;
  lo: number;
  hi: number;
  name: string;
  /** Graph node id of the type, `type:<id>`. */
  label: string;
  layout: PayloadLayout | null;
  flags: number;
  input: InputConverter;
  outputs: Map<string, OutputConverter>;
  edges: Map<number, EdgeAcc>;
}

interface KernelState {
  /** The kernel id's number in the broker's name table. */
  num: number;
  cfg: KernelConfig;
  ep: K2KEndpoint;
  impl: KernelImpl;
  /** A runtime still being created; it replaces `impl` when ready and the kernel is idle. */
  pending: KernelImpl | null;
  /** Bumped by each `createImpl`, so a runtime that resolves late for an old config is dropped. */
  implGen: number;
  busy: boolean;
  /**
   * Reads of a replaced runtime's state still in flight (a backend switch): the kernel processes
   * nothing until they land, so the carried state is not overwritten by batches run without it.
   */
  stateHold: number;
  inFlight: number;
  batch: MessageBatch;
  /** Per batch row: store reference (-1 once the row is dead-lettered), message id, hops, tenant. */
  rowRef: Int32Array;
  rowId: Float64Array;
  rowHops: Uint8Array;
  rowTenant: Int32Array;
  /** One-row batch for re-running a failed batch row by row. */
  single: MessageBatch;
  /** Test-only fault (`__failKernel`): this many next messages fail with `failReason`. */
  failCount: number;
  failReason: string;
  // drainInto columns
  dTypes: Float64Array;
  dIds: Float64Array;
  dRefs: Uint32Array;
  dPrio: Uint8Array;
  dSrc: Uint32Array;
  dDst: Uint32Array;
  dHops: Uint8Array;
  dTenant: Int32Array;
  processed: number;
  dropped: number;
  deadLettered: number;
  lettersByReason: Partial<Record<DeadLetterReason, number>>;
  emitted: number;
  rate: number;
  lastProcessed: number;
  edges: Map<number, EdgeAcc>;
  destroyed: boolean;
}

/** Reused arrays of one `dispatchBatch` call. */
class DispatchScratch {
  readonly typeIds: Float64Array;
  readonly refs: Uint32Array;
  readonly prio: Uint8Array;
  readonly statuses: Uint8Array;
  readonly recIdx: Int32Array;
  count = 0;
  constructor(readonly capacity: number) {
    this.typeIds = new Float64Array(capacity);
    this.refs = new Uint32Array(capacity);
    this.prio = new Uint8Array(capacity);
    this.statuses = new Uint8Array(capacity);
    this.recIdx = new Int32Array(capacity);
  }
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

function isPromise<T>(x: unknown): x is Promise<T> {
  return (
    typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function'
  );
}

function hlc(physical: number, logical: number): HlcRow {
  return { physical, logical, nodeId: NODE_ID };
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
  private readonly makeKernel: (
    k: KernelConfig,
    ctx: KernelContext,
  ) => KernelImpl | Promise<KernelImpl | null>;
  private readonly gpuInfo: () => GpuInfo;
  private readonly batchSize: number;
  private readonly maxGeneratedPerTick: number;

  private nowUs = 0;
  private hlcP = 0;
  private hlcL = -1;

  readonly broker: K2KBroker;
  readonly dispatcher: KernelDispatcher;
  private readonly hostNum: number;

  private readonly kernels = new Map<string, KernelState>();
  private readonly byNum: (KernelState | undefined)[] = [];
  private readonly types: TypeRec[] = [];
  private readonly typeByKey = new Map<U64, TypeRec>();
  /** Mirror of the broker's next-hop table, for edge rates only. */
  private readonly k2k = new Map<string, string>();

  // Accounting.
  private injected = 0;
  private emitted = 0;
  private processed = 0;
  private failed = new Map<string, number>();
  private inFlightTotal = 0;
  private carriedOver = 0;

  private readonly store = new MessageStore();
  private readonly receipts = new ReceiptLog();
  private readonly latency = new LatencyRing();
  private readonly traces: TraceStore;

  private refusedCrossTenant = 0;
  private evictedLetters = 0;
  private recentLetters: DeadLetterRow[] = [];
  private recentNotices: GpuNotice[] = [];

  private generator: TrafficGenerator | null = null;
  private genBatch: GeneratedBatch | null = null;
  private genWords: Uint32Array | null = null;
  private genRecs: TypeRec[] = [];
  private genLens = new Uint32Array(0);
  private genPriority = 0;
  private lastGenEmitted = 0;

  private readonly scratch = new DispatchScratch(Math.max(GEN_CHUNK, DEFAULT_BATCH));
  /** Set while an `inject` command runs: its messages are traced exactly. */
  private traceBudget = 0;

  private seq = 0;
  private lastSnapshotUs = 0;

  constructor(o: EngineOptions) {
    this.now = o.now;
    this.onEvent = o.onEvent;
    this.makeKernel = o.makeKernel ?? ((k) => createTwin(k.behavior));
    this.gpuInfo =
      o.gpu ??
      (() => ({ available: false, adapter: null, reason: 'No WebGPU in a headless engine.' }));
    this.batchSize = o.batchSize ?? DEFAULT_BATCH;
    this.maxGeneratedPerTick = o.maxGeneratedPerTick ?? 4_000_000;
    this.traces = new TraceStore(o.traceCapacity);
    this.nowUs = Math.floor(this.now());
    this.lastSnapshotUs = this.nowUs;
    this.validateConfig(o.config);
    const c = o.config;
    this.broker = new K2KBroker({
      now: () => this.nowUs,
      maxHops: c.broker.maxHops,
      maxPendingMessages: c.broker.maxPendingMessages,
      deliveryTimeoutMs: c.broker.deliveryTimeoutMs,
      deadLetterMaxSize: o.maxDeadLetters ?? 10_000,
      // Simulated time may jump; letters leave by eviction, purge or redrive, not by age.
      deadLetterMaxAgeMs: Number.MAX_SAFE_INTEGER / 1000,
      // Injected traffic may reach every tenant; kernels of different tenants stay apart.
      trustedSources: [HOST_KERNEL],
    });
    this.hostNum = this.broker.kernelNumber(HOST_KERNEL);
    this.broker.deadLetters.onAdd = (l) => this.onLetter(l);
    this.broker.deadLetters.onDrop = (l, why) => this.onLetterDropped(l, why);
    const builder = new DispatcherBuilder()
      .withPriority(c.broker.defaultPriority)
      .withK2KConfig({ maxHops: c.broker.maxHops });
    const defs = new Map(c.messageTypes.map((t) => [normU64(t.typeId), t]));
    for (const r of c.routes) {
      const id = normU64(r.typeId);
      const def = defs.get(id);
      if (def?.handlerId !== undefined) {
        const type = {
          typeId: id,
          name: def.name,
          handlerId: def.handlerId,
          ...(def.requiresResponse === undefined ? {} : { requiresResponse: def.requiresResponse }),
          ...(def.responseTypeId === undefined
            ? {}
            : { responseTypeId: normU64(def.responseTypeId) }),
        };
        builder.routeNamed(type, r.kernelId, r.handlerName ?? def.name);
      } else builder.routeRaw(id, r.kernelId);
    }
    this.dispatcher = builder.buildWithBroker(this.broker);
    this.applyConfig(c, false);
  }

  // ---------------------------------------------------------------------------------------------
  // Clock

  /** Reserves `n` consecutive HLC logical values at the current time; returns the first. */
  private reserveHlc(n: number): number {
    if (this.nowUs > this.hlcP) {
      this.hlcP = this.nowUs;
      this.hlcL = -1;
    }
    const base = this.hlcL + 1;
    this.hlcL += n;
    return base;
  }

  // ---------------------------------------------------------------------------------------------
  // Types and kernels

  private typeRec(typeId: U64): TypeRec {
    let rec = this.typeByKey.get(typeId);
    if (!rec) {
      const w = u64Words(typeId);
      rec = {
        idx: this.types.length,
        typeId,
        num: typeof typeId === 'number' ? typeId : NaN,
        lo: w.lo,
        hi: w.hi,
        name: `type ${String(typeId)}`,
        label: `type:${String(typeId)}`,
        layout: null,
        flags: 0,
        input: new InputConverter(null),
        outputs: new Map(),
        edges: new Map(),
      };
      this.types.push(rec);
      this.typeByKey.set(typeId, rec);
    }
    return rec;
  }

  private typeByWords(lo: number, hi: number, last: TypeRec | undefined): TypeRec {
    if (last && last.lo === lo && last.hi === hi) return last;
    return this.typeRec(u64FromWords(lo, hi));
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
    if (typeof k.id !== 'string' || k.id.length === 0 || k.id === HOST_KERNEL) {
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
    if (!Number.isSafeInteger(k.tenantId) || k.tenantId < 0) {
      err('InvalidConfig', `Kernel "${k.id}": tenantId must be a non-negative integer.`);
    }
  }

  private registerOptions(cfg: KernelConfig) {
    return {
      tenantId: cfg.tenantId,
      capacity: cfg.queueCapacity,
      overflowPolicy: cfg.overflowPolicy,
    };
  }

  private createImpl(k: KernelState): void {
    const cfg = k.cfg;
    const gen = ++k.implGen;
    const made = this.makeKernel(cfg, { notice: (m) => this.notice(k, m) });
    if (!isPromise<KernelImpl | null>(made)) {
      k.impl = made;
      return;
    }
    // The twin runs until the runtime is ready; then the state moves over (see swapPending).
    k.impl = createTwin(cfg.behavior);
    made.then(
      (impl) => {
        if (impl === null) return;
        if (k.destroyed || k.implGen !== gen) {
          if ('destroy' in impl) impl.destroy();
          return;
        }
        k.pending = impl;
        if (!k.busy) this.swapPending(k);
      },
      (e: unknown) => this.notice(k, `Could not create the kernel's runtime: ${String(e)}`),
    );
  }

  /**
   * Builds a new implementation for `k`'s config; with `carry`, the old one's state moves over
   * (an asynchronous runtime's is read back first, holding the kernel until it lands).
   */
  private replaceImpl(k: KernelState, carry: boolean): void {
    const prev = k.impl;
    const waiting = k.pending;
    k.pending = null;
    if (waiting && 'destroy' in waiting) waiting.destroy();
    this.createImpl(k);
    if (!carry) {
      if ('destroy' in prev) prev.destroy();
      return;
    }
    if (!('backend' in prev)) {
      k.impl.importState(prev.exportState());
      return;
    }
    const gen = k.implGen;
    k.stateHold++;
    const done = (): void => {
      prev.destroy();
      k.stateHold--;
    };
    prev.exportState().then(
      (state) => {
        if (!k.destroyed && k.implGen === gen) {
          // `impl` is the twin placeholder or the new runtime; a later swap carries it on.
          try {
            k.impl.importState(state);
          } catch (e) {
            this.notice(k, `Could not carry the kernel's state: ${String(e)}`);
          }
        }
        done();
      },
      (e: unknown) => {
        this.notice(k, `Could not read the kernel's state to carry it: ${String(e)}`);
        done();
      },
    );
  }

  private swapPending(k: KernelState): void {
    const next = k.pending;
    if (!next) return;
    k.pending = null;
    const prev = k.impl;
    if ('backend' in prev) {
      // An async runtime's state cannot be read synchronously; start the new one fresh.
      prev.destroy();
    } else {
      next.importState(prev.exportState());
    }
    k.impl = next;
    this.notice(k, `Runs on ${this.backendOf(k)}.`);
  }

  private backendOf(k: KernelState): 'webgpu' | 'cpu' {
    return 'backend' in k.impl ? k.impl.backend : 'cpu';
  }

  private fallbackReasonOf(k: KernelState): string | undefined {
    if (k.cfg.backend === 'cpu' || this.backendOf(k) === 'webgpu') return undefined;
    const r = (k.impl as { fallbackReason?: string | null }).fallbackReason;
    if (typeof r === 'string') return r;
    if (k.pending) return 'The WebGPU runtime is starting.';
    const gpu = this.gpuInfo();
    return gpu.available
      ? 'This kernel runs on its CPU twin.'
      : (gpu.reason ?? 'No WebGPU adapter.');
  }

  private notice(k: KernelState, message: string): void {
    const n: GpuNotice = {
      kernelId: k.cfg.id,
      atUs: this.nowUs,
      backend: this.backendOf(k),
      message,
    };
    if (this.recentNotices.length < MAX_RECENT_NOTICES) this.recentNotices.push(n);
    this.onEvent?.({ type: 'notice', notice: n });
  }

  private newKernel(cfg: KernelConfig): KernelState {
    const n = this.batchSize;
    const ep = this.broker.register(cfg.id, this.registerOptions(cfg));
    const k: KernelState = {
      num: this.broker.kernelNumber(cfg.id),
      cfg: { ...cfg },
      ep,
      impl: createTwin(cfg.behavior),
      pending: null,
      implGen: 0,
      busy: false,
      stateHold: 0,
      inFlight: 0,
      batch: createMessageBatch(n),
      rowRef: new Int32Array(n),
      rowId: new Float64Array(n),
      rowHops: new Uint8Array(n),
      rowTenant: new Int32Array(n),
      single: createMessageBatch(1),
      failCount: 0,
      failReason: '',
      dTypes: new Float64Array(n),
      dIds: new Float64Array(n),
      dRefs: new Uint32Array(n),
      dPrio: new Uint8Array(n),
      dSrc: new Uint32Array(n),
      dDst: new Uint32Array(n),
      dHops: new Uint8Array(n),
      dTenant: new Int32Array(n),
      processed: 0,
      dropped: 0,
      deadLettered: 0,
      lettersByReason: {},
      emitted: 0,
      rate: 0,
      lastProcessed: 0,
      edges: new Map(),
      destroyed: false,
    };
    this.kernels.set(cfg.id, k);
    this.byNum[k.num] = k;
    this.createImpl(k);
    return k;
  }

  private upsertKernel(cfg: KernelConfig): void {
    this.checkKernelConfig(cfg);
    const existing = this.kernels.get(cfg.id);
    if (!existing) {
      this.newKernel(cfg);
      return;
    }
    const old = existing.cfg;
    existing.cfg = { ...cfg };
    if (old.behavior !== cfg.behavior || old.backend !== cfg.backend) {
      // Same behaviour, other backend: the kernel persists, so does its state (same layout).
      this.replaceImpl(existing, old.behavior === cfg.behavior);
    }
    if (
      old.queueCapacity !== cfg.queueCapacity ||
      old.tenantId !== cfg.tenantId ||
      old.overflowPolicy !== cfg.overflowPolicy
    ) {
      // The core keeps the queued messages; what no longer fits follows the new policy.
      existing.ep = this.broker.reregister(cfg.id, this.registerOptions(cfg));
    }
  }

  private removeKernel(id: string): void {
    const k = this.kernels.get(id);
    if (!k) err('UnknownKernel', `There is no kernel "${id}" to remove.`);
    // Its queue becomes `Unregistered` dead letters (the core's semantics).
    this.broker.unregister(id);
    if ('destroy' in k.impl) k.impl.destroy();
    k.destroyed = true;
    this.kernels.delete(id);
    this.byNum[k.num] = undefined;
  }

  private validateConfig(config: RouteConfig): void {
    if (!config || config.version !== 1) {
      err('InvalidConfig', 'Only route config documents of version 1 can be loaded.');
    }
    for (const k of config.kernels) this.checkKernelConfig(k);
    const ids = new Set(config.kernels.map((k) => k.id));
    if (ids.size !== config.kernels.length) err('InvalidConfig', 'Kernel ids must be unique.');
    // Validate type ids before changing anything, so a bad document never half-applies.
    for (const t of config.messageTypes) normU64(t.typeId);
    for (const r of config.routes) normU64(r.typeId);
    const b = config.broker;
    if (!Number.isInteger(b.maxHops) || b.maxHops < 0 || b.maxHops > 255)
      err('InvalidConfig', 'broker.maxHops must be an integer in 0..255.');
    if (!Number.isInteger(b.defaultPriority) || b.defaultPriority < 0 || b.defaultPriority > 255)
      err('InvalidConfig', 'broker.defaultPriority must be an integer in 0..255.');
  }

  /** Applies a config; `routes` false when the dispatcher was just built from it. */
  private applyConfig(config: RouteConfig, routes = true): void {
    this.validateConfig(config);
    this.config = config;
    const ids = new Set(config.kernels.map((k) => k.id));
    for (const id of [...this.kernels.keys()]) if (!ids.has(id)) this.removeKernel(id);
    for (const k of config.kernels) this.upsertKernel(k);
    for (const rec of this.types) this.clearTypeDef(rec);
    for (const t of config.messageTypes) this.setTypeDef(t);
    if (routes) {
      for (const [typeId] of this.dispatcher.routes()) this.dispatcher.unregister(typeId);
      for (const r of config.routes) this.dispatcher.registerRoute(normU64(r.typeId), r.kernelId);
    }
    for (const r of config.routes) this.typeRec(normU64(r.typeId));
    for (const [dest] of this.broker.routeTable()) this.broker.removeRoute(dest);
    this.k2k.clear();
    for (const r of config.k2kRoutes) {
      this.broker.addRoute(r.dest, r.nextHop);
      this.k2k.set(r.dest, r.nextHop);
    }
    this.broker.setMaxHops(config.broker.maxHops);
    this.dispatcher.setDefaultPriority(config.broker.defaultPriority);
  }

  // ---------------------------------------------------------------------------------------------
  // Receipts, edges, traces

  private edge(map: Map<number, EdgeAcc>, source: string, targetNum: number, n = 1): void {
    let e = map.get(targetNum);
    if (!e) {
      e = { source, target: this.broker.nameOf(targetNum), total: 0, last: 0, rate: 0 };
      map.set(targetNum, e);
    }
    e.total += n;
  }

  private row(
    seq: number,
    status: ReceiptStatus,
    ref: number,
    source: string,
    destination: string,
    hops: number,
    priority: number,
    latencyUs: number | null,
    processedAt: HlcRow | null,
  ): void {
    const s = this.store;
    const rec = this.types[s.typeIdx[ref]!]!;
    const parent = s.parentId[ref]!;
    const injectedAt = hlc(s.injP[ref]!, s.injL[ref]!);
    this.receipts.add({
      seq,
      hlc: injectedAt,
      messageId: s.msgId[ref]!,
      typeId: rec.typeId,
      source,
      destination,
      status,
      hops,
      latencyUs,
      priority,
      correlationId: s.correlationId[ref]!,
      parentId: parent < 0 ? null : parent,
      payload: s.payloadOf(ref),
      injectedAt,
      deliveredAt: s.dlvP[ref]! > 0 ? hlc(s.dlvP[ref]!, s.dlvL[ref]!) : null,
      processedAt,
    });
  }

  /** Records (or updates) the trace node of a traced message. */
  private trace(
    ref: number,
    status: DeadLetterReason,
    source: string,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    const s = this.store;
    const id = s.msgId[ref]!;
    const node = this.traces.get(id);
    const deliveredAt = s.dlvP[ref]! > 0 ? hlc(s.dlvP[ref]!, s.dlvL[ref]!) : null;
    if (node) {
      node.status = status;
      node.destination = destination;
      node.hops = hops;
      node.priority = priority;
      node.deliveredAt = deliveredAt;
      return;
    }
    const parent = s.parentId[ref]!;
    this.traces.add({
      messageId: id,
      typeId: this.types[s.typeIdx[ref]!]!.typeId,
      parentId: parent < 0 ? null : parent,
      children: [],
      source,
      destination,
      kernel: null,
      status,
      hops,
      priority,
      latencyUs: null,
      injectedAt: hlc(s.injP[ref]!, s.injL[ref]!),
      deliveredAt,
      processedAt: null,
      pinned: false,
    });
  }

  /**
   * Bookkeeping after the broker took (or refused) the message at `ref`: the receipt, its sampled
   * row, edges and trace. The dead letter of a failure was recorded by `onLetter` already.
   */
  private settle(
    ref: number,
    status: ReceiptStatus,
    source: string,
    srcNum: number,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    if (status === 'Delivered' || status === 'Pending') {
      const rec = this.types[this.store.typeIdx[ref]!]!;
      const target =
        status === 'Delivered' ? destination : (this.k2k.get(destination) ?? destination);
      const tNum = this.broker.kernelNumber(target);
      if (srcNum === this.hostNum) this.edge(rec.edges, rec.label, tNum);
      else {
        const sk = this.byNum[srcNum];
        if (sk) this.edge(sk.edges, sk.cfg.id, tNum);
      }
    }
    this.recordReceipt(ref, status, source, destination, hops, priority);
    if (status !== 'Delivered' && status !== 'Pending') this.letterSettled(ref);
  }

  /**
   * Counts a receipt and, as the live tail's filters want, samples its row (a Delivered row is
   * reserved, built when processed) and traces the message (so does an already traced one).
   */
  private recordReceipt(
    ref: number,
    status: ReceiptStatus,
    source: string,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    const s = this.store;
    const seq = this.receipts.count(status);
    const rec = this.types[s.typeIdx[ref]!]!;
    const wants = this.receipts.wants(status, rec.typeId, source, destination);
    if (wants) s.traced[ref] = 1;
    if (status === 'Delivered') {
      if (wants) {
        s.sampled[ref] = 1;
        s.seq[ref] = seq;
      }
    } else if (wants) {
      this.row(seq, status, ref, source, destination, hops, priority, null, null);
    }
    if (s.traced[ref] === 1) this.trace(ref, status, source, destination, hops, priority);
  }

  // ---------------------------------------------------------------------------------------------
  // Dead letters (the core's queue; the store keeps their payloads)

  private letterOwner(l: DeadLetter): KernelState | undefined {
    return l.destination === '' ? undefined : this.kernels.get(l.destination);
  }

  private reasonOf(l: DeadLetter): DeadLetterReason {
    if (l.reason === 'NoRoute') return l.destination === '' ? 'NoRoute' : 'NotFound';
    return l.reason;
  }

  private onLetter(l: DeadLetter): void {
    const ref = l.payloadRef;
    const s = this.store;
    if (ref > 0) {
      s.msgId[ref] = l.messageId;
      s.attempts[ref] = Math.min(255, s.attempts[ref]! + 1);
      if (s.sampled[ref] === 1) {
        // A reserved Delivered row that will never be processed (evicted by dropOldest).
        this.receipts.release();
        s.sampled[ref] = 0;
      }
    }
    const k = this.letterOwner(l);
    if (k) {
      k.deadLettered++;
      const why = this.reasonOf(l);
      k.lettersByReason[why] = (k.lettersByReason[why] ?? 0) + 1;
      if (l.reason === 'QueueFull' || l.reason === 'Rejected' || l.reason === 'DroppedOldest')
        k.dropped++;
    }
    if (this.recentLetters.length < MAX_RECENT_LETTERS) this.pendingRecent.push(l);
    if (ref > 0 && s.traced[ref] === 1 && l.reason === 'DroppedOldest') {
      this.trace(ref, 'DroppedOldest', l.source, l.destination, l.hops, l.priority);
    }
  }

  /** Letters whose rows are built once their message id is known (after the send returns). */
  private pendingRecent: DeadLetter[] = [];

  private letterSettled(_ref: number): void {
    this.flushRecentLetters();
  }

  private flushRecentLetters(): void {
    if (this.pendingRecent.length === 0) return;
    for (const l of this.pendingRecent) {
      if (this.recentLetters.length < MAX_RECENT_LETTERS)
        this.recentLetters.push(this.letterRow(l));
    }
    this.pendingRecent = [];
  }

  private onLetterDropped(l: DeadLetter, why: 'evicted' | 'expired'): void {
    this.addFailed(why === 'evicted' ? 'Evicted' : 'Expired');
    if (why === 'evicted') this.evictedLetters++;
    // The row may still be waiting for the snapshot; build it before the payload goes.
    const i = this.pendingRecent.indexOf(l);
    if (i >= 0) {
      this.pendingRecent.splice(i, 1);
      if (this.recentLetters.length < MAX_RECENT_LETTERS)
        this.recentLetters.push(this.letterRow(l));
    }
    if (l.payloadRef > 0) this.store.release(l.payloadRef);
  }

  private letterRow(l: DeadLetter): DeadLetterRow {
    const s = this.store;
    const ref = l.payloadRef;
    const parent = ref > 0 ? s.parentId[ref]! : -1;
    const k = this.letterOwner(l);
    return {
      id: l.seq,
      messageId: l.messageId,
      typeId: ref > 0 ? this.types[s.typeIdx[ref]!]!.typeId : l.typeId,
      reason: this.reasonOf(l),
      source: l.source,
      destination: l.destination,
      tenantId: k?.cfg.tenantId ?? l.tenantId,
      attempts: ref > 0 ? s.attempts[ref]! : 1,
      priority: l.priority,
      correlationId: ref > 0 ? s.correlationId[ref]! : 0,
      parentId: parent < 0 ? null : parent,
      atUs: l.deadAt,
      payload: ref > 0 ? s.payloadOf(ref) : new Uint8Array(0),
      ...(l.detail ? { detail: l.detail } : {}),
    };
  }

  private letterFilter(filter: DeadLetterFilter | undefined): (l: DeadLetter) => boolean {
    const ids = filter?.ids ? new Set(filter.ids) : null;
    const reasons = filter?.reasons ? new Set(filter.reasons) : null;
    const typeIds = filter?.typeIds ? new Set(filter.typeIds.map(normU64)) : null;
    const dests = filter?.destinations ? new Set(filter.destinations) : null;
    const sources = filter?.sources ? new Set(filter.sources) : null;
    const s = this.store;
    return (l) =>
      (!ids || ids.has(l.seq)) &&
      (!reasons || reasons.has(this.reasonOf(l))) &&
      (!typeIds ||
        typeIds.has(l.payloadRef > 0 ? this.types[s.typeIdx[l.payloadRef]!]!.typeId : l.typeId)) &&
      (!dests || dests.has(l.destination)) &&
      (!sources || sources.has(l.source));
  }

  private redrive(cmd: Extract<EngineCommand, { type: 'redrive' }>): RedriveResult {
    const target = cmd.target ?? cmd.overrides?.destination;
    const tk = target === undefined ? undefined : this.kernels.get(target);
    if (target !== undefined && !tk) {
      err('UnknownKernel', `Cannot redrive to "${target}": no such kernel.`);
    }
    const o = cmd.overrides;
    if (
      o?.priority !== undefined &&
      (!Number.isInteger(o.priority) || o.priority < 0 || o.priority > 255)
    ) {
      err('InvalidCommand', `priority must be an integer in 0..255 (got ${o.priority}).`);
    }
    const match = this.letterFilter(cmd.filter);
    const dlq = this.broker.deadLetters;
    const result: RedriveResult = {
      selected: 0,
      redriven: 0,
      failedAgain: 0,
      refusedCrossTenant: 0,
    };
    // As the broker's replay decides it: a registered source's tenant; a trusted source (the
    // host, which may inject into any tenant) takes the target's; otherwise the letter's own.
    const tenantOf = (l: DeadLetter, targetTenant: number): number =>
      this.kernels.get(l.source)?.cfg.tenantId ??
      (this.broker.trustsSource(l.source) ? targetTenant : l.tenantId);
    // Cross-tenant redrives are refused before anything moves: the letters stay where they are.
    const selected = dlq.browse({ where: match });
    result.selected = selected.length;
    const refused = new Set<DeadLetter>();
    if (tk) {
      for (const l of selected) {
        if (tenantOf(l, tk.cfg.tenantId) !== tk.cfg.tenantId) refused.add(l);
      }
    }
    result.refusedCrossTenant = refused.size;
    this.refusedCrossTenant += refused.size;
    const taken = dlq.take({ where: (l) => match(l) && !refused.has(l) });
    const s = this.store;
    for (const l of taken) {
      const ref = l.payloadRef;
      if (o?.correlationId !== undefined && ref > 0) s.correlationId[ref] = o.correlationId;
      const priority = o?.priority ?? l.priority;
      this.stampEntry(ref);
      let status: ReceiptStatus;
      let source = l.source;
      let destination = target ?? l.destination;
      let hops = 0;
      if (target === undefined && l.destination === '') {
        // Never routed: dispatch by type again (the route may exist now).
        const rec = this.types[s.typeIdx[ref]!]!;
        const r = this.dispatchOne(l.source, ref, rec, priority);
        status = r.status;
        destination = r.destination;
        hops = r.hops;
      } else {
        const receipts = this.broker.replayTaken([l], {
          ...(target === undefined ? {} : { to: target }),
          priority,
        });
        const r = receipts[0];
        if (r) {
          s.msgId[ref] = r.messageId;
          status = r.status;
          hops = r.hops;
        } else {
          status = 'TenantMismatch';
          s.msgId[ref] = this.broker.lastMessageId;
        }
        source = l.source;
      }
      this.settle(
        ref,
        status,
        source,
        this.broker.kernelNumber(source),
        destination,
        hops,
        priority,
      );
      if (status === 'Delivered' || status === 'Pending') result.redriven++;
      else result.failedAgain++;
    }
    return result;
  }

  private purge(filter: DeadLetterFilter | undefined): number {
    const taken = this.broker.deadLetters.discard({ where: this.letterFilter(filter) });
    for (const l of taken) if (l.payloadRef > 0) this.store.release(l.payloadRef);
    this.addFailed('Purged', taken.length);
    return taken.length;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /** Stamps a (re-)entering message's injection and delivery HLC. */
  private stampEntry(ref: number): void {
    const base = this.reserveHlc(2);
    const s = this.store;
    s.injP[ref] = this.hlcP;
    s.injL[ref] = base;
    s.dlvP[ref] = this.hlcP;
    s.dlvL[ref] = base + 1;
  }

  /** Fills the header columns of a new message. */
  private initMessage(
    ref: number,
    rec: TypeRec,
    correlationId: number,
    parentId: number,
    enteredUs: number,
  ): void {
    const s = this.store;
    s.typeLo[ref] = rec.lo;
    s.typeHi[ref] = rec.hi;
    s.typeIdx[ref] = rec.idx;
    s.flags[ref] = rec.flags;
    s.correlationId[ref] = correlationId;
    s.parentId[ref] = parentId;
    s.msgId[ref] = 0;
    s.enteredUs[ref] = enteredUs;
    s.attempts[ref] = 0;
    s.sampled[ref] = 0;
  }

  /**
   * Dispatches one message through `dispatchFrom` (the per-message path: type ids above 2^53,
   * single sends). The dispatcher's `UnknownMessageTypeError` becomes a NoRoute dead letter.
   */
  private dispatchOne(
    source: string,
    ref: number,
    rec: TypeRec,
    priority: number,
  ): { status: ReceiptStatus; destination: string; hops: number } {
    const s = this.store;
    try {
      const env = createEnvelope({
        messageType: rec.typeId,
        timestamp: { physical: s.injP[ref]!, logical: s.injL[ref]!, nodeId: NODE_ID },
        flags: rec.flags,
      });
      const r = this.dispatcher.dispatchFrom(source, env, ref, priority);
      s.msgId[ref] = r.messageId;
      return { status: r.status, destination: r.destination, hops: r.hops };
    } catch (e) {
      if (e instanceof UnknownMessageTypeError) {
        s.msgId[ref] = this.broker.deadLetterUnroutable(source, rec.typeId, priority, ref);
        return { status: 'NoRoute', destination: '', hops: 0 };
      }
      if (e instanceof TenantMismatchError) {
        s.msgId[ref] = this.broker.lastMessageId;
        return { status: 'TenantMismatch', destination: e.destination, hops: 0 };
      }
      throw e;
    }
  }

  /**
   * Dispatches `sc.count` prepared messages from `source` with `dispatchBatch` and settles each
   * (message ids follow the batch order; unknown types become NoRoute dead letters).
   */
  private dispatchScratch(source: string, srcNum: number): void {
    const sc = this.scratch;
    const n = sc.count;
    if (n === 0) return;
    const s = this.store;
    const b = this.broker;
    // Ids are assigned in batch order to every message that reaches the broker.
    let id = b.lastMessageId + 1;
    const base = this.reserveHlc(2 * n);
    const p = this.hlcP;
    for (let i = 0; i < n; i++) {
      const ref = sc.refs[i]!;
      s.injP[ref] = p;
      s.injL[ref] = base + 2 * i;
      s.dlvP[ref] = p;
      s.dlvL[ref] = base + 2 * i + 1;
    }
    this.dispatcher.dispatchBatch(
      { typeIds: sc.typeIds, count: n, priorities: sc.prio, payloadRefs: sc.refs, source },
      sc.statuses,
    );
    const st = sc.statuses;
    const receipts = this.receipts;
    // Only an all-Delivered batch may be settled in bulk: a Pending message (accepted by a next
    // hop) must be counted as Pending and its edge drawn to the hop, which the loop below does.
    if (this.dispatcher.lastBatchDelivered === n && !receipts.hasRoom() && !this.anyTraced(n)) {
      // The bulk case: every message Delivered, no row wanted: counts, ids and edges in bulk.
      for (let i = 0; i < n; i++) s.msgId[sc.refs[i]!] = id++;
      receipts.countMany('Delivered', n);
      receipts.sampledOut += n;
      this.bulkEdges(n, srcNum);
      sc.count = 0;
      return;
    }
    for (let i = 0; i < n; i++) {
      const ref = sc.refs[i]!;
      const code = st[i]!;
      const rec = this.types[sc.recIdx[i]!]!;
      const prio = sc.prio[i]!;
      if (code === StatusCode.UnknownType) {
        s.msgId[ref] = b.deadLetterUnroutable(source, rec.typeId, prio, ref);
        this.settle(ref, 'NoRoute', source, srcNum, '', 0, prio);
        continue;
      }
      s.msgId[ref] = id++;
      const dest = this.dispatcher.getRoute(rec.num) ?? '';
      const status = STATUS_OF_CODE[code]!;
      this.settle(ref, status, source, srcNum, dest, code === StatusCode.Pending ? 1 : 0, prio);
    }
    this.flushRecentLetters();
    sc.count = 0;
  }

  private anyTraced(n: number): boolean {
    const sc = this.scratch;
    const t = this.store.traced;
    for (let i = 0; i < n; i++) if (t[sc.refs[i]!] === 1) return true;
    return false;
  }

  /** Edges of an all-Delivered batch: type -> kernel from the host, kernel -> kernel otherwise. */
  private bulkEdges(n: number, srcNum: number): void {
    const sc = this.scratch;
    const sk = srcNum === this.hostNum ? undefined : this.byNum[srcNum];
    let last = -1;
    let run = 0;
    for (let i = 0; i <= n; i++) {
      const r = i < n ? sc.recIdx[i]! : -2;
      if (r === last) {
        run++;
        continue;
      }
      if (last >= 0) {
        const rec = this.types[last]!;
        const dest = this.dispatcher.getRoute(rec.num);
        if (dest !== undefined) {
          const t = this.broker.kernelNumber(dest);
          if (sk) this.edge(sk.edges, sk.cfg.id, t, run);
          else this.edge(rec.edges, rec.label, t, run);
        }
      }
      last = r;
      run = 1;
    }
  }

  /** Adds a prepared message to the dispatch scratch, flushing when full. */
  private enqueueDispatch(
    ref: number,
    rec: TypeRec,
    priority: number,
    source: string,
    srcNum: number,
  ): void {
    if (Number.isNaN(rec.num)) {
      // Above 2^53 - 1: the batch path cannot hold the id exactly.
      this.stampEntry(ref);
      const r = this.dispatchOne(source, ref, rec, priority);
      this.settle(ref, r.status, source, srcNum, r.destination, r.hops, priority);
      this.flushRecentLetters();
      return;
    }
    const sc = this.scratch;
    const i = sc.count++;
    sc.typeIds[i] = rec.num;
    sc.refs[i] = ref;
    sc.prio[i] = priority;
    sc.recIdx[i] = rec.idx;
    if (sc.count === sc.capacity) this.dispatchScratch(source, srcNum);
  }

  // ---------------------------------------------------------------------------------------------
  // Processing

  private drainKernel(k: KernelState, budget: number): number {
    if (k.pending && !k.busy) this.swapPending(k);
    let done = 0;
    const b = k.batch;
    const s = this.store;
    const ep = k.ep;
    let lastRec: TypeRec | undefined;
    while (done < budget && ep.pendingCount() > 0 && !k.busy && k.stateHold === 0 && !k.destroyed) {
      const n = ep.drainInto(
        {
          typeIds: k.dTypes,
          messageIds: k.dIds,
          payloadRefs: k.dRefs,
          priorities: k.dPrio,
          sources: k.dSrc,
          destinations: k.dDst,
          hops: k.dHops,
          tenants: k.dTenant,
        },
        b.capacity,
      );
      b.count = 0;
      const now = this.nowUs;
      const pBase = this.reserveHlc(n);
      const pP = this.hlcP;
      for (let i = 0; i < n; i++) {
        const ref = k.dRefs[i]!;
        if (k.dDst[i] !== k.num) {
          this.forward(k, i);
          continue;
        }
        const lo = s.typeLo[ref]!;
        const hi = s.typeHi[ref]!;
        lastRec = this.typeByWords(lo, hi, lastRec);
        const id = k.dIds[i]!;
        const entered = s.enteredUs[ref]!;
        const latency = now - entered;
        this.latency.add(latency);
        if (s.sampled[ref] === 1 || s.traced[ref] === 1) {
          const at = hlc(pP, pBase + i);
          const src = this.broker.nameOf(k.dSrc[i]!);
          if (s.sampled[ref] === 1) {
            this.row(
              s.seq[ref]!,
              'Delivered',
              ref,
              src,
              k.cfg.id,
              k.dHops[i]!,
              k.dPrio[i]!,
              latency,
              at,
            );
          }
          if (s.traced[ref] === 1) {
            this.trace(ref, 'Delivered', src, k.cfg.id, k.dHops[i]!, k.dPrio[i]!);
            const node = this.traces.get(id);
            if (node) {
              node.kernel = k.cfg.id;
              node.processedAt = at;
              node.latencyUs = latency;
            }
          }
        }
        // Checked per message before the runtime sees it: test faults and unreadable payloads.
        if (k.failCount > 0 || (lastRec.layout !== null && s.len[ref]! < lastRec.layout.size)) {
          const fault = this.rowFault(k, lastRec, ref);
          if (fault) {
            done++;
            const [reason, detail] = fault;
            this.failMessage(
              k,
              ref,
              id,
              k.dSrc[i]!,
              k.dPrio[i]!,
              k.dHops[i]!,
              k.dTenant[i]!,
              reason,
              detail,
            );
            continue;
          }
        }
        const r = b.count++;
        b.typeLo[r] = lo;
        b.typeHi[r] = hi;
        b.idLo[r] = id >>> 0;
        b.idHi[r] = Math.floor(id / 4294967296) >>> 0;
        b.source[r] = k.dSrc[i]!;
        b.priority[r] = k.dPrio[i]!;
        b.flags[r] = s.flags[ref]!;
        k.rowRef[r] = ref;
        k.rowId[r] = id;
        k.rowHops[r] = k.dHops[i]!;
        k.rowTenant[r] = k.dTenant[i]!;
        lastRec.input.convert(
          s.words,
          ref * INLINE_WORDS,
          s.big[ref],
          b.payload,
          r * PAYLOAD_WORDS,
          id,
          entered,
        );
      }
      if (b.count === 0) continue;
      const count = b.count;
      done += count;
      const impl = k.impl;
      let out: OutputBatch | Promise<OutputBatch>;
      try {
        out = impl.process(b);
      } catch {
        // Which row failed is unknown: re-run the batch row by row (see isolate).
        this.isolate(k, impl, count, 0);
        if (k.busy) return done;
        continue;
      }
      if (isPromise<OutputBatch>(out)) {
        k.busy = true;
        k.inFlight = count;
        this.inFlightTotal += count;
        out.then(
          (o) => this.finishAsync(k, count, o),
          () => this.isolate(k, impl, count, 0),
        );
        return done;
      }
      k.processed += count;
      this.processed += count;
      this.emit(k, out);
      this.releaseRows(k, count);
    }
    return done;
  }

  private releaseRows(k: KernelState, count: number): void {
    const s = this.store;
    for (let r = 0; r < count; r++) {
      const ref = k.rowRef[r]!;
      // A dead-lettered row's payload now belongs to its letter.
      if (ref >= 0) s.release(ref);
    }
  }

  /**
   * Why the kernel cannot take the message at `ref`, or null. A demo kernel (fraud, aggregator,
   * pattern) reads its input fields at the offsets of the type's layout, so a payload shorter
   * than that layout would be read as zeros: it is refused instead. The generic kernel only counts
   * messages by type and takes any payload.
   */
  private rowFault(
    k: KernelState,
    rec: TypeRec,
    ref: number,
  ): [reason: 'KernelError' | 'InvalidPayload', detail: string] | null {
    if (k.failCount > 0) {
      k.failCount--;
      return ['KernelError', k.failReason];
    }
    const layout = rec.layout;
    const len = this.store.len[ref]!;
    if (layout !== null && len < layout.size && k.cfg.behavior !== 'generic') {
      return [
        'InvalidPayload',
        `Payload of ${len} byte(s) is shorter than the ${layout.size} bytes ${rec.name} lays out; ` +
          `the ${k.cfg.behavior} kernel "${k.cfg.id}" cannot read it. Send the full payload.`,
      ];
    }
    return null;
  }

  /**
   * Dead-letters a message its kernel took but could not process; the letter keeps the payload
   * and can be redriven to the kernel like any other.
   */
  private failMessage(
    k: KernelState,
    ref: number,
    messageId: number,
    srcNum: number,
    priority: number,
    hops: number,
    tenantId: number,
    reason: 'KernelError' | 'InvalidPayload',
    detail: string,
  ): void {
    const s = this.store;
    // Its Delivered row was materialised when the kernel took it; nothing is reserved any more.
    s.sampled[ref] = 0;
    s.msgId[ref] = messageId;
    const source = this.broker.nameOf(srcNum);
    const rec = this.types[s.typeIdx[ref]!]!;
    this.broker.deadLetterFailed({
      reason,
      messageId,
      source,
      destination: k.cfg.id,
      typeId: rec.typeId,
      envelope: null,
      priority,
      hops,
      tenantId,
      payloadRef: ref,
      deadAt: this.nowUs,
      detail,
    });
    if (s.traced[ref] === 1) this.trace(ref, reason, source, k.cfg.id, hops, priority);
    this.flushRecentLetters();
  }

  /**
   * A batch failed (the twin threw, or the runtime rejected) and which row caused it is unknown:
   * re-runs rows `from..count-1` one at a time on the same implementation (for a GPU runtime that
   * rejects, that is its CPU twin by then), so good rows are processed and each failing row
   * becomes a `KernelError` letter. Continues asynchronously while the implementation answers
   * with promises (the kernel stays busy and its rows count as queued until each settles).
   * Caveat: a twin that throws part-way may have updated its state for the rows before the
   * throw; those rows' state effects then apply twice (outputs and accounting stay exact).
   */
  private isolate(k: KernelState, impl: KernelImpl, count: number, from: number): void {
    const one = k.single;
    const b = k.batch;
    for (let r = from; r < count; r++) {
      one.count = 1;
      one.typeLo[0] = b.typeLo[r]!;
      one.typeHi[0] = b.typeHi[r]!;
      one.idLo[0] = b.idLo[r]!;
      one.idHi[0] = b.idHi[r]!;
      one.source[0] = b.source[r]!;
      one.priority[0] = b.priority[r]!;
      one.flags[0] = b.flags[r]!;
      one.payload.set(b.payload.subarray(r * PAYLOAD_WORDS, (r + 1) * PAYLOAD_WORDS));
      let out: OutputBatch | Promise<OutputBatch>;
      try {
        out = impl.process(one);
      } catch (e) {
        this.failRow(k, r, e);
        continue;
      }
      if (isPromise<OutputBatch>(out)) {
        if (!k.busy) {
          k.busy = true;
          k.inFlight = count - r;
          this.inFlightTotal += count - r;
        }
        out.then(
          (o) => {
            this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
            this.rowDone(k, r, o);
            this.isolate(k, impl, count, r + 1);
          },
          (e: unknown) => {
            this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
            this.failRow(k, r, e);
            this.isolate(k, impl, count, r + 1);
          },
        );
        return;
      }
      this.rowDone(k, r, out);
    }
    this.releaseRows(k, count);
    if (k.busy) {
      k.busy = false;
      if (k.pending) this.swapPending(k);
    }
  }

  /** One row of an isolated batch settled: it leaves the in-flight count. */
  private leaveFlight(k: KernelState): void {
    if (k.inFlight > 0) {
      k.inFlight--;
      this.inFlightTotal--;
    }
  }

  private rowDone(k: KernelState, r: number, out: OutputBatch): void {
    this.leaveFlight(k);
    k.processed++;
    this.processed++;
    if (!k.destroyed) this.emit(k, out, r);
  }

  private failRow(k: KernelState, r: number, e: unknown): void {
    this.leaveFlight(k);
    const b = k.batch;
    const ref = k.rowRef[r]!;
    const why = e instanceof Error ? e.message : String(e);
    this.failMessage(
      k,
      ref,
      k.rowId[r]!,
      b.source[r]!,
      b.priority[r]!,
      k.rowHops[r]!,
      k.rowTenant[r]!,
      'KernelError',
      why,
    );
    k.rowRef[r] = -1;
  }

  /** A message passing through on its way to another kernel: relay it, hops accumulate. */
  private forward(k: KernelState, i: number): void {
    const ref = k.dRefs[i]!;
    const s = this.store;
    if (s.sampled[ref] === 1) {
      this.receipts.release();
      s.sampled[ref] = 0;
    }
    const base = this.reserveHlc(1);
    s.dlvP[ref] = this.hlcP;
    s.dlvL[ref] = base;
    const source = this.broker.nameOf(k.dSrc[i]!);
    const destination = this.broker.nameOf(k.dDst[i]!);
    const code = this.broker.forwardRef(
      k.dIds[i]!,
      source,
      destination,
      k.dTypes[i]!,
      k.dPrio[i]!,
      k.dHops[i]!,
      k.dTenant[i]!,
      ref,
    );
    const status = STATUS_OF_CODE[code]!;
    if (status === 'Delivered' || status === 'Pending') {
      const target =
        status === 'Delivered' ? destination : (this.k2k.get(destination) ?? destination);
      this.edge(k.edges, k.cfg.id, this.broker.kernelNumber(target));
    }
    // Counted and sampled like any receipt; the edge above is the relay's (from this kernel).
    this.settleRelay(ref, status, source, destination, this.broker.lastRouteHops, k.dPrio[i]!);
  }

  private settleRelay(
    ref: number,
    status: ReceiptStatus,
    source: string,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    this.recordReceipt(ref, status, source, destination, hops, priority);
    this.flushRecentLetters();
  }

  private finishAsync(k: KernelState, n: number, out: OutputBatch): void {
    k.busy = false;
    k.inFlight = 0;
    this.inFlightTotal -= n;
    k.processed += n;
    this.processed += n;
    this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
    if (!k.destroyed) this.emit(k, out);
    this.releaseRows(k, n);
    if (k.pending) this.swapPending(k);
  }

  /**
   * Sends a kernel's outputs on: responses back to their source, everything else by type.
   * `rowBase` maps the outputs' `parentRow` onto the kernel's batch (a one-row re-run of row r).
   */
  private emit(k: KernelState, out: OutputBatch, rowBase = 0): void {
    const n = out.count;
    if (n === 0) return;
    const s = this.store;
    const source = k.cfg.id;
    const srcNum = k.num;
    let rec: TypeRec | undefined;
    let conv: OutputConverter | undefined;
    const now = this.nowUs;
    for (let r = 0; r < n; r++) {
      const parentRow = rowBase + out.parentRow[r]!;
      const parentRef = k.rowRef[parentRow]!;
      const parentId = k.rowId[parentRow]!;
      const lo = out.typeLo[r]!;
      const hi = out.typeHi[r]!;
      if (!rec || rec.lo !== lo || rec.hi !== hi) {
        rec = this.typeByWords(lo, hi, rec);
        conv = rec.outputs.get(k.cfg.behavior);
        if (!conv) {
          conv = new OutputConverter(rec.layout, k.cfg.behavior);
          rec.outputs.set(k.cfg.behavior, conv);
        }
      }
      const ref = s.alloc();
      this.initMessage(ref, rec, parentId, parentId, now);
      s.traced[ref] = s.traced[parentRef]!;
      const len = conv!.convertInto(out.payload, r * PAYLOAD_WORDS, s.words, ref * INLINE_WORDS);
      if (len >= 0) {
        s.len[ref] = len;
        s.big[ref] = undefined;
      } else s.setPayload(ref, conv!.convert(out.payload, r * PAYLOAD_WORDS));
      this.emitted++;
      k.emitted++;
      const priority = out.priority[r]! & 0xff;
      if ((out.flags[r]! & FLAG_RESPONSE) !== 0) {
        this.sendResponse(k, ref, rec, out.dest[r]!, priority);
      } else {
        this.enqueueDispatch(ref, rec, priority, source, srcNum);
      }
    }
    this.dispatchScratch(source, srcNum);
  }

  /** A response goes back to its request's source (the host consumes its own at once). */
  private sendResponse(
    k: KernelState,
    ref: number,
    rec: TypeRec,
    dest: number,
    priority: number,
  ): void {
    const s = this.store;
    this.stampEntry(ref);
    const source = k.cfg.id;
    if (dest === this.hostNum || this.broker.nameOf(dest) === HOST_KERNEL) {
      s.msgId[ref] = this.broker.lastMessageId + 1;
      // Take an id like any send would, so ids stay unique across the host's responses.
      this.broker.nextMessageId++;
      const seq = this.receipts.count('Delivered');
      const wants = this.receipts.wants('Delivered', rec.typeId, source, HOST_KERNEL);
      const logical = this.reserveHlc(1);
      const at = hlc(this.hlcP, logical);
      if (wants) this.row(seq, 'Delivered', ref, source, HOST_KERNEL, 0, priority, 0, at);
      if (s.traced[ref] === 1 || wants) {
        s.traced[ref] = 1;
        this.trace(ref, 'Delivered', source, HOST_KERNEL, 0, priority);
        const node = this.traces.get(s.msgId[ref]!);
        if (node) {
          node.kernel = HOST_KERNEL;
          node.processedAt = at;
          node.latencyUs = 0;
        }
      }
      this.processed++;
      s.release(ref);
      return;
    }
    const destination = this.broker.nameOf(dest);
    const code = this.broker.sendRef(source, destination, rec.num, priority, ref);
    s.msgId[ref] = this.broker.lastMessageId;
    this.settle(
      ref,
      STATUS_OF_CODE[code]!,
      source,
      k.num,
      destination,
      this.broker.lastRouteHops,
      priority,
    );
    this.flushRecentLetters();
  }

  drain(maxRounds = 1_000_000): void {
    this.nowUs = Math.max(this.nowUs, Math.floor(this.now()));
    for (let round = 0; round < maxRounds; round++) {
      let any = 0;
      for (const k of this.kernels.values()) any += this.drainKernel(k, k.batch.capacity);
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
    const recs = mixIn.map((e) => this.typeRec(normU64(e.typeId)));
    const mix: MixEntry[] = mixIn.map((e, i) => ({
      typeId: recs[i]!.typeId,
      weight: e.weight,
      layout: recs[i]!.layout ?? { size: 0, fields: [] },
    }));
    const priority = spec.priority ?? this.dispatcher.defaultPriority;
    const gen = new TrafficGenerator(spec, mix, this.nowUs);
    const stride = Math.max(INLINE_WORDS * 4, Math.ceil(TrafficGenerator.strideFor(mix) / 4) * 4);
    this.genBatch = new GeneratedBatch(GEN_CHUNK, stride);
    this.genWords = new Uint32Array(this.genBatch.payload.buffer);
    this.genRecs = recs;
    this.genLens = Uint32Array.from(mix, (e) => e.layout.size);
    this.generator = gen;
    this.genPriority = priority;
  }

  private runGenerator(): void {
    const gen = this.generator;
    const batch = this.genBatch;
    const words = this.genWords;
    if (!gen || !batch || !words) return;
    const recs = this.genRecs;
    const lens = this.genLens;
    const wordsPer = batch.stride / 4;
    const s = this.store;
    const prio = this.genPriority;
    let total = 0;
    while (total < this.maxGeneratedPerTick) {
      const n = gen.fill(this.nowUs, batch);
      if (n === 0) break;
      total += n;
      for (let i = 0; i < n; i++) {
        const mi = batch.mixIndex[i]!;
        const rec = recs[mi]!;
        const ref = s.alloc();
        this.initMessage(ref, rec, 0, -1, batch.timeUs[i]!);
        const src = i * wordsPer;
        const dst = ref * INLINE_WORDS;
        const sw = s.words;
        for (let w = 0; w < INLINE_WORDS; w++) sw[dst + w] = words[src + w]!;
        const len = lens[mi]!;
        s.len[ref] = len;
        s.big[ref] =
          len > INLINE_WORDS * 4
            ? batch.payload.slice(i * batch.stride, i * batch.stride + len)
            : undefined;
        this.injected++;
        this.enqueueDispatch(ref, rec, prio, HOST_KERNEL, this.hostNum);
      }
      this.dispatchScratch(HOST_KERNEL, this.hostNum);
      // Let the kernels keep up between chunks, as they would run concurrently.
      for (const k of this.kernels.values()) this.drainKernel(k, Number.POSITIVE_INFINITY);
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
        this.typeRec(id);
        this.dispatcher.registerRoute(id, cmd.kernelId);
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
        this.dispatcher.unregister(id);
        this.config = {
          ...this.config,
          routes: this.config.routes.filter((r) => normU64(r.typeId) !== id),
        };
        return {};
      }
      case 'setK2kRoute':
        this.broker.addRoute(cmd.dest, cmd.nextHop);
        this.k2k.set(cmd.dest, cmd.nextHop);
        return {};
      case 'removeK2kRoute':
        this.broker.removeRoute(cmd.dest);
        this.k2k.delete(cmd.dest);
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
        const rec = this.typeByKey.get(normU64(cmd.typeId));
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
        this.broker.setMaxHops(b.maxHops);
        this.dispatcher.setDefaultPriority(b.defaultPriority);
        return {};
      }
      case 'redrive':
        return { redrive: this.redrive(cmd) };
      case 'purgeDeadLetters':
        return { count: this.purge(cmd.filter) };
      case 'listDeadLetters': {
        const match = this.letterFilter(cmd.filter);
        const all = this.broker.deadLetters.browse({ where: match });
        const offset = cmd.offset ?? 0;
        const limit = cmd.limit ?? 100;
        const rows = all.slice(offset, offset + limit).map((l) => this.letterRow(l));
        return { deadLetters: { total: all.length, rows } };
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
      case 'routes':
        return { routes: this.dispatcher.routes() };
      case 'gpuInfo':
        return { gpu: this.gpuInfo() };
      case 'trace':
        if (!Number.isSafeInteger(cmd.messageId))
          err('InvalidCommand', 'messageId must be an integer.');
        return { trace: this.traces.trace(cmd.messageId) };
      case 'pin':
        return { pinned: this.traces.pin(cmd.messageId) };
      case 'unpin':
        return { pinned: !this.traces.unpin(cmd.messageId) };
      case '__failKernel': {
        const k = this.kernels.get(cmd.kernelId);
        if (!k) err('UnknownKernel', `There is no kernel "${String(cmd.kernelId)}" to fail.`);
        if (!Number.isInteger(cmd.count) || cmd.count < 0)
          err('InvalidCommand', 'count must be a non-negative integer.');
        k.failCount = cmd.count;
        k.failReason = String(cmd.reason);
        return {};
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
    const priority = cmd.priority ?? this.dispatcher.defaultPriority;
    if (!Number.isInteger(priority) || priority < 0 || priority > 255) {
      err('InvalidCommand', `priority must be an integer in 0..255 (got ${priority}).`);
    }
    const source = cmd.source ?? HOST_KERNEL;
    if (source !== HOST_KERNEL && !this.kernels.has(source)) {
      err('UnknownKernel', `Source "${String(cmd.source)}" is not a kernel.`);
    }
    const known = this.typeByKey.get(typeId);
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
    const rec = this.typeRec(typeId);
    const srcNum = this.broker.kernelNumber(source);
    const s = this.store;
    for (let i = 0; i < count; i++) {
      const ref = s.alloc();
      this.initMessage(ref, rec, cmd.correlationId ?? 0, -1, this.nowUs);
      s.setPayload(ref, bytes);
      // Messages injected by hand are traced exactly (and so are their outputs).
      if (i < MAX_TRACED_PER_INJECT) s.traced[ref] = 1;
      this.injected++;
      this.enqueueDispatch(ref, rec, priority, source, srcNum);
    }
    this.dispatchScratch(source, srcNum);
    return count;
  }

  /** Given field values over a random fill (so a form may leave fields empty). */
  private randomPayload(
    rec: TypeRec,
    values: Record<string, number | bigint | string | boolean>,
  ): Uint8Array {
    const layout = rec.layout!;
    const next = this.broker.lastMessageId + 1;
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
    if (ts && v['timestampUs'] === undefined) v['timestampUs'] = this.nowUs;
    return encodePayload(layout, v, base);
  }

  private addFailed(why: string, n = 1): void {
    if (n === 0) return;
    this.failed.set(why, (this.failed.get(why) ?? 0) + n);
  }

  private resetMetrics(): void {
    this.dispatcher.resetMetrics();
    this.receipts.reset();
    this.latency.reset();
    // Messages still held keep the equation exact after the counters restart.
    this.carriedOver = this.queuedNow() + this.broker.deadLetters.size;
    this.injected = 0;
    this.emitted = 0;
    this.processed = 0;
    this.failed.clear();
    this.evictedLetters = 0;
    this.refusedCrossTenant = 0;
    for (const k of this.kernels.values()) {
      k.processed = 0;
      k.dropped = 0;
      k.deadLettered = 0;
      k.lettersByReason = {};
      k.emitted = 0;
      k.lastProcessed = 0;
      k.rate = 0;
      for (const e of k.edges.values()) e.total = e.last = e.rate = 0;
    }
    for (const t of this.types) for (const e of t.edges.values()) e.total = e.last = e.rate = 0;
  }

  private queuedNow(): number {
    let q = this.inFlightTotal;
    for (const k of this.kernels.values()) q += k.ep.pendingCount();
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
    for (const k of this.kernels.values()) {
      if (advanced) k.rate = smooth(k.rate, (k.processed - k.lastProcessed) / dtSec);
      k.lastProcessed = k.processed;
      const st = k.ep.queueStats();
      const fallbackReason = this.fallbackReasonOf(k);
      kernels.push({
        id: k.cfg.id,
        backend: this.backendOf(k),
        behavior: k.cfg.behavior,
        tenantId: k.cfg.tenantId,
        queueDepth: k.ep.pendingCount() + k.inFlight,
        maxDepth: st.maxDepth,
        capacity: k.ep.capacity,
        processed: k.processed,
        dropped: k.dropped,
        deadLettered: k.deadLettered,
        lettersByReason: { ...k.lettersByReason },
        emitted: k.emitted,
        ratePerSec: k.rate,
        ...(fallbackReason === undefined ? {} : { fallbackReason }),
      });
      for (const e of k.edges.values()) edgeOut(e);
    }
    for (const t of this.types) for (const e of t.edges.values()) edgeOut(e);
    const failedByStatus: Record<string, number> = {};
    let failedSum = 0;
    for (const [why, n] of this.failed) {
      failedByStatus[why] = n;
      failedSum += n;
    }
    const queued = this.queuedNow();
    const held = this.broker.deadLetters.size;
    const entered = this.injected + this.emitted + this.carriedOver;
    this.flushRecentLetters();
    const recentLetters = this.recentLetters;
    this.recentLetters = [];
    const gpuEvents = this.recentNotices;
    this.recentNotices = [];
    const gen = this.generator;
    const ba = this.broker.accounting();
    return {
      seq: ++this.seq,
      timeUs: now,
      injected: this.injected,
      metrics: this.dispatcher.metrics(),
      receipts: {
        total: this.receipts.total,
        byStatus: this.receipts.byStatusRecord(),
        sampledOut: this.receipts.sampledOut,
        recent: this.receipts.drain(),
      },
      kernels,
      edges,
      deadLetters: {
        count: held,
        evicted: this.evictedLetters,
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
        deadLettered: held,
        balanced: entered === this.processed + queued + failedSum + held,
      },
      latency: this.latency.percentiles(),
      generator: gen
        ? { running: true, emitted: gen.emitted, spec: gen.spec }
        : { running: false, emitted: this.lastGenEmitted },
      configName: this.config.name,
      gpuEvents,
      broker: {
        in: ba.in,
        received: ba.received,
        queued: ba.queued,
        deadLettered: ba.deadLettered,
        balanced: ba.balanced,
      },
      traced: this.traces.count,
    };
  }

  snapshotGeneratorRunning(): boolean {
    return this.generator !== null;
  }

  destroy(): void {
    for (const k of this.kernels.values()) {
      k.destroyed = true;
      if ('destroy' in k.impl) k.impl.destroy();
      if (k.pending && 'destroy' in k.pending) k.pending.destroy();
    }
    this.kernels.clear();
    this.generator = null;
  }
}
