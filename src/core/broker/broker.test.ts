import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.ts';
import { createEnvelope } from '../message/envelope.ts';
import { K2KBroker } from './broker.ts';

const ts = { physical: 1, logical: 0, nodeId: 1 };
const env = (type = 1001) => createEnvelope({ messageType: type, timestamp: ts });
const clock = () => {
  let t = 1000;
  return { now: () => t, advance: (d: number) => (t += d) };
};

describe('K2KBroker', () => {
  it('has RingKernel defaults and stamps receipts with header time and delivery time', () => {
    const c = clock();
    const b = new K2KBroker({ now: c.now });
    expect(b.config).toEqual({
      maxPendingMessages: 1024,
      deliveryTimeoutMs: 5000,
      maxHops: 8,
      enableTracing: false,
    });
    const ep = b.register('k');
    c.advance(5);
    const e = env();
    const r = b.send('host', 'k', e);
    expect(r).toEqual({
      messageId: 1,
      source: 'host',
      destination: 'k',
      status: 'Delivered',
      timestamp: ts,
      deliveredAt: 1005,
      hops: 0,
    });
    expect(ep.pendingCount()).toBe(1);
    const m = ep.tryReceive()!;
    expect(m.envelope).toBe(e);
    expect(m.id).toBe(1);
    expect(ep.tryReceive()).toBeUndefined();
    expect(b.stats()).toEqual({
      registeredEndpoints: 1,
      messagesDelivered: 1,
      routesConfigured: 0,
      tenantCount: 1,
      crossTenantRejections: 0,
      deadLetters: 0,
    });
  });

  it('delivers by priority, FIFO within a priority', () => {
    const b = new K2KBroker({ now: () => 0 });
    const ep = b.register('k');
    b.sendPriority('host', 'k', env(1), 0);
    b.sendPriority('host', 'k', env(2), 128);
    b.sendPriority('host', 'k', env(3), 0);
    b.sendPriority('host', 'k', env(4), 128);
    const got = [1, 2, 3, 4].map(() => ep.tryReceive()!.envelope.header.messageType);
    expect(got).toEqual([2, 4, 1, 3]);
  });

  it('reports NotFound and dead-letters it', () => {
    const b = new K2KBroker({ now: () => 0 });
    expect(b.send('host', 'nobody', env()).status).toBe('NotFound');
    expect(b.browseDeadLetters()).toMatchObject([{ reason: 'NoRoute', destination: 'nobody' }]);
    expect(b.accounting().balanced).toBe(true);
  });

  it('refuses cross-tenant sends: throws, counts, dead-letters', () => {
    const b = new K2KBroker({ now: () => 0 });
    b.register('a', { tenantId: 1 });
    b.register('b', { tenantId: 2 });
    let err: unknown;
    try {
      b.send('a', 'b', env());
    } catch (e) {
      err = e;
    }
    expect(isCoreError(err, 'TENANT_MISMATCH')).toBe(true);
    expect(b.stats().crossTenantRejections).toBe(1);
    expect(b.stats().tenantCount).toBe(2);
    expect(b.browseDeadLetters({ reason: 'TenantMismatch' })).toHaveLength(1);
    // host is tenant 0: refused too
    expect(() => b.send('host', 'a', env())).toThrow(/TenantMismatch/);
    // an unregistered destination takes the source's tenant
    expect(b.send('a', 'ghost', env()).status).toBe('NotFound');
    expect(b.accounting()).toMatchObject({ balanced: true, in: 3 });
  });

  it('forwards through next hops, counting hops across forwards and enforcing maxHops', () => {
    const b = new K2KBroker({ now: () => 0, maxHops: 3 });
    const relay = b.register('relay');
    const dest = b.register('dest');
    b.unregister('dest');
    b.addRoute('dest', 'relay');
    const r1 = b.send('host', 'dest', env());
    expect(r1).toMatchObject({ status: 'Pending', hops: 1 });
    // loop: relay forwards to itself until maxHops
    let m = relay.tryReceive()!;
    expect(m.destination).toBe('dest');
    let r = relay.forward(m);
    expect(r).toMatchObject({ status: 'Pending', hops: 2, messageId: r1.messageId });
    m = relay.tryReceive()!;
    r = relay.forward(m);
    expect(r).toMatchObject({ status: 'Pending', hops: 3 });
    m = relay.tryReceive()!;
    r = relay.forward(m);
    expect(r).toMatchObject({ status: 'MaxHopsExceeded', hops: 4 });
    expect(b.browseDeadLetters()).toMatchObject([{ reason: 'MaxHopsExceeded', hops: 4 }]);
    // a registered destination is delivered with the hops so far
    const d2 = b.register('dest');
    b.send('host', 'dest', env()); // delivered directly now
    expect(d2.tryReceive()!.hops).toBe(0);
    expect(dest.pendingCount()).toBe(0);
    expect(b.accounting()).toMatchObject({ balanced: true, forwarded: 3 });
  });

  it("'reject' reports QueueFull and keeps the message as a Rejected dead letter", () => {
    const b = new K2KBroker({ now: () => 0 });
    b.register('k', { capacity: 2 });
    expect(b.send('host', 'k', env(1)).status).toBe('Delivered');
    expect(b.send('host', 'k', env(2)).status).toBe('Delivered');
    expect(b.send('host', 'k', env(3)).status).toBe('QueueFull');
    expect(b.browseDeadLetters()).toMatchObject([{ reason: 'Rejected', typeId: 3 }]);
    expect(b.accounting()).toMatchObject({ balanced: true, queued: 2, failed: { QueueFull: 1 } });
  });

  it("'dropOldest' evicts the oldest lowest-priority message into the dead letters", () => {
    const b = new K2KBroker({ now: () => 0 });
    const ep = b.register('k', { capacity: 2, overflowPolicy: 'dropOldest' });
    b.sendPriority('host', 'k', env(1), 9);
    b.sendPriority('host', 'k', env(2), 1);
    expect(b.sendPriority('host', 'k', env(3), 1).status).toBe('Delivered');
    expect(b.browseDeadLetters()).toMatchObject([{ reason: 'DroppedOldest', typeId: 2 }]);
    expect(ep.peekAll().map((m) => m.envelope.header.messageType)).toEqual([1, 3]);
    expect(b.accounting()).toMatchObject({ balanced: true, droppedOldest: 1 });
  });

  it("'deadLetter' parks the message for replay, and replay by destination delivers it", () => {
    const b = new K2KBroker({ now: () => 0 });
    const ep = b.register('k', { capacity: 1, overflowPolicy: 'deadLetter' });
    b.send('host', 'k', env(1));
    expect(b.send('host', 'k', env(2)).status).toBe('QueueFull');
    expect(b.browseDeadLetters({ reason: 'QueueFull', destination: 'k' })).toHaveLength(1);
    ep.tryReceive();
    const receipts = b.replayDeadLetters({ destination: 'k' });
    expect(receipts.map((r) => r.status)).toEqual(['Delivered']);
    expect(ep.tryReceive()!.envelope.header.messageType).toBe(2);
    expect(b.deadLetters.size).toBe(0);
    expect(b.accounting()).toMatchObject({ balanced: true, replayed: 1, in: 3 });
  });

  it('replays to another kernel by filter', () => {
    const b = new K2KBroker({ now: () => 0 });
    b.send('host', 'gone', env(7));
    b.send('host', 'gone', env(8));
    const other = b.register('other');
    const rs = b.replayDeadLetters({ typeId: 8, to: 'other' });
    expect(rs).toHaveLength(1);
    expect(other.tryReceive()!.envelope.header.messageType).toBe(8);
    expect(b.browseDeadLetters().map((l) => l.typeId)).toEqual([7]);
  });

  it('bounds the dead-letter queue, evicting and counting the oldest; expires by age', () => {
    const c = clock();
    const b = new K2KBroker({ now: c.now, deadLetterMaxSize: 3, deadLetterMaxAgeMs: 1 });
    for (let i = 1; i <= 5; i++) b.send('host', 'x', env(i));
    expect(b.browseDeadLetters().map((l) => l.typeId)).toEqual([3, 4, 5]);
    expect(b.deadLetters.stats()).toMatchObject({ added: 5, evicted: 2, depth: 3 });
    c.advance(1001);
    expect(b.browseDeadLetters()).toEqual([]);
    expect(b.accounting()).toMatchObject({
      balanced: true,
      deadLetterQueue: { expired: 3, evicted: 2 },
    });
  });

  it('receive() resolves when a message arrives and rejects on unregister', async () => {
    const b = new K2KBroker({ now: () => 0 });
    const ep = b.register('k');
    const p = ep.receive();
    b.send('host', 'k', env(42));
    expect((await p).envelope.header.messageType).toBe(42);
    const q = ep.receive();
    b.unregister('k');
    await expect(q).rejects.toMatchObject({ code: 'ENDPOINT_CLOSED' });
  });

  it('unregistering dead-letters what was still queued', () => {
    const b = new K2KBroker({ now: () => 0 });
    b.register('k');
    b.send('host', 'k', env(1));
    b.unregister('k');
    expect(b.browseDeadLetters()).toMatchObject([{ reason: 'Unregistered' }]);
    expect(b.accounting()).toMatchObject({ balanced: true, unregistered: 1, queued: 0 });
  });
});

