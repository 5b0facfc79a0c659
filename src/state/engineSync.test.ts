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
});
