import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createTwin } from '../gpu/kernels/twins.ts';
import {
  PAYLOAD_WORDS,
  type KernelRuntime,
  type KernelTwin,
  type MessageBatch,
  type OutputBatch,
} from '../gpu/kernels/types.ts';
import { createEngine, type Engine, type KernelImpl } from './engine';
import type { EngineCommand } from './protocol';
import { expectBalanced } from './test-util';

function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

/** Input word 3 of every kernel layout is the account. */
const BAD_ACCOUNT = 13;
const accountOf = (b: MessageBatch, r: number): number => b.payload[r * PAYLOAD_WORDS + 3]!;
const hasBadRow = (b: MessageBatch): number => {
  for (let r = 0; r < b.count; r++) if (accountOf(b, r) === BAD_ACCOUNT) return r;
  return -1;
};

/** An aggregator twin whose handler throws on any batch holding account 13 (while `failing`). */
class ThrowingTwin implements KernelTwin {
  readonly behavior = 'aggregator' as const;
  readonly inner = createTwin('aggregator');
  failing = true;
  calls = 0;
  /** Rows the real handler ran. */
  rowsRun = 0;
  process(batch: MessageBatch): OutputBatch {
    this.calls++;
    if (this.failing && hasBadRow(batch) >= 0)
      throw new Error(`cannot fold account ${BAD_ACCOUNT}`);
    this.rowsRun += batch.count;
    return this.inner.process(batch);
  }
  exportState(): Uint32Array {
    return this.inner.exportState();
  }
  importState(state: Uint32Array): void {
    this.inner.importState(state);
  }
  reset(): void {
    this.inner.reset();
  }
}

/** The same as an asynchronous runtime: the promise rejects. */
class RejectingRuntime implements KernelRuntime {
  readonly behavior = 'aggregator' as const;
  readonly backend = 'webgpu' as const;
  readonly inner = createTwin('aggregator');
  rowsRun = 0;
  process(batch: MessageBatch): Promise<OutputBatch> {
    if (hasBadRow(batch) >= 0)
      return Promise.reject(new Error(`device handler failed on account ${BAD_ACCOUNT}`));
    this.rowsRun += batch.count;
    return Promise.resolve(this.inner.process(batch));
  }
  exportState(): Promise<Uint32Array> {
    return Promise.resolve(this.inner.exportState());
  }
  importState(state: Uint32Array): void {
    this.inner.importState(state);
  }
  reset(): void {
    this.inner.reset();
  }
  destroy(): void {}
}

function engineWith(aggregator: () => KernelImpl | Promise<KernelImpl | null>) {
  const clock = { t: 1_000_000 };
  // The aggregator is forced to WebGPU, so a runtime it is given runs it at once.
  const config = demoConfig();
  config.kernels = config.kernels.map((k) =>
    k.id === 'aggregator' ? { ...k, backend: 'webgpu' as const } : k,
  );
  const engine = createEngine({
    config,
    now: () => clock.t,
    makeKernel: (k) => (k.id === 'aggregator' ? aggregator() : createTwin(k.behavior)),
  });
  const step = (): void => {
    clock.t += 1000;
    engine.tick();
  };
  return { engine, step };
}

/** 99 good AccountUpdates and one (the 50th) for the bad account, all queued before a tick. */
function injectHundred(engine: Engine): void {
  for (let i = 0; i < 100; i++) {
    ok(engine, {
      type: 'inject',
      typeId: 1002,
      payload: { account: i === 49 ? BAD_ACCOUNT : 1 + (i % 5), amount: 10 },
    });
  }
}

