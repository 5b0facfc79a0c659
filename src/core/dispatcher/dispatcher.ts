import { InvalidArgumentError } from '../errors.ts';
import { HOST_KERNEL } from '../host.ts';
import type { HlcTimestamp } from '../clock/hlc.ts';
import { K2KBroker } from '../broker/broker.ts';
import type { K2KEndpoint } from '../broker/endpoint.ts';
import { StatusCode, type DeliveryReceipt } from '../broker/types.ts';
import { createEnvelope, type MessageEnvelope } from '../message/envelope.ts';
import { toU64, type U64 } from '../message/u64.ts';
import { DispatchTable } from './dispatch-table.ts';
import {
  DEFAULT_DISPATCHER_CONFIG,
  UnknownMessageTypeError,
  type DispatcherConfig,
  type DispatcherMetrics,
  type MessageType,
} from './types.ts';

/** @internal A route plus its cached endpoint (valid while `gen` equals the broker's). */
class RouteEntry {
  ep: K2KEndpoint | undefined = undefined;
  gen = -1;
  constructor(
    readonly typeId: U64,
    readonly kernelId: string,
    /** The kernel id's number in the broker's name table (batch slots store numbers). */
    readonly dstName: number,
  ) {}
}

/**
 * Input of {@link KernelDispatcher.dispatchBatch}: structure-of-arrays, one index per message.
 * Only the first `count` entries are read.
 */
export interface DispatchBatch {
  /**
   * Type ids as safe integers. Ids above 2^53 - 1 cannot be held exactly here: they (and any
   * non-integer) get `StatusCode.UnknownType`, never a wrong route; dispatch such messages one
   * by one with `dispatch`.
   */
  typeIds: Float64Array | Uint32Array;
  count: number;
  /** Per-message K2K priority (default: the dispatcher's `defaultPriority`). */
  priorities?: Uint8Array;
  /** Opaque per-message references (e.g. payload offsets), handed back by `drainInto`. */
  payloadRefs?: Uint32Array;
  /** Sending kernel (default `host`). */
  source?: string;
}

/** A copy of `a` twice as long. */
function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

const CACHE_SIZE = 1024;
/** `lineLane` value of a cache line not yet looked at since the lanes opened. */
const LINE_UNRESOLVED = -2;
const CACHE_MASK = CACHE_SIZE - 1;

/**
 * Routes messages by type id to kernels through a {@link K2KBroker} (RingKernel's
 * KernelDispatcher). Synchronous: `dispatch` returns the receipt.
 *
 * @example
 * const broker = new K2KBroker();
 * broker.register('fraud_processor');
 * const d = new DispatcherBuilder().routeRaw(1001, 'fraud_processor').buildWithBroker(broker);
 * d.dispatch(createEnvelope({ messageType: 1001, timestamp: clock.tick() })).status; // 'Delivered'
 */
export class KernelDispatcher {
  /** The dispatcher's configuration. */
  readonly config: Readonly<DispatcherConfig>;
  private readonly _broker: K2KBroker;
  private readonly routeMap = new Map<U64, RouteEntry>();
  private readonly tables = new Map<string, DispatchTable>();
  private priority: number;
  private dispatched = 0;
  private delivered = 0;
  private unknown = 0;
  private errors = 0;
  // Cached tenant of the last source, valid for one broker generation.
  private srcName = '';
  private srcTenant = 0;
  private srcTrusted = false;
  private srcGen = -1;
  // Direct-mapped type id -> route cache for the batch path.
  private readonly cacheKeys = new Float64Array(CACHE_SIZE).fill(NaN);
  private readonly cacheEntries: (RouteEntry | undefined)[] = new Array<RouteEntry | undefined>(
    CACHE_SIZE,
  ).fill(undefined);

  constructor(broker: K2KBroker = new K2KBroker(), config: Partial<DispatcherConfig> = {}) {
    this._broker = broker;
    this.config = Object.freeze({ ...DEFAULT_DISPATCHER_CONFIG, ...config });
    const p = this.config.defaultPriority;
    if (!Number.isInteger(p) || p < 0 || p > 255) {
      throw new InvalidArgumentError(`defaultPriority must be a u8 (0-255), got ${p}`);
    }
    this.priority = p;
  }

