import type { HlcTimestamp } from '../clock/hlc.ts';
import type { NowMicros } from '../clock/wall-clock.ts';
import type { MessageEnvelope } from '../message/envelope.ts';
import type { U64 } from '../message/u64.ts';

/** Outcome of one K2K send, as in RingKernel's broker. */
export type DeliveryStatus = 'Delivered' | 'Pending' | 'QueueFull' | 'NotFound' | 'MaxHopsExceeded';

/**
 * Numeric status codes the batch path writes into its `Uint8Array` of statuses. The first five
 * mirror {@link DeliveryStatus}; the last two are failures that the per-message path reports by
 * throwing.
 */
export const StatusCode = {
  Delivered: 0,
  Pending: 1,
  QueueFull: 2,
  NotFound: 3,
  MaxHopsExceeded: 4,
  /** No route for the type id (per-message: `UnknownMessageTypeError`). */
  UnknownType: 5,
  /** Source and destination tenants differ (per-message: `TenantMismatchError`). */
  TenantMismatch: 6,
  /**
   * Batch path only: not dispatched, because `dispatchBatch` threw (an owner's hook failed) while
   * handling this message or an earlier one.
   */
  NotDispatched: 255,
} as const;
/** A value of {@link StatusCode}. */
export type StatusCodeValue = (typeof StatusCode)[keyof typeof StatusCode];

/** Status name for each code of {@link StatusCode} 0-4. */
export const STATUS_BY_CODE: readonly DeliveryStatus[] = [
  'Delivered',
  'Pending',
  'QueueFull',
  'NotFound',
  'MaxHopsExceeded',
];

/**
 * What a kernel's full queue does with one more message. Nothing vanishes under any policy:
 * - `reject`: the send reports `QueueFull` and the message becomes a `Rejected` dead letter
 *   (an audit record; RingKernel would drop it silently).
 * - `dropOldest`: the oldest message of the lowest queued priority becomes a `DroppedOldest`
 *   dead letter and the new one is `Delivered`.
 * - `deadLetter`: the send reports `QueueFull` and the message is parked as a `QueueFull` dead
 *   letter, meant for replay once the kernel catches up.
 */
export type OverflowPolicy = 'reject' | 'dropOldest' | 'deadLetter';

/** Why a message ended in the dead-letter queue. */
export type DeadLetterReason =
  | 'NoRoute'
  | 'QueueFull'
  | 'Rejected'
  | 'MaxHopsExceeded'
  | 'TenantMismatch'
  | 'DroppedOldest'
  | 'Unregistered'
  /** The kernel received it but its handler failed on it (detail: the error). */
  | 'KernelError'
  /** The kernel received it but could not read its payload (detail: what was wrong). */
  | 'InvalidPayload';

/** Broker configuration (RingKernel's K2KConfig). */
export interface K2KConfig {
  /** Default capacity of each registered kernel's queue (default 1024). */
  maxPendingMessages: number;
  /** Recorded for parity with RingKernel (default 5000); the core does not expire messages. */
  deliveryTimeoutMs: number;
  /** Most intermediate hops a message may take (default 8). */
  maxHops: number;
  /** Recorded for parity (default false). */
  enableTracing: boolean;
}

/** Default {@link K2KConfig}. */
export const DEFAULT_K2K_CONFIG: Readonly<K2KConfig> = Object.freeze({
  maxPendingMessages: 1024,
  deliveryTimeoutMs: 5000,
  maxHops: 8,
  enableTracing: false,
});

/** Options of `new K2KBroker(...)`: a partial config plus injected time and DLQ limits. */
export interface K2KBrokerOptions extends Partial<K2KConfig> {
  /** Wall clock in microseconds, used for delivery times (default: the system clock). */
  now?: NowMicros;
  /** Dead-letter queue size (default 10,000; the oldest letter is evicted and counted). */
  deadLetterMaxSize?: number;
  /** Dead-letter max age in ms (default 3,600,000); older letters are purged on access. */
  deadLetterMaxAgeMs?: number;
  /**
   * Unregistered sources allowed to deliver into any tenant (default none: as in RingKernel, an
   * unregistered source is tenant 0 and may only reach tenant-0 kernels). The workbench trusts
   * its `host` this way so that injected traffic can reach kernels of every tenant, while kernels
   * of different tenants still cannot reach each other.
   */
  trustedSources?: readonly string[];
}

