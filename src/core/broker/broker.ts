import { ChunkPool } from '../queue/chunk-pool.ts';
import { SlotColumns } from './slot-columns.ts';
import { CoreError, InvalidArgumentError } from '../errors.ts';
import { systemNowMicros, type NowMicros } from '../clock/wall-clock.ts';
import type { HlcTimestamp } from '../clock/hlc.ts';
import { createEnvelope, type MessageEnvelope } from '../message/envelope.ts';
import { roundCapacity } from '../queue/capacity.ts';
import type { U64 } from '../message/u64.ts';
import { DeadLetterQueue, type BrowseOptions, type DeadLetterFilter } from './dead-letter.ts';
import { K2KEndpoint } from './endpoint.ts';
import {
  DEFAULT_K2K_CONFIG,
  StatusCode,
  STATUS_BY_CODE,
  type BrokerAccounting,
  type DeadLetter,
  type DeadLetterReason,
  type DeliveryReceipt,
  type K2KBrokerOptions,
  type K2KConfig,
  type K2KMessage,
  type K2KStats,
  type OverflowPolicy,
  type RegisterOptions,
} from './types.ts';

/** A send crossed tenants; it was refused, counted and dead-lettered. */
export class TenantMismatchError extends CoreError {
  constructor(
    readonly source: string,
    readonly sourceTenant: number,
    readonly destination: string,
    readonly destinationTenant: number,
  ) {
    super(
      'TENANT_MISMATCH',
      `TenantMismatch: "${source}" (tenant ${sourceTenant}) may not send to "${destination}" (tenant ${destinationTenant}); register both kernels under the same tenant`,
    );
  }
}

/** A kernel id was registered twice. */
export class AlreadyRegisteredError extends CoreError {
  constructor(kernelId: string) {
    super('ALREADY_REGISTERED', `kernel "${kernelId}" is already registered; unregister it first`);
  }
}

/** @internal Mutable counters shared with endpoints; one shape so the hot path stays monomorphic. */
export class BrokerCounters {
  sent = 0;
  forwarded = 0;
  replayed = 0;
  delivered = 0;
  pending = 0;
  received = 0;
  queueFull = 0;
  notFound = 0;
  maxHops = 0;
  tenantMismatch = 0;
  droppedOldest = 0;
  unregistered = 0;
  unroutable = 0;
  handlerFailed = 0;
}

/** Target of a replay: the original destination, or another kernel. */
export interface ReplayOptions extends DeadLetterFilter {
  /** Send replayed letters here instead of their original destination. */
  to?: string;
  /** K2K priority (u8) for the re-sends instead of each letter's own. */
  priority?: number;
}

const POLICIES: readonly OverflowPolicy[] = ['reject', 'dropOldest', 'deadLetter'];

/**
 * Validate register options (shared by `register` and `reregister`, so a bad option is refused
 * before anything changes). Throws `InvalidArgumentError` for a bad tenant, capacity or policy.
 */
function checkRegisterOptions(
  options: RegisterOptions,
  defaultCapacity: number,
): { tenantId: number; capacity: number; policy: OverflowPolicy } {
  const tenantId = options.tenantId ?? 0;
  if (!Number.isSafeInteger(tenantId) || tenantId < 0) {
    throw new InvalidArgumentError(`tenantId must be a non-negative integer, got ${tenantId}`);
  }
  const policy = options.overflowPolicy ?? 'reject';
  if (!POLICIES.includes(policy)) {
    throw new InvalidArgumentError(
      `overflowPolicy must be one of ${POLICIES.join(', ')}, got ${String(policy)}`,
    );
  }
  const capacity = options.capacity ?? defaultCapacity;
  roundCapacity(capacity);
  return { tenantId, capacity, policy };
}

/**
 * Kernel-to-kernel message broker (RingKernel's K2KBroker) with priority delivery, hop counting
 * across forwards, enforced `maxHops`, per-kernel overflow policies and a dead-letter queue that
 * receives every failed delivery. Synchronous: there is no I/O.
 *
 * @example
 * const broker = new K2KBroker({ now: () => 0 });
 * const ep = broker.register('fraud_processor');
 * broker.send('host', 'fraud_processor', env).status; // 'Delivered'
 * ep.tryReceive()?.envelope === env; // true
 */
