/**
 * The engine's wire protocol: commands the page sends to the engine worker, replies and events it
 * sends back, and the snapshot shape the live panels (and `window.workbench.snapshot()`) read.
 *
 * Everything here is plain structured-clone data (numbers, strings, bigint, Uint8Array), so it can
 * cross `postMessage` unchanged and the same engine runs headless in Node for tests and what-if runs.
 */
import type { RouteConfig } from '../core/config';

/** A u64 as the core normalises it: a number when safe, a bigint above 2^53 - 1. */
export type U64 = number | bigint;
/** A u64 as it may arrive from a form or JSON: also a decimal string. */
export type U64Input = number | bigint | string;

export type KernelConfig = RouteConfig['kernels'][number];
export type MessageTypeConfig = RouteConfig['messageTypes'][number];
export type RouteEntry = RouteConfig['routes'][number];
export type BrokerConfig = RouteConfig['broker'];

/** Broker delivery statuses plus `NoRoute`, the status an unknown or unrouted type id receives. */
export type ReceiptStatus =
  | 'Delivered'
  | 'Pending'
  | 'QueueFull'
  | 'NotFound'
  | 'MaxHopsExceeded'
  | 'NoRoute'
  | 'TenantMismatch';

/** Every status, in display order. */
export const RECEIPT_STATUSES: readonly ReceiptStatus[] = [
  'Delivered',
  'Pending',
  'QueueFull',
  'NotFound',
  'MaxHopsExceeded',
  'NoRoute',
  'TenantMismatch',
];

/**
 * Why a message is in the dead-letter queue: a failed delivery's status, or what the core's
 * overflow policies record (`Rejected` under `reject`, `DroppedOldest` under `dropOldest`,
 * `Unregistered` when its kernel was removed with the message queued), or what the engine records
 * once a kernel took the message: `KernelError` (its handler failed on it) and `InvalidPayload`
 * (its payload is shorter than its type's layout, so a demo kernel cannot read it). Those two
 * carry the why in `DeadLetterRow.detail`.
 */
export type DeadLetterReason =
  | Exclude<ReceiptStatus, 'Delivered' | 'Pending'>
  | 'Rejected'
  | 'DroppedOldest'
  | 'Unregistered'
  | 'KernelError'
  | 'InvalidPayload';

/** Where a message stands: a delivery receipt's status or, once it is a letter, why. */
export type MessageStatus = ReceiptStatus | DeadLetterReason;

/** Every dead-letter reason, in display order (a delivered or pending message is no letter). */
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'QueueFull',
  'NotFound',
  'MaxHopsExceeded',
  'NoRoute',
  'TenantMismatch',
  'Rejected',
  'DroppedOldest',
  'Unregistered',
  'KernelError',
  'InvalidPayload',
];

/** Every arrival pattern a generator spec may name. */
export const ARRIVAL_PATTERNS = ['constant', 'poisson', 'bursts'] as const;
export type ArrivalPattern = (typeof ARRIVAL_PATTERNS)[number];
/** The arrival pattern of a generator spec that names none. */
export const DEFAULT_PATTERN: ArrivalPattern = 'constant';

/** The most messages one `inject` command may send. */
export const MAX_INJECT_COUNT = 10_000_000;

/**
 * What the engine refuses in an `inject`'s count or priority (the priority it would use), in its
 * error's words; null when it takes both. The engine's check, and Record's Import of a file.
 */
export function injectProblem(count: unknown, priority: unknown): string | null {
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_INJECT_COUNT)
    return `count must be an integer in 1..${MAX_INJECT_COUNT.toLocaleString('en-US')} (got ${String(count)}).`;
  if (!Number.isInteger(priority) || (priority as number) < 0 || (priority as number) > 255)
    return `priority must be an integer in 0..255 (got ${String(priority)}).`;
  return null;
}

