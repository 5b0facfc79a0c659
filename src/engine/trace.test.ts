import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { DemoTypes } from '../gpu/kernels/types.ts';
import { createEngine, type Engine } from './engine';
import type { EngineCommand, TraceNode } from './protocol';
import { TraceStore } from './trace';

function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

const traceOf = (engine: Engine, messageId: number) =>
  ok(engine, { type: 'trace', messageId }).trace!;

const node = (messageId: number, parentId: number | null): TraceNode => ({
  messageId,
  typeId: 1001,
  parentId,
  children: [],
  source: 'host',
  destination: 'fraud_processor',
  kernel: null,
  status: 'Delivered',
  hops: 0,
  priority: 0,
  latencyUs: null,
  injectedAt: { physical: 1, logical: messageId, nodeId: 1 },
  deliveredAt: null,
  processedAt: null,
  pinned: false,
});

describe('trace store', () => {
  it('hangs a redrive under the letter it came from, out of the letter parent’s children', () => {
    const t = new TraceStore(10);
    t.add(node(1, null));
    t.add(node(2, 1));
    t.add(node(3, 1));
    t.linkRedrive(2, 3);
    expect(t.get(1)!.children).toEqual([2]);
    expect(t.get(2)).toMatchObject({ redrivenAs: 3, children: [3] });
    expect(t.get(3)).toMatchObject({ redriveOf: 2, parentId: 2 });
    expect(t.trace(3).nodes.map((n) => n.messageId)).toEqual([1, 2, 3]);
  });

  it('only names the letter when the letter is not held', () => {
    const t = new TraceStore(10);
    t.add(node(5, null));
    t.linkRedrive(4, 5);
    expect(t.get(5)).toMatchObject({ redriveOf: 4, parentId: null });
    // Tracing the letter's own id says what it became, though the letter has no entry.
    expect(t.trace(4)).toMatchObject({ found: false, redrivenAs: 5 });
    expect(t.trace(6)).not.toHaveProperty('redrivenAs');
  });

  it('remembers at most as many letters redriven as it holds entries, the newest', () => {
    const t = new TraceStore(2);
    for (const [letter, copy] of [
      [10, 20],
      [11, 21],
      [12, 22],
    ] as const) {
      t.add(node(copy, null));
      t.linkRedrive(letter, copy);
    }
    expect(t.trace(10)).not.toHaveProperty('redrivenAs');
    expect(t.trace(11)).toMatchObject({ redrivenAs: 21 });
    expect(t.trace(12)).toMatchObject({ redrivenAs: 22 });
  });

  it("answers a letter's redrive by its id once the letter's own entry was pushed out", () => {
    const t = new TraceStore(2);
    t.add(node(1, null));
    t.add(node(2, null));
    t.linkRedrive(1, 2);
    expect(t.trace(1).found).toBe(true);
    // Two more entries: the letter's is pushed out, the link stays.
    t.add(node(3, null));
    t.add(node(4, null));
    expect(t.trace(1)).toMatchObject({ found: false, redrivenAs: 2 });
  });
});

describe('engine traces', () => {
  it('records a refused message as refused: its status, no processing', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    // fraud_processor holds 4,096: the rest of the burst is refused (QueueFull).
    ok(engine, { type: 'inject', typeId: DemoTypes.Transaction, count: 5_000 });
    const letter = engine.snapshot().deadLetters.recent[0]!;
    expect(letter.reason).toBe('QueueFull');
    engine.drain();
    const n = traceOf(engine, letter.messageId).nodes[0]!;
    expect(n).toMatchObject({ status: 'QueueFull', kernel: null, processedAt: null });
  });

  it('records a response delivered to the host with a delivery stamp and no processed stamp', () => {
    let t = 2_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: DemoTypes.PatternCheck });
    t += 500;
    engine.tick();
    engine.drain();
    const check = engine
      .snapshot()
      .receipts.recent.find((r) => r.typeId === DemoTypes.PatternCheck);
    const chain = traceOf(engine, check!.messageId).nodes;
    const result = chain.find((x) => x.typeId === DemoTypes.PatternResult)!;
    expect(result).toMatchObject({ destination: 'host', kernel: 'host', latencyUs: null });
    expect(result.processedAt).toBeNull();
    expect(result.deliveredAt).not.toBeNull();
    const after = (a: TraceNode['injectedAt'], b: TraceNode['injectedAt']) =>
      a.physical > b.physical || (a.physical === b.physical && a.logical > b.logical);
    expect(after(result.deliveredAt!, result.injectedAt)).toBe(true);
  });

  it('links a redriven letter and the new message its redrive became, both ways', () => {
    let t = 3_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: DemoTypes.Transaction, count: 5_000 });
    const letter = engine.snapshot().deadLetters.recent[0]!;
    t += 1_000;
    engine.tick();
    engine.drain();
    const r = ok(engine, { type: 'redrive', filter: { ids: [letter.id] } }).redrive!;
    expect(r).toMatchObject({ selected: 1, redriven: 1 });
    t += 500;
    engine.tick();
    engine.drain();

    const fromLetter = traceOf(engine, letter.messageId);
    const orig = fromLetter.nodes.find((n) => n.messageId === letter.messageId)!;
    expect(orig.status).toBe('QueueFull');
    const copyId = orig.redrivenAs!;
    expect(copyId).toBeGreaterThan(letter.messageId);
    expect(orig.children).toContain(copyId);
    const copy = fromLetter.nodes.find((n) => n.messageId === copyId)!;
    expect(copy).toMatchObject({
      redriveOf: letter.messageId,
      parentId: letter.messageId,
      status: 'Delivered',
      kernel: 'fraud_processor',
    });
    expect(traceOf(engine, copyId).nodes.map((n) => n.messageId)).toEqual(
      expect.arrayContaining([letter.messageId, copyId]),
    );
    expect(traceOf(engine, copyId).complete).toBe(true);
  });
});