export class K2KBroker {
  private _config: Readonly<K2KConfig>;
  /** Failed deliveries. */
  readonly deadLetters: DeadLetterQueue;
  /** @internal */
  readonly counters = new BrokerCounters();
  /** @internal Bumped on every register/unregister so cached endpoint lookups can be checked. */
  generation = 0;
  private readonly now: NowMicros;
  /** @internal Slots of every endpoint's queue come from this one pool... */
  readonly slotPool = new ChunkPool(64);
  /** @internal ...and index these columns. */
  readonly slotColumns = new SlotColumns(this.slotPool.slotSpace);
  private readonly endpoints = new Map<string, K2KEndpoint>();
  private readonly trusted: ReadonlySet<string>;
  private readonly routes = new Map<string, string>();
  /**
   * Kernel ids by number, so batch slots store a number rather than a string (no pointer
   * writes in the batch loop). Grows with the distinct ids ever seen, which are few.
   */
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** @internal Next broker message id (the batch path advances it directly). */
  nextMessageId = 1;
  private nextIndex = 0;
  private crossTenantRejections = 0;

  constructor(options: K2KBrokerOptions = {}) {
    const config: K2KConfig = {
      maxPendingMessages: options.maxPendingMessages ?? DEFAULT_K2K_CONFIG.maxPendingMessages,
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? DEFAULT_K2K_CONFIG.deliveryTimeoutMs,
      maxHops: options.maxHops ?? DEFAULT_K2K_CONFIG.maxHops,
      enableTracing: options.enableTracing ?? DEFAULT_K2K_CONFIG.enableTracing,
    };
    if (!Number.isInteger(config.maxHops) || config.maxHops < 0 || config.maxHops > 255) {
      throw new InvalidArgumentError(
        `maxHops must be an integer in [0, 255], got ${config.maxHops}`,
      );
    }
    this._config = Object.freeze(config);
    this.trusted = new Set(options.trustedSources ?? []);
    this.slotPool.onGrow((space) => this.slotColumns.grow(space));
    this.now = options.now ?? systemNowMicros;
    this.deadLetters = new DeadLetterQueue(
      this.now,
      options.deadLetterMaxSize ?? 10_000,
      options.deadLetterMaxAgeMs ?? 3_600_000,
    );
  }

  /** The effective configuration. */
  get config(): Readonly<K2KConfig> {
    return this._config;
  }

  /**
   * Change `maxHops` on a live broker (a route edit must not drop queued messages). Applies to
   * the next `route`/`forward`; hops already counted stay.
   */
  setMaxHops(maxHops: number): void {
    if (!Number.isInteger(maxHops) || maxHops < 0 || maxHops > 255) {
      throw new InvalidArgumentError(`maxHops must be an integer in [0, 255], got ${maxHops}`);
    }
    this._config = Object.freeze({ ...this._config, maxHops });
  }

  /**
   * The number of a kernel id in the broker's name table, as {@link DrainTarget} columns
   * (`sources`, `destinations`) report it. Stable for the broker's life.
   */
  kernelNumber(name: string): number {
    return this.internName(name);
  }

  /** Hops of the message the last send, forward or replay handled. */
  get lastRouteHops(): number {
    return this.lastHops;
  }

  /** Broker id given to the last message sent, forwarded or recorded. */
  get lastMessageId(): number {
    return this.nextMessageId - 1;
  }