/** Options of `broker.register(kernelId, options)`. */
export interface RegisterOptions {
  /** Tenant (default 0, the unrestricted default tenant). */
  tenantId?: number;
  /** Queue capacity, rounded up to a power of two (default `maxPendingMessages`). */
  capacity?: number;
  /** What a full queue does (default `reject`, RingKernel's behaviour). */
  overflowPolicy?: OverflowPolicy;
}

/** The receipt of one send, dispatch or forward. */
export interface DeliveryReceipt {
  /** Broker-assigned id, kept across forwards. */
  messageId: number;
  source: string;
  destination: string;
  status: DeliveryStatus;
  /** The envelope header's HLC timestamp. */
  timestamp: HlcTimestamp;
  /** When the broker handled it: microseconds from the broker's injected clock. */
  deliveredAt: number;
  /** Intermediate hops taken so far. */
  hops: number;
}

/** A message as a kernel receives it. */
export interface K2KMessage {
  id: number;
  source: string;
  /** Final destination; differs from the receiving kernel when it must forward (`Pending`). */
  destination: string;
  envelope: MessageEnvelope;
  hops: number;
  /** The header timestamp. */
  timestamp: HlcTimestamp;
  priority: number;
  tenantId: number;
  /** When the broker enqueued it (microseconds). */
  sentAt: number;
  /** The caller's payload reference for messages from the batch path (0 otherwise). */
  payloadRef: number;
}

/** Broker statistics (RingKernel's K2KStats plus dead letters). */
export interface K2KStats {
  registeredEndpoints: number;
  /** Messages accepted into a queue, `Delivered` plus `Pending`. */
  messagesDelivered: number;
  routesConfigured: number;
  tenantCount: number;
  crossTenantRejections: number;
  /** Letters held by the dead-letter queue now. */
  deadLetters: number;
}

/**
 * Exact message accounting. `balanced` is true when
 * `in = received + queued + deadLettered` and `deadLettered = failed + droppedAfterAcceptance`.
 */
export interface BrokerAccounting {
  /** Every message that entered: `sent + forwarded`. */
  in: number;
  /** Sends, dispatches and batch messages that reached the broker (including replays). */
  sent: number;
  forwarded: number;
  /** Of `sent`, re-sends of dead letters. */
  replayed: number;
  /** Accepted into a queue: `Delivered`. */
  delivered: number;
  /** Accepted into a next hop's queue: `Pending`. */
  pending: number;
  /** Taken out of a queue by a kernel. */
  received: number;
  /** Held in queues now. */
  queued: number;
  /** Refused at send time, by status (each also dead-lettered). */
  failed: { QueueFull: number; NotFound: number; MaxHopsExceeded: number; TenantMismatch: number };
  /** Accepted, then removed without being received (each also dead-lettered). */
  droppedOldest: number;
  unregistered: number;
  /** Messages the dispatcher had no route for, recorded with `deadLetterUnroutable`. */
  unroutable: number;
  /** Received by a kernel whose handler then failed on them (dead-lettered). */
  handlerFailed: number;
  /** Letters ever written to the dead-letter queue. */
  deadLettered: number;
  /** Where those letters are now. */
  deadLetterQueue: {
    depth: number;
    evicted: number;
    expired: number;
    replayed: number;
    purged: number;
  };
  balanced: boolean;
}

/** A dead letter: a message that failed, with why and when. */
export interface DeadLetter {
  /** Sequence number within the dead-letter queue (increasing). */
  seq: number;
  reason: DeadLetterReason;
  messageId: number;
  source: string;
  destination: string;
  /** The type id (from the envelope, or the batch's type id). */
  typeId: U64;
  /**
   * The message's envelope when it was sent with one; null for a message sent in a batch (by
   * type id and payload reference): a redrive builds it then. None is made for the letter, so an
   * overloaded queue's letters (a million a second) cost no header objects each.
   */
  envelope: MessageEnvelope | null;
  priority: number;
  hops: number;
  tenantId: number;
  payloadRef: number;
  /** Microseconds from the broker's clock. */
  deadAt: number;
  /** Human-readable detail. */
  detail: string;
}
