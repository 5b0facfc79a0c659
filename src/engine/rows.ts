/**
 * The rows the engine's replies and snapshots carry: receipts, dead letters, trace nodes, HLC
 * stamps, and the WebGPU adapter's description and notices. Re-exported by protocol.ts.
 */
import type { U64, ReceiptStatus, DeadLetterReason, MessageStatus } from './protocol';

export interface HlcRow {
  physical: number;
  logical: number;
  nodeId: number;
}

/** The adapter behind `window.workbench.gpu()`. */
export interface GpuInfo {
  available: boolean;
  adapter: {
    vendor: string;
    architecture: string;
    description: string;
    isFallbackAdapter: boolean;
  } | null;
  /** Why there is no adapter. */
  reason?: string;
}

/** A kernel moved between backends (device lost, no adapter); for a UI notice. */
export interface GpuNotice {
  kernelId: string;
  /** Simulated time, µs. */
  atUs: number;
  backend: 'webgpu' | 'cpu';
  message: string;
  /**
   * A move placement chose (`auto` measured the other backend faster, or the config asks for
   * it), not a fallback for want of WebGPU (a lost device, a runtime that could not be made): the
   * page shows it as information, not as a warning.
   */
  chosen?: true;
}

/** One message in a trace: its stamps per stage, where it went and what became of it. */
export interface TraceNode {
  messageId: number;
  typeId: U64;
  parentId: number | null;
  /** Message ids of its outputs (alerts, responses). */
  children: number[];
  source: string;
  destination: string;
  /** Kernel that consumed it, or null. */
  kernel: string | null;
  /** Latest status (a receipt status, or a dead-letter reason). */
  status: MessageStatus;
  hops: number;
  priority: number;
  /** Injection (or emission) to processing, µs; null until processed. */
  latencyUs: number | null;
  injectedAt: HlcRow;
  deliveredAt: HlcRow | null;
  processedAt: HlcRow | null;
  pinned: boolean;
  /** A redriven dead letter's new message: the message id of the letter it was sent again as. */
  redriveOf?: number;
  /** A dead letter that was redriven: the message id its redrive took. */
  redrivenAs?: number;
}

/** Reply of the `trace` command. */
export interface TraceResult {
  messageId: number;
  /** False when the message is not (or no longer) in the trace store. */
  found: boolean;
  /** False when a parent or child in the chain was evicted (or never traced). */
  complete: boolean;
  /** Ancestors, the message and its descendants, ordered by `injectedAt`. */
  nodes: TraceNode[];
  /** The highest message id the broker has given so far: a larger id was never sent. */
  lastMessageId?: number;
  /**
   * Not found, but a dead letter of this message id was redriven: the new message it became
   * (whose trace names it).
   */
  redrivenAs?: number;
}

/** One materialised receipt (sampled; counts are exact elsewhere). */
export interface ReceiptRow {
  /** Position in the engine's receipt sequence (every receipt, sampled or not, takes one). */
  seq: number;
  hlc: HlcRow;
  messageId: number;
  typeId: U64;
  source: string;
  destination: string;
  status: ReceiptStatus;
  hops: number;
  /** Injection to processing in microseconds; null when not (yet) processed. */
  latencyUs: number | null;
  priority: number;
  /** 0 = none. */
  correlationId: number;
  /** Message id of the message this one was derived from (alert from transaction, response from request). */
  parentId: number | null;
  payload: Uint8Array;
  /** When it entered the dispatcher (equals `hlc`). */
  injectedAt: HlcRow;
  /** When the broker queued it (or refused it) for this receipt. */
  deliveredAt: HlcRow | null;
  /** When a kernel consumed it; null for rows emitted before processing (see the `trace` command). */
  processedAt: HlcRow | null;
  /**
   * Delivered to its queue, then lost there before any kernel took it: its dead letter's reason
   * (`DroppedOldest`: evicted by a newer message; `Unregistered`: its kernel was removed). Absent
   * otherwise. A burst of 10,000 into a dropOldest queue of 4,096 showed only the 4,096 that
   * were processed: the 5,904 a user looks for had no row.
   */
  thenLost?: DeadLetterReason;
}

/** A page of the dead letters matching a filter, oldest first. */
export interface DeadLetterList {
  /** Letters matching, all of them. */
  total: number;
  /** Letters held, matching or not, when the list was made (the snapshot's `deadLetters.count`). */
  held?: number;
  rows: DeadLetterRow[];
  /** Letters matching, by their original destination (kernel id): all of them, not the page's. */
  byDestination: Record<string, number>;
  /**
   * The same letters by destination and then type id (decimal string): whether a redrive to a
   * kernel takes a letter depends on both (its type routed to that kernel, or its destination it).
   */
  byDestinationType: Record<string, Record<string, number>>;
}

export interface DeadLetterRow {
  id: number;
  messageId: number;
  typeId: U64;
  reason: DeadLetterReason;
  source: string;
  /** The kernel the message was meant for. */
  destination: string;
  tenantId: number;
  attempts: number;
  priority: number;
  correlationId: number;
  parentId: number | null;
  /** Simulated time the letter was (last) dead-lettered, µs. */
  atUs: number;
  payload: Uint8Array;
  /** Human-readable why (the handler's error message, the size mismatch, the broker's note). */
  detail?: string;
}
