/**
 * The engine's shared state, and the small things every part needs: the clock (wall time and
 * reserved HLC stamps), the message-type registry, typed errors and the accounting counters.
 * The parts (send path, kernel host, dead letters, generator, snapshot builder, command table)
 * each hold this one object; none of them owns another's state.
 */
import { StatusCode, type K2KBroker, type KernelDispatcher } from '../core';
import { readU64 } from '../core/config';
import type { RouteConfig } from '../core/config';
import {
  BEHAVIOR_EMITS,
  FLAG_REQUIRES_RESPONSE,
  u64FromWords,
  u64Words,
} from '../gpu/kernels/types.ts';
import { InputConverter } from './kernel-input';
import type { OutputConverter } from './kernel-output';
import type { KernelState } from './kernel-state';
import { layoutOf, type PayloadLayout } from './payload';
import type {
  EngineErrorCode,
  EngineEvent,
  GpuInfo,
  GpuNotice,
  HlcRow,
  ReceiptStatus,
  U64,
  U64Input,
} from './protocol';
import { RATE_WINDOW_US, RateMeter } from './rate';
import { LatencyRing, ReceiptLog } from './receipts';
import { RemovedKernelCounts } from './removed-kernels';
import { MessageStore } from './store';
import { TraceStore } from './trace';

export const NODE_ID = 1;
const MAX_RECENT_NOTICES = 100;

/** The receipt status of each broker status code (`StatusCode`), indexed by the code. */
export const STATUS_OF_CODE: readonly ReceiptStatus[] = (() => {
  const byCode: Record<number, ReceiptStatus> = {
    [StatusCode.Delivered]: 'Delivered',
    [StatusCode.Pending]: 'Pending',
    [StatusCode.QueueFull]: 'QueueFull',
    [StatusCode.NotFound]: 'NotFound',
    [StatusCode.MaxHopsExceeded]: 'MaxHopsExceeded',
    [StatusCode.UnknownType]: 'NoRoute',
    [StatusCode.TenantMismatch]: 'TenantMismatch',
  };
  return Array.from({ length: StatusCode.TenantMismatch + 1 }, (_, code) => byCode[code]!);
})();

/** A command that cannot be applied; becomes `{ ok: false, error }` at the engine's boundary. */
export class EngineFailure extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function err(code: EngineErrorCode, message: string): never {
  throw new EngineFailure(code, message);
}

