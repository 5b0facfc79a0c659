import { describe, expect, it } from 'vitest';
import { demoConfig, type RouteConfig } from '../core/config';
import { decodePayload, layoutOf } from './payload';
import { expectBalanced, ok, setupEngine as setup } from './test-util';

function smallQueue(policy: 'reject' | 'deadLetter' | 'dropOldest', capacity = 8): RouteConfig {
  const c = demoConfig();
  c.kernels = c.kernels.map((k) =>
    k.id === 'fraud_processor' ? { ...k, queueCapacity: capacity, overflowPolicy: policy } : k,
  );
  return c;
}

describe('engine: kernels end to end', () => {
  it('turns a 15,000 transaction into a FraudAlert routed to alert_sink, linked to its parent', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 1001, payload: { amount: 15_000, account: 42 } });
    step();
    const s = engine.snapshot();
    const tx = s.receipts.recent.find((r) => r.typeId === 1001)!;
    const alert = s.receipts.recent.find((r) => r.typeId === 1010)!;
    expect(tx.status).toBe('Delivered');
    expect(tx.destination).toBe('fraud_processor');
    expect(alert).toBeDefined();
    expect(alert.status).toBe('Delivered');
    expect(alert.source).toBe('fraud_processor');
    expect(alert.destination).toBe('alert_sink');
    expect(alert.parentId).toBe(tx.messageId);
    const alertType = demoConfig().messageTypes.find((t) => t.typeId === 1010)!;
    const fields = decodePayload(layoutOf(alertType.fields), alert.payload);
    expect(fields['account']).toBe(42);
    expect(fields['reason']).toBe(1);
    expect(fields['score']).toBe(50);
    expect(s.kernels.find((k) => k.id === 'alert_sink')!.processed).toBe(1);
    expect(s.receipts.byStatus['Delivered']).toBe(2);
    expectBalanced(s);
  });

  it('counts emitted alerts on the graph: the kernel emits edge, the type route edge and kernel to kernel', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 1001, count: 3, payload: { amount: 15_000 } });
    ok(engine, { type: 'inject', typeId: 1010, count: 2 });
    step();
    const s = engine.snapshot();
    const edge = (source: string, target: string) =>
      s.edges.find((e) => e.source === source && e.target === target)?.total;
    // Three alerts emitted by fraud_processor, two injected by hand: five into alert_sink by type.
    expect(edge('fraud_processor', 'type:1010')).toBe(3);
    expect(edge('type:1010', 'alert_sink')).toBe(5);
    expect(edge('fraud_processor', 'alert_sink')).toBe(3);
    expect(edge('type:1001', 'fraud_processor')).toBe(3);
    expect(s.kernels.find((k) => k.id === 'alert_sink')!.processed).toBe(5);
  });

  it('raises no alert for an ordinary amount', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 1001, payload: { amount: 120, account: 1 } });
    step();
    const s = engine.snapshot();
    expect(s.receipts.recent.map((r) => r.typeId)).toEqual([1001]);
  });

  it('answers a PatternCheck from a kernel with a response addressed back to that kernel', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 1003, source: 'aggregator', payload: { account: 5 } });
    step();
    const rows = engine.snapshot().receipts.recent;
    const request = rows.find((r) => r.typeId === 1003)!;
    const response = rows.find((r) => r.typeId === 1004);
    expect(response).toMatchObject({
      source: 'pattern_detector',
      destination: 'aggregator',
      parentId: request.messageId,
    });
  });

  it('counts unknown types as NoRoute receipts and dead letters, as the seed counts them', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 4242, count: 3 });
    ok(engine, { type: 'inject', typeId: '18446744073709551615' });
    step();
    const s = engine.snapshot();
    expect(s.receipts.byStatus['NoRoute']).toBe(4);
    expect(s.metrics.unknownTypeErrors).toBe(4);
    expect(s.metrics.messagesDispatched).toBe(4);
    expect(s.deadLetters.count).toBe(4);
    expect(s.deadLetters.recent.map((d) => d.typeId)).toContain(18446744073709551615n);
    expectBalanced(s);
  });
});

