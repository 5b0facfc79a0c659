import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import type { RouteConfig } from './schema.ts';
import { validateWorkspace, type ProblemCode } from './validate.ts';

const codes = (c: RouteConfig): ProblemCode[] => validateWorkspace(c).map((p) => p.code);

describe('validateWorkspace', () => {
  it('finds nothing wrong with the demo', () => {
    expect(validateWorkspace(demoConfig())).toEqual([]);
  });

  it('flags an unrouted type, but not a response type', () => {
    const demo = demoConfig();
    const problems = validateWorkspace({
      ...demo,
      routes: demo.routes.filter((r) => r.typeId !== 1002),
    });
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'unrouted-type',
        severity: 'warning',
        target: { kind: 'type', id: '1002' },
      }),
    );
    expect(problems.some((p) => p.target.id === '1004')).toBe(false);
  });

  it('flags a kernel with no incoming route; a K2K next hop counts as incoming', () => {
    const demo = demoConfig();
    const lonely = { ...demo.kernels[0]!, id: 'lonely' };
    const c = { ...demo, kernels: [...demo.kernels, lonely] };
    expect(validateWorkspace(c)).toContainEqual(
      expect.objectContaining({
        code: 'kernel-no-incoming',
        target: { kind: 'kernel', id: 'lonely' },
      }),
    );
    expect(codes({ ...c, k2kRoutes: [{ dest: 'alert_sink', nextHop: 'lonely' }] })).not.toContain(
      'kernel-no-incoming',
    );
  });

  it('flags duplicate handler ids within one kernel only', () => {
    const demo = demoConfig();
    const types = demo.messageTypes.map((t) => (t.typeId === 1002 ? { ...t, handlerId: 1 } : t));
    expect(codes({ ...demo, messageTypes: types })).toEqual([]);
    const sameKernel = {
      ...demo,
      messageTypes: types,
      routes: demo.routes.map((r) =>
        r.typeId === 1002 ? { ...r, kernelId: 'fraud_processor' } : r,
      ),
    };
    const problems = validateWorkspace(sameKernel);
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'duplicate-handler-id',
        severity: 'error',
        target: { kind: 'type', id: '1002' },
      }),
      expect.objectContaining({
        code: 'kernel-no-incoming',
        target: { kind: 'kernel', id: 'aggregator' },
      }),
    ]);
    expect(problems[0]!.message).toContain('duplicate handler id 1');
  });

  it('flags type ids outside u64 and reused type ids', () => {
    const demo = demoConfig();
    const t = demo.messageTypes[0]!;
    const c = {
      ...demo,
      messageTypes: [
        ...demo.messageTypes,
        { ...t, name: 'Again' },
        { ...t, typeId: '18446744073709551616', name: 'Big' },
        { ...t, typeId: -1, name: 'Neg' },
      ],
    };
    const problems = validateWorkspace(c);
    expect(problems.filter((p) => p.code === 'type-id-reused')).toEqual([
      expect.objectContaining({ target: { kind: 'type', id: '1001' } }),
    ]);
    expect(
      problems.filter((p) => p.code === 'type-id-out-of-range').map((p) => p.target.id),
    ).toEqual(['18446744073709551616', '-1']);
  });

  it('flags K2K routes between kernels of different tenants, tenant 0 included (the broker refuses them)', () => {
    const demo = demoConfig();
    const kernels = demo.kernels.map((k) =>
      k.id === 'aggregator'
        ? { ...k, tenantId: 1 }
        : k.id === 'alert_sink'
          ? { ...k, tenantId: 2 }
          : k,
    );
    const cross = { ...demo, kernels, k2kRoutes: [{ dest: 'alert_sink', nextHop: 'aggregator' }] };
    expect(validateWorkspace(cross)).toContainEqual(
      expect.objectContaining({
        code: 'cross-tenant-route',
        severity: 'error',
        target: { kind: 'k2k', id: 'alert_sink' },
      }),
    );
    const withZero = { ...cross, k2kRoutes: [{ dest: 'fraud_processor', nextHop: 'aggregator' }] };
    expect(codes(withZero)).toContain('cross-tenant-route');
    const sameTenant = {
      ...demo,
      k2kRoutes: [{ dest: 'pattern_detector', nextHop: 'fraud_processor' }],
    };
    expect(codes(sameTenant)).not.toContain('cross-tenant-route');
  });

  it('flags K2K hop chains that loop or exceed maxHops', () => {
    const demo = demoConfig();
    const ids = Array.from({ length: 5 }, (_, i) => `k${i}`);
    const kernels = [...demo.kernels, ...ids.map((id) => ({ ...demo.kernels[0]!, id }))];
    const chain = ids.slice(0, -1).map((id, i) => ({ dest: id, nextHop: ids[i + 1]! }));
    const long = { ...demo, kernels, k2kRoutes: chain, broker: { ...demo.broker, maxHops: 3 } };
    const hops = validateWorkspace(long).filter((p) => p.code === 'k2k-max-hops');
    expect(hops.map((p) => p.target.id)).toEqual(['k0']);
    expect(codes({ ...long, broker: { ...demo.broker, maxHops: 4 } })).not.toContain(
      'k2k-max-hops',
    );
    const loop = { ...demo, kernels, k2kRoutes: [...chain, { dest: 'k4', nextHop: 'k1' }] };
    const loops = validateWorkspace(loop).filter((p) => p.code === 'k2k-loop');
    expect(loops.length).toBeGreaterThan(0);
    expect(loops[0]!.message).toContain('"k1" -> "k2" -> "k3" -> "k4" -> "k1"');
    expect(
      codes({ ...demo, k2kRoutes: [{ dest: 'aggregator', nextHop: 'aggregator' }] }),
    ).toContain('k2k-loop');
  });

  it('flags routes and K2K routes that name missing kernels (editor states)', () => {
    const demo = demoConfig();
    const c = {
      ...demo,
      routes: [{ typeId: 1001, kernelId: 'gone' }],
      k2kRoutes: [{ dest: 'gone', nextHop: 'aggregator' }],
    };
    expect(codes(c)).toEqual(
      expect.arrayContaining(['route-unknown-kernel', 'k2k-unknown-kernel']),
    );
  });
});

describe('cross-tenant alerts', () => {
  it('flags an alert type a fraud kernel emits into another tenant', () => {
    const c = demoConfig();
    c.kernels = c.kernels.map((k) =>
      k.id === 'fraud_processor'
        ? { ...k, tenantId: 1 }
        : k.id === 'alert_sink'
          ? { ...k, tenantId: 2 }
          : k,
    );
    const p = validateWorkspace(c).filter((x) => x.code === 'cross-tenant-route');
    expect(p).toHaveLength(1);
    expect(p[0]?.target).toEqual({ kind: 'route', id: '1010' });
    c.kernels = c.kernels.map((k) => (k.id === 'alert_sink' ? { ...k, tenantId: 1 } : k));
    expect(validateWorkspace(c).some((x) => x.code === 'cross-tenant-route')).toBe(false);
  });
});
