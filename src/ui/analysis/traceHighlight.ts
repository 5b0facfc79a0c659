/**
 * Opening a trace: `openTrace` assembles a chain from the page's receipt log and the engine's
 * trace store and puts it in the store's trace slice; `useTraceHighlight` gives GraphCanvas its
 * edges. Components get `openTrace` bound to the page's engine through `useOpenTrace()`.
 */
import { useCallback } from 'react';
import type { EngineClient } from '../../engine/client';
import { useWorkbench, workbenchStore } from '../../state/store';
import { NO_REDRIVES, type Redrives, type TraceState } from '../../state/trace';
import { RECEIPT_STATUSES, type MessageStatus, type ReceiptRow } from '../../engine/protocol';
import { kernelNodeId, typeNodeId } from '../../state/edits';
import type { RouteConfig } from '../../core/config';
import { HOST_KERNEL } from '../../core';
import {
  buildTrace,
  mergeRows,
  pathOf,
  rowsFromTraceReply,
  type Trace,
  type TraceHop,
  type TraceRow,
} from '../../analysis/trace';
import { useEngine } from '../engineContext';
import { emissionsOf } from '../graph/emissions';
import { emitEdgeId } from '../graph/flow';

export type { TraceState } from '../../state/trace';

/** The dock tab id TracePanel should be registered under. */
export const TRACE_TAB = 'trace';

const NONE: ReadonlySet<string> = new Set();

/** Reads the redrive links off the engine's trace nodes (engines without them give none). */
function redrivesFrom(reply: unknown): Redrives {
  const nodes = (reply as { trace?: { nodes?: unknown } }).trace?.nodes;
  if (!Array.isArray(nodes)) return NO_REDRIVES;
  const of = new Map<number, number>();
  const as = new Map<number, number>();
  for (const n of nodes as { messageId?: unknown; redriveOf?: unknown; redrivenAs?: unknown }[]) {
    if (typeof n.messageId !== 'number') continue;
    if (typeof n.redriveOf === 'number') of.set(n.messageId, n.redriveOf);
    if (typeof n.redrivenAs === 'number') as.set(n.messageId, n.redrivenAs);
  }
  for (const [copy, letter] of of) as.set(letter, copy);
  return of.size + as.size === 0 ? NO_REDRIVES : { of, as };
}