describe('kernel handler failures become dead letters', () => {
  it('rows taken after a refused one keep their own ids: a response goes to its own requester', () => {
    const { engine, step } = engineWith(() => createTwin('aggregator'));
    // The first PatternCheck the pattern detector takes fails; the next three are answered.
    ok(engine, { type: '__failKernel', kernelId: 'pattern_detector', count: 1, reason: 'flaky' });
    const sent = ok(engine, { type: 'inject', typeId: 1003, count: 4 }).ids!;
    step();
    const s = engine.snapshot();
    const results = s.receipts.recent.filter((r) => r.typeId === 1004);
    // Each answer correlates with the check it answers: messages 2..4, not 1 (the refused row's
    // id, had the rows after it not been moved up with theirs).
    expect(results.map((r) => r.correlationId).sort((a, b) => a - b)).toEqual([
      sent.first + 1,
      sent.first + 2,
      sent.first + 3,
    ]);
    expect(results.every((r) => r.destination === 'host')).toBe(true);
    expect(s.deadLetters.recent.map((l) => l.messageId)).toEqual([sent.first]);
    expectBalanced(s);
  });

  it('__failKernel: the next 2 of 5 aggregator messages fail with the given reason; 3 are processed', () => {
    const { engine, step } = engineWith(() => createTwin('aggregator'));
    ok(engine, {
      type: '__failKernel',
      kernelId: 'aggregator',
      count: 2,
      reason: 'injected handler fault',
    });
    const first = engine.snapshot().receipts.total;
    ok(engine, { type: 'inject', typeId: 1002, count: 5, payload: { account: 7, amount: 1 } });
    step();
    const s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(3);
    expect(s.kernels.find((k) => k.id === 'aggregator')!.deadLettered).toBe(2);
    expect(s.deadLetters.count).toBe(2);
    expect(s.deadLetters.recent.map((l) => [l.reason, l.detail, l.destination])).toEqual([
      ['KernelError', 'injected handler fault', 'aggregator'],
      ['KernelError', 'injected handler fault', 'aggregator'],
    ]);
    // The first two delivered are the ones that failed (the counter runs per message, in order).
    const delivered = s.receipts.recent.filter((r) => r.typeId === 1002).map((r) => r.messageId);
    expect(s.deadLetters.recent.map((l) => l.messageId)).toEqual(delivered.slice(0, 2));
    expect(s.receipts.total - first).toBeGreaterThanOrEqual(5);
    expect(s.accounting.queued).toBe(0);
    expectBalanced(s);
    // Traced: the failed message's node says why.
    const t = ok(engine, { type: 'trace', messageId: delivered[0]! }).trace!;
    expect(t.nodes.find((n) => n.messageId === delivered[0])!.status).toBe('KernelError');
    // The fault is spent: the next message is processed.
    ok(engine, { type: 'inject', typeId: 1002, payload: { account: 7, amount: 1 } });
    step();
    expect(engine.snapshot().kernels.find((k) => k.id === 'aggregator')!.processed).toBe(4);
    // Redriven to the (now healthy) kernel, the letters are processed.
    expect(ok(engine, { type: 'redrive' }).redrive).toMatchObject({ selected: 2, redriven: 2 });
    step();
    const after = engine.snapshot();
    expect(after.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(6);
    expect(after.deadLetters.count).toBe(0);
    expectBalanced(after);
  });

  it('refuses __failKernel for an unknown kernel or a bad count', () => {
    const { engine } = engineWith(() => createTwin('aggregator'));
    const r = engine.command({ type: '__failKernel', kernelId: 'nope', count: 1, reason: 'x' });
    expect(r.ok ? null : r.error.code).toBe('UnknownKernel');
    const c = engine.command({
      type: '__failKernel',
      kernelId: 'aggregator',
      count: -1,
      reason: '',
    });
    expect(c.ok ? null : c.error.code).toBe('InvalidCommand');
  });

  it('a sync twin that throws on one row of a batch of 100: 99 processed, 1 KernelError letter', () => {
    const twin = new ThrowingTwin();
    const { engine, step } = engineWith(() => twin);
    injectHundred(engine);
    step();
    const s = engine.snapshot();
    const agg = s.kernels.find((k) => k.id === 'aggregator')!;
    expect(agg.processed).toBe(99);
    expect(s.deadLetters.count).toBe(1);
    const letter = s.deadLetters.recent[0]!;
    expect(letter).toMatchObject({
      reason: 'KernelError',
      detail: `cannot fold account ${BAD_ACCOUNT}`,
      destination: 'aggregator',
      typeId: 1002,
    });
    // The failing message is the 50th sent; each good row ran through the handler exactly once.
    const sent = s.receipts.recent.filter((r) => r.typeId === 1002).map((r) => r.messageId);
    expect(letter.messageId).toBe(sent[49]);
    expect(twin.rowsRun).toBe(99);
    expect(twin.calls).toBe(1 + 100);
    expect(s.accounting.queued).toBe(0);
    expectBalanced(s);
    // Fixed, the letter goes back and is processed.
    twin.failing = false;
    ok(engine, { type: 'redrive', filter: { reasons: ['KernelError'] } });
    step();
    const after = engine.snapshot();
    expect(after.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(100);
    expect(after.deadLetters.count).toBe(0);
    expectBalanced(after);
  });

  it('an async runtime that rejects a batch: rows re-run one by one, the failing one dead-lettered', async () => {
    const rt = new RejectingRuntime();
    let release: () => void = () => {};
    const ready = new Promise<void>((r) => (release = r));
    const { engine, step } = engineWith(() => ready.then(() => rt));
    release();
    await ready;
    await Promise.resolve();
    step(); // swaps the runtime in
    expect(engine.snapshot().kernels.find((k) => k.id === 'aggregator')!.backend).toBe('webgpu');
    injectHundred(engine);
    step();
    // In flight (and then being re-run row by row): counted as in flight, the books still balance.
    let s = engine.snapshot();
    expect(s.accounting.queued).toBe(0);
    expect(s.accounting.inFlight).toBe(100);
    expectBalanced(s);
    for (let i = 0; i < 400 && engine.snapshot().accounting.inFlight > 0; i++) {
      await Promise.resolve();
      if (i === 50) expectBalanced(engine.snapshot());
    }
    step();
    s = engine.snapshot();
    const agg = s.kernels.find((k) => k.id === 'aggregator')!;
    expect(s.accounting.queued).toBe(0);
    expect(s.accounting.inFlight).toBe(0);
    expect(agg.processed).toBe(99);
    expect(rt.rowsRun).toBe(99);
    expect(s.deadLetters.count).toBe(1);
    // (`recent` went out with the snapshots taken while waiting; the list command has them all.)
    const rows = ok(engine, { type: 'listDeadLetters' }).deadLetters!.rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      reason: 'KernelError',
      detail: `device handler failed on account ${BAD_ACCOUNT}`,
    });
    expect(s.accounting.failedByStatus['KernelError']).toBeUndefined();
    expectBalanced(s);
    // The kernel keeps going afterwards.
    ok(engine, { type: 'inject', typeId: 1002, count: 10, payload: { account: 2, amount: 5 } });
    step();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    step();
    s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(109);
    expectBalanced(s);
  });
});

