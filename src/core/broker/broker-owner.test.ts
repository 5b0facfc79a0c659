import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../message/envelope.ts';
import { DispatcherBuilder } from '../dispatcher/builder.ts';
import { StatusCode } from './types.ts';
import { K2KBroker } from './broker.ts';

const ts = { physical: 1, logical: 0, nodeId: 1 };
const now = () => 1000;

describe('K2KBroker: what an owner (the engine) needs', () => {
  it('keeps payloadRef through dispatchFrom, drainInto columns and replay with a priority override', () => {
    const b = new K2KBroker({ now });
    const ep = b.register('k', { capacity: 1, overflowPolicy: 'deadLetter' });
    const d = new DispatcherBuilder().routeRaw(7, 'k').buildWithBroker(b);
    d.dispatchFrom('host', createEnvelope({ messageType: 7, timestamp: ts }), 11);
    const r = d.dispatchFrom('host', createEnvelope({ messageType: 7, timestamp: ts }), 12, 3);
    expect(r.status).toBe('QueueFull');
    expect(b.browseDeadLetters()[0]).toMatchObject({ payloadRef: 12, priority: 3 });
    const cols = {
      typeIds: new Float64Array(4),
      payloadRefs: new Uint32Array(4),
      sources: new Uint32Array(4),
      destinations: new Uint32Array(4),
      hops: new Uint8Array(4),
    };
    expect(ep.drainInto(cols)).toBe(1);
    expect(cols.payloadRefs[0]).toBe(11);
    expect(b.nameOf(cols.sources[0]!)).toBe('host');
    expect(b.nameOf(cols.destinations[0]!)).toBe('k');
    const [again] = b.replayDeadLetters({ priority: 9 });
    expect(again!.status).toBe('Delivered');
    const m = ep.tryReceive()!;
    expect(m).toMatchObject({ payloadRef: 12, priority: 9 });
    expect(b.accounting().balanced).toBe(true);
  });

  it('letters a batch message by its type id, with no envelope made, and redrives it as that type', () => {
    const b = new K2KBroker({ now });
    const ep = b.register('k', { capacity: 1, overflowPolicy: 'deadLetter' });
    expect(b.sendRef('host', 'k', 77, 1, 21)).toBe(StatusCode.Delivered);
    expect(b.sendRef('host', 'k', 77, 1, 22)).toBe(StatusCode.QueueFull);
    const [letter] = b.browseDeadLetters();
    expect(letter).toMatchObject({ reason: 'QueueFull', typeId: 77, payloadRef: 22 });
    expect(letter!.envelope).toBeNull();
    expect(letter!.detail).toBe('queue of "k" is full (1)');
    expect(ep.tryReceive()!.payloadRef).toBe(21);
    const [again] = b.replayDeadLetters({});
    expect(again!.status).toBe('Delivered');
    const m = ep.tryReceive()!;
    expect(m.payloadRef).toBe(22);
    expect(Number(m.envelope.header.messageType)).toBe(77);
    expect(b.accounting().balanced).toBe(true);
  });

  it('records unroutable messages as NoRoute letters without a destination, balanced', () => {
    const b = new K2KBroker({ now });
    const id = b.deadLetterUnroutable('host', 4242n ** 5n, 0, 5);
    expect(b.browseDeadLetters()[0]).toMatchObject({
      messageId: id,
      reason: 'NoRoute',
      destination: '',
      payloadRef: 5,
      typeId: 4242n ** 5n,
    });
    const a = b.accounting();
    expect(a).toMatchObject({ unroutable: 1, deadLettered: 1, balanced: true });
  });

  it('sendRef and forwardRef route by columns, refuse cross-tenant and count hops', () => {
    const b = new K2KBroker({ now, maxHops: 2 });
    b.register('a', { tenantId: 1 });
    b.register('hop');
    expect(b.sendRef('a', 'hop', 1, 0, 3)).toBe(StatusCode.TenantMismatch);
    b.addRoute('far', 'hop');
    expect(b.sendRef('host', 'far', 1, 0, 4)).toBe(StatusCode.Pending);
    expect(b.lastRouteHops).toBe(1);
    const id = b.lastMessageId;
    expect(b.forwardRef(id, 'host', 'far', 1, 0, 1, 0, 4)).toBe(StatusCode.Pending);
    expect(b.forwardRef(id, 'host', 'far', 1, 0, 2, 0, 4)).toBe(StatusCode.MaxHopsExceeded);
    b.setMaxHops(5);
    expect(b.config.maxHops).toBe(5);
  });

  it('reregister keeps queued messages in order; the excess follows the new policy', () => {
    const b = new K2KBroker({ now });
    b.register('k', { capacity: 4 });
    for (let i = 1; i <= 4; i++) b.sendRef('host', 'k', 1, 0, i);
    const ep = b.reregister('k', { capacity: 2, overflowPolicy: 'deadLetter' });
    const refs = new Uint32Array(4);
    expect(ep.drainInto({ typeIds: new Float64Array(4), payloadRefs: refs })).toBe(2);
    expect([...refs.slice(0, 2)]).toEqual([1, 2]);
    expect(b.browseDeadLetters().map((l) => [l.reason, l.payloadRef])).toEqual([
      ['QueueFull', 3],
      ['QueueFull', 4],
    ]);
    expect(b.accounting().balanced).toBe(true);
  });

  it("names the queue's capacity in a refusal's detail, the new one after a resize", () => {
    const b = new K2KBroker({ now });
    b.register('k', { capacity: 1, overflowPolicy: 'reject' });
    b.sendRef('host', 'k', 1, 0, 1);
    b.sendRef('host', 'k', 1, 0, 2);
    b.reregister('k', { capacity: 2, overflowPolicy: 'reject' });
    b.sendRef('host', 'k', 1, 0, 3);
    b.sendRef('host', 'k', 1, 0, 4);
    expect(b.browseDeadLetters().map((l) => [l.payloadRef, l.detail])).toEqual([
      [2, 'queue of "k" is full (1)'],
      [4, 'queue of "k" is full (2)'],
    ]);
  });

  it('reregister carries the queue high-water mark over, capped at the new capacity', () => {
    const b = new K2KBroker({ now });
    b.register('k', { capacity: 8 });
    for (let i = 1; i <= 6; i++) b.sendRef('host', 'k', 1, 0, i);
    const drained = new Uint32Array(8);
    b.getEndpoint('k')!.drainInto({ typeIds: new Float64Array(8), payloadRefs: drained });
    // Peak 6, queue empty: a policy change keeps the peak.
    const ep = b.reregister('k', { capacity: 8, overflowPolicy: 'deadLetter' });
    expect(ep.queueStats()).toMatchObject({ depth: 0, maxDepth: 6 });
    // A smaller queue cannot have held more than its capacity.
    expect(b.reregister('k', { capacity: 4 }).queueStats().maxDepth).toBe(4);
    // A larger one keeps what it had.
    expect(b.reregister('k', { capacity: 16 }).queueStats().maxDepth).toBe(4);
  });

  it('tells its owner about letters added and evicted', () => {
    const b = new K2KBroker({ now, deadLetterMaxSize: 1 });
    const added: number[] = [];
    const dropped: [number, string][] = [];
    b.deadLetters.onAdd = (l) => added.push(l.payloadRef);
    b.deadLetters.onDrop = (l, why) => dropped.push([l.payloadRef, why]);
    b.sendRef('host', 'nobody', 1, 0, 1);
    b.sendRef('host', 'nobody', 1, 0, 2);
    expect(added).toEqual([1, 2]);
    expect(dropped).toEqual([[1, 'evicted']]);
  });
});
