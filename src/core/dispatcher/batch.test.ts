import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { K2KBroker, TenantMismatchError } from '../broker/broker.ts';
import type { K2KEndpoint } from '../broker/endpoint.ts';
import { StatusCode, type DeliveryStatus, type K2KMessage } from '../broker/types.ts';
import { createEnvelope } from '../message/envelope.ts';
import { DispatcherBuilder } from './builder.ts';
import type { KernelDispatcher } from './dispatcher.ts';
import { UnknownMessageTypeError } from './types.ts';

// dispatchBatch must do exactly what dispatching the same messages one by one does: same
// statuses, queues (order and every field), dead letters, counters and metrics. One twin takes
// the batch path, the other the per-message path.

const CODE: Record<DeliveryStatus, number> = {
  Delivered: StatusCode.Delivered,
  Pending: StatusCode.Pending,
  QueueFull: StatusCode.QueueFull,
  NotFound: StatusCode.NotFound,
  MaxHopsExceeded: StatusCode.MaxHopsExceeded,
};

interface Kernel {
  tenant: number;
  capacity: number;
  policy: 'reject' | 'dropOldest' | 'deadLetter';
}
interface Setup {
  kernels: (Kernel | null)[]; // k0..k3 (null: not registered)
  trusted: boolean;
  hops: [number, number][]; // addRoute(k{a}, k{b})
  routes: [number, number][]; // type -> kernel index (4, 5: never registered)
  defaultPriority: number;
}
interface Batch {
  types: number[];
  prios: number[] | null;
  refs: boolean;
  source: number; // 4 = host
}
interface Step {
  batch: Batch;
  receive: number[]; // kernels to take one message from afterwards
  waiters: number[]; // kernels with a receive() waiting before the batch
}

const kernelArb = fc.option(
  fc.record({
    tenant: fc.nat(1),
    capacity: fc.integer({ min: 1, max: 80 }),
    policy: fc.constantFrom('reject' as const, 'dropOldest' as const, 'deadLetter' as const),
  }),
  { freq: 4 },
);
const setupArb: fc.Arbitrary<Setup> = fc.record({
  kernels: fc.array(kernelArb, { minLength: 4, maxLength: 4 }),
  trusted: fc.boolean(),
  hops: fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { maxLength: 3 }),
  routes: fc.array(fc.tuple(fc.nat(7), fc.nat(5)), { maxLength: 8 }),
  defaultPriority: fc.nat(3).map((p) => p * 60),
});
const batchArb: fc.Arbitrary<Batch> = fc.integer({ min: 0, max: 160 }).chain((n) =>
  fc.record({
    types: fc.array(fc.nat(7), { minLength: n, maxLength: n }),
    prios: fc.option(
      fc.array(
        fc.nat(3).map((p) => p * 80),
        { minLength: n, maxLength: n },
      ),
    ),
    refs: fc.boolean(),
    source: fc.nat(4),
  }),
);
const stepArb: fc.Arbitrary<Step> = fc.record({
  batch: batchArb,
  receive: fc.array(fc.nat(3), { maxLength: 4 }),
  waiters: fc.array(fc.nat(3), { maxLength: 3 }),
});

const name = (k: number) => (k === 4 ? 'host' : `k${k}`);

function build(setup: Setup): { broker: K2KBroker; d: KernelDispatcher } {
  const broker = new K2KBroker({
    now: () => 42,
    maxHops: 2,
    deadLetterMaxSize: 1_000_000,
    trustedSources: setup.trusted ? ['host'] : [],
  });
  setup.kernels.forEach((k, i) => {
    if (k !== null)
      broker.register(name(i), {
        tenantId: k.tenant,
        capacity: k.capacity,
        overflowPolicy: k.policy,
      });
  });
  for (const [a, b] of setup.hops) broker.addRoute(`k${a}`, `k${b}`);
  let builder = new DispatcherBuilder().withPriority(setup.defaultPriority);
  for (const [t, k] of setup.routes) builder = builder.routeRaw(t, `k${k}`);
  return { broker, d: builder.buildWithBroker(broker) };
}

