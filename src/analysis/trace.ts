/**
 * Follow one message: its causal chain (ancestors through `parentId`, descendants that name it as
 * parent) assembled from receipt rows, ordered by HLC, with the graph edges and nodes it crossed.
 *
 * Rows come from the page's receipt log and, when the engine has a trace store, from its `trace`
 * reply; both are merged. Stage stamps (`injectedAt`, `deliveredAt`, `processedAt`) are used when a
 * row carries them and ignored when it does not, so this works with engines with and without them.
 */
import { compareHlc, HOST_KERNEL, type HlcTimestamp } from '../core';
import type { RouteConfig } from '../core/config';
import type { ReceiptRow, ReceiptStatus } from '../engine/protocol';
import { formatCount } from '../engine/format';
import { DEFAULT_TRACE_CAPACITY } from '../engine/trace';

/** The per-stage HLC stamps a row may carry (newer engines). */
export interface StageStamps {
  injectedAt?: HlcTimestamp | null;
  deliveredAt?: HlcTimestamp | null;
  processedAt?: HlcTimestamp | null;
}

/** A receipt row as far as tracing needs it; extra stamps are optional. */
export type TraceRow = Pick<
  ReceiptRow,
  | 'seq'
  | 'hlc'
  | 'messageId'
  | 'typeId'
  | 'source'
  | 'destination'
  | 'status'
  | 'hops'
  | 'latencyUs'
  | 'parentId'
> &
  Pick<Partial<ReceiptRow>, 'thenLost'> &
  StageStamps;

/** One hop of the timeline: one delivery attempt of one message. */
export interface TraceHop {
  seq: number;
  hlc: HlcTimestamp;
  messageId: number;
  parentId: number | null;
  typeId: string;
  typeName: string | null;
  source: string;
  destination: string;
  status: ReceiptStatus;
  hops: number;
  latencyUs: number | null;
  /** Generation in the chain: 0 for the root, 1 for its children, ... */
  depth: number;
  stages: StageStamps;
}

/**
 * How long before its injection stamp a hop's message arrived, µs: its latency counts from its
 * arrival (a generator's message from the time its schedule gave it), its stamps from when the
 * engine took it in, later where the engine was behind its traffic. QA read a hop's 18.75 ms
 * latency beside stamps 0.44 ms apart. 0 where the two agree (or nothing was processed).
 */
export function waitedBeforeEntryUs(hop: TraceHop): number {
  const s = hop.stages;
  const entered = s.injectedAt ?? s.deliveredAt;
  if (hop.latencyUs === null || !entered || !s.processedAt) return 0;
  return Math.max(0, hop.latencyUs - (s.processedAt.physical - entered.physical));
}

/** The earliest a hop's message arrived (its entry stamp less its wait), `from` at the latest. */
function earliestArrival(hops: readonly TraceHop[], from: number): number {
  let at = from;
  for (const h of hops) {
    const entered = h.stages.injectedAt ?? h.stages.deliveredAt;
    const waited = waitedBeforeEntryUs(h);
    if (entered && waited > 0) at = Math.min(at, entered.physical - waited);
  }
  return at;
}

/** Why a chain is known to be incomplete. */
export type GapKind =
  /** A message names a parent of which no row is available (sampled out, evicted or older). */
  | 'missingParent'
  /** A message was forwarded (Pending) and its onward delivery is not recorded. */
  | 'missingDelivery'
  /** The engine reported that its trace store dropped part of the chain. */
  | 'engineIncomplete';

export interface TraceGap {
  kind: GapKind;
  messageId: number;
  message: string;
}

export interface Trace {
  /** The message the trace was asked for. */
  messageId: number;
  /** The oldest ancestor found. */
  rootId: number;
  hops: TraceHop[];
  /** Distinct message ids in the chain. */
  messageIds: number[];
  /** Graph edge ids on the path: `route:<typeId>` and `k2k:<dest>`. */
  edgeIds: string[];
  /** Graph node ids on the path: `type:<typeId>` and `kernel:<id>`. */
  nodeIds: string[];
  incomplete: boolean;
  gaps: TraceGap[];
  /**
   * End-to-end span, µs: from the first to the last HLC stamp, and at least the longest latency of
   * one of its messages (stamps within one engine tick share their physical time).
   */
  spanUs: number;
}

export type TraceResult =
  { ok: true; trace: Trace } | { ok: false; code: 'NotFound'; message: string };

export interface TraceOptions {
  /** Used for type names and to map the path onto graph edges. */
  config?: RouteConfig;
  /** The engine said its chain is incomplete (sampled or evicted). */
  engineIncomplete?: boolean;
  /** Safety bound on the chain size. Default 10,000 hops. */
  maxHops?: number;
  /** The highest message id sent so far (the engine's), to tell "never sent" from "not kept". */
  lastMessageId?: number;
}

