import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfig, type RouteConfig } from '../core/config';
import { createEngine, type Engine } from './engine';
import { decodePayload, layoutOf } from './payload';
import type { EngineCommand, ReceiptRow } from './protocol';
import { expectBalanced, wideConfig } from './test-util';

function setup(config: RouteConfig = demoConfig(), opts: { maxDeadLetters?: number } = {}) {
  const clock = { t: 1_000_000 };
  const engine = createEngine({ config, now: () => clock.t, ...opts });
  const step = (us = 1000): void => {
    clock.t += us;
    engine.tick();
  };
  return { engine, clock, step };
}

function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

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
      refusedCrossTenant: 0,
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
    const moved = ok(engine, {
      type: 'redrive',
      target: 'aggregator',
      overrides: { priority: 3, correlationId: 99 },
    });
    expect(moved.redrive).toMatchObject({ selected: 2, redriven: 2 });
    ok(engine, { type: 'setReceiptFilter', filter: { kernels: ['aggregator'] } });
    engine.drain();
    const rows = engine.snapshot().receipts.recent.filter((r) => r.destination === 'aggregator');
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
    const bad = engine.command({ type: 'inject', typeId: -1 as number, requestId: 5 });
    expect(bad).toMatchObject({ ok: false, requestId: 5, error: { code: 'InvalidCommand' } });
    const badField = engine.command({ type: 'inject', typeId: 1001, payload: { nope: 1 } });
    expect(badField).toMatchObject({ ok: false, error: { code: 'InvalidPayload' } });
    expect(engine.snapshot().injected).toBe(4);
  });
});

