import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createEngine, type Engine } from './engine';
import type { EngineCommand } from './protocol';
import { expectBalanced, ok as okReply, setupEngine } from './test-util';

function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

describe('engine batch dispatch through a next hop', () => {
  it.each([0, 100_000])(
    'counts Pending as Pending and draws the edge to the hop (receipt cap %i)',
    (cap) => {
      let t = 1_000_000;
      const e = createEngine({ config: demoConfig(), now: () => t });
      ok(e, { type: 'setSampling', perSnapshotCap: cap });
      ok(e, { type: 'setRoute', typeId: 9000, kernelId: 'ghost' });
      ok(e, { type: 'setK2kRoute', dest: 'ghost', nextHop: 'alert_sink' });
      ok(e, {
        type: 'startGenerator',
        spec: {
          ratePerSec: 1000,
          pattern: 'constant',
          mix: [{ typeId: 9000, weight: 1 }],
          durationMs: 10,
          seed: 1,
        },
      });
      t += 5000;
      e.tick();
      const s = e.snapshot();
      expect(s.receipts.byStatus.Delivered).toBe(0);
      expect(s.receipts.byStatus.Pending).toBeGreaterThan(0);
      const fromType = s.edges.filter((x) => x.source === 'type:9000');
      expect(fromType.map((x) => x.target)).toEqual(['alert_sink']);
      expect(s.broker.balanced).toBe(true);
    },
  );
});

describe('engine redrive and tenants', () => {
  it('redrives a host letter into any tenant, as the host may inject there directly', () => {
    let t = 1_000_000;
    const cfg = demoConfig();
    const e = createEngine({ config: cfg, now: () => t });
    const sink = cfg.kernels.find((k) => k.id === 'alert_sink')!;
    ok(e, { type: 'upsertKernel', kernel: { ...sink, tenantId: 5 } });
    ok(e, { type: 'inject', typeId: 4242, count: 1 });
    const r = ok(e, { type: 'redrive', filter: { typeIds: [4242] }, target: 'alert_sink' });
    expect(r.redrive).toMatchObject({ selected: 1, redriven: 1, refusedCrossTenant: 0 });
    t += 1000;
    e.tick();
    expect(e.snapshot().broker.balanced).toBe(true);
  });

  it('still refuses a kernel letter of another tenant', () => {
    const cfg = demoConfig();
    const e = createEngine({ config: cfg, now: () => 1_000_000 });
    const sink = cfg.kernels.find((k) => k.id === 'alert_sink')!;
    ok(e, { type: 'inject', typeId: 4242, count: 1, source: 'fraud_processor' });
    ok(e, { type: 'upsertKernel', kernel: { ...sink, tenantId: 5 } });
    const r = ok(e, { type: 'redrive', filter: { typeIds: [4242] }, target: 'alert_sink' });
    expect(r.redrive).toMatchObject({ selected: 1, redriven: 0, refusedCrossTenant: 1 });
  });
});

/**
 * 256 alerts sent by the host, then 4,096 large transactions (each raising an alert) for the
 * fraud kernel; engine time moves on (`later`) and everything drains.
 */
function alertsMeetABacklog(e: Engine, later: () => void) {
  ok(e, { type: 'inject', typeId: 1010, count: 256 });
  ok(e, { type: 'inject', typeId: 1001, count: 4096, payload: { amount: 15_000 } });
  later();
  e.tick();
  e.drain();
  const s = e.snapshot();
  return { s, by: (id: string) => s.kernels.find((k) => k.id === id)! };
}