describe('payloads shorter than their layout', () => {
  it('a 3-byte Transaction is dead-lettered InvalidPayload at the fraud kernel, not zero-filled', () => {
    const { engine, step } = engineWith(() => createTwin('aggregator'));
    ok(engine, { type: 'inject', typeId: 1001, payload: new Uint8Array([1, 2, 3]) });
    ok(engine, { type: 'inject', typeId: 1001, payload: { amount: 10, account: 1 } });
    step();
    const s = engine.snapshot();
    const fraud = s.kernels.find((k) => k.id === 'fraud_processor')!;
    expect(fraud.processed).toBe(1);
    expect(s.deadLetters.count).toBe(1);
    const l = s.deadLetters.recent[0]!;
    expect(l.reason).toBe('InvalidPayload');
    expect(l.detail).toMatch(/3 byte\(s\).*32 bytes Transaction/);
    expect(Array.from(l.payload)).toEqual([1, 2, 3]);
    expectBalanced(s);
  });

  it('the generic kernel takes any payload', () => {
    const { engine, step } = engineWith(() => createTwin('aggregator'));
    // 1010 FraudAlert is routed to alert_sink, a generic kernel.
    ok(engine, { type: 'inject', typeId: 1010, payload: new Uint8Array([9]) });
    step();
    const s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'alert_sink')!.processed).toBe(1);
    expect(s.deadLetters.count).toBe(0);
    expectBalanced(s);
  });
});

describe('broker accounting with handler failures', () => {
  it('stays balanced in the core once kernel failures are dead-lettered', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({ type: '__failKernel', kernelId: 'aggregator', count: 2, reason: 'boom' });
    engine.command({ type: 'inject', typeId: 1002, count: 5 });
    for (let i = 0; i < 5; i++) {
      t += 1000;
      engine.tick();
    }
    const s = engine.snapshot();
    expect(s.deadLetters.count).toBe(2);
    expect(engine.dispatcher.broker.accounting().handlerFailed).toBe(2);
    expect(s.broker.balanced).toBe(true);
    engine.destroy();
  });
});

describe('purging dead letters', () => {
  it('counts purged letters as purged, not replayed, and the broker stays balanced', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({ type: 'inject', typeId: 424242, count: 3 });
    t += 1000;
    engine.tick();
    expect(engine.snapshot().deadLetters.count).toBe(3);
    const r = engine.command({ type: 'purgeDeadLetters' });
    expect(r.ok && r.count).toBe(3);
    const acc = engine.dispatcher.broker.accounting();
    expect(acc.deadLetterQueue.purged).toBe(3);
    expect(acc.deadLetterQueue.replayed).toBe(0);
    expect(acc.balanced).toBe(true);
    engine.destroy();
  });
});
