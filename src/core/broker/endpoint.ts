import { CoreError } from '../errors.ts';
import type { MessageEnvelope } from '../message/envelope.ts';
import { queueHealth, type QueueHealth, type QueueStats } from '../queue/capacity.ts';
import { SlotQueue } from '../queue/slot-queue.ts';
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
  /** @internal */
  readonly q: SlotQueue;
  /**
   * @internal The message object of a slot filled by a per-message send (it is created once, at
   * send time, and handed out as is by `tryReceive`); null for a batch message, which lives only
   * in the columns below.
   */
  readonly msgs: (K2KMessage | null)[];
  /** @internal How many queued slots hold a message object (lets `drainInto` skip the check). */
  objectCount = 0;
  /** Scratch for the slots `drainInto` pops. */
  private readonly drainSlots: Int32Array;
  /** @internal */ readonly ids: Float64Array;
  /** @internal Source kernel, as a number in the broker's name table. */
  readonly srcNames: Uint32Array;
  /** @internal Destination kernel, as a number in the broker's name table. */
  readonly dstNames: Uint32Array;
  /** @internal */ readonly hops: Uint8Array;
  /** @internal */ readonly tenants: Int32Array;
  /** @internal */ readonly sentAt: Float64Array;
  /** @internal */ readonly typeIds: Float64Array;
  /** @internal */ readonly payloadRefs: Uint32Array;
  /** @internal */ closed = false;
  private readonly waiters: { resolve: (m: K2KMessage) => void; reject: (e: Error) => void }[] = [];

  /** @internal Created by `K2KBroker.register`. */
  constructor(
    private readonly broker: K2KBroker,
    kernelId: string,
    tenantId: number,
    capacity: number,
    overflowPolicy: OverflowPolicy,
    index: number,
  ) {
    this.kernelId = kernelId;
    this.tenantId = tenantId;
    this.overflowPolicy = overflowPolicy;
    this.index = index;
    this.q = new SlotQueue(capacity);
    const n = this.q.capacity;
    this.msgs = new Array<K2KMessage | null>(n).fill(null);
    this.drainSlots = new Int32Array(n);
    this.ids = new Float64Array(n);
    this.srcNames = new Uint32Array(n);
    this.dstNames = new Uint32Array(n);
    this.hops = new Uint8Array(n);
    this.tenants = new Int32Array(n);
    this.sentAt = new Float64Array(n);
    this.typeIds = new Float64Array(n);
    this.payloadRefs = new Uint32Array(n);
  }

  /** Queue capacity (a power of two). */
  get capacity(): number {
    return this.q.capacity;
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
    const slots = this.drainSlots;
    const { typeIds, messageIds, payloadRefs, priorities, sources, destinations, hops, tenants } =
      out;
    // Never pop more than every provided column can hold: a popped message has left the queue.
    let room = Math.min(max, typeIds.length);
    room = fit(messageIds, fit(payloadRefs, fit(priorities, room)));
    room = fit(sources, fit(destinations, fit(hops, fit(tenants, room))));
    const n = this.q.popMany(slots, room);
    const msgs = this.msgs;
    const colTypeIds = this.typeIds;
    // Columns first (valid for batch messages), then the few per-message sends patched over
    // them: no per-slot branching in the loops that move the bulk.
    for (let i = 0; i < n; i++) typeIds[i] = colTypeIds[slots[i]!]!;
    if (messageIds !== undefined) {
      const ids = this.ids;
      for (let i = 0; i < n; i++) messageIds[i] = ids[slots[i]!]!;
    }
    if (payloadRefs !== undefined) {
      const refs = this.payloadRefs;
      for (let i = 0; i < n; i++) payloadRefs[i] = refs[slots[i]!]!;
    }
    if (priorities !== undefined) {
      const q = this.q;
      for (let i = 0; i < n; i++) priorities[i] = q.priorityOf(slots[i]!);
    }
    if (sources !== undefined) {
      const col = this.srcNames;
      for (let i = 0; i < n; i++) sources[i] = col[slots[i]!]!;
    }
    if (destinations !== undefined) {
      const col = this.dstNames;
      for (let i = 0; i < n; i++) destinations[i] = col[slots[i]!]!;
    }
    if (hops !== undefined) {
      const col = this.hops;
      for (let i = 0; i < n; i++) hops[i] = col[slots[i]!]!;
    }
    if (tenants !== undefined) {
      const col = this.tenants;
      for (let i = 0; i < n; i++) tenants[i] = col[slots[i]!]!;
    }
    if (this.objectCount !== 0) {
      const b = this.broker;
      for (let i = 0; i < n; i++) {
        const s = slots[i]!;
        const m = msgs[s];
        if (m == null) continue;
        const t = m.envelope.header.messageType;
        typeIds[i] = typeof t === 'number' ? t : NaN;
        if (messageIds !== undefined) messageIds[i] = m.id;
        if (payloadRefs !== undefined) payloadRefs[i] = m.payloadRef;
        if (sources !== undefined) sources[i] = b.kernelNumber(m.source);
        if (destinations !== undefined) destinations[i] = b.kernelNumber(m.destination);
        if (hops !== undefined) hops[i] = m.hops;
        if (tenants !== undefined) tenants[i] = m.tenantId;
        msgs[s] = null;
        this.objectCount--;
      }
    }
    this.broker.counters.received += n;
    return n;
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

  /** @internal Reject pending `receive()` calls; returns the messages still queued. */
  close(): K2KMessage[] {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new EndpointClosedError(this.kernelId));
    const left: K2KMessage[] = [];
    for (let s = this.q.popSlot(); s >= 0; s = this.q.popSlot()) left.push(this.materialize(s));
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
    const m = this.msgs[s];
    if (m != null) return m;
    const env = this.broker.syntheticEnvelope(this.typeIds[s]!, this.sentAt[s]!);
    return {
      id: this.ids[s]!,
      source: this.broker.nameOf(this.srcNames[s]!),
      destination: this.broker.nameOf(this.dstNames[s]!),
      envelope: env,
      hops: this.hops[s]!,
      timestamp: env.header.timestamp,
      priority: this.priorityOf(s),
      tenantId: this.tenants[s]!,
      sentAt: this.sentAt[s]!,
      payloadRef: this.payloadRefs[s]!,
    };
  }

  private materialize(s: number): K2KMessage {
    const m = this.view(s);
    if (this.msgs[s] !== null) {
      this.msgs[s] = null;
      this.objectCount--;
    }
    return m;
  }
}
