import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createEngine, type Engine } from './engine';
import type { EngineCommand } from './protocol';

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
