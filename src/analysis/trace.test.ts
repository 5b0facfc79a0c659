import { describe, expect, it } from 'vitest';
import { demoConfig, type RouteConfig } from '../core/config';
import type { ReceiptRow } from '../engine/protocol';
import { runSimulation } from './sim';
import { buildTrace, mergeRows, rowsFromTraceReply, toTraceRow, type TraceRow } from './trace';

function rowsOf(config: RouteConfig, amount: number): ReceiptRow[] {
  const rows: ReceiptRow[] = [];
  runSimulation({
    config,
    durationUs: 5000,
    commands: [
      { atUs: 0, cmd: { type: 'inject', typeId: 1002, count: 3 } },
      { atUs: 1000, cmd: { type: 'inject', typeId: 1001, payload: { amount } } },
    ],
    onRows: (r) => rows.push(...r),
  });
  return rows;
}

const hlc = (physical: number, logical = 0) => ({ physical, logical, nodeId: 1 });

function row(p: Partial<TraceRow> & { messageId: number; seq: number }): TraceRow {
  return {
    hlc: hlc(p.seq * 10),
    typeId: 1001,
    source: 'host',
    destination: 'fraud_processor',
    status: 'Delivered',
    hops: 0,
    latencyUs: 5,
    parentId: null,
    ...p,
  };
}

describe('buildTrace on engine receipts', () => {
  it('links a FraudAlert to its Transaction and highlights both dispatch edges', () => {
    const config = demoConfig();
    const rows = rowsOf(config, 15_000);
    const tx = rows.find((r) => r.typeId === 1001)!;
    const alert = rows.find((r) => r.typeId === 1010)!;
    expect(alert.parentId).toBe(tx.messageId);
    // Asking from either end gives the same chain.
    for (const id of [tx.messageId, alert.messageId]) {
      const r = buildTrace(rows, id, { config });
      if (!r.ok) throw new Error(r.message);
      expect(r.trace.rootId).toBe(tx.messageId);
      expect(r.trace.messageIds).toEqual([tx.messageId, alert.messageId]);
      expect(r.trace.hops.map((h) => [h.typeName, h.destination, h.status, h.depth])).toEqual([
        ['Transaction', 'fraud_processor', 'Delivered', 0],
        ['FraudAlert', 'alert_sink', 'Delivered', 1],
      ]);
      expect(r.trace.edgeIds).toEqual(['route:1001', 'route:1010']);
      expect(r.trace.nodeIds).toEqual([
        'kernel:alert_sink',
        'kernel:fraud_processor',
        'type:1001',
        'type:1010',
      ]);
      expect(r.trace.incomplete).toBe(false);
    }
    // Unrelated AccountUpdates are not part of it.
    const small = buildTrace(rows, rows.find((r) => r.typeId === 1002)!.messageId, { config });
    expect(small.ok && small.trace.messageIds.length).toBe(1);
  });

  it('follows an alert through several K2K hops and orders the timeline by HLC', () => {
    const config = demoConfig();
    config.routes = config.routes.map((r) =>
      r.typeId === 1010 ? { typeId: 1010, kernelId: 'remote_desk' } : r,
    );
    config.k2kRoutes = [{ dest: 'remote_desk', nextHop: 'alert_sink' }];
    config.broker.maxHops = 3;
    const rows = rowsOf(config, 15_000);
    const alert = rows.find((r) => r.typeId === 1010)!;
    const r = buildTrace(rows, alert.messageId, { config });
    if (!r.ok) throw new Error(r.message);
    const alertHops = r.trace.hops.filter((h) => h.messageId === alert.messageId);
    expect(alertHops.map((h) => h.status)).toEqual([
      'Pending',
      'Pending',
      'Pending',
      'MaxHopsExceeded',
    ]);
    expect(alertHops.slice(0, 3).map((h) => h.hops)).toEqual([1, 2, 3]);
    // Whether the refused hop counts itself is the engine's choice; it is at least the limit.
    expect(alertHops[3]!.hops).toBeGreaterThanOrEqual(3);
    expect(r.trace.hops[0]!.typeId).toBe('1001');
    for (let i = 1; i < r.trace.hops.length; i++) {
      const a = r.trace.hops[i - 1]!.hlc;
      const b = r.trace.hops[i]!.hlc;
      expect(a.physical < b.physical || (a.physical === b.physical && a.logical <= b.logical)).toBe(
        true,
      );
    }
    expect(r.trace.edgeIds).toEqual(['k2k:remote_desk', 'route:1001', 'route:1010']);
    expect(r.trace.incomplete).toBe(false);
  });

  it('says NotFound with an actionable message for an unknown id', () => {
    const r = buildTrace([], 42);
    expect(r.ok).toBe(false);
    // It says what can be done: inject by hand, or pin from Receipts (a message without a receipt
    // cannot be pinned, and "Pin the message" gave no way to do it).
    if (!r.ok)
      expect(r.message).toMatch(
        /injected by hand .* traced in full, until the trace store's newest 50,000 traced messages move past it .*; one seen in Receipts can be pinned/,
      );
    // An id beyond the last one sent was never sent: not "sampled out".
    const never = buildTrace([], 999_999, { lastMessageId: 4 });
    expect(never).toMatchObject({
      ok: false,
      code: 'NotFound',
      message: 'No message has id 999999: the newest id was 4 when it was looked up.',
    });
    expect(buildTrace([], 3, { lastMessageId: 4 })).toMatchObject({
      message: expect.stringMatching(/sampled out/),
    });
    expect(buildTrace([], 1, { lastMessageId: 0 })).toMatchObject({
      message: 'No message has id 1: none has been sent yet.',
    });
    // The engine's reply carries it.
    expect(
      rowsFromTraceReply({
        ok: true,
        trace: { messageId: 9, found: false, complete: false, nodes: [], lastMessageId: 4 },
      }).lastMessageId,
    ).toBe(4);
  });
});