/** The per-message twin: dispatch each message of the batch with `dispatchFrom`. */
function oneByOne(d: KernelDispatcher, b: Batch, defaultPriority: number): number[] {
  return b.types.map((t, i) => {
    const env = createEnvelope({
      messageType: t,
      timestamp: { physical: 1, logical: 0, nodeId: 1 },
    });
    try {
      const r = d.dispatchFrom(
        name(b.source),
        env,
        b.refs ? 1000 + i : 0,
        b.prios?.[i] ?? defaultPriority,
      );
      return CODE[r.status];
    } catch (e) {
      if (e instanceof UnknownMessageTypeError) return StatusCode.UnknownType;
      if (e instanceof TenantMismatchError) return StatusCode.TenantMismatch;
      throw e;
    }
  });
}

const view = (m: K2KMessage) => ({
  id: m.id,
  type: Number(m.envelope.header.messageType),
  source: m.source,
  destination: m.destination,
  hops: m.hops,
  priority: m.priority,
  tenantId: m.tenantId,
  sentAt: m.sentAt,
  payloadRef: m.payloadRef,
});

function state(broker: K2KBroker, d: KernelDispatcher) {
  return {
    queues: broker.kernelIds().map((k) => broker.getEndpoint(k)!.peekAll().map(view)),
    queueStats: broker.kernelIds().map((k) => broker.getEndpoint(k)!.queueStats()),
    letters: broker.browseDeadLetters().map((l) => ({
      reason: l.reason,
      messageId: l.messageId,
      typeId: Number(l.typeId),
      source: l.source,
      destination: l.destination,
      priority: l.priority,
      hops: l.hops,
      tenantId: l.tenantId,
      payloadRef: l.payloadRef,
    })),
    stats: broker.stats(),
    accounting: broker.accounting(),
    metrics: d.metrics(),
    lastId: broker.lastMessageId,
  };
}

/** Everything `drainInto` gives, per message, in the shape of `view`. */
function drainAll(ep: K2KEndpoint, broker: K2KBroker) {
  const n = 256;
  const out = {
    typeIds: new Float64Array(n),
    messageIds: new Float64Array(n),
    payloadRefs: new Uint32Array(n),
    priorities: new Uint8Array(n),
    sources: new Uint32Array(n),
    destinations: new Uint32Array(n),
    hops: new Uint8Array(n),
    tenants: new Int32Array(n),
  };
  const got = [];
  // Odd chunk sizes so that drains end mid-run.
  for (let max = 7; ; max = max === 7 ? 40 : 7) {
    const k = ep.drainInto(out, max);
    if (k === 0) break;
    for (let i = 0; i < k; i++) {
      got.push({
        id: out.messageIds[i],
        type: out.typeIds[i],
        source: broker.nameOf(out.sources[i]!),
        destination: broker.nameOf(out.destinations[i]!),
        hops: out.hops[i],
        priority: out.priorities[i],
        tenantId: out.tenants[i],
        payloadRef: out.payloadRefs[i],
      });
    }
  }
  return got;
}

