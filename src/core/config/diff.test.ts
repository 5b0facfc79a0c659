import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { diffConfigs } from './diff.ts';

describe('diffConfigs', () => {
  it('reports identical configs as identical', () => {
    const d = diffConfigs(demoConfig(), demoConfig());
    expect(d.summary).toEqual({ added: 0, removed: 0, changed: 0, identical: true });
  });

  it('lists added, removed and changed entities with field-level before/after', () => {
    const before = demoConfig();
    const after = demoConfig();
    after.name = 'Renamed';
    after.broker.maxHops = 4;
    after.kernels = after.kernels.filter((k) => k.id !== 'alert_sink');
    after.kernels.push({ ...after.kernels[0]!, id: 'new_kernel' });
    after.kernels[0]!.queueCapacity = 8192;
    after.routes = after.routes.filter((r) => r.typeId !== 1010);
    after.routes[1] = { typeId: 1002, kernelId: 'new_kernel' };
    after.messageTypes[0]!.name = 'Txn';
    after.k2kRoutes = [{ dest: 'aggregator', nextHop: 'new_kernel' }];
    after.layout = {};

    const d = diffConfigs(before, after);
    expect(d.name).toEqual({ field: 'name', before: 'Fraud detection (demo)', after: 'Renamed' });
    expect(d.broker).toEqual([{ field: 'maxHops', before: 8, after: 4 }]);
    expect(d.kernels).toEqual([
      expect.objectContaining({
        kind: 'changed',
        key: 'fraud_processor',
        fields: [{ field: 'queueCapacity', before: 4096, after: 8192 }],
      }),
      expect.objectContaining({ kind: 'removed', key: 'alert_sink' }),
      expect.objectContaining({ kind: 'added', key: 'new_kernel' }),
    ]);
    expect(d.routes).toEqual([
      expect.objectContaining({
        kind: 'changed',
        key: '1002',
        fields: [{ field: 'kernelId', before: 'aggregator', after: 'new_kernel' }],
      }),
      expect.objectContaining({ kind: 'removed', key: '1010' }),
    ]);
    expect(d.types).toEqual([
      expect.objectContaining({
        kind: 'changed',
        key: '1001',
        fields: [{ field: 'name', before: 'Transaction', after: 'Txn' }],
      }),
    ]);
    expect(d.k2kRoutes).toEqual([expect.objectContaining({ kind: 'added', key: 'aggregator' })]);
    expect(d.layoutChanged).toBe(true);
    // 2 added (kernel, k2k); 2 removed (kernel, route); 3 changed entities + broker + name.
    expect(d.summary).toEqual({ added: 2, removed: 2, changed: 5, identical: false });
  });

  it('matches type ids across number and string forms', () => {
    const before = demoConfig();
    const after = demoConfig();
    after.routes[0] = { ...after.routes[0]!, typeId: '1001' };
    expect(diffConfigs(before, after).routes).toEqual([
      expect.objectContaining({
        kind: 'changed',
        key: '1001',
        fields: [{ field: 'typeId', before: 1001, after: '1001' }],
      }),
    ]);
  });
});
