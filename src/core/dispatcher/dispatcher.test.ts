import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HlcClock } from '../clock/hlc.ts';
import { isCoreError } from '../errors.ts';
import { K2KBroker, TenantMismatchError } from '../broker/broker.ts';
import { StatusCode, type DeliveryReceipt } from '../broker/types.ts';
import { createEnvelope } from '../message/envelope.ts';
import { DispatcherBuilder } from './builder.ts';
import type { MessageType } from './types.ts';

/** The seed's TestRequest: type 5001, handler 1, requires a response, 8-byte payload. */
const TestRequest: MessageType = {
  typeId: 5001,
  name: 'TestRequest',
  handlerId: 1,
  requiresResponse: true,
  payloadSize: 8,
};
const clock = () => new HlcClock(1, { now: () => 1_000_000 });

describe("the seed's tests", () => {
  it('test_dispatcher_builder', () => {
    const d = new DispatcherBuilder().route(TestRequest, 'test_kernel').build();
    expect(d.hasRoute(5001)).toBe(true);
    expect(d.getRoute(5001)).toBe('test_kernel');
  });
  it('test_dispatcher_registration', () => {
    const d = new DispatcherBuilder().build();
    d.register(TestRequest, 'processor');
    expect(d.hasRoute(5001)).toBe(true);
    expect(d.getRoute(5001)).toBe('processor');
  });
  it('test_dispatcher_unregister', () => {
    const d = new DispatcherBuilder().route(TestRequest, 'processor').build();
    expect(d.hasRoute(5001)).toBe(true);
    d.unregister(5001);
    expect(d.hasRoute(5001)).toBe(false);
  });
  it('test_dispatcher_routes', () => {
    const d = new DispatcherBuilder()
      .route(TestRequest, 'kernel_a')
      .routeRaw(9999, 'kernel_b')
      .build();
    const routes = d.routes();
    expect(routes).toHaveLength(2);
    expect(routes).toContainEqual([5001, 'kernel_a']);
    expect(routes).toContainEqual([9999, 'kernel_b']);
  });
  it('test_dispatch_table_generation', () => {
    const d = new DispatcherBuilder().route(TestRequest, 'test_kernel').build();
    const table = d.getDispatchTable('test_kernel')!;
    expect(table).toBeDefined();
    expect(table.len()).toBe(1);
    const h = table.get(1)!;
    expect(h.handlerId).toBe(1);
    expect(h.messageTypeId).toBe(5001);
    expect(h.requiresResponse).toBe(true);
    expect(h.responseTypeId).toBe(0); // the seed's placeholder when the type declares none
  });
  it('test_dispatch_unknown_type', () => {
    const d = new DispatcherBuilder().build();
    const e = createEnvelope({ messageType: 9999, timestamp: clock().now() });
    let err: unknown;
    try {
      d.dispatch(e);
    } catch (x) {
      err = x;
    }
    expect(isCoreError(err, 'UNKNOWN_MESSAGE_TYPE')).toBe(true);
    expect((err as Error).message).toContain('No route for message type_id: 9999');
    expect(d.metrics()).toMatchObject({ messagesDispatched: 1, unknownTypeErrors: 1 });
  });
  it('test_dispatch_to_registered_kernel', () => {
    const broker = new K2KBroker();
    const ep = broker.register('test_kernel');
    const d = new DispatcherBuilder().route(TestRequest, 'test_kernel').buildWithBroker(broker);
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setBigUint64(0, 42n, true);
    const r = d.dispatch(createEnvelope({ messageType: 5001, payload, timestamp: clock().now() }));
    expect(r.status).toBe('Delivered');
    expect(d.metrics()).toMatchObject({ messagesDispatched: 1, messagesDelivered: 1 });
    const m = ep.tryReceive()!;
    expect(new DataView(m.envelope.payload.buffer).getBigUint64(0, true)).toBe(42n);
  });
  it('test_metrics_reset', () => {
    const broker = new K2KBroker();
    broker.register('k');
    const d = new DispatcherBuilder().routeRaw(1, 'k').buildWithBroker(broker);
    for (let i = 0; i < 3; i++)
      d.dispatch(createEnvelope({ messageType: 1, timestamp: clock().now() }));
    expect(d.metrics().messagesDispatched).toBe(3);
    d.resetMetrics();
    expect(d.metrics()).toEqual({
      messagesDispatched: 0,
      messagesDelivered: 0,
      unknownTypeErrors: 0,
      deliveryErrors: 0,
    });
  });
});