/** What a traffic generator emits. Same seed + same config gives the same message sequence. */
export interface GeneratorSpec {
  /** Mean messages per second (simulated time). */
  ratePerSec: number;
  /** Default {@link DEFAULT_PATTERN} (`'constant'`). */
  pattern?: ArrivalPattern;
  /**
   * Weighted mix of type ids; default: every routed type of the config, equal weights. An entry's
   * `fields` fixes the payload generated for it, whatever the config defines for the type (or
   * whether it defines it): What-if sends two configs the same bytes this way. Without them the
   * config's fields apply, and a type it does not define is sent with an empty payload.
   */
  mix?: { typeId: U64Input; weight: number; fields?: MessageTypeConfig['fields'] }[];
  /** Zipf exponent of the account skew; 0 = uniform. Default 1. */
  zipfS?: number;
  /** Number of distinct accounts. Default 1,000. */
  accounts?: number;
  /** Stop after this much simulated time; absent or 0 = until stopped. */
  durationMs?: number;
  /** Message priority (u8); default: the broker's default priority. */
  priority?: number;
  /** Default 1. */
  seed?: number;
  /** Messages per burst for the `'bursts'` pattern; default: a tenth of a second's worth. */
  burstSize?: number;
}

/** Field values for an injected payload, keyed by the type's field names. */
export type PayloadValues = Record<string, number | bigint | string | boolean>;

/** Header fields a redrive may change before the message is sent again. */
export interface HeaderOverrides {
  priority?: number;
  /** Kernel id to send to instead of the dead letter's original destination. */
  destination?: string;
  correlationId?: number;
}

/** Selects dead letters; every given criterion must match. */
export interface DeadLetterFilter {
  ids?: number[];
  reasons?: DeadLetterReason[];
  typeIds?: U64Input[];
  destinations?: string[];
  sources?: string[];
}

/** Which receipts are materialised into `snapshot.receipts.recent` (counts stay exact regardless). */
export interface ReceiptFilter {
  statuses?: ReceiptStatus[];
  typeIds?: U64Input[];
  /** Matches source or destination. */
  kernels?: string[];
}

interface Req {
  /** Echoed in the reply so `client.request` can resolve the right promise. */
  requestId?: number;
}

/** Commands the engine accepts. Each is applied atomically: it fully applies or replies with an error. */
export type EngineCommand =
  | (Req & { type: 'loadConfig'; config: RouteConfig })
  | (Req & {
      type: 'inject';
      typeId: U64Input;
      /** Default 1. */
      count?: number;
      /** Field values (missing fields are filled randomly) or raw payload bytes. */
      payload?: PayloadValues | Uint8Array;
      priority?: number;
      correlationId?: number;
      /** Kernel id the message appears to come from; default `'host'`. */
      source?: string;
    })
  | (Req & { type: 'startGenerator'; spec: GeneratorSpec })
  | (Req & { type: 'stopGenerator' })
  | (Req & { type: 'resetMetrics' })
  | (Req & { type: 'setRoute'; typeId: U64Input; kernelId: string; handlerName?: string })
  | (Req & { type: 'removeRoute'; typeId: U64Input })
  | (Req & { type: 'setK2kRoute'; dest: string; nextHop: string })
  | (Req & { type: 'removeK2kRoute'; dest: string })
  | (Req & {
      type: 'upsertKernel';
      kernel: KernelConfig;
      /**
       * Its place among the config's kernels (the page's order), which the snapshot lists them in;
       * absent, a kernel keeps its place, and a new one goes last.
       */
      at?: number;
    })
  | (Req & { type: 'removeKernel'; kernelId: string })
  | (Req & { type: 'upsertType'; messageType: MessageTypeConfig })
  | (Req & { type: 'removeType'; typeId: U64Input })
  | (Req & { type: 'setBroker'; broker: Partial<BrokerConfig> })
  | (Req & {
      type: 'redrive';
      /** Which letters; absent = all. */
      filter?: DeadLetterFilter;
      /** Send to this kernel instead of each letter's original destination. */
      target?: string;
      overrides?: HeaderOverrides;
      /**
       * At most this many letters, the oldest matching ones (absent = all): a queue that took
       * 5,904 letters' worth of overflow can take them back a queueful at a time.
       */
      limit?: number;
      /**
       * Letters per second of engine time, 1 or more (absent = all at once): the letters
       * matching now (or the oldest `limit` of them) go a few at a time, oldest first (at a pace
       * under the kernel's rate, its queue takes them back without overflowing again), and each
       * snapshot's `deadLetters.redrive` says how far it got. One paced redrive at a time.
       */
      ratePerSec?: number;
    })
  /** Stops a paced redrive: what was sent stays sent, the rest stay held. */
  | (Req & { type: 'cancelRedrive' })
  | (Req & { type: 'purgeDeadLetters'; filter?: DeadLetterFilter })
  | (Req & { type: 'listDeadLetters'; filter?: DeadLetterFilter; offset?: number; limit?: number })
  | (Req & { type: 'setReceiptFilter'; filter: ReceiptFilter | null })
  | (Req & { type: 'setSampling'; perSnapshotCap: number })
  | (Req & { type: 'snapshot' })
  /** The live route table, as the dispatcher holds it: `[typeId, kernelId]` pairs. */
  | (Req & { type: 'routes' })
  /** The engine time between its last ticks while a generator ran (see `cadence.ts`). */
  | (Req & { type: 'drainCadence' })
  /** The WebGPU adapter the worker found (or why there is none). */
  | (Req & { type: 'gpuInfo' })
  /** The causal chain of a message from the bounded trace store. */
  | (Req & { type: 'trace'; messageId: number })
  /** Keep a message's trace past eviction (and trace its outputs exactly). */
  | (Req & { type: 'pin'; messageId: number })
  | (Req & { type: 'unpin'; messageId: number })
  /**
   * Test-only fault (issue 8): the kernel's next `count` messages fail as if its handler threw
   * `reason` (dead-lettered `KernelError` with `reason` as detail). Posted only by the page's
   * test fault hooks (src/app/faults.ts). `count` 0 clears a pending fault.
   */
  | (Req & { type: '__failKernel'; kernelId: string; count: number; reason: string });