const rowKey = (r: TraceRow): string =>
  `${r.seq}|${r.messageId}|${r.status}|${r.destination}|${r.hlc.physical}.${r.hlc.logical}`;

/**
 * Merges row sets, dropping exact duplicates (the same receipt seen twice). Rows without a
 * receipt sequence (`seq < 0`: one node per message from the engine's trace store) only fill in
 * messages no receipt row covers, since receipts carry each delivery attempt separately.
 */
export function mergeRows(...sets: readonly (readonly TraceRow[])[]): TraceRow[] {
  const seen = new Map<string, TraceRow>();
  const covered = new Set<number>();
  for (const set of sets)
    for (const row of set)
      if (row.seq >= 0) {
        // A receipt whose message its queue took and then lost reads as what became of it: the
        // trace of an evicted message had read "Delivered" with nothing after it, its engine
        // node (DroppedOldest) dropped for the receipt that covered the message.
        const r = row.thenLost ? { ...row, status: row.thenLost as ReceiptStatus } : row;
        covered.add(r.messageId);
        if (!seen.has(rowKey(r))) seen.set(rowKey(r), r);
      }
  for (const set of sets)
    for (const r of set)
      if (r.seq < 0 && !covered.has(r.messageId)) {
        covered.add(r.messageId);
        seen.set(rowKey(r), r);
      }
  return [...seen.values()];
}

function isHlc(x: unknown): x is HlcTimestamp {
  if (typeof x !== 'object' || x === null) return false;
  const h = x as Record<string, unknown>;
  return typeof h['physical'] === 'number' && typeof h['logical'] === 'number';
}

function asHlc(x: unknown): HlcTimestamp | undefined {
  if (!isHlc(x)) return undefined;
  const nodeId = (x as { nodeId?: unknown }).nodeId;
  return {
    physical: x.physical,
    logical: x.logical,
    nodeId: typeof nodeId === 'number' ? nodeId : 0,
  };
}

/** Accepts a row of any engine version; returns null for anything that is not receipt-shaped. */
export function toTraceRow(x: unknown): TraceRow | null {
  if (typeof x !== 'object' || x === null) return null;
  const r = x as Record<string, unknown>;
  // A trace node has no receipt stamp of its own: its injection orders it.
  const hlc = asHlc(r['hlc']) ?? asHlc(r['injectedAt']);
  const typeId = r['typeId'];
  if (
    !hlc ||
    typeof r['messageId'] !== 'number' ||
    (typeof typeId !== 'number' && typeof typeId !== 'bigint' && typeof typeId !== 'string') ||
    typeof r['status'] !== 'string'
  ) {
    return null;
  }
  const parent = r['parentId'];
  const row: TraceRow = {
    seq: typeof r['seq'] === 'number' ? r['seq'] : -1,
    hlc,
    messageId: r['messageId'],
    typeId: typeof typeId === 'string' ? (/^\d+$/.test(typeId) ? normTypeId(typeId) : 0) : typeId,
    source: typeof r['source'] === 'string' ? r['source'] : '?',
    destination: typeof r['destination'] === 'string' ? r['destination'] : '',
    status: r['status'] as ReceiptStatus,
    hops: typeof r['hops'] === 'number' ? r['hops'] : 0,
    latencyUs: typeof r['latencyUs'] === 'number' ? r['latencyUs'] : null,
    parentId: typeof parent === 'number' && parent >= 0 ? parent : null,
  };
  for (const k of ['injectedAt', 'deliveredAt', 'processedAt'] as const) {
    const h = asHlc(r[k]);
    if (h) row[k] = h;
  }
  return row;
}