  /** The default K2K priority (u8) given to dispatched messages. */
  get defaultPriority(): number {
    return this.priority;
  }

  /** Change the default priority of later dispatches (a live config edit). */
  setDefaultPriority(priority: number): void {
    if (!Number.isInteger(priority) || priority < 0 || priority > 255) {
      throw new InvalidArgumentError(`defaultPriority must be a u8 (0-255), got ${priority}`);
    }
    this.priority = priority;
  }

  /** The underlying broker. */
  get broker(): K2KBroker {
    return this._broker;
  }

  /** `registerWithName(type, kernelId, type.name)`. */
  register(type: MessageType, kernelId: string): void {
    this.registerWithName(type, kernelId, type.name);
  }

  /**
   * Route `type` to `kernelId` (replacing any earlier route), then add its handler to the
   * kernel's dispatch table. A handler id already in that table throws
   * `DuplicateHandlerIdError`, and the route stays set (as in the seed).
   */
  registerWithName(type: MessageType, kernelId: string, handlerName: string): void {
    this.registerRoute(type.typeId, kernelId);
    this.tableFor(kernelId).registerMessage(type, handlerName);
  }

  /** Set only the route for `typeId`. */
  registerRoute(typeId: number | bigint, kernelId: string): void {
    const id = toU64(typeId);
    this.routeMap.set(id, new RouteEntry(id, kernelId, this._broker.internName(kernelId)));
    this.clearCache();
  }

  /** Remove only the route for `typeId`; false if there was none. */
  unregister(typeId: number | bigint): boolean {
    const removed = this.routeMap.delete(toU64(typeId));
    this.clearCache();
    return removed;
  }

  /** The kernel `typeId` routes to. */
  getRoute(typeId: number | bigint): string | undefined {
    return this.routeMap.get(toU64(typeId))?.kernelId;
  }

  /** Whether `typeId` has a route. */
  hasRoute(typeId: number | bigint): boolean {
    return this.routeMap.has(toU64(typeId));
  }

  /** All routes as `[typeId, kernelId]` pairs. */
  routes(): [U64, string][] {
    const out: [U64, string][] = [];
    for (const e of this.routeMap.values()) out.push([e.typeId, e.kernelId]);
    return out;
  }

  /** A copy of the kernel's dispatch table, or undefined if it has none. */
  getDispatchTable(kernelId: string): DispatchTable | undefined {
    return this.tables.get(kernelId)?.clone();
  }

  /** @internal The live table, created on first use (the builder writes into it). */
  tableFor(kernelId: string): DispatchTable {
    let t = this.tables.get(kernelId);
    if (t === undefined) {
      t = new DispatchTable(kernelId);
      this.tables.set(kernelId, t);
    }
    return t;
  }

  /** `dispatchFrom('host', envelope)`. */
  dispatch(envelope: MessageEnvelope): DeliveryReceipt {
    return this.dispatchFrom(HOST_KERNEL, envelope);
  }

  /**
   * Route by the header's `messageType` and send through the broker with the default priority.
   * Throws `UnknownMessageTypeError` (counted) when there is no route; a broker error such as
   * `TenantMismatchError` propagates and changes no dispatcher metric. Failure statuses come back
   * in the receipt (and are counted as delivery errors). `payloadRef` is handed back with the
   * message (`K2KMessage.payloadRef`, `drainInto`); `priority` overrides the default.
   */
  dispatchFrom(
    source: string,
    envelope: MessageEnvelope,
    payloadRef = 0,
    priority: number = this.priority,
  ): DeliveryReceipt {
    const t = envelope.header.messageType;
    const e = typeof t === 'number' ? this.cachedRoute(t) : this.routeMap.get(t);
    if (e === undefined) {
      this.dispatched++;
      this.unknown++;
      throw new UnknownMessageTypeError(envelope.header.messageType);
    }
    const b = this._broker;
    if (e.gen !== b.generation) {
      e.ep = b.getEndpoint(e.kernelId);
      e.gen = b.generation;
    }
    const srcTenant = this.tenantOf(source);
    const r = b.sendResolved(
      source,
      this.srcTrusted && e.ep !== undefined ? e.ep.tenantId : srcTenant,
      e.kernelId,
      e.ep,
      envelope,
      priority,
      payloadRef,
    );
    this.dispatched++;
    if (r.status === 'Delivered') this.delivered++;
    else if (r.status !== 'Pending') this.errors++;
    return r;
  }