export type EngineCommandType = EngineCommand['type'];

/** Typed error codes; each comes with a message a person can act on. */
export type EngineErrorCode =
  | 'InvalidCommand'
  | 'InvalidConfig'
  | 'UnknownKernel'
  | 'UnknownType'
  | 'KernelHasRoutes'
  | 'TenantMismatch'
  | 'InvalidPayload'
  | 'WorkerCrashed'
  | 'Internal';

export interface EngineError {
  code: EngineErrorCode;
  message: string;
}

/** Result data of the commands that return some. */
export interface RedriveResult {
  /** Letters selected: those matching the filter, or the oldest `limit` of them. */
  selected: number;
  /** Re-sent and accepted (Delivered or Pending). */
  redriven: number;
  /** Re-sent and failed again (back in the dead-letter queue). */
  failedAgain: number;
  /** Those by the status they failed with: a pace helps a full queue, not a kernel that is gone. */
  failedByStatus: Partial<Record<ReceiptStatus, number>>;
  /** Refused because the target kernel belongs to another tenant than the letter's source. */
  refusedCrossTenant: number;
  /**
   * Refused because the letter's type is routed to another kernel than the target, which is not
   * the letter's own destination either: it would run its handler on a payload of another
   * layout. These letters stay held.
   */
  refusedNotRouted: number;
  /** Queued messages a dropOldest queue evicted (to letters) to take the redriven ones. */
  evicted: number;
  /** Letters matching the filter still held afterwards (past a `limit`, refused, or new). */
  remaining: number;
}

/**
 * A paced redrive (`ratePerSec`) as it goes, in each snapshot from its start until the next one
 * starts: the letters it set out to send, what it sent so far and how that went. `remaining` is
 * its own letters not sent or refused yet and still held; those that left the queue meanwhile
 * (pushed out of the full dead-letter queue, or purged) are `total - sent - refused - remaining`
 * once it has stopped.
 */
export interface RedriveProgress extends RedriveResult {
  /** Engine time it started, µs: tells one run from the next. */
  startedUs: number;
  ratePerSec: number;
  /** Letters it set out to redrive: those matching when it started (at most its `limit`). */
  total: number;
  /** Letters taken from the queue so far (`redriven` + `failedAgain`). */
  sent: number;
  /**
   * Of those `redriven`, the messages that failed later, back in the dead-letter queue: evicted
   * from their queue (by the traffic behind them, say), their kernel removed or failing on them.
   */
  failedLater: number;
  /**
   * The kernel whose queue held back its last step: a paced redrive fills no queue past half its
   * capacity and waits for room there; null when it sent all it owed.
   */
  waitingForRoom: string | null;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  /** Why it stopped, when `failed` (its target kernel was removed, say). */
  error?: string;
}

/**
 * What each command's successful reply carries besides `ok`, `command` and `requestId`. One entry
 * per command: the compiler checks that the engine's handler table answers every command with its
 * own shape, and `client.request(cmd)` is typed by the command it sends.
 */