function check(setup: Setup, steps: Step[]): K2KBroker {
  const A = build(setup);
  const B = build(setup);
  // What the waiting receive() calls got, in the order they got it (wakes are synchronous).
  const gotA: unknown[] = [];
  const gotB: unknown[] = [];
  for (const { batch, receive, waiters = [] } of steps) {
    for (const k of waiters) {
      for (const [twin, got] of [
        [A, gotA],
        [B, gotB],
      ] as const) {
        const ep = twin.broker.getEndpoint(`k${k}`);
        if (ep === undefined) continue;
        const m = ep.tryReceive(); // a waiter only waits on an empty queue
        if (m !== undefined) got.push(view(m));
        else {
          const before = ep.queueStats().dequeued;
          void ep.receive().catch(() => undefined);
          // Record what the waiter takes as soon as it takes it (before its promise settles).
          got.push(() => (ep.queueStats().dequeued > before ? 'woken' : 'waiting'));
        }
      }
    }
    const n = batch.types.length;
    const statuses = new Uint8Array(n + 3).fill(99);
    const accepted = A.d.dispatchBatch(
      {
        typeIds: Float64Array.from(batch.types),
        count: n,
        ...(batch.prios === null ? {} : { priorities: Uint8Array.from(batch.prios) }),
        ...(batch.refs ? { payloadRefs: Uint32Array.from(batch.types, (_, i) => 1000 + i) } : {}),
        source: name(batch.source),
      },
      statuses,
    );
    const want = oneByOne(B.d, batch, setup.defaultPriority);
    expect([...statuses.subarray(0, n)]).toEqual(want);
    expect([...statuses.subarray(n)]).toEqual([99, 99, 99]); // nothing written past count
    expect(accepted).toBe(
      want.filter((s) => s === StatusCode.Delivered || s === StatusCode.Pending).length,
    );
    expect(A.d.lastBatchDelivered).toBe(want.filter((s) => s === StatusCode.Delivered).length);
    expect(state(A.broker, A.d)).toEqual(state(B.broker, B.d));
    const settle = (xs: unknown[]) => xs.map((x) => (typeof x === 'function' ? x() : x));
    expect(settle(gotA)).toEqual(settle(gotB));
    for (const k of receive) {
      const a = A.broker.getEndpoint(`k${k}`)?.tryReceive();
      const b = B.broker.getEndpoint(`k${k}`)?.tryReceive();
      expect(a && view(a)).toEqual(b && view(b));
    }
  }
  for (const id of A.broker.kernelIds()) {
    const a = drainAll(A.broker.getEndpoint(id)!, A.broker);
    const b: ReturnType<typeof drainAll> = [];
    for (
      let m = B.broker.getEndpoint(id)!.tryReceive();
      m;
      m = B.broker.getEndpoint(id)!.tryReceive()
    ) {
      const { sentAt: _, ...rest } = view(m);
      b.push(rest);
    }
    expect(a).toEqual(b);
  }
  expect(A.broker.accounting()).toEqual(B.broker.accounting());
  expect(A.broker.accounting().balanced).toBe(true);
  return A.broker;
}