  /** Build an envelope (numeric source and destination 0) and dispatch it. */
  dispatchMessage(
    type: MessageType,
    payload: Uint8Array,
    timestamp: HlcTimestamp,
  ): DeliveryReceipt {
    return this.dispatch(
      createEnvelope({
        messageType: type.typeId,
        payload,
        timestamp,
        flags: type.requiresResponse === true ? 0x08 : 0,
      }),
    );
  }

  /**
   * Dispatch `batch.count` messages described by typed arrays, writing one {@link StatusCode}
   * per message into `statusesOut`. Allocates nothing per accepted message: routes come from a
   * direct-mapped cache, messages go straight into the endpoints' preallocated slot columns
   * (without envelopes; receivers get them through `drainInto` or, materialised, `tryReceive`),
   * and one clock reading stamps the whole batch. Failures are dead-lettered like single sends
   * (allocating one letter each). Metrics and broker accounting are exact: an unknown type counts
   * as dispatched and as an unknown-type error (`StatusCode.UnknownType`); a cross-tenant message
   * is refused, dead-lettered and counted by the broker only (`StatusCode.TenantMismatch`).
   * Returns the number accepted (`Delivered` + `Pending`).
   */
  dispatchBatch(batch: DispatchBatch, statusesOut: Uint8Array): number {
    const n = batch.count;
    const { typeIds, priorities, payloadRefs } = batch;
    if (!Number.isInteger(n) || n < 0 || n > typeIds.length || n > statusesOut.length) {
      throw new InvalidArgumentError(
        `batch count ${n} must be an integer within typeIds (${typeIds.length}) and statusesOut (${statusesOut.length})`,
      );
    }
    this._lastBatchDelivered = 0;
    const b = this._broker;
    const c = b.counters;
    const source = batch.source ?? HOST_KERNEL;
    // Everything about this batch lives in locals: an owner's hook may dispatch another batch
    // (re-entering here) while this one waits on the general path.
    const baseTenant = this.tenantOf(source);
    const trusted = this.srcTrusted;
    const srcName = b.internName(source);
    const now = b.nowMicros();
    let id = b.nextMessageId;
    // Every message starts as Delivered: the lanes then write nothing for the common case.
    statusesOut.fill(StatusCode.Delivered, 0, n);
    let fast = 0;
    let unknown = 0;
    let delivered = 0;
    let pending = 0;
    let errors = 0;
    let sent = 0;
    let refused = 0;
    let i = 0;
    let done = false;
    // Whatever happens (an owner's dead-letter hook may throw), the lanes close and the counters
    // settle for what was done, so queues and accounting stay exact.
    try {
      for (;;) {
        // (Re)state the batch for the lanes: a nested batch may have changed these fields.
        this.laneSrc = srcName;
        this.laneNow = now;
        this.laneTenant = baseTenant;
        this.laneTrusted = trusted;
        this.laneGen = b.generation;
        this.runId = id;
        i = this.laneRun(batch, statusesOut, i);
        id = this.runId;
        fast += this.runFast;
        unknown += this.runUnknown;
        if (i >= n) break;
        if (this.runRegrew) continue; // the columns grew: go on with the new ones
        // The general path (no endpoint, next hop, tenant refusal, full queue): close the lanes
        // so the queues are exact, then let the broker apply its rules. Lanes reopen on demand.
        this.closeLanes();
        const t = typeIds[i]!;
        const e = this.cachedRoute(t)!;
        if (e.gen !== b.generation) {
          // A hook may have (un)registered kernels since the lanes looked.
          e.ep = b.getEndpoint(e.kernelId);
          e.gen = b.generation;
        }
        const ep = e.ep;
        const p = priorities === undefined ? this.priority : priorities[i]!;
        const ref = payloadRefs === undefined ? 0 : payloadRefs[i]!;
        const srcTenant = trusted && ep !== undefined ? ep.tenantId : baseTenant;
        // Hand the id counter to the broker while it (and any hook) works: ids stay unique.
        const msgId = id++;
        b.nextMessageId = id;
        let code: number;
        if (ep !== undefined && ep.tenantId !== srcTenant) {
          b.refuseCrossTenant(
            msgId,
            source,
            srcTenant,
            e.kernelId,
            ep.tenantId,
            null,
            t,
            p,
            ref,
            now,
          );
          code = StatusCode.TenantMismatch;
        } else {
          sent++;
          code = b.route(msgId, source, e.kernelId, ep, null, t, ref, p, 0, srcTenant, now);
          if (code === StatusCode.Delivered) delivered++;
          else if (code === StatusCode.Pending) pending++;
          // Refused at a next hop of another tenant: a broker error, like the direct refusal
          // above, so it changes no dispatcher metric (the broker counted it as sent, refused).
          else if (code === StatusCode.TenantMismatch) refused++;
          else errors++;
        }
        id = b.nextMessageId;
        statusesOut[i++] = code;
      }
      done = true;
    } finally {
      this.closeLanes();
      // Counters settle once per batch; `route` has already counted its own outcomes.
      c.sent += fast + sent;
      c.delivered += fast;
      if (id > b.nextMessageId) b.nextMessageId = id;
      this.dispatched += fast + sent - refused + unknown;
      this.delivered += fast + delivered;
      this.unknown += unknown;
      this.errors += errors;
      this._lastBatchDelivered = fast + delivered;
      // Thrown mid-batch: the message being handled and those after it were not dispatched.
      if (!done) statusesOut.fill(StatusCode.NotDispatched, i, n);
    }
    return fast + delivered + pending;
  }