describe('KernelDispatcher semantics', () => {
  it('a broker error (cross-tenant) propagates and changes no dispatcher metric', () => {
    const broker = new K2KBroker();
    broker.register('t5', { tenantId: 5 });
    const d = new DispatcherBuilder().routeRaw(1, 't5').buildWithBroker(broker);
    expect(() => d.dispatch(createEnvelope({ messageType: 1, timestamp: clock().now() }))).toThrow(
      /TenantMismatch/,
    );
    expect(d.metrics()).toEqual({
      messagesDispatched: 0,
      messagesDelivered: 0,
      unknownTypeErrors: 0,
      deliveryErrors: 0,
    });
    expect(broker.stats().crossTenantRejections).toBe(1);
  });
  it('counts failure statuses as delivery errors and Pending as neither', () => {
    const broker = new K2KBroker({ now: () => 0 });
    broker.register('relay');
    broker.addRoute('far', 'relay');
    broker.register('small', { capacity: 1 });
    const d = new DispatcherBuilder()
      .routeRaw(1, 'far')
      .routeRaw(2, 'small')
      .routeRaw(3, 'nowhere')
      .withPriority(7)
      .buildWithBroker(broker);
    const go = (t: number) =>
      d.dispatch(createEnvelope({ messageType: t, timestamp: clock().now() })).status;
    expect([go(1), go(2), go(2), go(3)]).toEqual(['Pending', 'Delivered', 'QueueFull', 'NotFound']);
    expect(d.metrics()).toEqual({
      messagesDispatched: 4,
      messagesDelivered: 1,
      unknownTypeErrors: 0,
      deliveryErrors: 2,
    });
    expect(broker.getEndpoint('relay')!.tryReceive()!.priority).toBe(7);
  });
  it('routes on u64 type ids beyond 2^53 exactly', () => {
    const broker = new K2KBroker();
    broker.register('big');
    const d = new DispatcherBuilder().routeRaw(2n ** 60n + 1n, 'big').buildWithBroker(broker);
    expect(d.hasRoute(2n ** 60n)).toBe(false);
    expect(
      d.dispatch(createEnvelope({ messageType: 2n ** 60n + 1n, timestamp: clock().now() })).status,
    ).toBe('Delivered');
  });
  it('builder: last route wins, duplicate handler ids warn, the route stays', () => {
    const b = new DispatcherBuilder()
      .route(TestRequest, 'a')
      .route({ typeId: 5002, name: 'Other', handlerId: 1 }, 'a')
      .route(
        { typeId: 5003, name: 'Resp', handlerId: 2, requiresResponse: true, responseTypeId: 5004 },
        'a',
      )
      .routeRaw(5001, 'b');
    const d = b.build();
    expect(d.getRoute(5001)).toBe('b');
    expect(d.getRoute(5002)).toBe('a');
    expect(b.warnings).toHaveLength(1);
    expect(d.getDispatchTable('a')!.get(2)!.responseTypeId).toBe(5004);
    // direct registration throws on the duplicate but keeps the route
    expect(() => d.register({ typeId: 6000, name: 'Dup', handlerId: 1 }, 'a')).toThrow(
      /duplicate handler id/,
    );
    expect(d.getRoute(6000)).toBe('a');
  });
});

