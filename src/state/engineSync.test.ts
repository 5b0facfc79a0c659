import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { syncCommands } from './engineSync';

describe('syncCommands', () => {
  it('sends nothing when nothing changed', () => {
    const c = demoConfig();
    expect(
      syncCommands(c, { ...c, layout: { ...(c.layout ?? {}), 'type:1001': { x: 1, y: 2 } } }),
    ).toEqual([]);
  });

  it('turns a moved route into one setRoute', () => {
    const a = demoConfig();
    const b = {
      ...a,
      routes: a.routes.map((r) => (r.typeId === 1001 ? { ...r, kernelId: 'aggregator' } : r)),
    };
    expect(syncCommands(a, b)).toEqual([
      { type: 'setRoute', typeId: 1001, kernelId: 'aggregator' },
    ]);
  });

  it('removes routes before the kernel they point at, and upserts changed kernels', () => {
    const a = demoConfig();
    const b = {
      ...a,
      kernels: a.kernels
        .filter((k) => k.id !== 'aggregator')
        .map((k) => (k.id === 'alert_sink' ? { ...k, queueCapacity: 64 } : k)),
      routes: a.routes.filter((r) => r.kernelId !== 'aggregator'),
    };
    const cmds = syncCommands(a, b).map((c) => c.type);
    expect(cmds.indexOf('removeRoute')).toBeLessThan(cmds.indexOf('removeKernel'));
    expect(cmds).toContain('upsertKernel');
  });

  it("puts a renamed kernel at its place in the page's order, and the engine lists it there", async () => {
    const { createEngine } = await import('../engine/engine');
    const a = demoConfig();
    const b = {
      ...a,
      kernels: a.kernels.map((k) => (k.id === 'aggregator' ? { ...k, id: 'agg2' } : k)),
      routes: a.routes.map((r) => (r.kernelId === 'aggregator' ? { ...r, kernelId: 'agg2' } : r)),
    };
    const cmds = syncCommands(a, b);
    expect(cmds).toContainEqual({ type: 'upsertKernel', kernel: b.kernels[1], at: 1 });
    const engine = createEngine({ config: a, now: () => 1_000_000 });
    for (const cmd of cmds) expect(engine.command(cmd)).toMatchObject({ ok: true });
    // Second, as in the config and the Inspector: it had gone to the end of the list.
    expect(engine.snapshot().kernels.map((k) => k.id)).toEqual(b.kernels.map((k) => k.id));
    // An edit keeps a kernel's place.
    const c = {
      ...b,
      kernels: b.kernels.map((k) => (k.id === 'fraud_processor' ? { ...k, queueCapacity: 64 } : k)),
    };
    for (const cmd of syncCommands(b, c)) engine.command(cmd);
    expect(engine.snapshot().kernels.map((k) => k.id)).toEqual(c.kernels.map((k) => k.id));
    engine.destroy();
  });
});
