/**
 * The engine snapshot: what the live panels and `window.workbench.snapshot()` read, posted by the
 * worker at least 10 times a second (also while idle). Re-exported by protocol.ts.
 */
import type {
  DeadLetterReason,
  DeadLetterRow,
  GeneratorSpec,
  GpuNotice,
  KernelConfig,
  ReceiptRow,
  RedriveProgress,
} from './protocol';

/** Where a kernel runs, and why (the `auto` backend's measurements). */
export interface KernelPlacement {
  /** What the config asks for: `auto` chooses by measurement; `webgpu` and `cpu` force one. */
  mode: 'auto' | 'webgpu' | 'cpu';
  /** Why the kernel runs where it runs now, in words a person can check. */
  reason: string;
  /** Measured processing rate on the CPU twin, messages/s, at the batch sizes traffic produces; null until measured. */
  cpuRate: number | null;
  /** Measured processing rate on WebGPU (whole round trip), messages/s; null until measured or without an adapter. */
  gpuRate: number | null;
  /** Smallest batch size at which WebGPU measured faster than the twin; null when it never did. */
  crossoverBatch: number | null;
  /** Mean rows per batch that live traffic produced recently. */
  batchSize: number;
  /** Engine time of the last backend switch, µs; null when it never switched. */
  lastSwitchUs: number | null;
  /** Backend switches since the kernel was created. */
  switches: number;
  /**
   * A WebGPU runtime exists for the kernel and has not failed, so `auto` measures it on live
   * batches and may move the kernel there. False without an adapter, while the runtime is being
   * created, after it failed, and for `cpu`.
   */
  gpuReady: boolean;
  /**
   * The kernel's WebGPU runtime is being created (the page's first second): the twin runs
   * meanwhile, by no fallback yet. Absent from older snapshots.
   */
  gpuStarting?: boolean;
}

export interface KernelSnapshot {
  id: string;
  /** The backend running the kernel now. */
  backend: 'webgpu' | 'cpu';
  behavior: KernelConfig['behavior'];
  tenantId: number;
  /** Messages waiting in the kernel's queue (never above `capacity`); equals `queued`. */
  queueDepth: number;
  /** Messages waiting in the kernel's queue (never above `capacity`). */
  queued: number;
  /** Messages taken from the queue and being processed on a backend (a GPU batch in flight). */
  inFlight: number;
  /**
   * The most messages queued at once over the last half second (0.25–0.5 s of engine time);
   * between `queued` and `capacity`. Under steady load the engine drains each queue every slice,
   * so `queued` read at a snapshot is 0 while the queue fills to hundreds in between; this says
   * how full it got. It falls back to `queued` within half a second once the queue stays shallow.
   */
  peakQueued: number;
  /**
   * Highest queue depth seen (queued only) since the counters were last reset, whatever the
   * capacity was then: above `capacity` where the queue was shrunk since.
   */
  maxDepth: number;
  /** The real capacity (the configured one rounded up to a power of two). */
  capacity: number;
  processed: number;
  /** Messages refused or evicted at this kernel's queue. */
  dropped: number;
  /** Dead letters whose original destination is this kernel. */
  deadLettered: number;
  /**
   * Of its letters, those the dead-letter queue holds now (not since a reset): 0 once all were
   * redriven, purged or pushed out, while `dropped` still counts the losses since the reset.
   */
  lettersHeld: number;
  /** `deadLettered` by reason (since the last `resetMetrics`); reasons with none are absent. */
  lettersByReason: Partial<Record<DeadLetterReason, number>>;
  /** Messages emitted (alerts, responses). */
  emitted: number;
  /** Processed per second over the last half second; 0 within a second of the last message. */
  ratePerSec: number;
  /**
   * True while the kernel cannot keep up: its queue is 75 % full or more, or it refused or
   * evicted messages since the previous snapshot. `backend` names the bottleneck.
   */
  backpressure: boolean;
  placement: KernelPlacement;
  /** Why this kernel runs on the CPU although its backend asked for WebGPU. */
  fallbackReason?: string;
}

/**
 * Traffic on one edge of the graph, three kinds:
 * - `type:<id>` → kernel: every delivery of the type to the kernel (from the host or a kernel);
 * - kernel → kernel: what the source kernel's sends and relays reached the target kernel;
 * - kernel → `type:<id>`: what the kernel emitted of the type (alerts, responses), delivered or not.
 */
export interface EdgeSnapshot {
  source: string;
  target: string;
  ratePerSec: number;
  total: number;
}

/** The counts of kernels no longer in the config, since the counters were last reset. */
export interface RemovedKernels {
  /** Their ids, oldest first, each once. */
  ids: string[];
  processed: number;
  emitted: number;
  dropped: number;
  deadLettered: number;
  /**
   * Rows they had out on a runtime when removed, not landed yet (in `accounting.inFlight`): when
   * they land they count as processed here (their outputs are not sent: the kernel is gone).
   */
  inFlight: number;
}

/**
 * Exact accounting. Every message that entered the dispatcher is in exactly one bucket:
 * `injected + emitted + carriedOver = processed + queued + inFlight + sum(failedByStatus) + deadLettered`.
 * See CONTEXT.md for what each term counts.
 */
