import { CoreError } from '../errors.ts';
import type { MessageEnvelope } from '../message/envelope.ts';
import { queueHealth, type QueueHealth, type QueueStats } from '../queue/capacity.ts';
import { CHUNK_SHIFT, CHUNK_SLOTS, type ChunkPool } from '../queue/chunk-pool.ts';
import { SlotQueue } from '../queue/slot-queue.ts';
import type { SlotColumns } from './slot-columns.ts';
import type { K2KBroker } from './broker.ts';
import type { DeliveryReceipt, K2KMessage, OverflowPolicy } from './types.ts';

/** `receive()` was waiting when the endpoint was unregistered. */
export class EndpointClosedError extends CoreError {
  constructor(kernelId: string) {
    super('ENDPOINT_CLOSED', `endpoint "${kernelId}" was unregistered while waiting to receive`);
  }
}

/** Columns an allocation-free consumer drains into (see {@link K2KEndpoint.drainInto}). */
export interface DrainTarget {
  typeIds: Float64Array;
  messageIds?: Float64Array;
  payloadRefs?: Uint32Array;
  priorities?: Uint8Array;
  /** Sending kernel, as its number in the broker's name table (`broker.kernelNumber`). */
  sources?: Uint32Array;
  /** Final destination (differs from this kernel for a message it must forward). */
  destinations?: Uint32Array;
  hops?: Uint8Array;
  tenants?: Int32Array;
}

/** `room` lowered to what an optional column holds (no array built: `drainInto` is hot). */
function fit(col: { length: number } | undefined, room: number): number {
  return col !== undefined && col.length < room ? col.length : room;
}

/**
 * A registered kernel's mailbox: a bounded priority queue (higher priority first, FIFO within a
 * priority) whose slots are preallocated structure-of-arrays columns.
 */
export class K2KEndpoint {
  readonly kernelId: string;
  readonly tenantId: number;
  readonly overflowPolicy: OverflowPolicy;
  /** @internal Position in the broker's endpoint table. */
  readonly index: number;
  /** @internal The kernel id's number in the broker's name table. */
  readonly nameNumber: number;
  /** @internal */
  readonly q: SlotQueue;
  /** @internal The broker's slot storage (shared by its endpoints). */
  readonly cols: SlotColumns;
  /** @internal How many queued slots hold a message object (lets `drainInto` skip the check). */
  objectCount = 0;
  /** @internal */ closed = false;
  /** @internal Which dispatcher batch (and lane in it) last touched this endpoint. */
  batchMark = -1;
  /** @internal */ batchOwner: unknown = undefined;
  /** @internal */ batchLane = -1;
  /** The words of a refusal at this full queue, and the capacity they were made for. */
  private fullWords = '';
  private fullWordsAt = -1;
  private readonly waiters: { resolve: (m: K2KMessage) => void; reject: (e: Error) => void }[] = [];

  /** @internal Created by `K2KBroker.register`. */
  constructor(
    private readonly broker: K2KBroker,
    kernelId: string,
    tenantId: number,
    capacity: number,
    overflowPolicy: OverflowPolicy,
    index: number,
    pool: ChunkPool,
    cols: SlotColumns,
  ) {
    this.kernelId = kernelId;
    this.tenantId = tenantId;
    this.overflowPolicy = overflowPolicy;
    this.index = index;
    this.nameNumber = broker.internName(kernelId);
    this.q = new SlotQueue(capacity, pool);
    this.cols = cols;
  }

  /** Queue capacity (a power of two). */
  get capacity(): number {
    return this.q.capacity;
  }

  /**
   * @internal A dead letter's detail for a message refused at this full queue, made once per
   * capacity: one string per refusal was half of what a small `reject` queue under load gave the
   * garbage collector (16 % of the engine's worker), the letter itself the other half.
   */
  fullDetail(): string {
    const cap = this.q.capacity;
    if (this.fullWordsAt !== cap) {
      this.fullWords = `queue of "${this.kernelId}" is full (${cap})`;
      this.fullWordsAt = cap;
    }
    return this.fullWords;
  }

  /** Messages waiting in this endpoint's queue (real, unlike RingKernel's stub). */
  pendingCount(): number {
    return this.q.size;
  }