describe('dispatchBatch', () => {
  it('writes statuses, fills queues without envelopes, and keeps accounting exact', () => {
    const broker = new K2KBroker({ now: () => 77 });
    const a = broker.register('a', { capacity: 4 });
    broker.register('t9', { tenantId: 9 });
    const d = new DispatcherBuilder()
      .routeRaw(1, 'a')
      .routeRaw(2, 'nowhere')
      .routeRaw(3, 't9')
      .buildWithBroker(broker);
    const typeIds = new Float64Array([1, 1, 2, 5, 3, 1, 1, 1]);
    const refs = new Uint32Array([10, 11, 12, 13, 14, 15, 16, 17]);
    const statuses = new Uint8Array(8);
    const accepted = d.dispatchBatch(
      {
        typeIds,
        count: 8,
        payloadRefs: refs,
        priorities: new Uint8Array([0, 5, 0, 0, 0, 0, 0, 0]),
      },
      statuses,
    );
    expect(accepted).toBe(4);
    expect([...statuses]).toEqual([
      StatusCode.Delivered,
      StatusCode.Delivered,
      StatusCode.NotFound,
      StatusCode.UnknownType,
      StatusCode.TenantMismatch,
      StatusCode.Delivered,
      StatusCode.Delivered,
      StatusCode.QueueFull,
    ]);
    expect(d.metrics()).toEqual({
      messagesDispatched: 7,
      messagesDelivered: 4,
      unknownTypeErrors: 1,
      deliveryErrors: 2,
    });
    const out = {
      typeIds: new Float64Array(8),
      payloadRefs: new Uint32Array(8),
      messageIds: new Float64Array(8),
    };
    expect(a.drainInto(out)).toBe(4);
    expect([...out.payloadRefs.subarray(0, 4)]).toEqual([11, 10, 15, 16]); // priority 5 first
    expect(broker.accounting()).toMatchObject({ balanced: true, in: 7, received: 4 });
    expect(broker.browseDeadLetters().map((l) => l.reason)).toEqual([
      'NoRoute',
      'TenantMismatch',
      'Rejected',
    ]);
  });
  it('batch messages can be received one by one too', () => {
    const broker = new K2KBroker({ now: () => 5 });
    const a = broker.register('a');
    const d = new DispatcherBuilder().routeRaw(1001, 'a').buildWithBroker(broker);
    d.dispatchBatch({ typeIds: new Uint32Array([1001]), count: 1 }, new Uint8Array(1));
    const m = a.tryReceive()!;
    expect(m.envelope.header.messageType).toBe(1001);
    expect(m.sentAt).toBe(5);
  });
  it('drains per-message sends and batch messages together in priority order, counting one drop per refusal', () => {
    const broker = new K2KBroker({ now: () => 5 });
    const a = broker.register('a', { capacity: 4 });
    const d = new DispatcherBuilder()
      .routeRaw(1001, 'a')
      .routeRaw(1002, 'a')
      .buildWithBroker(broker);
    const ts = { physical: 1, logical: 0, nodeId: 1 };
    broker.sendPriority('host', 'a', createEnvelope({ messageType: 1002, timestamp: ts }), 0);
    d.dispatchBatch(
      {
        typeIds: new Float64Array([1001, 1001, 1001]),
        priorities: new Uint8Array([0, 9, 0]),
        payloadRefs: new Uint32Array([7, 8, 9]),
        count: 3,
      },
      new Uint8Array(3),
    );
    const st = new Uint8Array(1);
    d.dispatchBatch({ typeIds: new Float64Array([1001]), count: 1 }, st);
    expect(st[0]).toBe(StatusCode.QueueFull);
    expect(a.queueStats().dropped).toBe(1);
    const out = {
      typeIds: new Float64Array(8),
      payloadRefs: new Uint32Array(8),
      messageIds: new Float64Array(8),
      priorities: new Uint8Array(8),
    };
    expect(a.drainInto(out)).toBe(4);
    expect([...out.typeIds.subarray(0, 4)]).toEqual([1001, 1002, 1001, 1001]);
    expect([...out.messageIds.subarray(0, 4)]).toEqual([3, 1, 2, 4]);
    expect([...out.payloadRefs.subarray(0, 4)]).toEqual([8, 0, 7, 9]);
    expect([...out.priorities.subarray(0, 4)]).toEqual([9, 0, 0, 0]);
    expect(a.tryReceive()).toBeUndefined();
    expect(broker.accounting()).toMatchObject({ balanced: true, received: 4 });
  });
});

// ---- model-based property test over random operation sequences ----

type Op =
  | { k: 'register'; kernel: number; tenant: number; cap: number; policy: number }
  | { k: 'unregister'; kernel: number }
  | { k: 'send'; from: number; to: number; type: number; prio: number }
  | { k: 'receive'; kernel: number }
  | { k: 'forward'; kernel: number }
  | { k: 'addRoute'; dest: number; hop: number }
  | { k: 'removeRoute'; dest: number }
  | { k: 'dispatch'; type: number }
  | { k: 'batch'; types: number[] }
  | { k: 'route'; type: number; kernel: number }
  | { k: 'unroute'; type: number }
  | { k: 'replay' };