describe('trusted sources', () => {
  it('lets a trusted unregistered source reach any tenant while kernels stay apart', async () => {
    const { K2KBroker } = await import('./broker.ts');
    const { DispatcherBuilder } = await import('../dispatcher/builder.ts');
    const { createEnvelope } = await import('../message/envelope.ts');
    const ts = { physical: 1, logical: 0, nodeId: 1 };
    const broker = new K2KBroker({ now: () => 1, trustedSources: ['host'] });
    broker.register('a', { tenantId: 1 });
    broker.register('b', { tenantId: 2 });
    const d = new DispatcherBuilder().routeRaw(7, 'a').routeRaw(8, 'b').buildWithBroker(broker);
    expect(d.dispatch(createEnvelope({ messageType: 7, timestamp: ts })).status).toBe('Delivered');
    expect(d.dispatch(createEnvelope({ messageType: 8, timestamp: ts })).status).toBe('Delivered');
    const statuses = new Uint8Array(2);
    d.dispatchBatch({ typeIds: new Float64Array([7, 8]), count: 2 }, statuses);
    expect([...statuses]).toEqual([0, 0]);
    // Kernel to kernel across tenants is still refused.
    expect(() => broker.send('a', 'b', createEnvelope({ messageType: 8, timestamp: ts }))).toThrow(
      /TenantMismatch/,
    );
    // Without trust (the seed's rule) an unregistered source is tenant 0.
    const strict = new K2KBroker({ now: () => 1 });
    strict.register('a', { tenantId: 1 });
    expect(() =>
      strict.send('host', 'a', createEnvelope({ messageType: 7, timestamp: ts })),
    ).toThrow(/TenantMismatch/);
  });
});