  /** @internal The number of a kernel id in the name table (added on first use). */
  internName(name: string): number {
    let n = this.nameIds.get(name);
    if (n === undefined) {
      n = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, n);
    }
    return n;
  }

  /** @internal The kernel id numbered `n` by {@link K2KBroker.internName}. */
  nameOf(n: number): string {
    return this.names[n]!;
  }

  /** Microseconds from the broker's injected clock. */
  nowMicros(): number {
    return this.now();
  }

  /**
   * Register a kernel and return its endpoint. Throws {@link AlreadyRegisteredError} if the id is
   * taken and `InvalidArgumentError` for a bad tenant, capacity or policy.
   */
  register(kernelId: string, options: RegisterOptions = {}): K2KEndpoint {
    if (this.endpoints.has(kernelId)) throw new AlreadyRegisteredError(kernelId);
    const o = checkRegisterOptions(options, this.config.maxPendingMessages);
    const ep = new K2KEndpoint(
      this,
      kernelId,
      o.tenantId,
      o.capacity,
      o.policy,
      this.nextIndex++,
      this.slotPool,
      this.slotColumns,
    );
    this.endpoints.set(kernelId, ep);
    this.generation++;
    return ep;
  }

  /**
   * Remove a kernel. Messages still in its queue become `Unregistered` dead letters and waiting
   * `receive()` calls reject. Returns false if it was not registered.
   */
  unregister(kernelId: string): boolean {
    const ep = this.endpoints.get(kernelId);
    if (ep === undefined) return false;
    this.endpoints.delete(kernelId);
    this.generation++;
    const now = this.now();
    for (const m of ep.close()) {
      this.counters.unregistered++;
      this.letter(
        'Unregistered',
        m.id,
        m.source,
        m.destination,
        m.envelope,
        m.priority,
        m.hops,
        m.tenantId,
        m.payloadRef,
        now,
        `kernel "${kernelId}" was unregistered with the message still queued`,
      );
    }
    return true;
  }

  /** The endpoint of a registered kernel. */
  getEndpoint(kernelId: string): K2KEndpoint | undefined {
    return this.endpoints.get(kernelId);
  }

  /** Registered kernel ids. */
  kernelIds(): string[] {
    return [...this.endpoints.keys()];
  }

  /** Route messages for `destination` (not registered here) through `nextHop`. */
  addRoute(destination: string, nextHop: string): void {
    this.routes.set(destination, nextHop);
  }

  /** Remove a next-hop route; false if none existed. */
  removeRoute(destination: string): boolean {
    return this.routes.delete(destination);
  }

  /** Next-hop routes as `[destination, nextHop]` pairs. */
  routeTable(): [string, string][] {
    return [...this.routes];
  }

  /** Send with priority 0. */
  send(source: string, destination: string, envelope: MessageEnvelope): DeliveryReceipt {
    return this.sendPriority(source, destination, envelope, 0);
  }

  /**
   * Send with a K2K priority (u8, higher delivered first). Returns the receipt for every status;
   * throws {@link TenantMismatchError} for a cross-tenant send (counted and dead-lettered).
   */
  sendPriority(
    source: string,
    destination: string,
    envelope: MessageEnvelope,
    priority: number,
  ): DeliveryReceipt {
    const src = this.endpoints.get(source);
    const dst = this.endpoints.get(destination);
    return this.sendResolved(
      source,
      this.sourceTenant(source, src, dst),
      destination,
      dst,
      envelope,
      priority,
    );
  }

  /**
   * @internal The send path once the caller has looked up (or cached) the endpoints.
   * `dst` must be `getEndpoint(destination)` as of now.
   */
  sendResolved(
    source: string,
    srcTenant: number,
    destination: string,
    dst: K2KEndpoint | undefined,
    envelope: MessageEnvelope,
    priority: number,
    payloadRef = 0,
  ): DeliveryReceipt {
    const id = this.nextMessageId++;
    const now = this.now();
    const p = priority & 0xff;
    if (dst !== undefined && dst.tenantId === srcTenant && !dst.q.isFull()) {
      // The common case (a registered, same-tenant kernel with room) without `route`/`push`:
      // one message object, one receipt, no argument lists.
      const c = this.counters;
      c.sent++;
      c.delivered++;
      const ts = envelope.header.timestamp;
      dst.objectCount++;
      const slot = dst.q.allocSlot(p); // first: taking a slot may lengthen the columns
      dst.cols.msgs[slot] = {
        id,
        source,
        destination,
        envelope,
        hops: 0,
        timestamp: ts,
        priority: p,
        tenantId: srcTenant,
        sentAt: now,
        payloadRef,
      };
      dst.wake();
      this.lastHops = 0;
      return {
        messageId: id,
        source,
        destination,
        status: 'Delivered',
        timestamp: ts,
        deliveredAt: now,
        hops: 0,
      };
    }
    if (dst !== undefined && dst.tenantId !== srcTenant) {
      this.refuseCrossTenant(
        id,
        source,
        srcTenant,
        destination,
        dst.tenantId,
        envelope,
        0,
        p,
        payloadRef,
        now,
      );
      throw new TenantMismatchError(source, srcTenant, destination, dst.tenantId);
    }
    this.counters.sent++;
    const code = this.route(
      id,
      source,
      destination,
      dst,
      envelope,
      0,
      payloadRef,
      p,
      0,
      srcTenant,
      now,
    );
    if (code === StatusCode.TenantMismatch) throw this.tenantError(source, srcTenant);
    return {
      messageId: id,
      source,
      destination,
      status: STATUS_BY_CODE[code]!,
      timestamp: envelope.header.timestamp,
      deliveredAt: now,
      hops: this.lastHops,
    };
  }

  /** True for an unregistered source listed in `trustedSources`: it may deliver into any tenant. */
  trustsSource(source: string): boolean {
    return this.trusted.has(source) && !this.endpoints.has(source);
  }

  /**
   * The tenant a send counts as coming from: the source's own, 0 for an unregistered source, or
   * the destination's for a trusted unregistered source (see `trustedSources`).
   */
  private sourceTenant(
    source: string,
    src: K2KEndpoint | undefined,
    dst: K2KEndpoint | undefined,
  ): number {
    if (src !== undefined) return src.tenantId;
    return dst !== undefined && this.trusted.has(source) ? dst.tenantId : 0;
  }

  /** @internal Count and dead-letter a cross-tenant send (the caller reports it). */
  refuseCrossTenant(
    id: number,
    source: string,
    srcTenant: number,
    destination: string,
    dstTenant: number,
    env: MessageEnvelope | null,
    typeId: number,
    priority: number,
    payloadRef: number,
    now: number,
  ): void {
    this.counters.sent++;
    this.refuseTenant(
      id,
      source,
      destination,
      env,
      typeId,
      priority,
      0,
      srcTenant,
      payloadRef,
      now,
      `tenant ${srcTenant} may not send to tenant ${dstTenant}`,
    );
  }

  /**
   * Count and dead-letter a message whose tenant differs from the queue it would enter (the
   * caller has counted it as sent or forwarded). The tenant and the blocking kernel are kept in
   * {@link K2KBroker.lastRefusal} so callers can build a {@link TenantMismatchError}.
   */
  private refuseTenant(
    id: number,
    source: string,
    destination: string,
    env: MessageEnvelope | null,
    typeId: number,
    priority: number,
    hops: number,
    tenant: number,
    payloadRef: number,
    now: number,
    detail: string,
  ): number {
    this.counters.tenantMismatch++;
    this.crossTenantRejections++;
    this.letter(
      'TenantMismatch',
      id,
      source,
      destination,
      env,
      priority,
      hops,
      tenant,
      payloadRef,
      now,
      detail,
      typeId,
    );
    return StatusCode.TenantMismatch;
  }

  /** The kernel and tenant that refused the last `route` with `TenantMismatch`. */
  private lastRefusal = { kernel: '', tenant: 0 };

  private tenantError(source: string, tenant: number): TenantMismatchError {
    return new TenantMismatchError(
      source,
      tenant,
      this.lastRefusal.kernel,
      this.lastRefusal.tenant,
    );
  }

  /**
   * Relay a received message toward its final destination: delivered if that kernel is here,
   * otherwise to the next hop with the hop count increased (`MaxHopsExceeded` past `maxHops`).
   * Throws {@link TenantMismatchError} (counted and dead-lettered) when the kernel it would enter
   * is of another tenant than the message.
   */
  forward(_via: string, message: K2KMessage): DeliveryReceipt {
    this.counters.forwarded++;
    const now = this.now();
    const dst = this.endpoints.get(message.destination);
    const code = this.route(
      message.id,
      message.source,
      message.destination,
      dst,
      message.envelope,
      0,
      message.payloadRef,
      message.priority,
      message.hops,
      message.tenantId,
      now,
    );
    if (code === StatusCode.TenantMismatch) {
      throw this.tenantError(message.source, message.tenantId);
    }
    return {
      messageId: message.id,
      source: message.source,
      destination: message.destination,
      status: STATUS_BY_CODE[code]!,
      timestamp: message.envelope.header.timestamp,
      deliveredAt: now,
      hops: this.lastHops,
    };
  }

  /** Hops of the message `route` last handled (avoids returning a tuple). */
  private lastHops = 0;

  /**
   * @internal Place one message. Returns a {@link StatusCode} 0-4, or `TenantMismatch` when the
   * destination or next hop is of another tenant than the message; failures are dead-lettered.
   * `env` may be null for batch messages, described by `typeId` and `payloadRef`.
   */
  route(
    id: number,
    source: string,
    destination: string,
    dst: K2KEndpoint | undefined,
    env: MessageEnvelope | null,
    typeId: number,
    payloadRef: number,
    priority: number,
    hops: number,
    tenant: number,
    now: number,
  ): number {
    const c = this.counters;
    this.lastHops = hops;
    if (dst !== undefined) {
      // A relay (forward) or a re-entry reaches here without the send-time check: the queue it
      // enters must be of the message's own tenant.
      if (dst.tenantId !== tenant) {
        this.lastRefusal = { kernel: destination, tenant: dst.tenantId };
        return this.refuseTenant(
          id,
          source,
          destination,
          env,
          typeId,
          priority,
          hops,
          tenant,
          payloadRef,
          now,
          `tenant ${tenant} may not enter "${destination}" (tenant ${dst.tenantId})`,
        );
      }
      if (
        this.push(
          dst,
          id,
          source,
          destination,
          env,
          typeId,
          payloadRef,
          priority,
          hops,
          tenant,
          now,
        )
      ) {
        c.delivered++;
        return StatusCode.Delivered;
      }
      c.queueFull++;
      this.letter(
        dst.overflowPolicy === 'reject' ? 'Rejected' : 'QueueFull',
        id,
        source,
        destination,
        env,
        priority,
        hops,
        tenant,
        payloadRef,
        now,
        dst.fullDetail(),
        typeId,
      );
      return StatusCode.QueueFull;
    }
    const nextHop = this.routes.get(destination);
    if (nextHop === undefined) {
      c.notFound++;
      this.letter(
        'NoRoute',
        id,
        source,
        destination,
        env,
        priority,
        hops,
        tenant,
        payloadRef,
        now,
        `no kernel "${destination}" and no next-hop route to it`,
        typeId,
      );
      return StatusCode.NotFound;
    }
    const h = hops + 1;
    this.lastHops = h;
    if (h > this.config.maxHops) {
      c.maxHops++;
      this.letter(
        'MaxHopsExceeded',
        id,
        source,
        destination,
        env,
        priority,
        h,
        tenant,
        payloadRef,
        now,
        `${h} hops exceed maxHops ${this.config.maxHops} (routing loop?)`,
        typeId,
      );
      return StatusCode.MaxHopsExceeded;
    }
    const hop = this.endpoints.get(nextHop);
    if (hop === undefined) {
      c.notFound++;
      this.letter(
        'NoRoute',
        id,
        source,
        destination,
        env,
        priority,
        h,
        tenant,
        payloadRef,
        now,
        `next hop "${nextHop}" for "${destination}" is not registered`,
        typeId,
      );
      return StatusCode.NotFound;
    }
    if (hop.tenantId !== tenant) {
      this.lastRefusal = { kernel: nextHop, tenant: hop.tenantId };
      return this.refuseTenant(
        id,
        source,
        destination,
        env,
        typeId,
        priority,
        h,
        tenant,
        payloadRef,
        now,
        `tenant ${tenant} may not pass through next hop "${nextHop}" (tenant ${hop.tenantId})`,
      );
    }
    if (
      this.push(hop, id, source, destination, env, typeId, payloadRef, priority, h, tenant, now)
    ) {
      c.pending++;
      return StatusCode.Pending;
    }
    c.queueFull++;
    this.letter(
      hop.overflowPolicy === 'reject' ? 'Rejected' : 'QueueFull',
      id,
      source,
      destination,
      env,
      priority,
      h,
      tenant,
      payloadRef,
      now,
      `queue of next hop "${nextHop}" is full (${hop.capacity})`,
      typeId,
    );
    return StatusCode.QueueFull;
  }

  /** @internal Enqueue honouring the endpoint's overflow policy; false when refused. */
  push(
    ep: K2KEndpoint,
    id: number,
    source: string,
    destination: string,
    env: MessageEnvelope | null,
    typeId: number,
    payloadRef: number,
    priority: number,
    hops: number,
    tenant: number,
    now: number,
  ): boolean {
    let s = ep.q.allocSlot(priority);
    if (s < 0) {
      if (ep.overflowPolicy !== 'dropOldest') return false;
      const victim = ep.evict();
      this.counters.droppedOldest++;
      this.letter(
        'DroppedOldest',
        victim.id,
        victim.source,
        victim.destination,
        victim.envelope,
        victim.priority,
        victim.hops,
        victim.tenantId,
        victim.payloadRef,
        now,
        `evicted from full queue of "${ep.kernelId}" to admit message ${id}`,
      );
      s = ep.q.allocSlot(priority);
    }
    if (env !== null) {
      ep.objectCount++;
      ep.cols.msgs[s] = {
        id,
        source,
        destination,
        envelope: env,
        hops,
        timestamp: env.header.timestamp,
        priority: priority & 0xff,
        tenantId: tenant,
        sentAt: now,
        payloadRef,
      };
      ep.wake();
      return true;
    }
    // A slot of its own (allocSlot marks it a run start): it carries all its columns.
    const c = ep.cols;
    c.ids[s] = id;
    c.srcNames[s] = this.internName(source);
    c.dstNames[s] = this.internName(destination);
    c.hops[s] = hops;
    c.tenants[s] = tenant;
    c.sentAt[s] = now;
    c.typeIds[s] = typeId;
    c.payloadRefs[s] = payloadRef;
    ep.wake();
    return true;
  }

  /** @internal An envelope standing in for a batch message (type id only, no payload). */
  syntheticEnvelope(typeId: number, now: number): MessageEnvelope {
    const ts: HlcTimestamp = { physical: now, logical: 0, nodeId: 0 };
    return createEnvelope({ messageType: typeId, timestamp: ts });
  }

  private letter(
    reason: DeadLetterReason,
    messageId: number,
    source: string,
    destination: string,
    envelope: MessageEnvelope | null,
    priority: number,
    hops: number,
    tenantId: number,
    payloadRef: number,
    deadAt: number,
    detail: string,
    /** The type id when there is no envelope (a batch message's letter). */
    typeId: U64 = 0,
  ): void {
    this.deadLetters.add({
      seq: 0,
      reason,
      messageId,
      source,
      destination,
      typeId: envelope === null ? typeId : envelope.header.messageType,
      envelope,
      priority,
      hops,
      tenantId,
      payloadRef,
      deadAt,
      detail,
    });
  }

  /** Dead letters matching `options`, oldest first. */
  browseDeadLetters(options: BrowseOptions = {}): DeadLetter[] {
    return this.deadLetters.browse(options);
  }

  /**
   * Take the letters matching `options` out of the dead-letter queue and send them again (to
   * `options.to`, or each letter's original destination) from their original source with their
   * priority. Each re-send is a new send (counted in `sent` and `replayed`) with a fresh message
   * id; one that fails again becomes a new dead letter. Returns the receipts of the re-sends; a
   * re-send refused across tenants has no receipt (it is dead-lettered as `TenantMismatch`).
   */
  replayDeadLetters(options: ReplayOptions = {}): DeliveryReceipt[] {
    return this.replayTaken(this.deadLetters.take(options), options);
  }

  /**
   * Send letters already taken out of the dead-letter queue again, as
   * {@link K2KBroker.replayDeadLetters} does (each keeps its `payloadRef`). For callers that
   * must see the letters before they are re-sent.
   */
  replayTaken(letters: readonly DeadLetter[], options: ReplayOptions = {}): DeliveryReceipt[] {
    const out: DeliveryReceipt[] = [];
    for (const l of letters) {
      const env = l.envelope ?? this.syntheticEnvelope(Number(l.typeId), this.now());
      const dest = options.to ?? l.destination;
      const src = this.endpoints.get(l.source);
      const dst = this.endpoints.get(dest);
      try {
        this.counters.replayed++;
        out.push(
          this.sendResolved(
            l.source,
            this.replayTenant(l, src, dst),
            dest,
            dst,
            env,
            options.priority ?? l.priority,
            l.payloadRef,
          ),
        );
      } catch (e) {
        if (!(e instanceof TenantMismatchError)) throw e;
      }
    }
    return out;
  }

  /**
   * The tenant a replayed letter is sent as: its source's if still registered, the destination's
   * for a trusted source, else the tenant the letter was recorded with (an unregistered kernel's
   * letter keeps its tenant rather than falling back to tenant 0).
   */
  private replayTenant(
    l: DeadLetter,
    src: K2KEndpoint | undefined,
    dst: K2KEndpoint | undefined,
  ): number {
    if (src !== undefined) return src.tenantId;
    if (dst !== undefined && this.trusted.has(l.source)) return dst.tenantId;
    return l.tenantId;
  }

  /**
   * Send one message described by columns (no envelope) from `source` to the kernel
   * `destination`, as a batch dispatch would: same tenant check, overflow policy and next-hop
   * routes. Returns a {@link StatusCode} (`TenantMismatch` when refused across tenants; the
   * message is then dead-lettered). The id it got is {@link K2KBroker.lastMessageId}.
   */
  sendRef(
    source: string,
    destination: string,
    typeId: number,
    priority: number,
    payloadRef: number,
  ): number {
    const id = this.nextMessageId++;
    const now = this.now();
    const p = priority & 0xff;
    const src = this.endpoints.get(source);
    const dst = this.endpoints.get(destination);
    const tenant = this.sourceTenant(source, src, dst);
    if (dst !== undefined && dst.tenantId !== tenant) {
      this.refuseCrossTenant(
        id,
        source,
        tenant,
        destination,
        dst.tenantId,
        null,
        typeId,
        p,
        payloadRef,
        now,
      );
      this.lastHops = 0;
      return StatusCode.TenantMismatch;
    }
    this.counters.sent++;
    return this.route(id, source, destination, dst, null, typeId, payloadRef, p, 0, tenant, now);
  }

  /**
   * Relay a message drained by column (see `K2KEndpoint.drainInto`) toward its final
   * destination, as {@link K2KBroker.forward} does for a message object: same id, hops
   * accumulate. Returns a {@link StatusCode}; the hops are {@link K2KBroker.lastRouteHops}.
   */
  forwardRef(
    id: number,
    source: string,
    destination: string,
    typeId: number,
    priority: number,
    hops: number,
    tenantId: number,
    payloadRef: number,
  ): number {
    this.counters.forwarded++;
    const dst = this.endpoints.get(destination);
    return this.route(
      id,
      source,
      destination,
      dst,
      null,
      typeId,
      payloadRef,
      priority & 0xff,
      hops,
      tenantId,
      this.now(),
    );
  }

  /**
   * Record a message the dispatcher could not route (an `UnknownMessageTypeError`, or
   * `StatusCode.UnknownType` from a batch) as a `NoRoute` dead letter with no destination, so it
   * can be browsed and replayed like any failure. Gives it a broker message id (returned) and
   * counts it as `unroutable` in {@link K2KBroker.accounting}.
   */
  deadLetterUnroutable(
    source: string,
    typeId: U64,
    priority: number,
    payloadRef: number,
    envelope: MessageEnvelope | null = null,
  ): number {
    const id = this.nextMessageId++;
    const now = this.now();
    const src = this.endpoints.get(source);
    this.counters.unroutable++;
    this.letter(
      'NoRoute',
      id,
      source,
      '',
      envelope ??
        createEnvelope({
          messageType: typeId,
          timestamp: { physical: now, logical: 0, nodeId: 0 },
        }),
      priority & 0xff,
      0,
      src === undefined ? 0 : src.tenantId,
      payloadRef,
      now,
      `no route for message type ${String(typeId)}`,
    );
    return id;
  }

  /**
   * Re-register a kernel with new options (tenant, capacity, overflow policy), keeping the
   * messages in its queue, in delivery order, with their ids and hops. Those the new queue cannot
   * hold are handled by the new overflow policy (dead-lettered as under `route`). When the tenant
   * changes, messages of the old tenant become `TenantMismatch` dead letters (counted), except
   * those of a trusted source, which take the new tenant. Returns the new endpoint; waiting
   * `receive()` calls on the old one reject. The queue's high-water mark carries over, capped at
   * the new capacity. Invalid options throw `InvalidArgumentError` and change nothing.
   */
  reregister(kernelId: string, options: RegisterOptions = {}): K2KEndpoint {
    const old = this.endpoints.get(kernelId);
    if (old === undefined) return this.register(kernelId, options);
    // Before the old queue is closed: a refused option must leave the kernel and its messages.
    checkRegisterOptions(options, this.config.maxPendingMessages);
    this.endpoints.delete(kernelId);
    const peak = old.queueStats().maxDepth;
    const held = old.close();
    this.generation++;
    const ep = this.register(kernelId, options);
    // The queue's high-water mark does not go backwards because its options changed.
    ep.carryQueuePeak(peak);
    const now = this.now();
    const c = this.counters;
    for (const m of held) {
      // Each message left the old queue (received) and re-enters the new one (forwarded), with
      // its destination and hops unchanged: a relay in progress stays one.
      c.received++;
      c.forwarded++;
      let tenant = m.tenantId;
      if (tenant !== ep.tenantId) {
        // A trusted source may reach any tenant, so its messages follow the kernel; any other
        // message would cross tenants by staying queued.
        if (!this.trustsSource(m.source)) {
          this.refuseTenant(
            m.id,
            m.source,
            m.destination,
            m.envelope,
            0,
            m.priority,
            m.hops,
            tenant,
            m.payloadRef,
            now,
            `"${kernelId}" moved from tenant ${tenant} to tenant ${ep.tenantId} with the message still queued`,
          );
          continue;
        }
        tenant = ep.tenantId;
      }
      if (
        this.push(
          ep,
          m.id,
          m.source,
          m.destination,
          m.envelope,
          0,
          m.payloadRef,
          m.priority,
          m.hops,
          tenant,
          now,
        )
      ) {
        c.delivered++;
        continue;
      }
      c.queueFull++;
      this.letter(
        ep.overflowPolicy === 'reject' ? 'Rejected' : 'QueueFull',
        m.id,
        m.source,
        m.destination,
        m.envelope,
        m.priority,
        m.hops,
        tenant,
        m.payloadRef,
        now,
        `queue of "${kernelId}" shrank to ${ep.capacity}`,
      );
    }
    return ep;
  }

  /** RingKernel's K2K stats plus the dead-letter depth. */
  stats(): K2KStats {
    const tenants = new Set<number>();
    for (const ep of this.endpoints.values()) tenants.add(ep.tenantId);
    return {
      registeredEndpoints: this.endpoints.size,
      messagesDelivered: this.counters.delivered + this.counters.pending,
      routesConfigured: this.routes.size,
      tenantCount: tenants.size,
      crossTenantRejections: this.crossTenantRejections,
      deadLetters: this.deadLetters.size,
    };
  }

  /** Exact accounting of every message that entered the broker; see {@link BrokerAccounting}. */
  /**
   * Dead-letter a message a kernel already received but could not handle: its handler failed
   * (`KernelError`) or its payload was unreadable (`InvalidPayload`). Counted, so the accounting
   * still balances: received messages end processed or here.
   */
  deadLetterFailed(
    letter: Omit<DeadLetter, 'seq' | 'reason'> & { reason: 'KernelError' | 'InvalidPayload' },
  ): void {
    this.counters.handlerFailed++;
    this.deadLetters.add(letter);
  }

  accounting(): BrokerAccounting {
    const c = this.counters;
    let queued = 0;
    for (const ep of this.endpoints.values()) queued += ep.pendingCount();
    const dl = this.deadLetters.stats();
    const failedTotal = c.queueFull + c.notFound + c.maxHops + c.tenantMismatch;
    const deadLettered =
      failedTotal + c.droppedOldest + c.unregistered + c.unroutable + c.handlerFailed;
    const inTotal = c.sent + c.forwarded;
    return {
      in: inTotal,
      sent: c.sent,
      forwarded: c.forwarded,
      replayed: c.replayed,
      delivered: c.delivered,
      pending: c.pending,
      received: c.received,
      queued,
      failed: {
        QueueFull: c.queueFull,
        NotFound: c.notFound,
        MaxHopsExceeded: c.maxHops,
        TenantMismatch: c.tenantMismatch,
      },
      droppedOldest: c.droppedOldest,
      unregistered: c.unregistered,
      unroutable: c.unroutable,
      handlerFailed: c.handlerFailed,
      deadLettered,
      deadLetterQueue: {
        depth: dl.depth,
        evicted: dl.evicted,
        expired: dl.expired,
        replayed: dl.replayed,
        purged: dl.purged,
      },
      balanced:
        inTotal === c.delivered + c.pending + failedTotal &&
        c.delivered + c.pending === c.received + queued + c.droppedOldest + c.unregistered &&
        deadLettered === dl.added &&
        dl.added === dl.depth + dl.evicted + dl.expired + dl.replayed + dl.purged,
    };
  }
}