  /**
   * The batch path's inner loop, from message `from`: unknown types get `UnknownType`, and a
   * message for a registered same-tenant kernel with room takes the next slot of its kernel's
   * lane (three column writes; its status is already `Delivered`). Returns the index of the first
   * message it did not settle (or the count): one for the general path, or, with `runRegrew`
   * set, one to go on with because the slot pool grew and the columns were replaced. Keeps its
   * counts in `runFast`, `runUnknown` and `runId`.
   */
  private laneRun(batch: DispatchBatch, statusesOut: Uint8Array, from: number): number {
    const n = batch.count;
    const typeIds = batch.typeIds;
    const refs = batch.payloadRefs;
    const prios = batch.priorities;
    const hasRefs = refs !== undefined;
    const hasPrios = prios !== undefined;
    const dp = this.priority;
    const keys = this.cacheKeys;
    const lineLane = this.lineLane;
    const laneNext = this.laneNext;
    const laneEnd = this.laneEnd;
    const laneP = this.laneP;
    const cols = this._broker.slotColumns;
    const colType = cols.typeIds;
    const colRef = cols.payloadRefs;
    const colId = cols.ids;
    let id = this.runId;
    let fast = 0;
    let unknown = 0;
    let i = from;
    this.runRegrew = false;
    for (; i < n; i++) {
      const t = typeIds[i]!;
      const h = (t >>> 0) & CACHE_MASK;
      if (keys[h] !== t && this.cacheRoute(t, h) === undefined) {
        unknown++;
        statusesOut[i] = StatusCode.UnknownType;
        continue;
      }
      let k = lineLane[h]!;
      if (k === LINE_UNRESOLVED) {
        k = this.resolveLine(h);
        // Opening a lane may have grown the lane arrays: go on with the new ones.
        if (k >= laneNext.length) {
          this.runRegrew = true;
          break;
        }
      }
      if (k < 0) break;
      let s = laneNext[k]!;
      if (hasPrios) {
        const p = prios[i]!;
        if (p !== laneP[k]) {
          s = this.refillLane(k, p);
          if (s < 0) break;
          if (cols.typeIds !== colType) {
            this.runRegrew = true; // the pool grew: go on with the new columns
            break;
          }
        }
      }
      if (s === laneEnd[k]) {
        s = this.refillLane(k, hasPrios ? prios[i]! : dp);
        if (s < 0) break;
        if (cols.typeIds !== colType) {
          this.runRegrew = true;
          break;
        }
      }
      laneNext[k] = s + 1;
      colType[s] = t;
      colRef[s] = hasRefs ? refs[i]! : 0;
      colId[s] = id++;
      fast++;
    }
    this.runId = id;
    this.runFast = fast;
    this.runUnknown = unknown;
    return i;
  }