describe('engine kernels draining in turn', () => {
  it('drains a backlog a batch per kernel in turn, so the alerts it raises fit the sink', () => {
    let t = 1_000_000;
    const e = createEngine({ config: demoConfig(), now: () => t });
    // 4,096 large transactions wait for the fraud kernel (its queue's capacity); each raises an
    // alert for alert_sink, whose queue holds 1,024.
    ok(e, { type: 'inject', typeId: 1001, count: 4096, payload: { amount: 15_000 } });
    expect(e.snapshot().kernels.find((k) => k.id === 'fraud_processor')!.queued).toBe(4096);
    // The generator's first chunk lets every kernel drain: the backlog goes too, in turns.
    ok(e, {
      type: 'startGenerator',
      spec: { ratePerSec: 100_000, seed: 1, mix: [{ typeId: 1002, weight: 1 }] },
    });
    t += 10_000;
    e.tick();
    e.drain();
    const s = e.snapshot();
    const by = (id: string) => s.kernels.find((k) => k.id === id)!;
    expect(by('fraud_processor')).toMatchObject({ processed: 4096, emitted: 4096 });
    expect(by('alert_sink')).toMatchObject({ processed: 4096, dropped: 0 });
    expect(by('aggregator').processed).toBeGreaterThan(0);
    expect(s.accounting).toMatchObject({ deadLettered: 0, balanced: true });
  });

  it('drains a kernel before the kernel that feeds it, so alerts already queued at the sink and a full batch of new ones both fit', () => {
    let t = 1_000_000;
    const e = createEngine({ config: demoConfig(), now: () => t });
    // alert_sink (queue 1,024) holds 256 alerts sent by the host; 4,096 large transactions wait
    // for the fraud kernel, each raising an alert. The kernel's first batch of 1,024 alerts
    // meets the sink after the sink took its 256: in the config's order (fraud first) 256 of
    // them had been refused as QueueFull.
    const { s, by } = alertsMeetABacklog(e, () => (t += 1000));
    expect(by('fraud_processor')).toMatchObject({ processed: 4096, emitted: 4096 });
    expect(by('alert_sink')).toMatchObject({ processed: 4096 + 256, dropped: 0 });
    expect(s.deadLetters.count).toBe(0);
    expect(s.accounting).toMatchObject({ deadLettered: 0, balanced: true });
  });

  it("leaves no kernel's last batch of alerts queued at the sink when the time slice ends", () => {
    let t = 1_000_000;
    // Every reading of the measuring clock is a millisecond later: a slice of 1 ms ends after
    // the first round of draining.
    let ms = 0;
    const e = createEngine({ config: demoConfig(), now: () => t, clock: () => (ms += 1) });
    ok(e, { type: 'inject', typeId: 1001, count: 1024, payload: { amount: 15_000 } });
    t += 1000;
    e.tick(1);
    const sink = () => e.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    // The fraud kernel took its 1,024 and raised 1,024 alerts; the sink took them before the
    // tick ended (they had waited there, the sink's queue full, for the next tick).
    expect(e.snapshot().kernels.find((k) => k.id === 'fraud_processor')!.processed).toBe(1024);
    expect(sink()).toMatchObject({ queued: 0, processed: 1024 });
    // The host's alerts sent before the next tick find room.
    ok(e, { type: 'inject', typeId: 1010, count: 256 });
    t += 1000;
    e.tick();
    expect(sink()).toMatchObject({ processed: 1024 + 256, dropped: 0 });
    expect(e.snapshot().accounting).toMatchObject({ deadLettered: 0, balanced: true });
  });

  it('drains the kernel the alerts are routed to now before the fraud kernel, before any alert has reached it', () => {
    let t = 1_000_000;
    const config = demoConfig();
    // A second sink, listed last, that the alerts are routed to once the engine has drained.
    config.kernels = [
      ...config.kernels,
      { ...config.kernels.find((k) => k.id === 'alert_sink')!, id: 'sink2' },
    ];
    const e = createEngine({ config, now: () => t });
    t += 1000;
    e.tick();
    ok(e, { type: 'setRoute', typeId: 1010, kernelId: 'sink2' });
    const { s, by } = alertsMeetABacklog(e, () => (t += 1000));
    expect(by('sink2')).toMatchObject({ processed: 4096 + 256, dropped: 0 });
    expect(by('alert_sink').processed).toBe(0);
    expect(s.accounting).toMatchObject({ deadLettered: 0, balanced: true });
  });
});

describe('responses', () => {
  it("answer with the type the request's config names, whatever the kernel emits on its own", () => {
    const config = demoConfig();
    config.messageTypes.push(
      {
        typeId: 2006,
        name: 'RingCheck',
        requiresResponse: true,
        responseTypeId: 2007,
        fields: [
          { name: 'account', type: 'u32' },
          { name: 'counterparty', type: 'u32' },
        ],
      },
      {
        typeId: 2007,
        name: 'RingResult',
        fields: [
          { name: 'account', type: 'u32' },
          { name: 'patternKind', type: 'u8' },
        ],
      },
    );
    config.routes.push({ typeId: 2006, kernelId: 'pattern_detector' });
    const { engine, step } = setupEngine(config);
    okReply(engine, { type: 'inject', typeId: 2006, count: 3, payload: { account: 41 } });
    okReply(engine, { type: 'inject', typeId: 1003, count: 2 });
    step();
    const s = engine.snapshot();
    const answers = s.receipts.recent.filter((r) => r.destination === 'host');
    // The pattern kernel's own answer is a PatternResult (1004): the demo's PatternCheck names it.
    expect(answers.map((r) => String(r.typeId)).sort()).toEqual([
      '1004',
      '1004',
      '2007',
      '2007',
      '2007',
    ]);
    const ring = answers.find((r) => String(r.typeId) === '2007')!;
    // Converted into the response type's fields by name: the request's account comes back.
    expect(new DataView(ring.payload.buffer, ring.payload.byteOffset).getUint32(0, true)).toBe(41);
    expect(ring.payload.byteLength).toBe(5);
    const emits = (target: string) =>
      s.edges.find((e) => e.source === 'pattern_detector' && e.target === target)?.total ?? 0;
    expect(emits('type:2007')).toBe(3);
    expect(emits('type:1004')).toBe(2);
    expectBalanced(s);
  });
});