const K = ['k0', 'k1', 'k2', 'k3'];
const POLICIES = ['reject', 'dropOldest', 'deadLetter'] as const;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('register' as const),
    kernel: fc.nat(3),
    tenant: fc.nat(1),
    cap: fc.integer({ min: 1, max: 3 }),
    policy: fc.nat(2),
  }),
  fc.record({ k: fc.constant('unregister' as const), kernel: fc.nat(3) }),
  fc.record({
    k: fc.constant('send' as const),
    from: fc.nat(4),
    to: fc.nat(3),
    type: fc.nat(3),
    prio: fc.nat(2),
  }),
  fc.record({ k: fc.constant('receive' as const), kernel: fc.nat(3) }),
  fc.record({ k: fc.constant('forward' as const), kernel: fc.nat(3) }),
  fc.record({ k: fc.constant('addRoute' as const), dest: fc.nat(3), hop: fc.nat(3) }),
  fc.record({ k: fc.constant('removeRoute' as const), dest: fc.nat(3) }),
  fc.record({ k: fc.constant('dispatch' as const), type: fc.nat(3) }),
  fc.record({ k: fc.constant('batch' as const), types: fc.array(fc.nat(3), { maxLength: 6 }) }),
  fc.record({ k: fc.constant('route' as const), type: fc.nat(3), kernel: fc.nat(3) }),
  fc.record({ k: fc.constant('unroute' as const), type: fc.nat(3) }),
  fc.constant<Op>({ k: 'replay' }),
);