describe('engine: generator, replay and accounting', () => {
  function receiptsOf(seed: number): ReceiptRow[] {
    const { engine, step } = setup();
    ok(engine, { type: 'setSampling', perSnapshotCap: 1_000_000 });
    ok(engine, {
      type: 'startGenerator',
      spec: {
        ratePerSec: 50_000,
        pattern: 'poisson',
        seed,
        durationMs: 200,
        zipfS: 1.5,
        accounts: 20,
        mix: [
          { typeId: 1001, weight: 5 },
          { typeId: 1002, weight: 2 },
          { typeId: 1003, weight: 1 },
          { typeId: 777, weight: 1 },
        ],
      },
    });
    const rows: ReceiptRow[] = [];
    for (let i = 0; i < 30; i++) {
      step(10_000);
      rows.push(...engine.snapshot().receipts.recent);
    }
    const s = engine.snapshot();
    expect(s.generator.running).toBe(false);
    expect(s.injected).toBeGreaterThan(8000);
    expectBalanced(s);
    return rows;
  }

  it('replays deterministically: same seed and config give identical receipt sequences', () => {
    const a = receiptsOf(21);
    const b = receiptsOf(21);
    const c = receiptsOf(22);
    expect(a.length).toBeGreaterThan(8000);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.some((r) => r.typeId === 1010)).toBe(true);
    expect(a.some((r) => r.status === 'NoRoute')).toBe(true);
  });

  /**
   * Receipts of `typeId` from 100 ms of generated traffic mixing it half and half with
   * Transaction (32 bytes), so the generator's rows alternate between the two layouts.
   */
  function generatedOf(config: RouteConfig, typeId: number): ReceiptRow[] {
    const { engine, step } = setup(config);
    ok(engine, { type: 'setSampling', perSnapshotCap: 1_000_000 });
    const mix = [
      { typeId: 1001, weight: 1 },
      { typeId, weight: 1 },
    ];
    ok(engine, {
      type: 'startGenerator',
      spec: { ratePerSec: 100_000, seed: 3, durationMs: 100, accounts: 1000, mix },
    });
    const rows: ReceiptRow[] = [];
    for (let i = 0; i < 20; i++) {
      step(10_000);
      for (const r of engine.snapshot().receipts.recent) if (r.typeId === typeId) rows.push(r);
    }
    expect(rows.length).toBeGreaterThan(3000);
    return rows;
  }

  it('generates payloads whose padding reads 0, whatever the type before it', () => {
    // AccountUpdate (24 bytes) pads bytes 12..15; a Transaction puts its account there.
    for (const r of generatedOf(demoConfig(), 1002)) {
      expect(r.payload.length).toBe(24);
      expect(Array.from(r.payload.subarray(12, 16))).toEqual([0, 0, 0, 0]);
    }
  });

  it('generates payloads over 32 bytes whose padding reads 0 too', () => {
    // A 40-byte type (u8 then u64: bytes 1..7 pad), which goes through the generator's batch.
    for (const r of generatedOf(wideConfig(), 1020)) {
      expect(r.payload.length).toBe(40);
      expect(Array.from(r.payload.subarray(1, 8))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    }
  });

  it('counts responses nobody sees exactly as responses that get a row', () => {
    // PatternCheck requires a response, which goes back to the host. Sampled down to 10 rows a
    // snapshot, most responses are consumed without a store entry; with room for every row,
    // each one is stored, converted and shown. Counts, message ids and clocks must not differ.
    function run(cap: number) {
      const { engine, step } = setup();
      ok(engine, { type: 'setSampling', perSnapshotCap: cap });
      ok(engine, {
        type: 'startGenerator',
        spec: {
          ratePerSec: 200_000,
          seed: 5,
          durationMs: 100,
          mix: [
            { typeId: 1003, weight: 3 },
            { typeId: 1001, weight: 1 },
          ],
        },
      });
      const rows = new Map<string, ReceiptRow>();
      for (let i = 0; i < 150; i++) {
        step(1000);
        for (const r of engine.snapshot().receipts.recent)
          rows.set(`${r.messageId}/${r.status}`, r);
      }
      const s = engine.snapshot();
      expectBalanced(s);
      return { s, rows };
    }
    const seen = run(1_000_000);
    const unseen = run(10);
    expect(seen.s.receipts.sampledOut).toBe(0);
    // Most of the ~15,000 responses were consumed unseen.
    expect(unseen.s.receipts.sampledOut).toBeGreaterThan(10_000);
    expect(unseen.s.receipts.total).toBe(seen.s.receipts.total);
    expect(unseen.s.receipts.byStatus).toEqual(seen.s.receipts.byStatus);
    expect(unseen.s.accounting).toEqual(seen.s.accounting);
    // Per kernel, all but the placement's wall-clock rates.
    const counts = (r: typeof seen) => r.s.kernels.map(({ placement: _, ...k }) => k);
    expect(counts(unseen)).toEqual(counts(seen));
    // The rows the sampled run did show, ids and HLC stamps included, are the full run's rows.
    expect(unseen.rows.size).toBeGreaterThan(300);
    for (const [key, row] of unseen.rows) expect(row).toEqual(seen.rows.get(key));
  });

  it('stamps what follows an unseen response as it would follow a seen one', () => {
    // A Transaction (message 1, raising an alert) and 5,000 generated PatternChecks in one tick.
    // With no receipt rows, the checks' responses are consumed unseen before alert_sink takes
    // the alert; with a row for every receipt, each is stored and shown. The alert's clock must
    // not tell the two runs apart.
    const config = demoConfig();
    config.kernels = config.kernels.map((k) =>
      k.id === 'pattern_detector' ? { ...k, queueCapacity: 8192 } : k,
    );
    function alertOf(cap: number) {
      const { engine, step } = setup(config);
      ok(engine, { type: 'setSampling', perSnapshotCap: cap });
      ok(engine, { type: 'inject', typeId: 1001, payload: { amount: 20_000, account: 3 } });
      ok(engine, {
        type: 'startGenerator',
        spec: { ratePerSec: 1_000_000, durationMs: 5, mix: [{ typeId: 1003, weight: 1 }] },
      });
      step(10_000);
      const s = engine.snapshot();
      expect(s.injected).toBe(5001);
      expect(s.receipts.sampledOut).toBe(cap === 0 ? s.receipts.total : 0);
      const nodes = ok(engine, { type: 'trace', messageId: 1 }).trace!.nodes;
      expect(nodes.map((n) => n.typeId)).toEqual([1001, 1010]);
      return nodes[1]!;
    }
    const seen = alertOf(1_000_000);
    // Taken after at least one batch of responses.
    expect(seen.processedAt!.logical).toBeGreaterThan(256);
    expect(alertOf(0)).toEqual(seen);
  });

  it('samples receipts past the per-snapshot cap but keeps exact counts', () => {
    const { engine, step } = setup();
    ok(engine, { type: 'setSampling', perSnapshotCap: 100 });
    ok(engine, { type: 'inject', typeId: 1002, count: 1000 });
    step();
    const s = engine.snapshot();
    expect(s.receipts.total).toBe(1000);
    expect(s.receipts.recent.length).toBe(100);
    expect(s.receipts.sampledOut).toBe(900);
  });

  const kernelIds = ['fraud_processor', 'aggregator', 'pattern_detector', 'alert_sink', 'extra'];
  type TestCmd = EngineCommand | { type: 'tick' };
  const cmdArb = fc.oneof(
    fc.record({
      type: fc.constant('inject' as const),
      typeId: fc.constantFrom(1001, 1002, 1003, 1010, 5555),
      count: fc.integer({ min: 1, max: 40 }),
      priority: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({
      type: fc.constant('setRoute' as const),
      typeId: fc.constantFrom(1001, 1002, 1003, 1010),
      kernelId: fc.constantFrom(...kernelIds, 'ghost'),
    }),
    fc.record({
      type: fc.constant('removeRoute' as const),
      typeId: fc.constantFrom(1001, 1002, 1010),
    }),
    fc.record({
      type: fc.constant('setK2kRoute' as const),
      dest: fc.constantFrom('ghost', 'extra'),
      nextHop: fc.constantFrom(...kernelIds),
    }),
    fc.record({
      type: fc.constant('upsertKernel' as const),
      kernel: fc.record({
        id: fc.constantFrom(...kernelIds),
        queueCapacity: fc.integer({ min: 1, max: 32 }),
        overflowPolicy: fc.constantFrom(
          'reject' as const,
          'dropOldest' as const,
          'deadLetter' as const,
        ),
        tenantId: fc.constantFrom(0, 0, 1),
        backend: fc.constant('cpu' as const),
        behavior: fc.constantFrom(
          'fraud' as const,
          'aggregator' as const,
          'pattern' as const,
          'generic' as const,
        ),
      }),
    }),
    fc.record({
      type: fc.constant('removeKernel' as const),
      kernelId: fc.constantFrom(...kernelIds),
    }),
    fc
      .record({
        type: fc.constant('redrive' as const),
        target: fc.option(fc.constantFrom(...kernelIds), { nil: undefined }),
      })
      .map((c) => (c.target === undefined ? { type: 'redrive' as const } : c)),
    fc.record({
      type: fc.constant('purgeDeadLetters' as const),
      filter: fc.constant({ reasons: ['NoRoute' as const] }),
    }),
    fc.constant({ type: 'resetMetrics' as const }),
    fc.record({
      type: fc.constant('startGenerator' as const),
      spec: fc.record({
        ratePerSec: fc.integer({ min: 100, max: 20_000 }),
        seed: fc.integer(),
        pattern: fc.constantFrom('constant' as const, 'poisson' as const, 'bursts' as const),
      }),
    }),
    fc.constant({ type: 'stopGenerator' as const }),
    fc.constant({ type: 'tick' as const }),
  ) as fc.Arbitrary<TestCmd>;

  it('balances after random command sequences (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { maxLength: 40 }), (cmds) => {
        const { engine, step } = setup(demoConfig(), { maxDeadLetters: 50 });
        for (const cmd of cmds) {
          if (cmd.type === 'tick') step(5_000);
          else engine.command(cmd);
          const s = engine.snapshot();
          expectBalanced(s);
        }
        ok(engine, { type: 'stopGenerator' });
        engine.drain();
        const s = engine.snapshot();
        expectBalanced(s);
        expect(s.accounting.queued).toBe(0);
      }),
      { numRuns: 60, seed: 20261126 },
    );
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