/** Normalises a u64 given as number, bigint or decimal string; throws an InvalidCommand failure. */
export function normU64(x: U64Input): U64 {
  const big = readU64(x);
  if (big === undefined) err('InvalidCommand', `"${String(x)}" is not a u64 type id.`);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

export function isPromise<T>(x: unknown): x is Promise<T> {
  return (
    typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function'
  );
}

export function hlc(physical: number, logical: number): HlcRow {
  return { physical, logical, nodeId: NODE_ID };
}

/**
 * Messages counted on one edge of the graph: type → kernel (every delivery of the type to the
 * kernel, whoever sent it), kernel → kernel (what one kernel's sends and relays reached another)
 * or kernel → type (what a kernel emitted of a type, whatever became of it).
 */
export interface EdgeAcc {
  source: string;
  target: string;
  total: number;
  meter: RateMeter;
}

/** What the engine knows about one message type id (configured or merely seen). */
export interface TypeRec {
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
  /**
   * The type a kernel answers this one with (`responseTypeId`, where the type requires a
   * response): the config's, whatever the kernel's behaviour emits on its own (pattern 1004,
   * the others the type + 1), as the graph's `responds` edge says. Null: the kernel's own.
   */
  response: TypeRec | null;
  input: InputConverter;
  outputs: Map<string, OutputConverter>;
  edges: Map<number, EdgeAcc>;
}

/** The options of `createEngine` that the parts read. */
export interface CoreOptions {
  now: () => number;
  /** High-resolution wall clock in ms, for the `auto` backend's measurements and time slices. */
  clock: () => number;
  onEvent: ((e: EngineEvent) => void) | undefined;
  /** See `EngineOptions.midCommand`. */
  midCommand: (() => void) | undefined;
  gpuInfo: () => GpuInfo;
  batchSize: number;
  maxGeneratedPerTick: number;
  traceCapacity: number | undefined;
}

/** Shared engine state. */
export class EngineCore {
  config!: RouteConfig;
  nowUs = 0;
  private hlcP = 0;
  private hlcL = -1;

  broker!: K2KBroker;
  dispatcher!: KernelDispatcher;
  hostNum = 0;

  readonly kernels = new Map<string, KernelState>();
  readonly byNum: (KernelState | undefined)[] = [];
  /** Bumped when kernels, routes or edges between kernels change (`flowsChanged`, `drainOrder`). */
  private flows = 0;
  private orderAt = -1;
  private order: KernelState[] = [];
  readonly types: TypeRec[] = [];
  readonly typeByKey = new Map<U64, TypeRec>();
  /** Mirror of the broker's next-hop table, for edge rates only. */
  readonly k2k = new Map<string, string>();

  // Accounting.
  injected = 0;
  emitted = 0;
  processed = 0;
  /** Of `processed`: responses delivered back to the host (no kernel runs them). */
  toHost = 0;
  readonly failed = new Map<string, number>();
  /** Messages taken from a queue and not yet processed (async batches in flight). */
  inFlightTotal = 0;
  carriedOver = 0;
  /** Engine time of the last Reset counters (`accounting.sinceUs`); null before any. */
  countersSinceUs: number | null = null;
  /**
   * What kernels removed since the last reset had counted (`removed-kernels.ts`): the snapshot's
   * `accounting.removedKernels` row.
   */
  readonly removedKernels = new RemovedKernelCounts();
  /**
   * The kernel whose batch failed the letter being added now (`KernelFaults.failMessage`): a
   * removed kernel's failures count under it, not under whatever has its id now (nothing, or the
   * kernel added back).
   */
  letterOwner: KernelState | null = null;
  /** Dead letters added since the last reset (for the dead-lettered rate). */
  lettered = 0;
  /** When the snapshots of the last rate window sampled the rate meters, oldest first. */
  private readonly snapshotTimes: number[] = [];

  readonly store = new MessageStore();
  readonly receipts = new ReceiptLog();
  readonly latency = new LatencyRing();
  readonly traces: TraceStore;
  recentNotices: GpuNotice[] = [];

  /** End of the current time slice (ms on `clock`); work that may be left for later stops here. */
  deadline = Number.POSITIVE_INFINITY;

  constructor(readonly opts: CoreOptions) {
    this.traces = new TraceStore(opts.traceCapacity);
    this.nowUs = Math.floor(opts.now());
  }

  /**
   * Lists the kernels (and so the snapshot's) in the config's order, `ids`: a kernel renamed (a
   * new id) had gone to the end of the snapshot's list, and of the Queues panel, while the config
   * and the Inspector kept it in its place.
   */
  orderKernels(ids: readonly string[]): void {
    const now = [...this.kernels.keys()];
    if (ids.length === now.length && ids.every((id, i) => now[i] === id)) return;
    const byId = new Map(this.kernels);
    this.kernels.clear();
    for (const id of ids) {
      const k = byId.get(id);
      if (k) this.kernels.set(id, k);
    }
    // Any not named keep their turn after those that are.
    for (const [id, k] of byId) if (!this.kernels.has(id)) this.kernels.set(id, k);
    this.flowsChanged();
  }

  /** The kernels, the routes or the edges between kernels changed: `drainOrder` is redone. */
  flowsChanged(): void {
    this.flows++;
  }

  /**
   * The kernels in the order a round of draining visits them: each after the kernels it sends to
   * (the kernels its behaviour's alerts are routed to, and the edges traffic has used: emits,
   * relays), cycles broken at the kernel first met, and otherwise in the config's order. A
   * kernel's queue is drained just before the kernels that feed it put their batch in, as if they
   * ran concurrently: in the config's order, 4,096 transactions waiting for the fraud kernel and
   * 256 alerts waiting at alert_sink (1,024) had refused 246 of the fraud kernel's first 1,024
   * alerts as `QueueFull`.
   */
  drainOrder(): readonly KernelState[] {
    if (this.orderAt === this.flows) return this.order;
    const order: KernelState[] = [];
    const seen = new Set<KernelState>();
    const visit = (k: KernelState): void => {
      if (seen.has(k)) return;
      seen.add(k);
      for (const e of BEHAVIOR_EMITS[k.cfg.behavior] ?? []) {
        const d = this.kernels.get(this.dispatcher.getRoute(e.typeId) ?? '');
        if (d) visit(d);
      }
      for (const num of k.edges.keys()) {
        const d = this.byNum[num];
        if (d && !d.destroyed) visit(d);
      }
      order.push(k);
    };
    for (const k of this.kernels.values()) visit(k);
    this.order = order;
    this.orderAt = this.flows;
    return order;
  }

  /** Moves engine time forward to `now()` (it never goes back). */
  advance(): void {
    this.nowUs = Math.max(this.nowUs, Math.floor(this.opts.now()));
    // The receipt rows' budget fills as engine time moves, not once a snapshot: filled at the
    // snapshot, it went to the first receipts after it (the host's next traffic), and the alerts
    // kernels emit later in the tick got 10 % of the rows under load (wall clock) for 42 % of the
    // receipts; now 45 %.
    this.receipts.refill(this.nowUs);
  }

  /**
   * A command that holds the thread for long (an inject of a million) calls this now and then,
   * with every message it sent so far settled: engine time moves on to now (the messages after
   * are stamped when they are sent, as they would be by a host sending them one after another),
   * and the worker may post a snapshot (`EngineOptions.midCommand`).
   */
  midCommand(): void {
    this.advance();
    this.opts.midCommand?.();
  }

  /** True once the current time slice is used up. */
  overBudget(): boolean {
    return this.deadline !== Number.POSITIVE_INFINITY && this.opts.clock() >= this.deadline;
  }

  /** The physical part of the HLC stamps handed out last. */
  get hlcPhysical(): number {
    return this.hlcP;
  }

  /** Reserves `n` consecutive HLC logical values at the current time; returns the first. */
  reserveHlc(n: number): number {
    if (this.nowUs > this.hlcP) {
      this.hlcP = this.nowUs;
      this.hlcL = -1;
    }
    const base = this.hlcL + 1;
    this.hlcL += n;
    return base;
  }

  addFailed(why: string, n = 1): void {
    if (n === 0) return;
    this.failed.set(why, (this.failed.get(why) ?? 0) + n);
  }

  /** Reports a backend change of a kernel (for the UI's notices and `snapshot.gpuEvents`). */
  notice(kernelId: string, backend: 'webgpu' | 'cpu', message: string, chosen = false): void {
    const n: GpuNotice = {
      kernelId,
      atUs: this.nowUs,
      backend,
      message,
      ...(chosen ? { chosen: true as const } : {}),
    };
    if (this.recentNotices.length < MAX_RECENT_NOTICES) this.recentNotices.push(n);
    this.opts.onEvent?.({ type: 'notice', notice: n });
  }

  // -------------------------------------------------------------------------------------------
  // Message types

  typeRec(typeId: U64): TypeRec {
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
        response: null,
        input: new InputConverter(null),
        outputs: new Map(),
        edges: new Map(),
      };
      this.types.push(rec);
      this.typeByKey.set(typeId, rec);
    }
    return rec;
  }

  typeByWords(lo: number, hi: number, last: TypeRec | undefined): TypeRec {
    if (last && last.lo === lo && last.hi === hi) return last;
    return this.typeRec(u64FromWords(lo, hi));
  }

  /** The type record of the message at store reference `ref`. */
  typeOfRef(ref: number): TypeRec {
    return this.types[this.store.typeIdx[ref]!]!;
  }

  setTypeDef(def: RouteConfig['messageTypes'][number]): void {
    const rec = this.typeRec(normU64(def.typeId));
    rec.name = def.name;
    rec.layout = layoutOf(def.fields);
    rec.flags = def.requiresResponse ? FLAG_REQUIRES_RESPONSE : 0;
    rec.response =
      def.requiresResponse && def.responseTypeId !== undefined
        ? this.typeRec(normU64(def.responseTypeId))
        : null;
    rec.input = new InputConverter(rec.layout);
    rec.outputs.clear();
  }

  clearTypeDef(rec: TypeRec): void {
    rec.name = `type ${String(rec.typeId)}`;
    rec.layout = null;
    rec.flags = 0;
    rec.response = null;
    rec.input = new InputConverter(null);
    rec.outputs.clear();
  }

  /** Counts `n` messages of type `rec` that the kernel `k` emitted (its `emits` edge). */
  emitEdge(k: KernelState, rec: TypeRec, n: number): void {
    let e = k.emits.get(rec.idx);
    if (!e) {
      e = { source: k.cfg.id, target: rec.label, total: 0, meter: this.freshMeter() };
      k.emits.set(rec.idx, e);
    }
    e.total += n;
  }

  /** Counts `n` messages on the edge from `source` to the kernel numbered `targetNum`. */
  edge(map: Map<number, EdgeAcc>, source: string, targetNum: number, n = 1): void {
    let e = map.get(targetNum);
    if (!e) {
      e = { source, target: this.broker.nameOf(targetNum), total: 0, meter: this.freshMeter() };
      map.set(targetNum, e);
      this.flowsChanged();
    }
    e.total += n;
  }

  /**
   * The rate meter of a counter that starts now (an edge first used, a kernel added), with the
   * readings it would have had: `from` (0, or what a kernel added back takes back) at each
   * snapshot of the last rate window, the same times as
   * every other meter. A meter whose first sample already held the first messages read 0/s for
   * them (and, with a second lump soon after, that lump alone over a short span: about twice the
   * rate) while the kernel an edge feeds read the true rate.
   */
  freshMeter(from = 0): RateMeter {
    const m = new RateMeter();
    for (const t of this.snapshotTimes) m.sample(t, from);
    return m;
  }

  /** Called by each snapshot: keeps the times of the last rate window (and one before it). */
  noteSnapshot(tUs: number): void {
    const times = this.snapshotTimes;
    // A snapshot at the same engine time (a clock standing still) adds no reading.
    if (times[times.length - 1] === tUs) return;
    times.push(tUs);
    let drop = 0;
    while (times.length - drop > 2 && tUs - times[drop + 1]! >= RATE_WINDOW_US) drop++;
    if (drop > 0) times.splice(0, drop);
  }

  /**
   * Every counter went back to 0 at `tUs` (Reset counters): the meters restart there, and so do
   * the readings a meter made afterwards starts with, or a new edge would measure over the time
   * before the reset while its kernel measured from it.
   */
  restartRates(tUs: number): void {
    this.snapshotTimes.length = 0;
    this.snapshotTimes.push(tUs);
  }

  /** Messages waiting in kernel queues (in flight on a backend not included). */
  queuedNow(): number {
    let q = 0;
    for (const k of this.kernels.values()) q += k.ep.pendingCount();
    return q;
  }
}
