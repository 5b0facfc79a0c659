import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../message/envelope.ts';
import { K2KBroker } from './broker.ts';
import { DispatcherBuilder } from '../dispatcher/builder.ts';

const env = () =>
  createEnvelope({ messageType: 1, timestamp: { physical: 1, logical: 0, nodeId: 1 } });

describe('K2KEndpoint.drainInto', () => {
  it('pops no more than the shortest provided column holds', () => {
    const b = new K2KBroker({ now: () => 0 });
    const k = b.register('k');
    for (let i = 0; i < 10; i++) b.send('host', 'k', env());
    expect(k.drainInto({ typeIds: new Float64Array(4) }, 100)).toBe(4);
    expect(k.drainInto({ typeIds: new Float64Array(8), hops: new Uint8Array(3) })).toBe(3);
    const a = b.accounting();
    expect([a.received, a.queued, a.balanced]).toEqual([7, 3, true]);
  });
});

describe('the shared slot pool', () => {
  it('does not grow when kernels come and go with messages queued', () => {
    const broker = new K2KBroker({ now: () => 1 });
    const d = new DispatcherBuilder().routeRaw(1, 'a').routeRaw(2, 'b').buildWithBroker(broker);
    const types = new Float64Array(100).map((_, i) => 1 + (i % 2));
    const prios = new Uint8Array(100).map((_, i) => (i * 37) % 5);
    const statuses = new Uint8Array(100);
    let space = 0;
    for (let round = 0; round < 300; round++) {
      broker.register('a', { capacity: 64 });
      broker.reregister('b', { capacity: 16 + (round % 3) * 16 });
      d.dispatchBatch({ typeIds: types, priorities: prios, count: 100 }, statuses);
      broker.getEndpoint('a')!.tryReceive();
      broker.unregister('a');
      if (round === 10) space = broker.slotPool.slotSpace;
    }
    expect(broker.slotPool.slotSpace).toBe(space);
    expect(broker.accounting().balanced).toBe(true);
  });
});