/** Asks the engine for its chain; null when the engine has no `trace` command (older engines). */
async function engineRows(engine: EngineClient, messageId: number) {
  try {
    const reply = await engine.request({ type: 'trace', messageId });
    if (!reply.ok) return null;
    const as = reply.command === 'trace' ? reply.trace.redrivenAs : undefined;
    return {
      ...rowsFromTraceReply(reply),
      redrives: redrivesFrom(reply),
      ...(as !== undefined ? { redrivenAs: as } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * Statuses of a send the broker refused: every receipt status but Delivered and Pending, and a
 * `reject` queue's Rejected. The message never reached the kernel's queue, so the path stops
 * before the route into it.
 */
const REFUSED: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  ...RECEIPT_STATUSES.filter((st) => st !== 'Delivered' && st !== 'Pending'),
  'Rejected',
]);

export const isRefused = (status: MessageStatus): boolean => REFUSED.has(status);

/** Statuses of a message its queue took and then lost, with what befell it there. */
const LOST_IN_QUEUE: ReadonlyMap<MessageStatus, string> = new Map<MessageStatus, string>([
  ['DroppedOldest', 'evicted'],
  ['Unregistered', 'lost with its kernel'],
  ['KernelError', 'failed in its kernel'],
  ['InvalidPayload', 'refused by its kernel'],
]);

/** A response delivered back to the host: the host takes it, no kernel processes it. */
export const toHost = (hop: Pick<TraceHop, 'destination'>): boolean =>
  hop.destination === HOST_KERNEL;

/**
 * What the trace lights on the graph: the routes its messages went through (not into a queue
 * that refused them), the K2K hops, and the emits/responds edge of each message a kernel sent.
 */
export function traceGraph(
  trace: Trace,
  config: RouteConfig,
): { edgeIds: string[]; nodeIds: string[] } {
  const through = trace.hops.filter((h) => !isRefused(h.status));
  const { edgeIds, nodeIds } = pathOf(through, config);
  const edges = new Set(edgeIds);
  const nodes = new Set(nodeIds);
  const emits = new Set(emissionsOf(config).map((e) => emitEdgeId(e.kernelId, e.typeId)));
  const types = new Set(config.messageTypes.map((t) => String(t.typeId)));
  for (const h of trace.hops) {
    // A refused message still reached its type: light it, not the route past it.
    if (types.has(h.typeId)) nodes.add(typeNodeId(h.typeId));
    const emit = emitEdgeId(h.source, h.typeId);
    if (h.parentId !== null && emits.has(emit)) {
      edges.add(emit);
      nodes.add(kernelNodeId(h.source));
    }
  }
  return { edgeIds: [...edges].sort(), nodeIds: [...nodes].sort() };
}

/**
 * The path in the names a user sees, one step per message and outcome:
 * `Transaction (1001) → fraud_processor`, `fraud_processor emits FraudAlert (1010) → alert_sink`,
 * `Transaction (1001) → fraud_processor refused (QueueFull)`,
 * `AccountUpdate (1002) → aggregator evicted (DroppedOldest)`.
 */
export function describePath(trace: Trace, config: RouteConfig): string[] {
  const kernels = new Set(config.kernels.map((k) => k.id));
  const out = new Set<string>();
  // Messages that set off another in the chain; a processed one that set off none (in a complete
  // chain) says so: "Path: Transaction (1001) → fraud_processor" alone did not say it ended there.
  const parents = new Set(trace.hops.map((h) => h.parentId));
  const ended = (h: TraceHop) =>
    !trace.incomplete &&
    kernels.has(h.destination) &&
    h.stages.processedAt != null &&
    !parents.has(h.messageId);
  for (const h of trace.hops) {
    const type = h.typeName ? `${h.typeName} (${h.typeId})` : `type ${h.typeId}`;
    const from = kernels.has(h.source)
      ? `${h.source} ${toHost(h) ? 'answers' : 'emits'} ${type}`
      : type;
    if (h.status === 'NoRoute') out.add(`${from}: no route`);
    else if (isRefused(h.status)) out.add(`${from} → ${h.destination} refused (${h.status})`);
    else if (h.status === 'Pending') out.add(`${from} → ${h.destination} (forwarded by K2K)`);
    // Queued, then lost before its kernel took it: the path had read as if it were delivered.
    else if (LOST_IN_QUEUE.has(h.status))
      out.add(`${from} → ${h.destination} ${LOST_IN_QUEUE.get(h.status)!} (${h.status})`);
    else out.add(`${from} → ${h.destination}${ended(h) ? ' (processed, nothing emitted)' : ''}`);
  }
  return [...out];
}

/** Rows of redriven messages name the letter they came from as their parent. */
function linkRedrives(rows: TraceRow[], redrives: Redrives): TraceRow[] {
  if (redrives.of.size === 0) return rows;
  return rows.map((r) => {
    const letter = redrives.of.get(r.messageId);
    return letter === undefined ? r : { ...r, parentId: letter };
  });
}

/** The chain of `target` from the page's receipt log and the engine's trace store. */
async function assemble(engine: EngineClient, target: ReceiptRow | number) {
  const store = workbenchStore();
  const messageId = typeof target === 'number' ? target : target.messageId;
  const fromEngine = await engineRows(engine, messageId);
  const pageRows = store.getState().receiptLog.rows();
  const merged = fromEngine
    ? mergeRows(pageRows, fromEngine.rows, typeof target === 'number' ? [] : [target])
    : mergeRows(pageRows, typeof target === 'number' ? [] : [target]);
  // A redriven message's receipts name its first parent (or none): the chain goes through the
  // letter it was redriven from.
  const redrives = fromEngine?.redrives ?? NO_REDRIVES;
  const rows = linkRedrives(merged, redrives);
  const result = buildTrace(rows, messageId, {
    config: store.getState().config,
    ...(fromEngine?.incomplete ? { engineIncomplete: true } : {}),
    ...(fromEngine?.lastMessageId !== undefined ? { lastMessageId: fromEngine.lastMessageId } : {}),
  });
  return { fromEngine, redrives, result };
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
  const first = await assemble(engine, target);
  if (mine !== store.getState().traceGeneration) return;
  // A dead letter redriven, its own message never traced (generated traffic is sampled): the
  // new message it became names it, so its chain is shown (it had said only that no receipt of
  // it was available; QA).
  const as = !first.result.ok ? first.fromEngine?.redrivenAs : undefined;
  const second = as !== undefined ? await assemble(engine, as) : null;
  if (mine !== store.getState().traceGeneration) return;
  const { fromEngine, redrives, result } = second?.result.ok ? second : first;
  if (second?.result.ok) set({ messageId: as! });
  const config = store.getState().config;
  if (result.ok) {
    const graph = traceGraph(result.trace, config);
    set({
      trace: { ...result.trace, ...graph },
      redrives,
      error: null,
      fromEngine: fromEngine !== null,
      loading: false,
      edges: new Set(graph.edgeIds),
      nodes: new Set(graph.nodeIds),
    });
  } else
    set({
      trace: null,
      error:
        as === undefined
          ? result.message
          : `${result.message} It was redriven from the dead letters as message ${as}, whose chain is not available either.`,
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