  /**
   * Work out cache line `h`'s lane for the lanes now open (its route's kernel's lane, opened on
   * first use; -1 for the general path) and remember it until the lanes close.
   */
  private resolveLine(h: number): number {
    const e = this.cacheEntries[h]!;
    const gen = this.laneGen;
    if (e.gen !== gen) {
      e.ep = this._broker.getEndpoint(e.kernelId);
      e.gen = gen;
    }
    const k = this.laneFor(e.ep);
    this.lineLane[h] = k;
    this.touchedLines.push(h);
    return k;
  }

  /** What the last `laneRun` did: messages put on lanes, the next id, unknown types met. */
  private runFast = 0;
  private runId = 0;
  private runUnknown = 0;
  /** The last `laneRun` stopped because the columns were replaced. */
  private runRegrew = false;

  // Lanes of the batch path: one per kernel a batch delivers to directly, each holding a run of
  // consecutive slots reserved in the kernel's queue (`laneNext` up to `laneEnd`, priority
  // `laneP`, begun at `laneStart`). Grown on demand; `lanes` is how many are open. `lineLane`
  // caches each route-cache line's lane while they are open (LINE_UNRESOLVED otherwise).
  private lanes = 0;
  private laneEp: (K2KEndpoint | undefined)[] = [];
  private laneNext = new Int32Array(8);
  private laneEnd = new Int32Array(8);
  private laneStart = new Int32Array(8);
  private laneP = new Int32Array(8);
  private laneUsed = new Int32Array(8);
  private readonly lineLane = new Int32Array(CACHE_SIZE).fill(LINE_UNRESOLVED);
  private readonly touchedLines: number[] = [];
  private laneSrc = 0;
  private laneNow = 0;
  private laneTenant = 0;
  private laneTrusted = false;
  private laneGen = -1;

  /**
   * The open lane of `ep`, opened (with no run yet) on first use; -1 when messages for it must
   * take the general path (not registered, of another tenant than the batch's source, or with
   * `receive()` calls waiting).
   */
  private laneFor(ep: K2KEndpoint | undefined): number {
    if (ep === undefined || (!this.laneTrusted && ep.tenantId !== this.laneTenant)) return -1;
    // A waiting receive() takes each message as it arrives: one by one, on the general path.
    if (ep.waiting !== 0) return -1;
    const mark = this.laneMark;
    if (ep.batchMark === mark && ep.batchOwner === this) return ep.batchLane;
    const k = this.lanes++;
    if (k === this.laneNext.length) {
      this.laneNext = grow(this.laneNext);
      this.laneEnd = grow(this.laneEnd);
      this.laneStart = grow(this.laneStart);
      this.laneP = grow(this.laneP);
      this.laneUsed = grow(this.laneUsed);
    }
    ep.batchMark = mark;
    ep.batchOwner = this;
    ep.batchLane = k;
    this.laneEp[k] = ep;
    this.laneNext[k] = -1;
    this.laneEnd[k] = -1;
    this.laneStart[k] = -1;
    this.laneP[k] = -1;
    this.laneUsed[k] = 0;
    return k;
  }

