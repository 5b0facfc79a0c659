import { describe, expect, it } from 'vitest';
import { ok, setupEngine } from '../../engine/test-util';
import { brokerTraffic } from './brokerTraffic';

describe('brokerTraffic', () => {
  it('is nothing while every send went through the dispatcher', () => {
    const { engine, step } = setupEngine();
    ok(engine, { type: 'inject', typeId: 1001, count: 50 });
    step();
    expect(brokerTraffic(engine.snapshot())).toEqual({ sent: 0, failed: 0 });
  });

  it('counts responses to the host as sent by the broker', () => {
    const { engine, step } = setupEngine();
    // PatternCheck (1003) asks for a response: pattern_detector answers each with a PatternResult.
    ok(engine, { type: 'inject', typeId: 1003, count: 40 });
    for (let i = 0; i < 5; i++) step();
    const s = engine.snapshot();
    expect(s.metrics.messagesDispatched).toBe(40);
    expect(brokerTraffic(s)).toEqual({ sent: 40, failed: 0 });
  });

  it('counts a redrive and its failures, which the dispatcher never sees', () => {
    const { engine, step } = setupEngine();
    // 20,000 into fraud_processor's 4,096 slots: 15,904 refused at dispatch, 10,000 held.
    ok(engine, { type: 'inject', typeId: 1001, count: 20_000 });
    const before = engine.snapshot();
    expect(before.metrics.deliveryErrors).toBe(15_904);
    expect(brokerTraffic(before).failed).toBe(0);
    for (let i = 0; i < 20 && !engine.snapshot().idle; i++) step();
    const reply = ok(engine, { type: 'redrive', filter: {} });
    expect(reply.redrive).toMatchObject({ redriven: 4_096, failedAgain: 5_904 });
    const s = engine.snapshot();
    // The dispatcher's errors did not move; the receipts' did, by what the redrive refused.
    expect(s.metrics.deliveryErrors).toBe(15_904);
    expect(brokerTraffic(s)).toEqual({ sent: 10_000, failed: 5_904 });
  });
});
