/**
 * The open trace and the graph elements it highlights, outside React state (a tiny external
 * store). `openTrace` assembles a chain from the page's receipt log and, when the engine has a
 * `trace` command, from the engine's trace store; `useTraceHighlight` gives GraphCanvas its edges.
 */
import { useSyncExternalStore } from 'react';
import { engineClient } from '../../app/engineRef';
import { receiptLog } from '../../app/live';
import { workbenchStore } from '../../state/store';
import type { EngineCommand, ReceiptRow } from '../../engine/protocol';
import { buildTrace, mergeRows, rowsFromTraceReply, type Trace } from '../../analysis/trace';

/** The dock tab id TracePanel should be registered under. */
export const TRACE_TAB = 'trace';

export interface TraceState {
  messageId: number | null;
  trace: Trace | null;
  error: string | null;
  /** Whether the engine answered the `trace` command (false: page rows only). */
  fromEngine: boolean;
  loading: boolean;
  edges: ReadonlySet<string>;
  nodes: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();
let state: TraceState = {
  messageId: null,
  trace: null,
  error: null,
  fromEngine: false,
  loading: false,
  edges: NONE,
  nodes: NONE,
};
const listeners = new Set<() => void>();
let generation = 0;

function set(next: Partial<TraceState>): void {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export const traceHighlight = {
  get: (): TraceState => state,
  subscribe(fn: () => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  clear(): void {
    generation++;
    set({ messageId: null, trace: null, error: null, loading: false, edges: NONE, nodes: NONE });
  },
};

/** Asks the engine for its chain; null when the engine has no `trace` command (older engines). */
async function engineRows(messageId: number) {
  try {
    // Feature detection: engines before the trace store answer InvalidCommand.
    const cmd = { type: 'trace', messageId } as unknown as EngineCommand;
    const reply = await engineClient().request(cmd);
    return reply.ok ? rowsFromTraceReply(reply) : null;
  } catch {
    return null;
  }
}

/**
 * Opens the trace of a receipt (or message id): switches the dock to the Trace tab, highlights the
 * path on the graph. Safe to call from anywhere (e.g. the receipt detail's "Trace" button).
 */
export async function openTrace(target: ReceiptRow | number, switchTab = true): Promise<void> {
  const messageId = typeof target === 'number' ? target : target.messageId;
  const mine = ++generation;
  set({ messageId, loading: true, error: null });
  if (switchTab) workbenchStore().getState().setBottomTab(TRACE_TAB);
  const fromEngine = await engineRows(messageId);
  if (mine !== generation) return;
  const pageRows = receiptLog.rows();
  const rows = fromEngine
    ? mergeRows(pageRows, fromEngine.rows, typeof target === 'number' ? [] : [target])
    : mergeRows(pageRows, typeof target === 'number' ? [] : [target]);
  const config = workbenchStore().getState().config;
  const result = buildTrace(rows, messageId, {
    config,
    ...(fromEngine?.incomplete ? { engineIncomplete: true } : {}),
  });
  if (result.ok)
    set({
      trace: result.trace,
      error: null,
      fromEngine: fromEngine !== null,
      loading: false,
      edges: new Set(result.trace.edgeIds),
      nodes: new Set(result.trace.nodeIds),
    });
  else
    set({
      trace: null,
      error: result.message,
      fromEngine: fromEngine !== null,
      loading: false,
      edges: NONE,
      nodes: NONE,
    });
}

/** The whole trace state (re-renders when it changes). */
export function useTraceState(): TraceState {
  return useSyncExternalStore(traceHighlight.subscribe, traceHighlight.get, traceHighlight.get);
}

/** Edge ids to pass as `<GraphCanvas highlightedEdges={...} />` (a stable set between changes). */
export function useTraceHighlight(): ReadonlySet<string> {
  return useSyncExternalStore(
    traceHighlight.subscribe,
    () => state.edges,
    () => NONE,
  );
}
