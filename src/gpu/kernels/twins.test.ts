import { firstDiff } from './test-util.ts';
import { describe, expect, it } from 'vitest';
import { AggregatorTwin } from './aggregator/aggregator.reference.ts';
import { FraudTwin, FRAUD_STATE_WORDS } from './fraud/fraud.reference.ts';
import { GenericTwin } from './generic/generic.reference.ts';
import { PatternTwin } from './pattern/pattern.reference.ts';
import { FRAUD, PATTERN } from './params.ts';
import { TrafficGenerator } from './traffic.ts';
import { createTwin } from './twins.ts';
import {
  BEHAVIOR_ANSWER,
  DemoTypes,
  FLAG_REQUIRES_RESPONSE,
  FLAG_RESPONSE,
  FraudReason,
  NO_DEST,
  PatternKind,
  cloneOutputBatch,
  createMessageBatch,
  decodeAccountSummary,
  decodeFraudAlert,
  decodePatternResult,
  encodeAccountUpdate,
  encodeTransaction,
  pushMessage,
  type KernelBehavior,
  type MessageBatch,
} from './types.ts';

const tx = (over: Partial<Parameters<typeof encodeTransaction>[0]> = {}) =>
  encodeTransaction({
    id: 1,
    amount: 10,
    account: 7,
    counterparty: 9,
    country: 49,
    timestampUs: 1_000,
    ...over,
  });

function batchOf(
  ...payloads: { payload: Uint32Array; flags?: number; typeId?: number | bigint; source?: number }[]
): MessageBatch {
  const b = createMessageBatch(payloads.length);
  payloads.forEach((m, i) =>
    pushMessage(b, {
      typeId: m.typeId ?? DemoTypes.Transaction,
      id: i + 1,
      source: m.source ?? 3,
      flags: m.flags ?? 0,
      payload: m.payload,
    }),
  );
  return b;
}

describe('fraud twin', () => {
  it('fires LargeAmount only above 10,000 and Structuring in [9,000, 10,000)', () => {
    const f = new FraudTwin();
    const amounts = [8_999.99, 9_000, 9_999.5, 10_000, 10_000.01];
    const out = f.process(
      batchOf(...amounts.map((amount, i) => ({ payload: tx({ amount, account: i }) }))),
    );
    const byRow = new Map<number, number>();
    for (let k = 0; k < out.count; k++)
      byRow.set(out.parentRow[k] ?? -1, decodeFraudAlert(out.payload, k * 8).reasons);
    expect([...byRow.entries()]).toEqual([
      [1, FraudReason.Structuring],
      [2, FraudReason.Structuring],
      [4, FraudReason.LargeAmount],
    ]);
    const alert = decodeFraudAlert(out.payload, 2 * 8);
    expect(alert).toMatchObject({ account: 4, score: FRAUD.scoreLarge, transactionId: 1 });
    expect(out.typeLo[0]).toBe(DemoTypes.FraudAlert);
    expect(out.dest[0]).toBe(NO_DEST);
  });

  it('fires Velocity on the 11th transaction within the window, across batches, and not outside it', () => {
    const f = new FraudTwin();
    const w = FRAUD.velocityWindowUs;
    // Ten transactions in batch one, the eleventh exactly at the window's edge in batch two.
    const first = batchOf(
      ...Array.from({ length: 10 }, (_, i) => ({ payload: tx({ timestampUs: 5_000 + i }) })),
    );
    expect(f.process(first).count).toBe(0);
    const edge = f.process(batchOf({ payload: tx({ timestampUs: 5_000 + w }) }));
    expect(edge.count).toBe(1);
    expect(decodeFraudAlert(edge.payload).reasons).toBe(FraudReason.Velocity);
    // Oldest in the window is now 5_001; 5_001 + w + 1 lies outside.
    const outside = f.process(batchOf({ payload: tx({ timestampUs: 5_001 + w + 1 }) }));
    expect(outside.count).toBe(0);
    // Another account is unaffected.
    expect(f.process(batchOf({ payload: tx({ account: 8, timestampUs: 5_000 + w }) })).count).toBe(
      0,
    );
  });

  it('handles timestamps across the 2^32 boundary exactly', () => {
    const f = new FraudTwin();
    const start = 2 ** 32 - 5;
    f.process(
      batchOf(
        ...Array.from({ length: 10 }, (_, i) => ({ payload: tx({ timestampUs: start + i }) })),
      ),
    );
    const out = f.process(
      batchOf({ payload: tx({ timestampUs: start + FRAUD.velocityWindowUs }) }),
    );
    expect(decodeFraudAlert(out.payload).timestampUs).toBe(start + FRAUD.velocityWindowUs);
    expect(decodeFraudAlert(out.payload).reasons).toBe(FraudReason.Velocity);
  });

  it('exports, imports and resets its state', () => {
    const f = new FraudTwin();
    f.process(batchOf({ payload: tx() }));
    const s = f.exportState();
    expect(s.length).toBe(FRAUD_STATE_WORDS);
    expect(s[7 * (2 + 2 * FRAUD.velocityLimit)]).toBe(1);
    const g = new FraudTwin();
    g.importState(s);
    expect(firstDiff(g.exportState(), s)).toBe(-1);
    g.reset();
    expect(g.exportState().every((x) => x === 0)).toBe(true);
    expect(() => g.importState(new Uint32Array(3))).toThrow(/expected/);
  });
});