describe('buildTrace on partial data', () => {
  it('marks a chain incomplete when the parent was sampled out', () => {
    const rows = [
      row({
        seq: 2,
        messageId: 9,
        parentId: 7,
        typeId: 1010,
        source: 'fraud_processor',
        destination: 'alert_sink',
      }),
    ];
    const r = buildTrace(rows, 9, { config: demoConfig() });
    if (!r.ok) throw new Error(r.message);
    expect(r.trace.incomplete).toBe(true);
    expect(r.trace.gaps).toEqual([
      expect.objectContaining({ kind: 'missingParent', messageId: 9 }),
    ]);
    expect(r.trace.edgeIds).toEqual(['route:1010']);
  });

  it('marks a forward without its onward delivery as incomplete', () => {
    const rows = [row({ seq: 1, messageId: 3, status: 'Pending', hops: 1, destination: 'x' })];
    const r = buildTrace(rows, 3);
    expect(r.ok && r.trace.gaps.map((g) => g.kind)).toEqual(['missingDelivery']);
  });

  it('merges engine rows with page rows without duplicates and keeps stage stamps', () => {
    const page = [row({ seq: 1, messageId: 1 })];
    const engineReply = {
      ok: true,
      command: 'trace',
      trace: {
        incomplete: false,
        rows: [
          { ...page[0], typeId: '1001' },
          {
            ...row({ seq: 5, messageId: 2, parentId: 1, typeId: 1010 }),
            source: 'fraud_processor',
            destination: 'alert_sink',
            injectedAt: hlc(40),
            deliveredAt: hlc(45),
            processedAt: hlc(70, 2),
          },
          { nonsense: true },
        ],
      },
    };
    const { rows, incomplete } = rowsFromTraceReply(engineReply);
    expect(rows).toHaveLength(2);
    expect(incomplete).toBe(false);
    const merged = mergeRows(page, rows);
    expect(merged).toHaveLength(2);
    const r = buildTrace(merged, 1);
    if (!r.ok) throw new Error(r.message);
    expect(r.trace.hops[1]!.stages.processedAt).toEqual(hlc(70, 2));
    expect(r.trace.spanUs).toBe(70 - 10);
    expect(buildTrace(merged, 1, { engineIncomplete: true }).ok).toBe(true);
  });

  it('reads a receipt of a message its queue evicted as evicted, not as delivered', () => {
    // The page's row: Delivered, then evicted (dropOldest); the engine's node, with no receipt
    // seq, is dropped for it.
    const page = [
      row({
        seq: 7,
        messageId: 15_904,
        typeId: 1002,
        destination: 'aggregator',
        latencyUs: null,
        thenLost: 'DroppedOldest',
      }),
    ];
    const engine = [
      row({
        seq: -1,
        messageId: 15_904,
        typeId: 1002,
        destination: 'aggregator',
        status: 'DroppedOldest' as TraceRow['status'],
      }),
    ];
    const r = buildTrace(mergeRows(page, engine), 15_904);
    if (!r.ok) throw new Error(r.message);
    expect(r.trace.hops.map((h) => h.status)).toEqual(['DroppedOldest']);
  });

  // QA: a root that waited 13.74 ms before the engine took it in read "span 14.76 ms" (its own
  // latency) for a chain that ended 14.84 ms after it arrived.
  it('spans from the earliest arrival to the last stamp', () => {
    const rows = [
      {
        ...row({ seq: 1, messageId: 1, latencyUs: 14_760 }),
        hlc: hlc(0),
        injectedAt: hlc(0),
        deliveredAt: hlc(0, 1),
        processedAt: hlc(1_020),
      },
      {
        ...row({ seq: 2, messageId: 2, parentId: 1, typeId: 1010, latencyUs: 80 }),
        hlc: hlc(1_020, 1),
        injectedAt: hlc(1_020, 1),
        deliveredAt: hlc(1_020, 2),
        processedAt: hlc(1_100),
      },
    ];
    const r = buildTrace(rows, 1);
    if (!r.ok) throw new Error(r.message);
    expect(r.trace.spanUs).toBe(14_840);
  });

  it("spans at least its longest message's latency when every stamp fell in one engine tick", () => {
    const same = hlc(1_000);
    const rows = [
      { ...row({ seq: 1, messageId: 1, latencyUs: 231 }), hlc: same },
      { ...row({ seq: 2, messageId: 2, parentId: 1, typeId: 1010, latencyUs: 40 }), hlc: same },
    ];
    const r = buildTrace(rows, 1);
    if (!r.ok) throw new Error(r.message);
    expect(r.trace.spanUs).toBe(231);
  });

  it('reads the engine TraceResult (one node per message) and fills messages the log lacks', () => {
    const node = (
      messageId: number,
      parentId: number | null,
      typeId: number,
      physical: number,
    ) => ({
      messageId,
      typeId,
      parentId,
      children: [],
      source: parentId === null ? 'host' : 'fraud_processor',
      destination: typeId === 1001 ? 'fraud_processor' : 'alert_sink',
      kernel: null,
      status: 'Delivered',
      hops: 0,
      priority: 0,
      latencyUs: 3,
      injectedAt: hlc(physical),
      deliveredAt: hlc(physical + 1),
      processedAt: null,
      pinned: true,
    });
    const reply = {
      ok: true,
      command: 'trace',
      trace: {
        messageId: 7,
        found: true,
        complete: false,
        nodes: [node(7, null, 1001, 10), node(8, 7, 1010, 20)],
      },
    };
    const { rows, incomplete } = rowsFromTraceReply(reply);
    expect(incomplete).toBe(true);
    expect(rows.map((r) => [r.messageId, r.seq, r.hlc.physical])).toEqual([
      [7, -1, 10],
      [8, -1, 20],
    ]);
    // The page has the receipt of 7: it wins over the node; 8 comes from the engine only.
    const page = [row({ seq: 1, messageId: 7, hlc: hlc(10) })];
    const merged = mergeRows(page, rows);
    expect(merged.map((r) => [r.messageId, r.seq])).toEqual([
      [7, 1],
      [8, -1],
    ]);
    const r = buildTrace(merged, 7, { config: demoConfig(), engineIncomplete: incomplete });
    if (!r.ok) throw new Error(r.message);
    expect(r.trace.messageIds).toEqual([7, 8]);
    expect(r.trace.incomplete).toBe(true);
    expect(r.trace.edgeIds).toEqual(['route:1001', 'route:1010']);
    expect(
      rowsFromTraceReply({
        trace: { found: false, complete: true, nodes: [node(1, null, 1001, 1)] },
      }).rows,
    ).toEqual([]);
  });

  it("calls a refused message's chain complete, whatever the engine kept of it", () => {
    // A generator's message refused by a full queue: the engine traced none of it (sampled).
    const refused = [row({ seq: 1, messageId: 918_204, status: 'QueueFull' })];
    const r = buildTrace(refused, 918_204, { config: demoConfig(), engineIncomplete: true });
    if (!r.ok) throw new Error(r.message);
    expect(r.trace.incomplete).toBe(false);
    // Delivered, it may have children the engine did not keep: incomplete, as before.
    const delivered = [row({ seq: 1, messageId: 5 })];
    const d = buildTrace(delivered, 5, { config: demoConfig(), engineIncomplete: true });
    if (!d.ok) throw new Error(d.message);
    expect(d.trace.incomplete).toBe(true);
  });

  it('accepts array replies and rejects non-rows', () => {
    expect(rowsFromTraceReply({ trace: [row({ seq: 1, messageId: 1 })] }).rows).toHaveLength(1);
    expect(rowsFromTraceReply(null).rows).toEqual([]);
    expect(toTraceRow({ messageId: 'x' })).toBeNull();
  });
});
