/**
 * What the engine keeps per kernel: its endpoint, the implementation running it (a CPU twin or an
 * asynchronous runtime), the batch slots it processes through, counters and placement.
 */
import type { DrainTarget, K2KEndpoint } from '../core';
import {
  createMessageBatch,
  type KernelRuntime,
  type KernelTwin,
  type MessageBatch,
} from '../gpu/kernels/types.ts';
import type { EdgeAcc } from './context';
import type { Placement } from './placement';
import type { DeadLetterReason, KernelConfig } from './protocol';
import type { PeakWindow, RateMeter } from './rate';

/** What `makeKernel` may return: a synchronous CPU twin or an (asynchronous) runtime. */
export type KernelImpl = KernelTwin | KernelRuntime;

export function isRuntime(impl: KernelImpl): impl is KernelRuntime {
  return 'backend' in impl;
}

/**
 * One batch taken from the queue: the kernel's input batch plus, per row, the store reference
 * (-1 once the row is dead-lettered), message id, hops and tenant. An asynchronous runtime has a
 * few of these in flight (double buffering); a twin uses the first only.
 */
export interface BatchSlot {
  batch: MessageBatch;
  rowRef: Int32Array;
  rowId: Float64Array;
  rowHops: Uint8Array;
  rowTenant: Int32Array;
  /**
   * The columns its batch is drained into: message ids, hops, tenants and sources are the
   * slot's own `rowId`, `rowHops`, `rowTenant` and `batch.source`, so a row taken as drained is
   * not copied again (`take` moves a row only where an earlier one was relayed or refused).
   */
  cols: DrainColumns;
  /** Rows of this slot not yet processed or failed (they count as in flight). */
  open: number;
  busy: boolean;
}

export function createSlot(n: number): BatchSlot {
  const batch = createMessageBatch(n);
  const rowId = new Float64Array(n);
  const rowHops = new Uint8Array(n);
  const rowTenant = new Int32Array(n);
  return {
    batch,
    rowRef: new Int32Array(n),
    rowId,
    rowHops,
    rowTenant,
    cols: {
      typeIds: new Float64Array(n),
      messageIds: rowId,
      payloadRefs: new Uint32Array(n),
      priorities: new Uint8Array(n),
      sources: batch.source,
      destinations: new Uint32Array(n),
      hops: rowHops,
      tenants: rowTenant,
    },
    open: 0,
    busy: false,
  };
}

/** The columns `drainInto` fills: every one the core's `DrainTarget` offers. */
export type DrainColumns = Required<DrainTarget>;

export interface KernelState {
  /** The kernel id's number in the broker's name table. */
  num: number;
  cfg: KernelConfig;
  ep: K2KEndpoint;
  /** What processes the next batch. */
  impl: KernelImpl;
  /** The kernel's CPU twin: runs it on the CPU, and measures the CPU on samples while on WebGPU. */
  twin: KernelTwin;
  /** Its WebGPU runtime once created (`auto`: measured on samples while the twin runs). */
  gpu: KernelRuntime | null;
  /** Bumped by each (re)creation, so a runtime that resolves late for an old config is dropped. */
  implGen: number;
  /**
   * Reads of a replaced runtime's state still in flight (a backend switch): the kernel processes
   * nothing until they land, so the carried state is not overwritten by batches run without it.
   */
  stateHold: number;
  /**
   * Memory already written once, of the kernel's state size, that the next move to WebGPU copies
   * the twin's state into and hands to the runtime: a fresh copy of the fraud kernel's 5.8 MB
   * took 20–26 ms on a worker here (the pages' first writes; 0.5 ms into written ones), over
   * 100 ms under load, and stalled the engine that long. Made when a runtime on WebGPU is
   * adopted; the state read back on the way to the twin is the next one. Null between.
   */
  stateSpare: Uint32Array | null;
  /** Batch slots; slot 0 serves the twin. */
  slots: BatchSlot[];
  /** Slots handed to the asynchronous runtime, in the order it processes them. */
  inFlightSlots: number;
  /**
   * The tail of the chain in which the runtime's batches are handed over (one at a time) or, for
   * a `pipelined` runtime, handed over at once and their results taken in order.
   */
  chain: Promise<void>;
  /** When the runtime's last batch came back (the clock's ms), to time the next one from. */
  landedMs: number;
  /** A copy of a live batch is being measured on the backend the kernel does not run on. */
  shadowBusy: boolean;
  /**
   * The runtime has not yet brought a batch back. Its first batch pays what no later one does
   * (the pipeline's first dispatch, its buffers' first mappings) and is not measured: on
   * SwiftShader under load the fraud kernel's first 260 rows took 1.2 s, later ones 8-300 ms,
   * and that one sample, rare as samples of a clear loser are, read "WebGPU 208/s" for minutes.
   */
  gpuCold: boolean;
  /**
   * Placement wants the kernel on the other backend and the move waits for the batches in
   * flight: no new batch goes to the runtime meanwhile (with a backlog there was always one more,
   * so a kernel never left a GPU that could not keep up, nor obeyed a switch to `cpu`).
   */
  moving: boolean;
  /** Messages taken from the queue and not yet processed. */
  inFlight: number;
  /** One-row batch for re-running a failed batch row by row. */
  single: MessageBatch;
  /** Test-only fault (`__failKernel`): this many next messages fail with `failReason`. */
  failCount: number;
  failReason: string;
  /** The columns of the batch being taken (its slot's): relays and refusals read them. */
  cols: DrainColumns;
  placement: Placement;
  /** Engine time of the last placement decision. */
  placedAtUs: number;
  processed: number;
  dropped: number;
  deadLettered: number;
  /** Its letters the dead-letter queue holds now (not reset: a state, not a count since). */
  lettersHeld: number;
  lettersByReason: Partial<Record<DeadLetterReason, number>>;
  emitted: number;
  meter: RateMeter;
  /** The most messages queued at once over the last half second (see `PeakWindow`). */
  peak: PeakWindow;
  /**
   * The high-water mark of the queues this kernel had before its last re-registration (a
   * capacity, tenant or policy change): the core carries it capped at the new capacity, and Max
   * queued went from 1,024 back to 64 when a full queue was shrunk.
   */
  maxDepthBefore: number;
  /** `dropped` at the previous snapshot (back-pressure: refused or evicted since). */
  lastDropped: number;
  /** Engine time (µs) of the last snapshot that found `dropped` grown; -Infinity before any. */
  lastDropUs: number;
  /** Kernel → kernel edges: what this kernel's sends and relays reached. */
  edges: Map<number, EdgeAcc>;
  /** Kernel → type edges by type index: what this kernel emitted of each type. */
  emits: Map<number, EdgeAcc>;
  destroyed: boolean;
  /**
   * Removed with batches out, then added back under its id (an undo) before they landed: the
   * kernel that took its place, which gets what those batches count when they land.
   */
  heir?: KernelState;
}

/** True while the kernel may not take new messages from its queue. */
export function blocked(k: KernelState, maxInFlight: number): boolean {
  return (
    k.destroyed ||
    k.stateHold > 0 ||
    k.inFlightSlots >= maxInFlight ||
    (k.moving && k.inFlightSlots > 0)
  );
}
