/**
 * The trace slice: the open trace and the graph elements it lights up. `openTrace` in
 * `ui/analysis/traceHighlight.ts` fills it; the graph and the Trace panel read it.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Trace } from '../analysis/trace';

/**
 * Redrives in a chain: a redriven dead letter and the new message (a fresh id) it became. Kept
 * beside the trace rather than in it (the chain's rows know parents, not redrives).
 */
export interface Redrives {
  /** New message id -> the letter it is the redrive of. */
  of: ReadonlyMap<number, number>;
  /** Letter's message id -> the message its redrive became. */
  as: ReadonlyMap<number, number>;
}

export const NO_REDRIVES: Redrives = { of: new Map(), as: new Map() };

export interface TraceState {
  messageId: number | null;
  trace: Trace | null;
  error: string | null;
  /** Whether the engine answered the `trace` command (false: page rows only). */
  fromEngine: boolean;
  loading: boolean;
  edges: ReadonlySet<string>;
  nodes: ReadonlySet<string>;
  /** The redrives the engine reported for the open trace. */
  redrives: Redrives;
}

export interface TraceSlice {
  trace: TraceState;
  /** Bumped by every `clearTrace`, so an answer to an older request is dropped. */
  traceGeneration: number;
  setTrace(next: Partial<TraceState>): void;
  clearTrace(): void;
  /**
   * Message ids pinned in the engine's trace store, as its pin and unpin replies said: a receipt's
   * Pin button reads it (it started as "Pin" again each time the detail opened).
   */
  pinned: ReadonlySet<number>;
  setPinned(messageId: number, pinned: boolean): void;
  /** A fresh engine holds no pins. */
  clearPins(): void;
}

const NONE: ReadonlySet<string> = new Set();

export const NO_TRACE: TraceState = {
  messageId: null,
  trace: null,
  error: null,
  fromEngine: false,
  loading: false,
  edges: NONE,
  nodes: NONE,
  redrives: NO_REDRIVES,
};

export const createTraceSlice: StateCreator<TraceSlice, [], [], TraceSlice> = (set, get) => ({
  trace: NO_TRACE,
  traceGeneration: 0,
  setTrace(next) {
    set({ trace: { ...get().trace, ...next } });
  },
  clearTrace() {
    set({ trace: NO_TRACE, traceGeneration: get().traceGeneration + 1 });
  },
  pinned: new Set(),
  setPinned(messageId, pinned) {
    if (get().pinned.has(messageId) === pinned) return;
    const next = new Set(get().pinned);
    if (pinned) next.add(messageId);
    else next.delete(messageId);
    set({ pinned: next });
  },
  clearPins() {
    set({ pinned: new Set() });
  },
});
