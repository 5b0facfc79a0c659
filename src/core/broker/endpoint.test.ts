import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../message/envelope.ts';
import { K2KBroker } from './broker.ts';

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