export interface CommandResults {
  loadConfig: object;
  /**
   * Number of messages sent, and the receipts other than Delivered that the send itself issued,
   * by status (messages refused at their queue, `NoRoute`, or older messages a `dropOldest` queue
   * evicted to make room); empty when there were none. Deliveries come later, in snapshots.
   */
  /** `ids`: the message ids the send gave its messages, first to last (null where they did not follow one another). */
  inject: {
    count: number;
    atOnce: Record<string, number>;
    ids: { first: number; last: number } | null;
    /**
     * Older dead letters the send's own letters pushed out of the full dead-letter queue (lost
     * for good, counted as evicted); absent when none were.
     */
    lettersLost?: number;
  };
  startGenerator: object;
  stopGenerator: object;
  resetMetrics: object;
  setRoute: object;
  removeRoute: object;
  setK2kRoute: object;
  removeK2kRoute: object;
  upsertKernel: object;
  removeKernel: object;
  upsertType: object;
  removeType: object;
  setBroker: object;
  /** At once: what happened. Paced: `progress` at its start, nothing sent yet. */
  redrive: { redrive: RedriveResult; progress?: RedriveProgress };
  cancelRedrive: { progress: RedriveProgress | null };
  /** Number of letters purged. */
  purgeDeadLetters: { count: number };
  listDeadLetters: { deadLetters: DeadLetterList };
  setReceiptFilter: object;
  setSampling: object;
  snapshot: object;
  /** The live route table. */
  routes: { routes: [U64, string][] };
  /** Gaps between ticks, µs, oldest first (at most 512). */
  drainCadence: { gapsUs: number[] };
  gpuInfo: { gpu: GpuInfo };
  trace: { trace: TraceResult };
  /** Whether the message is (still) pinned in the trace store. */
  pin: { pinned: boolean };
  unpin: { pinned: boolean };
  __failKernel: object;
}

/** The command of a given type. */
export type CommandOf<C extends EngineCommandType> = Extract<EngineCommand, { type: C }>;

/** A failed command: errors are values. */
export interface EngineFailureReply {
  ok: false;
  requestId?: number;
  command: EngineCommandType | 'unknown';
  error: EngineError;
}

/** A successful reply to a command of type `C`. */
export type EngineOkReply<C extends EngineCommandType = EngineCommandType> = C extends unknown
  ? { ok: true; requestId?: number; command: C } & CommandResults[C]
  : never;

/** The reply to a command of type `C` (any command when `C` is the whole union). */
export type EngineReply<C extends EngineCommandType = EngineCommandType> =
  EngineOkReply<C> | EngineFailureReply;

// The rows replies carry (receipts, dead letters, traces) and the adapter's description live in
// rows.ts.
export type {
  HlcRow,
  GpuInfo,
  GpuNotice,
  TraceNode,
  TraceResult,
  ReceiptRow,
  DeadLetterList,
  DeadLetterRow,
} from './rows';
import type { DeadLetterList, GpuInfo, GpuNotice, TraceResult } from './rows';

// The snapshot's shape (what the live panels read) lives in snapshot-types.ts.
export type {
  AccountingSnapshot,
  EdgeSnapshot,
  EngineSnapshot,
  KernelPlacement,
  KernelSnapshot,
  RemovedKernels,
} from './snapshot-types';
import type { EngineSnapshot } from './snapshot-types';

/**
 * The page took snapshot `seq` (`snapshot-pacer.ts`): posted by the client after its listeners
 * ran, not a command (no reply).
 */
export interface SnapshotAck {
  type: 'snapshotAck';
  seq: number;
}

/** Events the worker posts to the page. */
export type EngineEvent =
  /** Posted once the worker runs; `gpu` says whether a WebGPU adapter was found. */
  | { type: 'ready'; gpu: boolean; gpuInfo?: GpuInfo }
  /** A kernel changed backend (device lost, fallback); also in `snapshot.gpuEvents`. */
  | { type: 'notice'; notice: GpuNotice }
  | { type: 'snapshot'; snapshot: EngineSnapshot }
  | { type: 'reply'; reply: EngineReply }
  | { type: 'error'; error: EngineError }
  /** The worker is alive: once a second, from its loop and through a long command (`EngineOptions.midCommand`). */
  | { type: 'heartbeat'; seq: number };