describe('aggregator twin', () => {
  it('keeps f32 running totals per account and answers requests with type + 1 to the source', () => {
    const a = new AggregatorTwin();
    expect(
      a.process(
        batchOf(
          { payload: tx({ amount: 0.1, account: 5 }) },
          { payload: tx({ amount: 0.2, account: 5 }) },
        ),
      ).count,
    ).toBe(0);
    const out = a.process(
      batchOf({
        payload: encodeAccountUpdate({ id: 77, amount: 0, account: 5, timestampUs: 2 ** 40 }),
        typeId: DemoTypes.AccountUpdate,
        flags: FLAG_REQUIRES_RESPONSE,
        source: 42,
      }),
    );
    expect(out.count).toBe(1);
    expect(out.typeLo[0]).toBe(DemoTypes.AccountUpdate + 1);
    expect(out.dest[0]).toBe(42);
    expect(out.flags[0]).toBe(FLAG_RESPONSE);
    const sum = decodeAccountSummary(out.payload);
    expect(sum).toMatchObject({ requestId: 77, account: 5, count: 3, lastTimestampUs: 2 ** 40 });
    expect(sum.total).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  });

  it('carries the response type into the high word', () => {
    const a = new AggregatorTwin();
    const out = a.process(
      batchOf({ payload: tx(), typeId: 2n ** 32n - 1n, flags: FLAG_REQUIRES_RESPONSE }),
    );
    expect([out.typeLo[0], out.typeHi[0]]).toEqual([0, 1]);
  });
});

describe('pattern twin', () => {
  it('finds rapid repeats and circular transfers within the window only', () => {
    const p = new PatternTwin();
    const w = PATTERN.windowUs;
    const out = cloneOutputBatch(
      p.process(
        batchOf(
          { payload: tx({ account: 1, counterparty: 2, amount: 50, timestampUs: 10 }) },
          { payload: tx({ account: 1, counterparty: 2, amount: 50, timestampUs: 10 + w }) },
          { payload: tx({ account: 2, counterparty: 1, amount: 50, timestampUs: 20 + w }) },
          { payload: tx({ account: 1, counterparty: 2, amount: 50, timestampUs: 21 + 2 * w }) },
        ),
      ),
    );
    expect(Array.from(out.parentRow.subarray(0, out.count))).toEqual([1, 2]);
    expect(decodePatternResult(out.payload, 0).patterns).toBe(PatternKind.RapidRepeat);
    expect(decodePatternResult(out.payload, 8).patterns).toBe(PatternKind.Circular);
    expect(out.typeLo[0]).toBe(DemoTypes.PatternResult);
  });

  it('answers a PatternCheck that requires a response even when nothing fired', () => {
    const p = new PatternTwin();
    const out = p.process(
      batchOf({
        payload: tx(),
        typeId: DemoTypes.PatternCheck,
        flags: FLAG_REQUIRES_RESPONSE,
        source: 4,
      }),
    );
    expect(out.count).toBe(1);
    expect(out.dest[0]).toBe(4);
    expect(decodePatternResult(out.payload).patterns).toBe(0);
  });
});