describe('engine: overflow', () => {
  it('a burst over a small deadLetter queue gives QueueFull receipts and dead letters', () => {
    const { engine, step } = setup(smallQueue('deadLetter'));
    ok(engine, { type: 'inject', typeId: 1001, count: 20, payload: { amount: 10 } });
    let s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'fraud_processor')!.queueDepth).toBe(8);
    expect(s.receipts.byStatus['QueueFull']).toBe(12);
    expect(s.receipts.byStatus['Delivered']).toBe(8);
    expect(s.deadLetters.count).toBe(12);
    expect(
      s.deadLetters.recent.every(
        (d) => d.reason === 'QueueFull' && d.destination === 'fraud_processor',
      ),
    ).toBe(true);
    expect(s.metrics.deliveryErrors).toBe(12);
    expectBalanced(s);
    step();
    s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'fraud_processor')).toMatchObject({
      processed: 8,
      dropped: 12,
      deadLettered: 12,
    });
    expectBalanced(s);
  });

  // The core keeps every failure: under `reject` a refused message is a `Rejected` dead letter
  // (an audit record) and under `dropOldest` the victim is a `DroppedOldest` one.
  it('reject refuses with QueueFull and a Rejected letter; dropOldest evicts the oldest', () => {
    const r = setup(smallQueue('reject'));
    ok(r.engine, { type: 'inject', typeId: 1001, count: 20, payload: { amount: 10 } });
    let s = r.engine.snapshot();
    expect(s.receipts.byStatus['QueueFull']).toBe(12);
    expect(s.deadLetters.count).toBe(12);
    expect(s.deadLetters.recent.every((d) => d.reason === 'Rejected')).toBe(true);
    expect(s.accounting.failedByStatus['QueueFull']).toBeUndefined();
    expectBalanced(s);

    const d = setup(smallQueue('dropOldest'));
    ok(d.engine, { type: 'inject', typeId: 1001, count: 20, payload: { amount: 10 } });
    d.step();
    s = d.engine.snapshot();
    expect(s.receipts.byStatus['Delivered']).toBe(20);
    expect(s.deadLetters.count).toBe(12);
    expect(s.deadLetters.recent.map((x) => x.messageId)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    expect(s.deadLetters.recent.every((x) => x.reason === 'DroppedOldest')).toBe(true);
    const processedIds = s.receipts.recent
      .filter((x) => x.latencyUs !== null)
      .map((x) => x.messageId);
    expect(processedIds).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expectBalanced(s);
  });

  it('settles a send with refusals in it as it settles each message alone: the same receipts, edges and letters', () => {
    // Sampling nothing, the Delivered messages of a batch that also holds refusals are settled
    // together; sampling every receipt, each one alone. The books must not tell them apart.
    const run = (perSnapshotCap: number) => {
      const r = setup(smallQueue('reject', 64));
      ok(r.engine, { type: 'setSampling', perSnapshotCap });
      // Generated traffic: a message injected by hand is traced, and a traced send is settled
      // one message at a time whatever the sampling.
      ok(r.engine, {
        type: 'startGenerator',
        spec: {
          ratePerSec: 500_000,
          pattern: 'constant',
          mix: [
            { typeId: 1001, weight: 3 },
            { typeId: 1010, weight: 1 },
          ],
          seed: 7,
        },
      });
      for (let i = 0; i < 20; i++) r.step(16_000);
      ok(r.engine, { type: 'stopGenerator' });
      for (let i = 0; i < 5; i++) r.step(16_000);
      const s = r.engine.snapshot();
      expectBalanced(s);
      return {
        byStatus: s.receipts.byStatus,
        total: s.receipts.total,
        edges: s.edges.map((e) => [e.source, e.target, e.total]),
        letters: s.deadLetters.count,
        kernels: s.kernels.map((k) => [k.id, k.processed, k.dropped, k.queued]),
        accounting: s.accounting,
        rows: s.receipts.recent.length,
      };
    };
    const together = run(0);
    const alone = run(1_000_000);
    expect(together.rows).toBe(0);
    expect(alone.rows).toBe(alone.total);
    expect(together.byStatus['QueueFull']).toBeGreaterThan(1000);
    expect(together.byStatus['Delivered']).toBeGreaterThan(1000);
    expect({ ...together, rows: 0 }).toEqual({ ...alone, rows: 0 });
  });

  it('redrive after raising the capacity balances the accounting and empties the dead letters', () => {
    const { engine, step } = setup(smallQueue('deadLetter'));
    ok(engine, { type: 'inject', typeId: 1001, count: 20, payload: { amount: 10 } });
    step();
    const k = demoConfig().kernels.find((x) => x.id === 'fraud_processor')!;
    ok(engine, { type: 'upsertKernel', kernel: { ...k, queueCapacity: 64 } });
    const reply = ok(engine, { type: 'redrive', filter: { reasons: ['QueueFull'] } });
    expect(reply.redrive).toEqual({
      selected: 12,
      redriven: 12,
      failedAgain: 0,
      failedByStatus: {},
      refusedCrossTenant: 0,
      refusedNotRouted: 0,
      evicted: 0,
      remaining: 0,
    });
    step();
    const s = engine.snapshot();
    expect(s.deadLetters.count).toBe(0);
    expect(s.kernels.find((x) => x.id === 'fraud_processor')!.processed).toBe(20);
    expect(s.accounting.queued).toBe(0);
    // Same account twenty times: velocity alerts go to alert_sink and are processed too.
    expect(s.accounting.processed).toBe(20 + s.accounting.emitted);
    expectBalanced(s);
  });

  it('refuses and counts a redrive to a kernel of another tenant, with header overrides otherwise', () => {
    const c = smallQueue('deadLetter', 1);
    c.kernels.push({
      id: 'other',
      queueCapacity: 16,
      overflowPolicy: 'reject',
      tenantId: 7,
      backend: 'cpu',
      behavior: 'generic',
    });
    const { engine } = setup(c);
    // Letters of a tenant-0 kernel (the host's would be let through: it may reach any tenant).
    ok(engine, {
      type: 'inject',
      typeId: 1001,
      count: 3,
      payload: { amount: 10 },
      source: 'aggregator',
    });
    const refused = ok(engine, { type: 'redrive', target: 'other' });
    expect(refused.redrive).toMatchObject({ selected: 2, redriven: 0, refusedCrossTenant: 2 });
    expect(engine.snapshot().deadLetters).toMatchObject({ count: 2, refusedCrossTenant: 2 });
    // Not to aggregator: 1001 is routed to fraud_processor, and aggregator's handler cannot read it.
    const wrong = ok(engine, { type: 'redrive', target: 'aggregator' });
    expect(wrong.redrive).toMatchObject({ selected: 2, redriven: 0, refusedNotRouted: 2 });
    expect(engine.snapshot().deadLetters.count).toBe(2);
    const fraud = c.kernels.find((k) => k.id === 'fraud_processor')!;
    ok(engine, { type: 'upsertKernel', kernel: { ...fraud, queueCapacity: 16 } });
    const moved = ok(engine, {
      type: 'redrive',
      target: 'fraud_processor',
      overrides: { priority: 3, correlationId: 99 },
    });
    expect(moved.redrive).toMatchObject({ selected: 2, redriven: 2, refusedNotRouted: 0 });
    ok(engine, { type: 'setReceiptFilter', filter: { kernels: ['fraud_processor'] } });
    engine.drain();
    const rows = engine
      .snapshot()
      .receipts.recent.filter((r) => r.destination === 'fraud_processor' && r.messageId > 3);
    expect(rows.length).toBe(2);
    expect(rows.every((r) => r.priority === 3 && r.correlationId === 99)).toBe(true);
  });
});

