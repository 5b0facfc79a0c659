import { describe, expect, it } from 'vitest';
import { KernelDispatcher } from '../dispatcher/dispatcher.ts';
import { createEnvelope } from '../message/envelope.ts';
import { TenantMismatchError, K2KBroker } from './broker.ts';
import { StatusCode } from './types.ts';

const ts = { physical: 1, logical: 0, nodeId: 1 };
const env = (type = 1) => createEnvelope({ messageType: type, timestamp: ts });

describe('tenancy on every path', () => {
  it('refuses a next hop of another tenant: throws, counts, dead-letters, stays balanced', () => {
    const b = new K2KBroker({ now: () => 0 });
    b.register('a', { tenantId: 1 });
    const hop = b.register('hop', { tenantId: 2 });
    b.addRoute('ghost', 'hop');
    expect(() => b.send('a', 'ghost', env())).toThrow(TenantMismatchError);
    expect(hop.tryReceive()).toBeUndefined();
    expect(b.stats().crossTenantRejections).toBe(1);
    const a = b.accounting();
    expect(a.failed.TenantMismatch).toBe(1);
    expect(a.balanced).toBe(true);
    expect(b.browseDeadLetters().map((l) => [l.reason, l.tenantId])).toEqual([
      ['TenantMismatch', 1],
    ]);
  });

  it('refuses a forward into a final destination of another tenant', () => {
    const b = new K2KBroker({ now: () => 0 });
    b.register('a', { tenantId: 1 });
    const hop = b.register('hop', { tenantId: 1 });
    b.addRoute('d', 'hop');
    expect(b.send('a', 'd', env()).status).toBe('Pending');
    const d = b.register('d', { tenantId: 2 });
    const m = hop.tryReceive()!;
    expect(() => hop.forward(m)).toThrow(TenantMismatchError);
    expect(d.tryReceive()).toBeUndefined();
    expect(b.accounting()).toMatchObject({ balanced: true, failed: { TenantMismatch: 1 } });
  });

  it('forwardRef and the batch slow path report TenantMismatch; the dispatcher counts nothing', () => {
    const b = new K2KBroker({ now: () => 0 });
    b.register('a', { tenantId: 1 });
    b.register('hop', { tenantId: 2 });
    b.addRoute('ghost', 'hop');
    expect(b.forwardRef(7, 'a', 'ghost', 1, 0, 0, 1, 0)).toBe(StatusCode.TenantMismatch);
    const d = new KernelDispatcher(b);
    d.register({ typeId: 1, name: 'T' }, 'ghost');
    const st = new Uint8Array(1);
    const accepted = d.dispatchBatch({ count: 1, typeIds: new Float64Array([1]), source: 'a' }, st);
    expect(accepted).toBe(0);
    expect(st[0]).toBe(StatusCode.TenantMismatch);
    expect(d.metrics()).toEqual({
      messagesDispatched: 0,
      messagesDelivered: 0,
      unknownTypeErrors: 0,
      deliveryErrors: 0,
    });
    expect(b.accounting()).toMatchObject({ balanced: true, failed: { TenantMismatch: 2 } });
  });
});

describe('reregister and tenants', () => {
  it('dead-letters queued messages of the old tenant when a kernel changes tenant', () => {
    const b = new K2KBroker({ now: () => 0, trustedSources: ['host'] });
    b.register('a', { tenantId: 1 });
    b.register('k', { tenantId: 1 });
    b.send('a', 'k', env(1));
    b.send('host', 'k', env(2));
    const k2 = b.reregister('k', { tenantId: 2 });
    const got = k2.tryReceive()!;
    expect([got.source, got.tenantId]).toEqual(['host', 2]);
    expect(k2.tryReceive()).toBeUndefined();
    expect(b.browseDeadLetters().map((l) => [l.reason, l.source, l.tenantId])).toEqual([
      ['TenantMismatch', 'a', 1],
    ]);
    expect(b.stats().crossTenantRejections).toBe(1);
    expect(b.accounting()).toMatchObject({ balanced: true, failed: { TenantMismatch: 1 } });
  });
});

describe('replay and tenants', () => {
  it("replays a letter as its own tenant once its source is gone, refusing other tenants' kernels", () => {
    const b = new K2KBroker({ now: () => 0 });
    b.register('a', { tenantId: 1 });
    b.register('full', { tenantId: 1, capacity: 1 });
    b.send('a', 'full', env());
    b.send('a', 'full', env());
    const other = b.register('other', { tenantId: 0 });
    const same = b.register('same', { tenantId: 1 });
    b.unregister('a');
    expect(b.replayDeadLetters({ reason: 'Rejected', to: 'other' })).toEqual([]);
    expect(other.tryReceive()).toBeUndefined();
    const [letter] = b.browseDeadLetters({ reason: 'TenantMismatch' });
    expect(letter?.tenantId).toBe(1);
    expect(b.replayDeadLetters({ reason: 'TenantMismatch', to: 'same' })[0]?.status).toBe(
      'Delivered',
    );
    expect(same.tryReceive()?.tenantId).toBe(1);
    expect(b.accounting().balanced).toBe(true);
  });

  it('replays a trusted source letter into the destination tenant', () => {
    const b = new K2KBroker({ now: () => 0, trustedSources: ['host'] });
    b.send('host', 'later', env());
    const k = b.register('later', { tenantId: 4 });
    expect(b.replayDeadLetters({ reason: 'NoRoute' })[0]?.status).toBe('Delivered');
    expect(k.tryReceive()?.tenantId).toBe(4);
  });
});

describe('reregister with invalid options', () => {
  it.each([{ tenantId: -1 }, { capacity: 0 }, { overflowPolicy: 'nope' as never }])(
    'refuses %o and keeps the kernel and its queued messages',
    (options) => {
      const b = new K2KBroker({ now: () => 0 });
      const k = b.register('k');
      b.send('host', 'k', env());
      b.send('host', 'k', env());
      expect(() => b.reregister('k', options)).toThrow(/must be/);
      expect(b.getEndpoint('k')).toBe(k);
      expect(k.pendingCount()).toBe(2);
      expect(b.accounting()).toMatchObject({ balanced: true, queued: 2 });
    },
  );
});