describe('generic twin', () => {
  it('counts per type and echoes only requests', () => {
    const g = new GenericTwin();
    const payload = Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = g.process(
      batchOf(
        { payload, typeId: 9999 },
        { payload, typeId: 9999, flags: FLAG_REQUIRES_RESPONSE, source: 6 },
      ),
    );
    expect(out.count).toBe(1);
    expect(out.typeLo[0]).toBe(10000);
    expect(Array.from(out.payload.subarray(0, 8))).toEqual(Array.from(payload));
    expect(g.exportState().reduce((x, y) => x + y, 0)).toBe(2);
  });
});

describe('all twins', () => {
  const behaviors: KernelBehavior[] = ['fraud', 'aggregator', 'pattern', 'generic'];
  it.each(behaviors)(
    '%s: one big batch equals the same traffic split into small batches',
    (behavior) => {
      const gen1 = new TrafficGenerator({ seed: 11 });
      const gen2 = new TrafficGenerator({ seed: 11 });
      const whole = createTwin(behavior);
      const split = createTwin(behavior);
      const big = gen1.fill(createMessageBatch(3000), 3000);
      const wholeOut = cloneOutputBatch(whole.process(big));
      const parts: number[] = [];
      const small = createMessageBatch(1000);
      for (let i = 0; i < 3; i++) {
        const o = split.process(gen2.fill(small, 1000));
        for (let k = 0; k < o.count; k++)
          parts.push((o.parentRow[k] ?? 0) + i * 1000, o.payload[k * 8 + 4] ?? 0);
      }
      const wholeRows: number[] = [];
      for (let k = 0; k < wholeOut.count; k++)
        wholeRows.push(wholeOut.parentRow[k] ?? 0, wholeOut.payload[k * 8 + 4] ?? 0);
      expect(parts).toEqual(wholeRows);
      expect(wholeOut.count).toBeGreaterThan(0);
      expect(firstDiff(split.exportState(), whole.exportState())).toBe(-1);
    },
  );
});

describe('what each twin answers a request with', () => {
  // The graph draws `responds` edges from BEHAVIOR_ANSWER; the twins hard-code their answers. A
  // change to one without the other would draw answers that never come (a review).
  it('matches BEHAVIOR_ANSWER: the type + 1, PatternResult, or nothing', () => {
    for (const behavior of ['fraud', 'aggregator', 'pattern', 'generic'] as const) {
      const batch = createMessageBatch(1);
      batch.count = 1;
      batch.typeLo[0] = 2000;
      batch.flags[0] = FLAG_REQUIRES_RESPONSE;
      batch.source[0] = 0;
      const out = createTwin(behavior).process(batch);
      const answers = Array.from({ length: out.count }, (_, i) => i).filter(
        (i) => ((out.flags[i] ?? 0) & FLAG_RESPONSE) !== 0,
      );
      const want = BEHAVIOR_ANSWER[behavior];
      if (want === null) {
        expect(answers, behavior).toEqual([]);
        continue;
      }
      expect(answers, behavior).toHaveLength(1);
      expect(out.typeLo[answers[0]!], behavior).toBe(want === 'next' ? 2001 : want);
    }
  });
});