  /** Take the next message (highest priority, oldest first), or undefined when empty. */
  tryReceive(): K2KMessage | undefined {
    const s = this.q.popSlot();
    if (s < 0) return undefined;
    this.broker.counters.received++;
    return this.materialize(s);
  }

  /**
   * Resolve with the next message, waiting until one arrives. Rejects with
   * {@link EndpointClosedError} if the endpoint is unregistered first.
   */
  receive(): Promise<K2KMessage> {
    const m = this.tryReceive();
    if (m !== undefined) return Promise.resolve(m);
    if (this.closed) return Promise.reject(new EndpointClosedError(this.kernelId));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Move up to `max` messages into `out`'s columns without allocating (the batch consumer's
   * `tryReceive`), capped by the shortest column given. Returns how many were written. Type ids
   * above 2^53 - 1 are written as NaN; use `tryReceive` for those.
   */
  drainInto(out: DrainTarget, max = out.typeIds.length): number {
    const { typeIds, messageIds, payloadRefs, priorities, sources, destinations, hops, tenants } =
      out;
    // Never pop more than every provided column can hold: a popped message has left the queue.
    let room = Math.min(max, typeIds.length);
    room = fit(messageIds, fit(payloadRefs, fit(priorities, room)));
    room = fit(sources, fit(destinations, fit(hops, fit(tenants, room))));
    const q = this.q;
    let n = 0;
    // The queue hands out runs of consecutive slots (one priority, one chunk): each column is
    // copied run by run with no per-slot indirection.
    while (n < room) {
      const s = q.popRun(room - n);
      if (s < 0) break;
      const len = q.runLength;
      const e = s + len;
      const c = this.cols;
      // One loop per column type keeps each loop monomorphic (a shared generic copy is not).
      const colType = c.typeIds;
      for (let k = s, i = n; k < e; k++, i++) typeIds[i] = colType[k]!;
      if (messageIds !== undefined) {
        const col = c.ids;
        for (let k = s, i = n; k < e; k++, i++) messageIds[i] = col[k]!;
      }
      if (payloadRefs !== undefined) {
        const col = c.payloadRefs;
        for (let k = s, i = n; k < e; k++, i++) payloadRefs[i] = col[k]!;
      }
      if (priorities !== undefined) priorities.fill(q.priorityOf(s), n, n + len);
      if (
        sources !== undefined ||
        destinations !== undefined ||
        hops !== undefined ||
        tenants !== undefined
      ) {
        this.drainMeta(out, n, s, e);
      }
      // Per-message sends keep their message object instead: patch those over the columns.
      if (this.objectCount !== 0) this.patchObjects(out, n, s, e);
      n += len;
    }
    this.broker.counters.received += n;
    return n;
  }

  /**
   * Write the run-start metadata of slots `[s, e)` (one chunk) to `out` from `at`: each slot
   * shares the metadata of the nearest run start at or before it.
   */
  private drainMeta(out: DrainTarget, at: number, s: number, e: number): void {
    const c = this.cols;
    const pool = this.q.pool;
    const { sources, destinations, hops, tenants } = out;
    let r = pool.metaSlot(s);
    const bits = pool.runStarts[s >> CHUNK_SHIFT]!;
    for (let k = s, i = at; k < e; k++, i++) {
      if ((bits >>> (k & (CHUNK_SLOTS - 1))) & 1) r = k;
      if (sources !== undefined) sources[i] = c.srcNames[r]!;
      if (destinations !== undefined) destinations[i] = c.dstNames[r]!;
      if (hops !== undefined) hops[i] = c.hops[r]!;
      if (tenants !== undefined) tenants[i] = c.tenants[r]!;
    }
  }

  /** Write the message objects of slots `[s, e)` (drained to `out` from `at`) over the columns. */
  private patchObjects(out: DrainTarget, at: number, s: number, e: number): void {
    const msgs = this.cols.msgs;
    const b = this.broker;
    for (let k = s, i = at; k < e; k++, i++) {
      const m = msgs[k];
      if (m == null) continue;
      const t = m.envelope.header.messageType;
      out.typeIds[i] = typeof t === 'number' ? t : NaN;
      if (out.messageIds !== undefined) out.messageIds[i] = m.id;
      if (out.payloadRefs !== undefined) out.payloadRefs[i] = m.payloadRef;
      if (out.sources !== undefined) out.sources[i] = b.kernelNumber(m.source);
      if (out.destinations !== undefined) out.destinations[i] = b.kernelNumber(m.destination);
      if (out.hops !== undefined) out.hops[i] = m.hops;
      if (out.tenants !== undefined) out.tenants[i] = m.tenantId;
      msgs[k] = null;
      this.objectCount--;
    }
  }