describe('engine: live edits and K2K', () => {
  it('keeps queued messages when a kernel is resized and re-routes immediately', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 1001, count: 5, payload: { amount: 10 } });
    const k = demoConfig().kernels.find((x) => x.id === 'fraud_processor')!;
    ok(engine, { type: 'upsertKernel', kernel: { ...k, queueCapacity: 16 } });
    expect(engine.snapshot().kernels.find((x) => x.id === 'fraud_processor')!.queueDepth).toBe(5);
    ok(engine, { type: 'setRoute', typeId: 1001, kernelId: 'alert_sink' });
    ok(engine, { type: 'inject', typeId: 1001, payload: { amount: 10 } });
    step();
    const s = engine.snapshot();
    expect(s.kernels.find((x) => x.id === 'fraud_processor')!.processed).toBe(5);
    expect(s.kernels.find((x) => x.id === 'alert_sink')!.processed).toBe(1);
    expect(s.edges).toContainEqual(
      expect.objectContaining({ source: 'type:1001', target: 'alert_sink', total: 1 }),
    );
  });

  it('forwards through a K2K next hop (Pending, then Delivered with hops counted)', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'setRoute', typeId: 1002, kernelId: 'remote' });
    ok(engine, { type: 'setK2kRoute', dest: 'remote', nextHop: 'alert_sink' });
    ok(engine, { type: 'inject', typeId: 1002 });
    let s = engine.snapshot();
    expect(s.receipts.byStatus['Pending']).toBe(1);
    ok(engine, {
      type: 'upsertKernel',
      kernel: {
        id: 'remote',
        queueCapacity: 4,
        overflowPolicy: 'reject',
        tenantId: 0,
        backend: 'cpu',
        behavior: 'generic',
      },
    });
    step();
    s = engine.snapshot();
    const delivered = s.receipts.recent.find((r) => r.status === 'Delivered')!;
    // The header keeps its original sender (a response would go back there); hops accumulate.
    expect(delivered).toMatchObject({ source: 'host', destination: 'remote', hops: 1 });
    expect(s.edges).toContainEqual(
      expect.objectContaining({ source: 'alert_sink', target: 'remote', total: 1 }),
    );
    expect(s.kernels.find((k) => k.id === 'remote')!.processed).toBe(1);
    expectBalanced(s);
  });

  it('stops a forwarding loop at maxHops with a dead letter', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'setRoute', typeId: 1002, kernelId: 'nowhere' });
    ok(engine, { type: 'setK2kRoute', dest: 'nowhere', nextHop: 'alert_sink' });
    ok(engine, { type: 'inject', typeId: 1002 });
    step();
    const s = engine.snapshot();
    expect(s.receipts.byStatus['MaxHopsExceeded']).toBe(1);
    expect(s.receipts.byStatus['Pending']).toBe(8);
    expect(s.deadLetters.recent[0]).toMatchObject({
      reason: 'MaxHopsExceeded',
      destination: 'nowhere',
    });
    expectBalanced(s);
  });

  it('dead-letters the queue of a removed kernel and refuses bad commands without changing state', () => {
    const { engine } = setup();
    ok(engine, { type: 'inject', typeId: 1002, count: 4 });
    ok(engine, { type: 'removeKernel', kernelId: 'aggregator' });
    const s = engine.snapshot();
    expect(s.deadLetters.count).toBe(4);
    expect(s.kernels.map((k) => k.id)).not.toContain('aggregator');
    expectBalanced(s);
    // Their Delivered receipts keep their rows, one each, saying the kernel went.
    expect(s.receipts.recent).toHaveLength(4);
    expect(s.receipts.recent.every((r) => r.thenLost === 'Unregistered')).toBe(true);
    expect(new Set(s.receipts.recent.map((r) => r.messageId)).size).toBe(4);
    const bad = engine.command({ type: 'inject', typeId: -1 as number, requestId: 5 });
    expect(bad).toMatchObject({ ok: false, requestId: 5, error: { code: 'InvalidCommand' } });
    const badField = engine.command({ type: 'inject', typeId: 1001, payload: { nope: 1 } });
    expect(badField).toMatchObject({ ok: false, error: { code: 'InvalidPayload' } });
    expect(engine.snapshot().injected).toBe(4);
  });

  it('keeps a renamed kernel in its place and what it counted before in the totals, apart', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 1002, count: 30 });
    ok(engine, { type: 'inject', typeId: 1001, count: 5, payload: { amount: 15_000 } });
    step();
    const before = engine.snapshot();
    const old = before.kernels.find((k) => k.id === 'aggregator')!;
    expect(old.processed).toBe(30);
    // The Inspector's rename: the same kernel under a new id, its routes following it.
    const config = demoConfig();
    config.kernels = config.kernels.map((k) => (k.id === 'aggregator' ? { ...k, id: 'agg2' } : k));
    config.routes = config.routes.map((r) =>
      r.kernelId === 'aggregator' ? { ...r, kernelId: 'agg2' } : r,
    );
    ok(engine, { type: 'loadConfig', config });
    ok(engine, { type: 'inject', typeId: 1002, count: 7 });
    step();
    const s = engine.snapshot();
    expect(s.kernels.map((k) => k.id)).toEqual(config.kernels.map((k) => k.id));
    expect(s.kernels.find((k) => k.id === 'agg2')!.processed).toBe(7);
    expect(s.accounting.removedKernels).toEqual({
      ids: ['aggregator'],
      processed: 30,
      emitted: 0,
      dropped: 0,
      deadLettered: 0,
      inFlight: 0,
    });
    // The kernels' processed column and the removed kernels' row add up to the status bar's.
    const kernels = s.kernels.reduce((n, k) => n + k.processed, 0);
    expect(kernels + s.accounting.removedKernels!.processed).toBe(
      s.accounting.processed - s.accounting.toHost,
    );
    expectBalanced(s);
    ok(engine, { type: 'resetMetrics' });
    expect(engine.snapshot().accounting.removedKernels).toBeUndefined();
  });

  it('gives a kernel added back under its id (an undo of its removal) what it had counted', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'inject', typeId: 1002, count: 30 });
    step();
    engine.snapshot();
    ok(engine, { type: 'removeKernel', kernelId: 'aggregator' });
    step();
    expect(engine.snapshot().accounting.removedKernels).toMatchObject({
      ids: ['aggregator'],
      processed: 30,
    });
    // The undo: the config as it was, the kernel made again.
    ok(engine, { type: 'loadConfig', config: demoConfig() });
    step();
    const s = engine.snapshot();
    const agg = s.kernels.find((k) => k.id === 'aggregator')!;
    expect(agg.processed).toBe(30);
    // Taken back, not a surge of 30 in one snapshot, nor back-pressure.
    expect(agg.ratePerSec).toBe(0);
    expect(agg.backpressure).toBe(false);
    expect(s.accounting.removedKernels).toBeUndefined();
    ok(engine, { type: 'inject', typeId: 1002, count: 5 });
    step();
    expect(engine.snapshot().kernels.find((k) => k.id === 'aggregator')!.processed).toBe(35);
    expectBalanced(engine.snapshot());
  });

  it('gives a kernel added back its highest queue depth, and Reset counters clears it', () => {
    const { engine, step } = setup();
    const depth = () => engine.snapshot().kernels.find((k) => k.id === 'aggregator')?.maxDepth;
    // Queued at once, taken at the next step.
    ok(engine, { type: 'inject', typeId: 1002, count: 300 });
    step();
    expect(depth()).toBe(300);
    ok(engine, { type: 'removeKernel', kernelId: 'aggregator' });
    step();
    ok(engine, { type: 'loadConfig', config: demoConfig() });
    ok(engine, { type: 'inject', typeId: 1002, count: 40 });
    step();
    // "max queued" had fallen to what came after the undo (40).
    expect(depth()).toBe(300);
    ok(engine, { type: 'resetMetrics' });
    expect(depth()).toBe(0);
  });
});

describe('routes command', () => {
  it('reports the live route table and follows route edits', async () => {
    const { createEngine } = await import('./engine.ts');
    const { demoConfig } = await import('../core/config');
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    const table = () => {
      const r = engine.command({ type: 'routes' });
      if (!r.ok) throw new Error(r.error.message);
      return (r.routes ?? []).map(([id, k]) => `${String(id)}->${k}`).sort();
    };
    expect(table()).toContain('1001->fraud_processor');
    engine.command({ type: 'setRoute', typeId: 1001, kernelId: 'aggregator' });
    expect(table()).toContain('1001->aggregator');
    expect(table()).not.toContain('1001->fraud_processor');
    engine.command({ type: 'removeRoute', typeId: 1001 });
    expect(table().some((x) => x.startsWith('1001->'))).toBe(false);
    t += 1;
    engine.destroy();
  });
});