/** Runs `ops` against the real broker + dispatcher and a tiny model; compares after each step. */
function runModel(ops: Op[]): void {
  const broker = new K2KBroker({ now: () => 0, maxHops: 2, deadLetterMaxSize: 5 });
  const d = new DispatcherBuilder().buildWithBroker(broker);
  const clk = clock();
  // model: per kernel a list of {type, prio, seq}; delivery order = prio desc, seq asc
  const model = new Map<
    string,
    { tenant: number; cap: number; items: { t: number; p: number; s: number }[] }
  >();
  let seq = 0;
  const routes = new Map<number, string>();
  const metrics = {
    messagesDispatched: 0,
    messagesDelivered: 0,
    unknownTypeErrors: 0,
    deliveryErrors: 0,
  };
  const order = (xs: { t: number; p: number; s: number }[]) =>
    xs.sort((a, b) => b.p - a.p || a.s - b.s);

  // Relays, batches and replays move messages the model does not follow: read the real queues.
  const resync = () => {
    for (const [id, m] of model) {
      m.items = broker
        .getEndpoint(id)!
        .peekAll()
        .map((x) => ({ t: Number(x.envelope.header.messageType), p: x.priority, s: x.id }));
    }
  };
  for (const op of ops) {
    switch (op.k) {
      case 'register': {
        const id = K[op.kernel]!;
        if (model.has(id)) {
          expect(() => broker.register(id)).toThrow(/already registered/);
          break;
        }
        const ep = broker.register(id, {
          tenantId: op.tenant,
          capacity: op.cap,
          overflowPolicy: POLICIES[op.policy]!,
        });
        model.set(id, { tenant: op.tenant, cap: ep.capacity, items: [] });
        break;
      }
      case 'unregister':
        expect(broker.unregister(K[op.kernel]!)).toBe(model.delete(K[op.kernel]!));
        break;
      case 'send':
      case 'dispatch': {
        const from = op.k === 'send' ? (K[op.from] ?? 'host') : 'host';
        const to = op.k === 'send' ? K[op.to]! : routes.get(op.type);
        const type = op.type;
        const prio = op.k === 'send' ? op.prio * 100 : 0;
        const e = createEnvelope({ messageType: type, timestamp: clk.tick() });
        if (to === undefined) {
          expect(() => d.dispatch(e)).toThrow(/No route/);
          metrics.messagesDispatched++;
          metrics.unknownTypeErrors++;
          break;
        }
        const src = model.get(from);
        const dst = model.get(to);
        const srcTenant = src?.tenant ?? 0;
        if (dst !== undefined && dst.tenant !== srcTenant) {
          expect(() =>
            op.k === 'send' ? broker.sendPriority(from, to, e, prio) : d.dispatch(e),
          ).toThrow(/TenantMismatch/);
          break;
        }
        let r: DeliveryReceipt;
        try {
          r = op.k === 'send' ? broker.sendPriority(from, to, e, prio) : d.dispatch(e);
        } catch (err) {
          // A next hop of another tenant refuses it (counted by the broker only).
          const hop = broker.getEndpoint(broker.routeTable().find(([x]) => x === to)?.[1] ?? '');
          if (dst === undefined && err instanceof TenantMismatchError && hop !== undefined) {
            expect(hop.tenantId).not.toBe(srcTenant);
            break;
          }
          throw err;
        }
        if (dst !== undefined) {
          const policy = broker.getEndpoint(to)!.overflowPolicy;
          if (dst.items.length < dst.cap || policy === 'dropOldest') {
            if (dst.items.length >= dst.cap) {
              const lowest = Math.min(...dst.items.map((i) => i.p));
              dst.items.splice(
                dst.items.findIndex((i) => i.p === lowest),
                1,
              );
            }
            dst.items.push({ t: type, p: prio, s: seq++ });
            order(dst.items);
            expect(r.status).toBe('Delivered');
          } else expect(r.status).toBe('QueueFull');
        } else if (!broker.routeTable().some(([dest]) => dest === to)) {
          expect(r.status).toBe('NotFound');
        }
        if (op.k === 'dispatch') {
          metrics.messagesDispatched++;
          if (r.status === 'Delivered') metrics.messagesDelivered++;
          else if (r.status !== 'Pending') metrics.deliveryErrors++;
        }
        // Pending routes push onto the hop: resync the hop's model from the real queue order.
        if (r.status === 'Pending') {
          resync();
        }
        break;
      }
      case 'receive': {
        const id = K[op.kernel]!;
        const m = model.get(id);
        const got = broker.getEndpoint(id)?.tryReceive();
        if (m === undefined) expect(got).toBeUndefined();
        else
          expect(got === undefined ? undefined : Number(got.envelope.header.messageType)).toBe(
            m.items.shift()?.t,
          );
        break;
      }
      case 'forward': {
        const ep = broker.getEndpoint(K[op.kernel]!);
        const msg = ep?.tryReceive();
        try {
          if (msg !== undefined) ep!.forward(msg);
        } catch (err) {
          // Relays into another tenant are refused (counted and dead-lettered).
          if (!(err instanceof TenantMismatchError)) throw err;
        }
        resync();
        break;
      }
      case 'addRoute':
        broker.addRoute(K[op.dest]!, K[op.hop]!);
        break;
      case 'removeRoute':
        broker.removeRoute(K[op.dest]!);
        break;
      case 'route':
        d.registerRoute(op.type, K[op.kernel]!);
        routes.set(op.type, K[op.kernel]!);
        break;
      case 'unroute':
        expect(d.unregister(op.type)).toBe(routes.delete(op.type));
        break;
      case 'batch': {
        const statuses = new Uint8Array(op.types.length);
        d.dispatchBatch({ typeIds: Float64Array.from(op.types), count: op.types.length }, statuses);
        op.types.forEach((t, i) => {
          const s = statuses[i]!;
          if (!routes.has(t)) expect(s).toBe(StatusCode.UnknownType);
          if (s === StatusCode.TenantMismatch) return;
          metrics.messagesDispatched++;
          if (s === StatusCode.UnknownType) metrics.unknownTypeErrors++;
          else if (s === StatusCode.Delivered) metrics.messagesDelivered++;
          else if (s !== StatusCode.Pending) metrics.deliveryErrors++;
        });
        resync();
        break;
      }
      case 'replay':
        broker.replayDeadLetters({});
        resync();
        break;
    }
    for (const [id, m] of model)
      expect(broker.getEndpoint(id)!.pendingCount()).toBe(m.items.length);
    expect(d.metrics()).toEqual(metrics);
    const acc = broker.accounting();
    expect(acc.balanced).toBe(true);
    expect(acc.in).toBe(acc.received + acc.queued + acc.deadLettered);
    expect(acc.deadLetterQueue.depth).toBeLessThanOrEqual(5);
  }
}

describe('accounting against a model (property)', () => {
  it('in = received + queued + dead-lettered, statuses and metrics match the model', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), runModel), { numRuns: 300 });
  });
});