  /** Messages waiting, in delivery order, without removing them. */
  peekAll(): K2KMessage[] {
    const out: K2KMessage[] = [];
    // Copies, so that a caller editing a peeked message cannot change the queued one.
    this.q.forEachSlot((s) => out.push({ ...this.view(s) }));
    return out;
  }

  /** Send from this kernel (priority 0). */
  send(destination: string, envelope: MessageEnvelope): DeliveryReceipt {
    return this.broker.send(this.kernelId, destination, envelope);
  }

  /** Send from this kernel with a K2K priority (u8, higher first). */
  sendPriority(destination: string, envelope: MessageEnvelope, priority: number): DeliveryReceipt {
    return this.broker.sendPriority(this.kernelId, destination, envelope, priority);
  }

  /** Relay a message this kernel received for someone else (hop counts accumulate). */
  forward(message: K2KMessage): DeliveryReceipt {
    return this.broker.forward(this.kernelId, message);
  }

  /** Queue counters. */
  queueStats(): QueueStats {
    return this.q.stats();
  }

  /** The most messages queued at once since the previous call; see `CountedQueue.takeWindowPeak`. */
  takeQueueWindowPeak(): number {
    return this.q.takeWindowPeak();
  }

  /** Starts the queue's high-water mark afresh from its depth now. */
  resetQueuePeak(): void {
    this.q.resetPeak();
  }

  /** @internal Carries the high-water mark of the queue this one replaced (see `reregister`). */
  carryQueuePeak(peak: number): void {
    this.q.carryPeak(peak);
  }

  /** Fill health: warning at 75 %, critical at 90 %. */
  health(): QueueHealth {
    return queueHealth(this.q.size, this.q.capacity);
  }

  /** @internal Hand a just-enqueued message to a waiting `receive()`, if any. */
  wake(): void {
    if (this.waiters.length === 0) return;
    const w = this.waiters.shift()!;
    w.resolve(this.tryReceive()!);
  }

  /** @internal How many `receive()` calls are waiting (the batch path leaves such a kernel to the general path). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** @internal After `n` messages were appended at once: hand them to waiting `receive()`s. */
  wakeMany(n: number): void {
    for (let k = 0; k < n && this.waiters.length !== 0; k++) this.wake();
  }

  /** @internal Reject pending `receive()` calls; returns the messages still queued. */
  close(): K2KMessage[] {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new EndpointClosedError(this.kernelId));
    const left: K2KMessage[] = [];
    for (let s = this.q.popSlot(); s >= 0; s = this.q.popSlot()) left.push(this.materialize(s));
    this.q.releaseParked(); // the queue is done with the broker's shared pool
    return left;
  }

  /** @internal Remove the drop-oldest victim and return it. */
  evict(): K2KMessage {
    return this.materialize(this.q.evictSlot());
  }

  private priorityOf(s: number): number {
    return this.q.priorityOf(s);
  }

  private view(s: number): K2KMessage {
    const m = this.cols.msgs[s];
    if (m != null) return m;
    const c = this.cols;
    const r = this.q.pool.metaSlot(s); // where the run's metadata lives
    const env = this.broker.syntheticEnvelope(c.typeIds[s]!, c.sentAt[r]!);
    return {
      id: c.ids[s]!,
      source: this.broker.nameOf(c.srcNames[r]!),
      destination: this.broker.nameOf(c.dstNames[r]!),
      envelope: env,
      hops: c.hops[r]!,
      timestamp: env.header.timestamp,
      priority: this.priorityOf(s),
      tenantId: c.tenants[r]!,
      sentAt: c.sentAt[r]!,
      payloadRef: c.payloadRefs[s]!,
    };
  }

  private materialize(s: number): K2KMessage {
    const m = this.view(s);
    const msgs = this.cols.msgs;
    if (msgs[s] !== null) {
      msgs[s] = null;
      this.objectCount--;
    }
    return m;
  }
}
