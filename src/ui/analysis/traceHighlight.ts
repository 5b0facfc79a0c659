/**
 * Opening a trace: `openTrace` assembles a chain from the page's receipt log and the engine's
 * trace store and puts it in the store's trace slice; `useTraceHighlight` gives GraphCanvas its
 * edges. Components get `openTrace` bound to the page's engine through `useOpenTrace()`.
 */
import { useCallback } from 'react';
import type { EngineClient } from '../../engine/client';
import { useWorkbench, workbenchStore } from '../../state/store';
import type { TraceState } from '../../state/trace';
import type { ReceiptRow } from '../../engine/protocol';
import { buildTrace, mergeRows, rowsFromTraceReply } from '../../analysis/trace';
import { useEngine } from '../engineContext';

export type { TraceState } from '../../state/trace';

/** The dock tab id TracePanel should be registered under. */
export const TRACE_TAB = 'trace';

const NONE: ReadonlySet<string> = new Set();

/** Asks the engine for its chain; null when the engine has no `trace` command (older engines). */
async function engineRows(engine: EngineClient, messageId: number) {
  try {
    const reply = await engine.request({ type: 'trace', messageId });
    return reply.ok ? rowsFromTraceReply(reply) : null;
  } catch {
    return null;
  }
}

/**
 * Opens the trace of a receipt (or message id): switches the dock to the Trace tab, highlights the
 * path on the graph. Safe to call from anywhere (e.g. the receipt detail's "Trace" button).
 */
export async function openTrace(
  engine: EngineClient,
  target: ReceiptRow | number,
  switchTab = true,
): Promise<void> {
  const store = workbenchStore();
  const messageId = typeof target === 'number' ? target : target.messageId;
  // A newer request (or a clear) bumps the generation; this one's answer is then dropped.
  const mine = store.getState().traceGeneration + 1;
  store.setState({ traceGeneration: mine });
  const set = (next: Partial<TraceState>) => store.getState().setTrace(next);
  set({ messageId, loading: true, error: null });
  if (switchTab) store.getState().setBottomTab(TRACE_TAB);
  const fromEngine = await engineRows(engine, messageId);
  if (mine !== store.getState().traceGeneration) return;
  const pageRows = store.getState().receiptLog.rows();
  const rows = fromEngine
    ? mergeRows(pageRows, fromEngine.rows, typeof target === 'number' ? [] : [target])
    : mergeRows(pageRows, typeof target === 'number' ? [] : [target]);
  const config = store.getState().config;
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

/** `openTrace` bound to the page's engine. */
export function useOpenTrace(): (target: ReceiptRow | number, switchTab?: boolean) => void {
  const engine = useEngine();
  return useCallback(
    (target, switchTab = true) => void openTrace(engine, target, switchTab),
    [engine],
  );
}

/** The whole trace state (re-renders when it changes). */
export function useTraceState(): TraceState {
  return useWorkbench((s) => s.trace);
}

/** Edge ids to pass as `<GraphCanvas highlightedEdges={...} />` (a stable set between changes). */
export function useTraceHighlight(): ReadonlySet<string> {
  return useWorkbench((s) => s.trace.edges);
}