export interface AccountingSnapshot {
  /** Entered the dispatcher from outside (inject + generator); equals `snapshot.injected`. */
  injected: number;
  /** Entered the dispatcher from kernels (alerts, responses). */
  emitted: number;
  /** Held (queued, in flight or dead-lettered) when the counters were last reset; they count as entered. */
  carriedOver: number;
  /**
   * Engine time (µs; wall-clock time in the app) of the last Reset counters, from which the
   * counts here, the dispatcher's metrics, the receipts and the kernels' counts start; absent
   * before any reset (they count from the engine's start). The generator's count is per run.
   */
  sinceUs?: number;
  /** Consumed by a kernel runtime, or delivered back to the host (`toHost`). */
  processed: number;
  /**
   * Of `processed`, responses delivered back to the host: no kernel runs them, so they are in no
   * kernel's processed count and not in the dispatcher's metrics (which count routed messages).
   */
  toHost: number;
  /** Waiting in some kernel's queue now. */
  queued: number;
  /** Taken from a queue and being processed on a backend now (GPU batches in flight). */
  inFlight: number;
  /** Failed and not held anywhere any more, by why (status, or `Evicted`, `Purged`, `DroppedOldest`, `KernelRemoved`). */
  failedByStatus: Record<string, number>;
  /** Held in the dead-letter queue now. */
  deadLettered: number;
  /**
   * Kernels removed since the counters were last reset (deleted, or renamed: a new id is a new
   * kernel), with what they counted before: their `processed` is in `processed` above, and no
   * entry of `kernels` has it any more. Absent while none was.
   */
  removedKernels?: RemovedKernels;
  balanced: boolean;
}

export interface EngineSnapshot {
  /** Increases by one per snapshot. */
  seq: number;
  /** Engine (simulated) time in µs. */
  timeUs: number;
  /**
   * Nothing queued, nothing in flight and no generator running. The worker still publishes
   * while idle (at least 10 times a second), so rates settle to 0: they are over the last half
   * second, and still read the traffic before it for a while after `idle` turns true.
   */
  idle: boolean;
  /** Whole-engine rates over the last half second, messages/s; 0 within a second of the last message. */
  rates: { injectedPerSec: number; processedPerSec: number; deadLetteredPerSec: number };
  /** Messages injected from outside (inject + generator), all time since the last reset. */
  injected: number;
  /**
   * An inject being sent as this snapshot was taken: how many it sends and how many of them went
   * so far (counted in `injected`). Only a long one's snapshots have it: a send holds the engine's
   * thread, and one of more than 1,024 messages lets the worker post snapshots while it runs,
   * every 64 ms (`EngineOptions.midCommand`): from some 40,000 messages on here.
   */
  sending?: { count: number; sent: number };
  metrics: {
    messagesDispatched: number;
    messagesDelivered: number;
    unknownTypeErrors: number;
    deliveryErrors: number;
  };
  receipts: {
    total: number;
    byStatus: Record<string, number>;
    /** Receipts not materialised because the per-snapshot cap was reached or the filter excluded them. */
    sampledOut: number;
    /**
     * Receipts whose row is still to come: Delivered, their message waiting in its queue (its row
     * is made when its kernel takes it). Absent from older snapshots.
     */
    pending?: number;
    /**
     * `Delivered` receipts whose message failed after it reached its queue: evicted by a
     * `dropOldest` queue, refused by its kernel (`KernelError`, `InvalidPayload`) or left queued
     * when its kernel was removed (`Unregistered`). Each is a dead letter too.
     */
    failedLater: number;
    /** New since the previous snapshot, oldest first. */
    recent: ReceiptRow[];
  };
  kernels: KernelSnapshot[];
  edges: EdgeSnapshot[];
  deadLetters: {
    count: number;
    /**
     * Letters added since the last reset, whatever their reason (refused by a full queue, evicted
     * by a `dropOldest` queue, failed by their kernel, never routed): a counter, for the
     * dead-lettered rate over any window (`rates.deadLetteredPerSec` is the last half second's).
     * Absent from older snapshots (a recording made before it).
     */
    added?: number;
    /** The most the queue holds: at it, each new letter pushes the oldest out (evicted). */
    capacity: number;
    evicted: number;
    /** Cross-tenant redrives refused since the last reset. */
    refusedCrossTenant: number;
    /** New since the previous snapshot, oldest first (bounded). */
    recent: DeadLetterRow[];
    /** The latest paced redrive, running or finished; null before the first. */
    redrive: RedriveProgress | null;
  };
  accounting: AccountingSnapshot;
  latency: { p50Us: number; p99Us: number; samples: number };
  generator: {
    running: boolean;
    emitted: number;
    spec?: GeneratorSpec;
    /**
     * How far the generator is behind its schedule, ms: above a few tens of ms the engine cannot
     * take the requested rate (it emits as fast as the engine takes messages, never in a burst).
     */
    lagMs: number;
    /**
     * Engine time (µs, as `timeUs`) the current run started: Start, or a new rate asked while
     * running. Absent while stopped. Its first half second is its start-up (`engineLimit`).
     */
    startedUs?: number;
    /**
     * The generator draws its messages on a worker of its own, ahead of schedule, and the engine
     * copies each one in as it falls due; false when it runs on the engine's thread (payloads
     * over 32 bytes, no worker, or the worker failed) and while stopped.
     */
    onWorker: boolean;
    /**
     * Stopped because the last run went its whole duration (its `spec` says how long), not by a
     * Stop; absent otherwise and while running.
     */
    finished?: boolean;
    /**
     * Messages the generator sent per second over the last half second (as `rates`): the
     * generator's own, where `rates.injectedPerSec` counts hand injections too. Absent from
     * older snapshots.
     */
    ratePerSec?: number;
  };
  configName: string;
  /** Backend changes since the previous snapshot (device lost, fallbacks), oldest first. */
  gpuEvents: GpuNotice[];
  /**
   * The core broker's own accounting (`K2KBroker.accounting()`), for cross-checks: since the
   * engine started, not since Reset counters (which restarts `accounting`, `metrics` and
   * `receipts` at 0), so `in` may exceed what those count.
   */
  broker: { in: number; received: number; queued: number; deadLettered: number; balanced: boolean };
  /** Messages held by the trace store. */
  traced: number;
}