function normTypeId(s: string): number | bigint {
  const b = BigInt(s);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/**
 * Reads the rows out of an engine `trace` reply of any shape we know of: an array of rows, or an
 * object with `rows`, `hops` or `chain`; also its `incomplete` flag. Unknown shapes give no rows.
 */
export function rowsFromTraceReply(reply: unknown): {
  rows: TraceRow[];
  incomplete: boolean;
  lastMessageId?: number;
} {
  if (typeof reply !== 'object' || reply === null) return { rows: [], incomplete: false };
  const r = reply as Record<string, unknown>;
  const body = r['trace'] ?? r['chain'] ?? r['rows'];
  let list: unknown[] = [];
  let incomplete = r['incomplete'] === true;
  let lastMessageId: number | undefined;
  if (Array.isArray(body)) list = body;
  else if (typeof body === 'object' && body !== null) {
    // The engine's TraceResult: { found, complete, nodes: TraceNode[] } (one node per message).
    const b = body as Record<string, unknown>;
    const last = b['lastMessageId'];
    if (typeof last === 'number' && Number.isSafeInteger(last)) lastMessageId = last;
    const inner = b['nodes'] ?? b['rows'] ?? b['hops'] ?? b['chain'] ?? b['receipts'];
    if (Array.isArray(inner) && b['found'] !== false) list = inner;
    if (b['incomplete'] === true || b['complete'] === false) incomplete = true;
  }
  const rows: TraceRow[] = [];
  for (const x of list) {
    const row = toTraceRow(x);
    if (row) rows.push(row);
  }
  return lastMessageId === undefined ? { rows, incomplete } : { rows, incomplete, lastMessageId };
}

/** The earliest stamp a row carries (its injection when known). */
function firstStamp(r: TraceRow): HlcTimestamp {
  return r.injectedAt && compareHlc(r.injectedAt, r.hlc) < 0 ? r.injectedAt : r.hlc;
}

function lastStamp(r: TraceRow): HlcTimestamp {
  let h: HlcTimestamp = r.hlc;
  for (const s of [r.deliveredAt, r.processedAt]) if (s && compareHlc(s, h) > 0) h = s;
  return h;
}

/**
 * Assembles the causal chain of `messageId` from `rows`: walks parents up to the oldest available
 * ancestor, then collects every descendant of that root.
 *
 * @example
 * const r = buildTrace(receiptLog.rows(), alertRow.messageId, { config });
 * if (r.ok) r.trace.edgeIds; // ['route:1001', 'route:1010']
 */
export function buildTrace(
  rows: readonly TraceRow[],
  messageId: number,
  options: TraceOptions = {},
): TraceResult {
  const byId = new Map<number, TraceRow[]>();
  const children = new Map<number, Set<number>>();
  for (const r of rows) {
    let list = byId.get(r.messageId);
    if (!list) byId.set(r.messageId, (list = []));
    list.push(r);
    if (r.parentId !== null) {
      let set = children.get(r.parentId);
      if (!set) children.set(r.parentId, (set = new Set()));
      set.add(r.messageId);
    }
  }
  if (!byId.has(messageId)) {
    const last = options.lastMessageId;
    if (last !== undefined && messageId > last) {
      return {
        ok: false,
        code: 'NotFound',
        message:
          last === 0
            ? `No message has id ${messageId}: none has been sent yet.`
            : // When it was looked up: "so far" stayed on screen while the traffic went on, and
              // read 10592 beside a live list already at 11298.
              `No message has id ${messageId}: the newest id was ${last} when it was looked up.`,
      };
    }
    return {
      ok: false,
      code: 'NotFound',
      message: `No receipt of message ${messageId} is available: it may have been sampled out or scrolled out of the receipt log. A message injected by hand (Inject's Send one, a type's ▶ on the graph) is traced in full, until the trace store's newest ${formatCount(DEFAULT_TRACE_CAPACITY)} traced messages move past it (seconds, under heavy traffic); one seen in Receipts can be pinned there to keep its chain.`,
    };
  }
  const gaps: TraceGap[] = [];
  // Up: the parent chain, guarding against cycles in corrupt input.
  let rootId = messageId;
  const upSeen = new Set<number>([messageId]);
  for (;;) {
    const parent = byId.get(rootId)?.find((r) => r.parentId !== null)?.parentId ?? null;
    if (parent === null || upSeen.has(parent)) break;
    if (!byId.has(parent)) {
      gaps.push({
        kind: 'missingParent',
        messageId: rootId,
        message: `Message ${rootId} was derived from message ${parent}, whose receipts are not available.`,
      });
      break;
    }
    upSeen.add(parent);
    rootId = parent;
  }
  // Down: breadth first from the root, so depth is the generation.
  const maxHops = options.maxHops ?? 10_000;
  const depthOf = new Map<number, number>([[rootId, 0]]);
  const order: number[] = [rootId];
  for (let i = 0; i < order.length && order.length < maxHops; i++) {
    const id = order[i]!;
    for (const child of children.get(id) ?? []) {
      if (depthOf.has(child)) continue;
      depthOf.set(child, (depthOf.get(id) ?? 0) + 1);
      order.push(child);
    }
  }
  const typeNames = new Map<string, string>();
  for (const t of options.config?.messageTypes ?? []) typeNames.set(String(t.typeId), t.name);
  const hops: TraceHop[] = [];
  for (const id of order) {
    const list = byId.get(id) ?? [];
    for (const r of list) {
      const stages: StageStamps = {};
      if (r.injectedAt) stages.injectedAt = r.injectedAt;
      if (r.deliveredAt) stages.deliveredAt = r.deliveredAt;
      if (r.processedAt) stages.processedAt = r.processedAt;
      hops.push({
        seq: r.seq,
        hlc: r.hlc,
        messageId: r.messageId,
        parentId: r.parentId,
        typeId: String(r.typeId),
        typeName: typeNames.get(String(r.typeId)) ?? null,
        source: r.source,
        destination: r.destination,
        status: r.status,
        hops: r.hops,
        latencyUs: r.latencyUs,
        depth: depthOf.get(id) ?? 0,
        stages,
      });
    }
    const forwarded = list.some((r) => r.status === 'Pending');
    const settled = list.some((r) => r.status !== 'Pending');
    if (forwarded && !settled) {
      gaps.push({
        kind: 'missingDelivery',
        messageId: id,
        message: `Message ${id} was forwarded (Pending) but its onward delivery is not recorded yet.`,
      });
    }
  }
  hops.sort((a, b) => compareHlc(a.hlc, b.hlc) || a.seq - b.seq);
  // A message injected and refused (QueueFull, NoRoute, …) has no parent and can have no
  // children: its receipt is its whole chain, whatever the engine kept of it. Called incomplete,
  // a generator's refused message read "The engine sampled or evicted part of this chain" under
  // a path that said "refused (QueueFull)".
  const mine = byId.get(messageId) ?? [];
  const refusedAlone =
    order.length === 1 &&
    mine.length > 0 &&
    mine.every((r) => r.parentId === null && r.status !== 'Delivered' && r.status !== 'Pending');
  if (options.engineIncomplete && !refusedAlone) {
    gaps.push({
      kind: 'engineIncomplete',
      messageId,
      message: 'The engine sampled or evicted part of this chain.',
    });
  }
  const { edgeIds, nodeIds } = pathOf(hops, options.config);
  let first: HlcTimestamp | null = null;
  let last: HlcTimestamp | null = null;
  for (const id of order) {
    for (const r of byId.get(id) ?? []) {
      const f = firstStamp(r);
      const l = lastStamp(r);
      if (!first || compareHlc(f, first) < 0) first = f;
      if (!last || compareHlc(l, last) > 0) last = l;
    }
  }
  return {
    ok: true,
    trace: {
      messageId,
      rootId,
      hops,
      messageIds: order,
      edgeIds,
      nodeIds,
      incomplete: gaps.length > 0,
      gaps,
      // HLC stamps taken in one engine tick share their physical time, so a chain handled within
      // a tick spanned "0 µs" beside a hop of 231 µs latency: the span is at least the longest
      // latency of a message in it. And it starts at the earliest arrival: a root that waited
      // 13.74 ms before the engine took it in had read "span 14.76 ms" (its latency) for a chain
      // that ended 14.84 ms after it arrived (QA).
      spanUs: Math.max(
        first && last ? last.physical - first.physical : 0,
        last ? last.physical - earliestArrival(hops, first?.physical ?? last.physical) : 0,
        ...hops.map((h) => h.latencyUs ?? 0),
      ),
    },
  };
}

/**
 * The graph elements a set of hops crossed: the dispatch edge `route:<typeId>` of each routed
 * message (host-injected or kernel-emitted), `k2k:<dest>` for each forward through a K2K route,
 * and the type and kernel nodes at their ends.
 */
export function pathOf(
  hops: readonly Pick<TraceHop, 'typeId' | 'source' | 'destination' | 'status'>[],
  config?: RouteConfig,
): { edgeIds: string[]; nodeIds: string[] } {
  const edges = new Set<string>();
  const nodes = new Set<string>();
  const routeOf = new Map<string, string>();
  const kernels = new Set<string>();
  const k2k = new Map<string, string>();
  for (const r of config?.routes ?? []) routeOf.set(String(r.typeId), r.kernelId);
  for (const k of config?.kernels ?? []) kernels.add(k.id);
  for (const r of config?.k2kRoutes ?? []) k2k.set(r.dest, r.nextHop);
  const isKernel = (id: string): boolean =>
    config ? kernels.has(id) : id !== HOST_KERNEL && id !== '';
  for (const h of hops) {
    const routed = routeOf.get(h.typeId);
    // A dispatch follows the type's route; responses addressed back to a requester do not.
    if (h.status !== 'NoRoute' && (!config || routed === h.destination)) {
      edges.add(`route:${h.typeId}`);
      nodes.add(`type:${h.typeId}`);
    }
    if (isKernel(h.source)) nodes.add(`kernel:${h.source}`);
    let dest = h.destination;
    if (dest && isKernel(dest)) nodes.add(`kernel:${dest}`);
    // A forward follows the K2K table from a destination that is not (or not yet) a kernel.
    const forwarded = h.status === 'Pending' || !isKernel(dest);
    for (let guard = 0; forwarded && dest && k2k.has(dest) && guard < 64; guard++) {
      edges.add(`k2k:${dest}`);
      const next = k2k.get(dest) ?? '';
      if (isKernel(next)) {
        nodes.add(`kernel:${next}`);
        break;
      }
      dest = next;
    }
  }
  return { edgeIds: [...edges].sort(), nodeIds: [...nodes].sort() };
}
