/** The engine's generator end to end: seeded replay, receipts, and the accounting under load. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfig, type RouteConfig } from '../core/config';
import type { EngineCommand, ReceiptRow } from './protocol';
import { expectBalanced, ok, setupEngine as setup, wideConfig } from './test-util';

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

  it("generates a mix entry's own fields, whatever the config defines, and refuses bad ones", () => {
    const { engine, step } = setup();
    ok(engine, { type: 'setSampling', perSnapshotCap: 1_000_000 });
    const fields = [
      { name: 'id', type: 'u64' as const },
      { name: 'note', type: 'bytes' as const, size: 10 },
    ];
    ok(engine, {
      type: 'startGenerator',
      spec: {
        ratePerSec: 10_000,
        seed: 3,
        durationMs: 50,
        // 2001 is not in the demo; 1002 (AccountUpdate, 24 bytes) is sent as these 18 bytes.
        mix: [
          { typeId: 2001, weight: 1, fields },
          { typeId: 1002, weight: 1, fields },
        ],
      },
    });
    const rows: ReceiptRow[] = [];
    for (let i = 0; i < 10; i++) {
      step(10_000);
      rows.push(...engine.snapshot().receipts.recent);
    }
    const sizes = (typeId: number) =>
      new Set(rows.filter((r) => r.typeId === typeId).map((r) => r.payload.length));
    expect([...sizes(2001)]).toEqual([18]);
    expect([...sizes(1002)]).toEqual([18]);
    const bad = engine.command({
      type: 'startGenerator',
      spec: {
        ratePerSec: 10,
        mix: [{ typeId: 2001, weight: 1, fields: [{ name: 'x', type: 'u33' as 'u32' }] }],
      },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'InvalidCommand' } });
  });

  // Through the API (or a recording), a rate of 1e15 a second and a seed "abc" had started.
  it('refuses a rate above 50,000,000 a second and a seed that is not a whole number', () => {
    const { engine } = setup();
    for (const spec of [
      { ratePerSec: 1e15, seed: 1 },
      { ratePerSec: Number.POSITIVE_INFINITY },
      { ratePerSec: '1000' as unknown as number },
      { ratePerSec: 1000, seed: 'abc' as unknown as number },
      { ratePerSec: 1000, seed: 1.5 },
    ]) {
      const r = engine.command({ type: 'startGenerator', spec });
      expect(r, JSON.stringify(spec)).toMatchObject({
        ok: false,
        error: { code: 'InvalidCommand' },
      });
    }
    expect(engine.snapshot().generator.running).toBe(false);
    expect(
      engine.command({ type: 'startGenerator', spec: { ratePerSec: 50_000_000, seed: -3 } }).ok,
    ).toBe(true);
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
    fc.constant({ type: 'purgeDeadLetters' as const }),
    fc.record({
      type: fc.constant('redrive' as const),
      ratePerSec: fc.integer({ min: 1_000, max: 50_000 }),
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
          // Each kernel's letters held now are the letters bound for it the queue lists.
          const list = engine.command({ type: 'listDeadLetters', limit: 1 });
          if (!list.ok || list.command !== 'listDeadLetters') throw new Error('list refused');
          for (const k of s.kernels)
            expect(k.lettersHeld, k.id).toBe(list.deadLetters.byDestination[k.id] ?? 0);
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

describe('engine: how the last generator run ended', () => {
  it('says a run that went its whole duration finished, and one stopped did not', () => {
    const { engine, step } = setup();
    const spec = { ratePerSec: 10_000, seed: 4, durationMs: 50 };
    ok(engine, { type: 'startGenerator', spec });
    step(10_000);
    expect(engine.snapshot().generator).toMatchObject({ running: true });
    expect(engine.snapshot().generator.finished).toBeUndefined();
    for (let i = 0; i < 10; i++) step(10_000);
    const done = engine.snapshot().generator;
    expect(done).toMatchObject({ running: false, finished: true, spec: { durationMs: 50 } });
    expect(done.emitted).toBeGreaterThan(400);
    // Stopped before its end: not finished.
    ok(engine, { type: 'startGenerator', spec: { ...spec, durationMs: 10_000 } });
    step(10_000);
    ok(engine, { type: 'stopGenerator' });
    const stopped = engine.snapshot().generator;
    expect(stopped.running).toBe(false);
    expect(stopped.finished).toBeUndefined();
    expect(stopped.emitted).toBeGreaterThan(0);
  });
});

describe("engine: the generator's own rate", () => {
  it('counts what the generator sends, not the messages sent by hand meanwhile', () => {
    const { engine, step } = setup();
    // Snapshots as the page takes them: the rates are measured between them.
    const tick = () => {
      step(16_000);
      return engine.snapshot();
    };
    ok(engine, { type: 'startGenerator', spec: { ratePerSec: 100_000, seed: 5 } });
    for (let i = 0; i < 40; i++) tick();
    ok(engine, { type: 'inject', typeId: 1002, count: 20_000 });
    const s = tick();
    expect(s.generator.ratePerSec).toBeGreaterThan(90_000);
    expect(s.generator.ratePerSec).toBeLessThan(110_000);
    // The hand's 20,000 are in the rate of all that enters (over half a second: +40,000/s).
    expect(s.rates.injectedPerSec).toBeGreaterThan(s.generator.ratePerSec! + 30_000);
    // Over two runs the count goes on (a new run's own count starts at 0).
    ok(engine, { type: 'startGenerator', spec: { ratePerSec: 100_000, seed: 6 } });
    for (let i = 0; i < 40; i++) tick();
    expect(engine.snapshot().generator.ratePerSec).toBeGreaterThan(90_000);
    ok(engine, { type: 'stopGenerator' });
    for (let i = 0; i < 40; i++) tick();
    expect(engine.snapshot().generator.ratePerSec).toBe(0);
  });

  it('reads the same across Reset counters (its count does not restart with the others)', () => {
    const { engine, step } = setup();
    const tick = () => {
      step(16_000);
      return engine.snapshot();
    };
    ok(engine, { type: 'startGenerator', spec: { ratePerSec: 1_000, seed: 5 } });
    for (let i = 0; i < 200; i++) tick();
    ok(engine, { type: 'resetMetrics' });
    // Every snapshot from the reset on: it had read 72.9 K/s for 1,000/s (all that was sent
    // before the reset, over one snapshot's time).
    for (let i = 0; i < 60; i++) {
      const s = tick();
      expect(s.generator.ratePerSec).toBeLessThan(1_500);
      if (i > 40) expect(s.generator.ratePerSec).toBeGreaterThan(500);
    }
  });

  it("measures a new run from its start: a step down reads the new rate, not the old one's tail", () => {
    const { engine, step } = setup();
    const tick = () => {
      step(16_000);
      return engine.snapshot();
    };
    ok(engine, { type: 'startGenerator', spec: { ratePerSec: 2_000_000, seed: 5 } });
    for (let i = 0; i < 40; i++) tick();
    ok(engine, { type: 'startGenerator', spec: { ratePerSec: 200_000, seed: 5 } });
    // From the first snapshots of the new run: the half second of 2 M/s before had read as
    // 1.44 M/s, "catching up" beside 200 K/s asked.
    for (let i = 0; i < 10; i++) {
      const r = tick().generator.ratePerSec!;
      expect(r).toBeGreaterThan(150_000);
      expect(r).toBeLessThan(250_000);
    }
  });
});