describe('dispatchBatch equals dispatching one by one', () => {
  it('statuses, queues, dead letters, counters and drains match (property)', () => {
    fc.assert(
      fc.property(setupArb, fc.array(stepArb, { minLength: 1, maxLength: 4 }), (s, steps) => {
        check(s, steps);
      }),
      {
        numRuns: 250,
      },
    );
  });

  it('holds when many priorities make the shared slot pool grow mid-batch', () => {
    const setup: Setup = {
      kernels: [0, 1, 2, 3].map(() => ({ tenant: 0, capacity: 4096, policy: 'reject' as const })),
      trusted: false,
      hops: [],
      routes: [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      defaultPriority: 0,
    };
    const rnd = fc.sample(fc.nat(255), { numRuns: 6000, seed: 7 });
    const types = rnd.map((x) => x % 4);
    const initialSpace = new K2KBroker().slotPool.slotSpace;
    const broker = check(setup, [
      { batch: { types, prios: rnd, refs: true, source: 4 }, receive: [0, 1], waiters: [] },
      {
        batch: { types: types.slice(0, 3000), prios: null, refs: false, source: 4 },
        receive: [],
        waiters: [],
      },
    ]);
    expect(broker.slotPool.slotSpace).toBeGreaterThan(initialSpace * 4);
  });
});

describe('dispatchBatch when an owner hook throws mid-batch', () => {
  it('leaves queues and accounting exact for what was done', () => {
    const broker = new K2KBroker({ now: () => 3 });
    const a = broker.register('a', { capacity: 64 });
    const d = new DispatcherBuilder().routeRaw(1, 'a').routeRaw(2, 'gone').buildWithBroker(broker);
    broker.deadLetters.onAdd = () => {
      throw new Error('hook failed');
    };
    const types = new Float64Array([1, 1, 1, 2, 1, 1]);
    const statuses = new Uint8Array(6);
    expect(() => d.dispatchBatch({ typeIds: types, count: 6 }, statuses)).toThrow('hook failed');
    // The failing message and those after it say they were not dispatched.
    expect([...statuses]).toEqual([0, 0, 0, 255, 255, 255]);
    expect(StatusCode.NotDispatched).toBe(255);
    // The three messages before the failing one are queued and counted; nothing else is.
    expect(a.pendingCount()).toBe(3);
    const out = { typeIds: new Float64Array(8), messageIds: new Float64Array(8) };
    expect(a.drainInto(out)).toBe(3);
    expect([...out.messageIds.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(d.metrics().messagesDelivered).toBe(3);
    broker.deadLetters.onAdd = null;
    expect(broker.accounting().balanced).toBe(true);
    // The dispatcher goes on working.
    expect(d.dispatchBatch({ typeIds: types.subarray(0, 2), count: 2 }, new Uint8Array(2))).toBe(2);
    expect(a.pendingCount()).toBe(2);
  });
});

describe('dispatchBatch re-entered from an owner hook', () => {
  it('keeps ids unique, tenants apart and accounting exact when a dead-letter hook dispatches', () => {
    const broker = new K2KBroker({ now: () => 3 });
    const a = broker.register('a', { capacity: 64 });
    broker.register('b', { tenantId: 1 });
    broker.register('src1', { tenantId: 1 });
    broker.register('monitor');
    const d = new DispatcherBuilder()
      .routeRaw(1, 'a')
      .routeRaw(2, 'gone')
      .routeRaw(3, 'b')
      .routeRaw(9, 'monitor')
      .buildWithBroker(broker);
    let nested = 0;
    let depth = 0;
    broker.deadLetters.onAdd = () => {
      // A monitor in the owner: a dead letter of the outer batch dispatches a batch from another
      // tenant's kernel (whose own letters it leaves alone).
      if (depth > 0) return;
      nested++;
      depth++;
      d.dispatchBatch(
        { typeIds: new Float64Array([9, 3]), count: 2, source: 'src1' },
        new Uint8Array(2),
      );
      depth--;
    };
    const statuses = new Uint8Array(5);
    d.dispatchBatch({ typeIds: new Float64Array([1, 2, 1, 3, 1]), count: 5 }, statuses);
    // From the host (tenant 0): the type-3 message may not enter tenant 1's kernel b.
    expect([...statuses]).toEqual([
      StatusCode.Delivered,
      StatusCode.NotFound,
      StatusCode.Delivered,
      StatusCode.TenantMismatch,
      StatusCode.Delivered,
    ]);
    expect(nested).toBeGreaterThanOrEqual(2);
    const ids = [
      ...a.peekAll(),
      ...broker.getEndpoint('b')!.peekAll(),
      ...broker.getEndpoint('monitor')!.peekAll(),
    ].map((m) => m.id);
    const letters = broker.browseDeadLetters().map((l) => l.messageId);
    const all = [...ids, ...letters];
    expect(new Set(all).size).toBe(all.length); // every id given once
    expect(Math.max(...all)).toBe(broker.lastMessageId);
    expect(a.peekAll().every((m) => m.tenantId === 0 && m.source === 'host')).toBe(true);
    expect(
      broker
        .getEndpoint('b')!
        .peekAll()
        .every((m) => m.source === 'src1'),
    ).toBe(true);
    expect(broker.accounting().balanced).toBe(true);
  });

  it('sees a kernel a hook unregistered mid-batch as gone', () => {
    const broker = new K2KBroker({ now: () => 3 });
    broker.register('a', { capacity: 64 });
    const d = new DispatcherBuilder().routeRaw(1, 'a').routeRaw(2, 'gone').buildWithBroker(broker);
    broker.deadLetters.onAdd = (l) => {
      if (l.reason === 'NoRoute') broker.unregister('a');
    };
    const statuses = new Uint8Array(4);
    d.dispatchBatch({ typeIds: new Float64Array([1, 2, 1, 1]), count: 4 }, statuses);
    expect([...statuses]).toEqual([0, 3, 3, 3]);
    expect(broker.accounting().balanced).toBe(true);
  });
});