  /**
   * Close lane `k`'s current run and reserve a new one at priority `p`, writing the run's shared
   * metadata (source, destination, hops, tenant, send time) once at its start. Returns the run's
   * first slot, or -1 when the kernel's queue is full.
   */
  private refillLane(k: number, p: number): number {
    const ep = this.laneEp[k]!;
    this.settleLane(k, ep);
    const q = ep.q;
    const s = q.reserveRun(p, q.capacity);
    if (s < 0) {
      this.laneNext[k] = -1;
      this.laneEnd[k] = -1;
      return -1;
    }
    this.laneStart[k] = s;
    this.laneNext[k] = s;
    this.laneEnd[k] = s + q.runLength;
    this.laneP[k] = p;
    const cols = this._broker.slotColumns;
    cols.srcNames[s] = this.laneSrc;
    cols.dstNames[s] = ep.nameNumber;
    cols.hops[s] = 0;
    cols.tenants[s] = ep.tenantId;
    cols.sentAt[s] = this.laneNow;
    return s;
  }

  /** Give back the unfilled rest of lane `k`'s run, if it has one. */
  private settleLane(k: number, ep: K2KEndpoint): void {
    const start = this.laneStart[k]!;
    if (start < 0) return;
    const used = this.laneNext[k]! - start;
    ep.q.settleRun(this.laneP[k]!, this.laneEnd[k]! - start, used);
    this.laneUsed[k] = this.laneUsed[k]! + used;
    this.laneStart[k] = -1;
  }

  /** Settle every open lane and hand what they delivered to waiting `receive()` calls. */
  private closeLanes(): void {
    for (let k = 0; k < this.lanes; k++) {
      const ep = this.laneEp[k]!;
      this.settleLane(k, ep);
      ep.wakeMany(this.laneUsed[k]!);
      this.laneEp[k] = undefined;
    }
    this.lanes = 0;
    this.laneMark++;
    const lines = this.touchedLines;
    for (let j = 0; j < lines.length; j++) this.lineLane[lines[j]!] = LINE_UNRESOLVED;
    lines.length = 0;
  }

  /** Tells this dispatcher's lanes apart from earlier ones (endpoints remember the mark). */
  private laneMark = 0;

  private _lastBatchDelivered = 0;

  /**
   * How many messages of the last {@link KernelDispatcher.dispatchBatch} were `Delivered` (its
   * return value also counts `Pending`): equal to the batch count only when every message went
   * straight into its route's kernel.
   */
  get lastBatchDelivered(): number {
    return this._lastBatchDelivered;
  }

  /** The route of a numeric type id, through the direct-mapped cache. */
  private cachedRoute(t: number): RouteEntry | undefined {
    const h = (t >>> 0) & CACHE_MASK;
    return this.cacheKeys[h] === t ? this.cacheEntries[h] : this.cacheRoute(t, h);
  }

  /** Route lookup on a cache miss: fills the direct-mapped cache line `h`. */
  private cacheRoute(t: number, h: number): RouteEntry | undefined {
    const e = this.routeMap.get(t);
    if (e !== undefined) {
      this.cacheKeys[h] = t;
      this.cacheEntries[h] = e;
      this.lineLane[h] = LINE_UNRESOLVED; // the line's lane was the evicted route's
    }
    return e;
  }

  /** A copy of the counters. */
  metrics(): DispatcherMetrics {
    return {
      messagesDispatched: this.dispatched,
      messagesDelivered: this.delivered,
      unknownTypeErrors: this.unknown,
      deliveryErrors: this.errors,
    };
  }

  /** Zero the counters. */
  resetMetrics(): void {
    this.dispatched = 0;
    this.delivered = 0;
    this.unknown = 0;
    this.errors = 0;
  }

  private tenantOf(source: string): number {
    const b = this._broker;
    if (source !== this.srcName || this.srcGen !== b.generation) {
      this.srcName = source;
      this.srcGen = b.generation;
      this.srcTenant = b.getEndpoint(source)?.tenantId ?? 0;
      this.srcTrusted = b.trustsSource(source);
    }
    return this.srcTenant;
  }

  private clearCache(): void {
    this.cacheKeys.fill(NaN);
    this.cacheEntries.fill(undefined);
    this.lineLane.fill(LINE_UNRESOLVED);
  }
}
