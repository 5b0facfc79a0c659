import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createTwin } from '../gpu/kernels/twins.ts';
import type { KernelRuntime, MessageBatch, OutputBatch } from '../gpu/kernels/types.ts';
import { createEngine, type Engine, type KernelContext } from './engine';
import type { EngineCommand, EngineSnapshot, HlcRow } from './protocol';
import { expectBalanced } from './test-util';
import { TraceStore } from './trace';

function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

const before = (a: HlcRow, b: HlcRow): boolean =>
  a.physical < b.physical || (a.physical === b.physical && a.logical < b.logical);

function balanced(s: EngineSnapshot): void {
  expectBalanced(s);
  expect(s.broker.balanced).toBe(true);
}

describe('engine on the core', () => {
  it('reports the dispatcher metrics and route table as its own', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1001, count: 3 });
    ok(engine, { type: 'inject', typeId: 9999 });
    t += 1000;
    engine.tick();
    const s = engine.snapshot();
    expect(s.metrics).toEqual(engine.dispatcher.metrics());
    expect(s.metrics.unknownTypeErrors).toBe(1);
    const routes = ok(engine, { type: 'routes' }).routes;
    expect(routes).toEqual(engine.dispatcher.routes());
    balanced(s);
  });

  it("answers an inject with what the send itself refused, by status (a burst past a queue's room)", () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    const quiet = ok(engine, { type: 'inject', typeId: 1001, count: 10 });
    expect(quiet).toMatchObject({ count: 10, atOnce: {} });
    // fraud_processor holds 4,096 and refuses the rest (its policy): 904 of 5,000 at once.
    const burst = ok(engine, { type: 'inject', typeId: 1001, count: 5_000 });
    const room = 4_096 - 10;
    expect(burst).toMatchObject({ count: 5_000, atOnce: { QueueFull: 5_000 - room } });
    const noRoute = ok(engine, { type: 'inject', typeId: 4242, count: 3 });
    expect(noRoute).toMatchObject({ count: 3, atOnce: { NoRoute: 3 } });
  });

  // "Sent 1." under 100 K/s of generated traffic left the message to be found among them.
  it('answers an inject with the ids its messages got, the ids their receipts carry', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1002, count: 7 });
    const one = ok(engine, { type: 'inject', typeId: 1001 });
    const burst = ok(engine, { type: 'inject', typeId: 1003, count: 5 });
    const noRoute = ok(engine, { type: 'inject', typeId: 4242, count: 2 });
    t += 1000;
    engine.drain();
    const rows = engine.snapshot().receipts.recent.filter((r) => r.source === 'host');
    const idsOf = (typeId: number) =>
      rows
        .filter((r) => r.typeId === typeId)
        .map((r) => r.messageId)
        .sort((a, b) => a - b);
    expect(one.ids).toEqual({ first: idsOf(1001)[0], last: idsOf(1001)[0] });
    const b = idsOf(1003);
    expect(b).toHaveLength(5);
    expect(burst.ids).toEqual({ first: b[0], last: b[4] });
    expect(b[4]! - b[0]!).toBe(4);
    expect(noRoute.ids).toEqual({ first: idsOf(4242)[0], last: idsOf(4242)[1] });
  });

  it('answers an inject with the older messages a dropOldest queue evicted, and counts them as delivered receipts that failed later', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    // aggregator (dropOldest) holds 4,096: every message is delivered, 5,904 older ones evicted.
    const burst = ok(engine, { type: 'inject', typeId: 1002, count: 10_000 });
    expect(burst).toMatchObject({ count: 10_000, atOnce: { DroppedOldest: 10_000 - 4_096 } });
    const s = engine.snapshot();
    expect(s.receipts.byStatus.Delivered).toBe(10_000);
    expect(s.receipts.failedLater).toBe(10_000 - 4_096);
    // A burst of 10,000 comes out whole: the evicted messages' rows too, each saying so.
    engine.drain();
    const s2 = engine.snapshot();
    expect(s2.receipts.total).toBe(10_000);
    const rows = [...s.receipts.recent, ...s2.receipts.recent];
    expect(rows).toHaveLength(10_000);
    expect(s2.receipts.sampledOut).toBe(0);
    const lost = rows.filter((r) => r.thenLost === 'DroppedOldest');
    expect(lost).toHaveLength(10_000 - 4_096);
    expect(lost.every((r) => r.status === 'Delivered' && r.processedAt === null)).toBe(true);
    // The oldest were evicted: the lost rows are the burst's first messages.
    const ids = rows.map((r) => r.messageId).sort((a, b) => a - b);
    expect(lost.map((r) => r.messageId).sort((a, b) => a - b)).toEqual(ids.slice(0, 5_904));
    expect(rows.filter((r) => r.thenLost === undefined && r.processedAt !== null)).toHaveLength(
      4_096,
    );
    // A send into a queue with room evicts nothing.
    const quiet = ok(engine, { type: 'inject', typeId: 1001, count: 10 });
    expect(quiet).toMatchObject({ atOnce: {} });
    // Reset counters starts the receipt counts afresh, this one with them.
    ok(engine, { type: 'resetMetrics' });
    expect(engine.snapshot().receipts.failedLater).toBe(0);
  });

  it('answers an inject with the older dead letters it pushed out of the full dead-letter queue', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    // alert_sink (1,024, deadLetter) refuses 8,976 of each burst: the second fills the dead-letter
    // queue (10,000) and pushes 7,952 of the first burst's letters out.
    const first = ok(engine, { type: 'inject', typeId: 1010, count: 10_000 });
    expect(first.lettersLost).toBeUndefined();
    engine.drain();
    const second = ok(engine, { type: 'inject', typeId: 1010, count: 10_000 });
    const s = engine.snapshot();
    expect(second.lettersLost).toBeGreaterThan(0);
    expect(second.lettersLost).toBe(s.deadLetters.evicted);
    expect(s.deadLetters.count).toBe(10_000);
  });

  it('answers a redrive into a full dropOldest queue with the messages it evicted to take them', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    ok(engine, { type: 'inject', typeId: 1002, count: 10_000 });
    const letters = 10_000 - 4_096;
    expect(engine.snapshot().deadLetters.count).toBe(letters);
    // aggregator still holds 4,096: each letter taken back pushes an older message out.
    const r = ok(engine, { type: 'redrive', filter: { reasons: ['DroppedOldest'] } });
    expect(r.redrive).toMatchObject({ selected: letters, redriven: letters, evicted: letters });
    expect(engine.snapshot().deadLetters.count).toBe(letters);
    // Into the emptied queue, only what passes its 4,096.
    engine.drain();
    const again = ok(engine, { type: 'redrive', filter: { reasons: ['DroppedOldest'] } });
    expect(again.redrive).toMatchObject({ redriven: letters, evicted: letters - 4_096 });
  });

  it("counts each kernel's letters held now, through redrives, purges and a config change", () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    const held = (id: string) => engine.snapshot().kernels.find((k) => k.id === id)!.lettersHeld;
    // alert_sink (1,024, deadLetter) refuses 3,976 of a burst; aggregator (dropOldest) evicts 904.
    ok(engine, { type: 'inject', typeId: 1010, count: 5_000 });
    ok(engine, { type: 'inject', typeId: 1002, count: 5_000 });
    ok(engine, { type: 'inject', typeId: 424_242, count: 7 });
    expect(held('alert_sink')).toBe(3_976);
    expect(held('aggregator')).toBe(904);
    // With the 7 NoRoute letters (no kernel's), they are every letter held.
    const sum = () => engine.snapshot().kernels.reduce((n, k) => n + k.lettersHeld, 0);
    expect(sum() + 7).toBe(engine.snapshot().deadLetters.count);
    // Redriven into a drained queue: 1,024 taken, the rest held again (letters anew).
    engine.drain();
    const r = ok(engine, { type: 'redrive', filter: { destinations: ['alert_sink'] } });
    expect(r.redrive).toMatchObject({
      redriven: 1_024,
      failedAgain: 2_952,
      failedByStatus: { QueueFull: 2_952 },
    });
    expect(held('alert_sink')).toBe(2_952);
    // A config change keeps the letters and the kernels' counts of them.
    const cfg = demoConfig();
    cfg.kernels = cfg.kernels.map((k) =>
      k.id === 'alert_sink' ? { ...k, queueCapacity: 2048 } : k,
    );
    ok(engine, { type: 'loadConfig', config: cfg });
    expect(held('alert_sink')).toBe(2_952);
    ok(engine, { type: 'purgeDeadLetters', filter: { destinations: ['alert_sink'] } });
    expect(held('alert_sink')).toBe(0);
    expect(held('aggregator')).toBe(904);
    expect(sum() + 7).toBe(engine.snapshot().deadLetters.count);
  });

  it('counts as held only the letters a full dead-letter queue keeps (pushed out, they are gone)', () => {
    const engine = createEngine({
      config: demoConfig(),
      now: () => 1_000_000,
      maxDeadLetters: 100,
    });
    ok(engine, { type: 'inject', typeId: 1010, count: 5_000 });
    const s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'alert_sink')).toMatchObject({
      dropped: 3_976,
      lettersHeld: 100,
    });
    expect(s.deadLetters.count).toBe(100);
  });

  it('redrives at most a limit of letters, the oldest, and says how many are still held', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    ok(engine, { type: 'inject', typeId: 1002, count: 10_000 });
    engine.drain();
    const letters = 10_000 - 4_096;
    const before = engine.snapshot();
    const page = ok(engine, {
      type: 'listDeadLetters',
      filter: { reasons: ['DroppedOldest'] },
      limit: 1_000,
    }).deadLetters!;
    const oldest = page.rows.map((r) => r.messageId);
    // The page holds a thousand; the count by destination is of every letter matching.
    expect(page.total).toBe(letters);
    // With the count held when it was made, matching or not: the page reckons from it.
    expect(page.held).toBe(before.deadLetters.count);
    expect(page.byDestination).toEqual({ aggregator: letters });
    // And by type under each destination: what a redrive to another kernel would take.
    expect(page.byDestinationType).toEqual({ aggregator: { 1002: letters } });
    // The emptied queue takes a queueful back; nothing is pushed out, the rest stay held.
    const r = ok(engine, {
      type: 'redrive',
      filter: { reasons: ['DroppedOldest'] },
      limit: 1_000,
    }).redrive!;
    expect(r).toMatchObject({ selected: 1_000, redriven: 1_000, evicted: 0 });
    expect(r.remaining).toBe(letters - 1_000);
    const held = ok(engine, { type: 'listDeadLetters', limit: 10_000 }).deadLetters!.rows;
    expect(held.length).toBe(letters - 1_000);
    // The ones taken were the oldest thousand.
    const heldIds = new Set(held.map((l) => l.messageId));
    expect(oldest.some((id) => heldIds.has(id))).toBe(false);
    engine.drain();
    const after = engine.snapshot();
    expect(after.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(
      before.kernels.find((k) => k.id === 'aggregator')!.processed + 1_000,
    );
    expectBalanced(after);
    // A limit that is not a whole number of letters is refused, and nothing moves.
    for (const limit of [0, -1, 2.5, Number.NaN]) {
      const bad = engine.command({ type: 'redrive', limit });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.code).toBe('InvalidCommand');
    }
    expect(engine.snapshot().deadLetters.count).toBe(letters - 1_000);
  });

  it('paces a redrive: letters go at the asked rate as engine time moves, and Cancel stops it', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1002, count: 10_000 });
    engine.drain();
    const letters = 10_000 - 4_096;
    const started = ok(engine, {
      type: 'redrive',
      filter: { reasons: ['DroppedOldest'] },
      ratePerSec: 2_000,
    });
    expect(started.progress).toMatchObject({ state: 'running', total: letters, sent: 0 });
    // Nothing has gone yet: the letters go as the engine's time moves.
    expect(engine.snapshot().deadLetters.count).toBe(letters);
    // One at most may run; an at-once redrive waits for it too.
    const second = engine.command({ type: 'redrive' });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.message).toMatch(/paced redrive is running/);
    // Half a second at 2,000/s, in 10 ms ticks: about 1,000, never a queueful at once.
    let peak = 0;
    for (let i = 0; i < 50; i++) {
      t += 10_000;
      engine.tick();
      peak = Math.max(peak, engine.snapshot().deadLetters.redrive!.sent);
    }
    const half = engine.snapshot().deadLetters.redrive!;
    expect(half.state).toBe('running');
    expect(half.sent).toBeGreaterThanOrEqual(990);
    expect(half.sent).toBeLessThanOrEqual(1_001);
    expect(half.redriven).toBe(half.sent);
    expect(half.remaining).toBe(letters - half.sent);
    expect(engine.busy()).toBe(true);
    // Paced into a drained queue, none was pushed out again.
    expect(half.evicted).toBe(0);
    // Cancel: what went stays gone, the rest stay held, and time no longer sends any.
    const cancelled = ok(engine, { type: 'cancelRedrive' }).progress!;
    expect(cancelled.state).toBe('cancelled');
    t += 1_000_000;
    engine.tick();
    const after = engine.snapshot();
    expect(after.deadLetters.redrive).toMatchObject({ state: 'cancelled', sent: half.sent });
    expect(after.deadLetters.count).toBe(letters - half.sent);
    expectBalanced(after);
    // Another, to the end: it stops by itself, with every letter it set out to send.
    const rest = ok(engine, { type: 'redrive', ratePerSec: 10_000 }).progress!;
    expect(rest.total).toBe(letters - half.sent);
    for (let i = 0; i < 100 && engine.snapshot().deadLetters.redrive!.state === 'running'; i++) {
      t += 50_000;
      engine.tick();
    }
    const done = engine.snapshot();
    expect(done.deadLetters.redrive).toMatchObject({
      state: 'done',
      sent: rest.total,
      redriven: rest.total,
      evicted: 0,
      remaining: 0,
    });
    expect(done.deadLetters.count).toBe(0);
    engine.drain();
    expect(engine.snapshot().kernels.find((k) => k.id === 'aggregator')!.processed).toBe(10_000);
    expectBalanced(engine.snapshot());
    // A rate under 1 letter a second is refused.
    for (const ratePerSec of [0, 0.5, -5, Number.POSITIVE_INFINITY]) {
      expect(engine.command({ type: 'redrive', ratePerSec }).ok).toBe(false);
    }
  });

  it('a paced redrive owns only its limit, catches up on a stall in lumps of 50 ms, and counts letters gone meanwhile', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1002, count: 10_000 });
    engine.drain();
    expect(engine.snapshot().deadLetters.count).toBe(10_000 - 4_096);
    ok(engine, { type: 'redrive', limit: 1_000, ratePerSec: 2_000 });
    t += 10_000;
    engine.tick();
    // Of its own thousand, not of the 5,904 matching.
    let p = engine.snapshot().deadLetters.redrive!;
    expect(p.remaining).toBe(1_000 - p.sent);
    // A one-second stall: the next step sends 50 ms of its pace, not the second's 2,000.
    const before = p.sent;
    t += 1_000_000;
    engine.tick();
    p = engine.snapshot().deadLetters.redrive!;
    expect(p.sent - before).toBeLessThanOrEqual(101);
    expect(p.sent - before).toBeGreaterThan(0);
    // Its letters purged meanwhile: it stops, and the ones gone are what it neither sent nor holds.
    ok(engine, { type: 'purgeDeadLetters' });
    t += 10_000;
    engine.tick();
    p = engine.snapshot().deadLetters.redrive!;
    expect(p.state).toBe('done');
    expect(p.remaining).toBe(0);
    expect(p.total - p.sent - p.refusedCrossTenant - p.refusedNotRouted - p.remaining).toBe(
      1_000 - p.sent,
    );
    expect(engine.snapshot().deadLetters.count).toBe(0);
    expect(engine.busy()).toBe(false);
    expectBalanced(engine.snapshot());
  });

  it('a paced redrive fills a queue to half its capacity at most, and waits there for room', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1002, count: 10_000 });
    engine.drain();
    const letters = 10_000 - 4_096;
    // A pace far above what a tick drains: all at once, 5,904 into 4,096 would push 1,808 out.
    ok(engine, { type: 'redrive', ratePerSec: 1_000_000 });
    t += 10_000;
    engine.tick();
    let p = engine.snapshot().deadLetters.redrive!;
    expect(p).toMatchObject({ state: 'running', sent: 2_048, evicted: 0 });
    expect(p.waitingForRoom).toBe('aggregator');
    // Live traffic fills the queue past half: the next step sends nothing and says why.
    ok(engine, { type: 'inject', typeId: 1002, count: 3_000 });
    t += 10_000;
    engine.tick();
    p = engine.snapshot().deadLetters.redrive!;
    expect(p).toMatchObject({ state: 'running', sent: 2_048, waitingForRoom: 'aggregator' });
    // As the kernel drains, the rest go, oldest first, and none is pushed out again.
    for (let i = 0; i < 20 && engine.snapshot().deadLetters.redrive!.state === 'running'; i++) {
      t += 10_000;
      engine.tick();
    }
    p = engine.snapshot().deadLetters.redrive!;
    expect(p).toMatchObject({
      state: 'done',
      sent: letters,
      redriven: letters,
      evicted: 0,
      remaining: 0,
      waitingForRoom: null,
    });
    engine.drain();
    const s = engine.snapshot();
    expect(s.deadLetters.count).toBe(0);
    expect(s.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(13_000);
    expectBalanced(s);
  });

  it('a paced redrive counts the messages it sent that failed later, back among the letters', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1002, count: 5_000 });
    engine.drain();
    expect(engine.snapshot().deadLetters.count).toBe(5_000 - 4_096);
    // The kernel fails on the next 300 messages it takes: the redrive's own, accepted.
    ok(engine, { type: '__failKernel', kernelId: 'aggregator', count: 300, reason: 'flaky' });
    ok(engine, { type: 'redrive', ratePerSec: 1_000_000 });
    for (let i = 0; i < 20 && engine.snapshot().deadLetters.redrive!.state === 'running'; i++) {
      t += 10_000;
      engine.tick();
    }
    engine.drain();
    const s = engine.snapshot();
    // "904 accepted, 0 failed again" had stood with 300 of them back among the letters.
    expect(s.deadLetters.redrive).toMatchObject({
      state: 'done',
      redriven: 904,
      failedAgain: 0,
      failedLater: 300,
    });
    expect(s.deadLetters.count).toBe(300);
    // Those letters redriven again are a new run's: the finished one's figure stands, the new
    // one starts at 0 and counts none (the kernel is healthy now).
    ok(engine, { type: 'redrive', ratePerSec: 1_000_000 });
    for (let i = 0; i < 20 && engine.snapshot().deadLetters.redrive!.state === 'running'; i++) {
      t += 10_000;
      engine.tick();
    }
    engine.drain();
    expect(engine.snapshot().deadLetters.redrive).toMatchObject({
      state: 'done',
      redriven: 300,
      failedLater: 0,
    });
    expectBalanced(engine.snapshot());
  });

  it('a paced redrive whose target kernel is removed stops and says why', () => {
    let t = 1_000_000;
    const config = demoConfig();
    const engine = createEngine({ config, now: () => t });
    ok(engine, { type: 'inject', typeId: 4242, count: 100 });
    expect(engine.snapshot().deadLetters.count).toBe(100);
    ok(engine, { type: 'redrive', target: 'alert_sink', ratePerSec: 100 });
    t += 100_000;
    engine.tick();
    expect(engine.snapshot().deadLetters.redrive!.sent).toBeGreaterThan(0);
    ok(engine, {
      type: 'loadConfig',
      config: {
        ...config,
        kernels: config.kernels.filter((k) => k.id !== 'alert_sink'),
        routes: config.routes.filter((r) => r.kernelId !== 'alert_sink'),
      },
    });
    t += 100_000;
    engine.tick();
    const p = engine.snapshot().deadLetters.redrive!;
    expect(p.state).toBe('failed');
    expect(p.error).toMatch(/alert_sink/);
    expect(engine.busy()).toBe(false);
  });

  // QA: the JSON export gave every PatternResult delivered to the host a processed stamp, while the
  // list read "—" (no kernel runs it) and Trace gave it only a "to host" stamp.
  it('stamps a response to the host as delivered there, with no processed stamp nor latency', () => {
    let t = 5_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1003, count: 3 });
    t += 500;
    engine.tick();
    const rows = engine.snapshot().receipts.recent;
    const toHost = rows.filter((r) => r.destination === 'host');
    expect(toHost).toHaveLength(3);
    for (const r of toHost) {
      expect(r).toMatchObject({ status: 'Delivered', processedAt: null, latencyUs: null });
      expect(r.deliveredAt).not.toBeNull();
      expect(before(r.injectedAt, r.deliveredAt!)).toBe(true);
      const node = ok(engine, { type: 'trace', messageId: r.messageId }).trace!.nodes.find(
        (n) => n.messageId === r.messageId,
      )!;
      // The row says what the trace says.
      expect(node.deliveredAt).toEqual(r.deliveredAt);
      expect(node.processedAt).toBeNull();
    }
  });

  it('stamps receipts with injection, delivery and processing HLCs and traces the chain', () => {
    let t = 5_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 1001, payload: { amount: 20_000, account: 7 } });
    t += 500;
    engine.tick();
    const rows = engine.snapshot().receipts.recent;
    const tx = rows.find((r) => r.typeId === 1001)!;
    const alert = rows.find((r) => r.typeId === 1010)!;
    expect(tx.processedAt).not.toBeNull();
    expect(before(tx.injectedAt, tx.deliveredAt!)).toBe(true);
    expect(before(tx.deliveredAt!, tx.processedAt!)).toBe(true);
    expect(before(tx.processedAt!, alert.injectedAt)).toBe(true);

    const fromTx = ok(engine, { type: 'trace', messageId: tx.messageId }).trace!;
    expect(fromTx).toMatchObject({ found: true, complete: true });
    expect(fromTx.nodes.map((n) => n.typeId)).toEqual([1001, 1010]);
    expect(fromTx.nodes[0]).toMatchObject({ kernel: 'fraud_processor', status: 'Delivered' });
    expect(fromTx.nodes[0]!.children).toEqual([alert.messageId]);
    expect(fromTx.nodes[1]).toMatchObject({ kernel: 'alert_sink', parentId: tx.messageId });
    const fromAlert = ok(engine, { type: 'trace', messageId: alert.messageId }).trace!;
    expect(fromAlert.nodes.map((n) => n.messageId)).toEqual([tx.messageId, alert.messageId]);
    expect(ok(engine, { type: 'trace', messageId: 424242 }).trace).toMatchObject({
      found: false,
    });
  });

  // A burst of 100 into a dropOldest queue of 8: "8 rows shown" under 100 receipts, 92 rows "on
  // their way" for good, and the trace of an evicted message read Delivered.
  it('shows the receipts of messages evicted by the send that queued them as lost, and traces them as evicted', () => {
    let t = 1_000;
    const config = demoConfig();
    config.kernels = config.kernels.map((k) =>
      k.id === 'aggregator' ? { ...k, queueCapacity: 8 } : k,
    );
    const engine = createEngine({ config, now: () => t });
    const burst = ok(engine, { type: 'inject', typeId: 1002, count: 100 });
    expect(burst.atOnce).toMatchObject({ DroppedOldest: 92 });
    let rows = engine.snapshot().receipts.recent.length;
    t += 1_000;
    engine.drain();
    const s = engine.snapshot();
    rows += s.receipts.recent.length;
    expect(s.receipts.total).toBe(100);
    expect(s.receipts.pending).toBe(0);
    expect(rows).toBe(100);
    expect(s.receipts.sampledOut).toBe(0);
    const first = ok(engine, { type: 'trace', messageId: burst.ids!.first }).trace!;
    expect(first.nodes[0]).toMatchObject({ status: 'DroppedOldest' });
    const last = ok(engine, { type: 'trace', messageId: burst.ids!.last }).trace!;
    expect(last.nodes[0]).toMatchObject({ status: 'Delivered' });
    // Redriven, an evicted letter is a message like any other: its new receipt is sampled.
    const r = ok(engine, { type: 'redrive', limit: 1 }).redrive!;
    expect(r).toMatchObject({ redriven: 1, failedByStatus: {} });
    engine.drain();
    const s2 = engine.snapshot();
    expect(s2.receipts.pending).toBe(0);
    balanced(s2);
  });

  it('traces a NoRoute message and redrives it by type once a route exists', () => {
    let t = 1_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    ok(engine, { type: 'inject', typeId: 777 });
    let s = engine.snapshot();
    const letter = s.deadLetters.recent[0]!;
    expect(letter).toMatchObject({ reason: 'NoRoute', destination: '', typeId: 777 });
    expect(
      ok(engine, { type: 'trace', messageId: letter.messageId }).trace!.nodes[0],
    ).toMatchObject({ status: 'NoRoute' });
    ok(engine, { type: 'setRoute', typeId: 777, kernelId: 'alert_sink' });
    const r = ok(engine, { type: 'redrive' }).redrive!;
    expect(r).toMatchObject({ selected: 1, redriven: 1 });
    t += 100;
    engine.tick();
    s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'alert_sink')!.processed).toBe(1);
    expect(s.deadLetters.count).toBe(0);
    balanced(s);
  });
});

describe('trace store', () => {
  const node = (id: number, parentId: number | null) => ({
    messageId: id,
    typeId: 1,
    parentId,
    children: [],
    source: 'host',
    destination: 'k',
    kernel: null,
    status: 'Delivered' as const,
    hops: 0,
    priority: 0,
    latencyUs: null,
    injectedAt: { physical: 1, logical: id, nodeId: 1 },
    deliveredAt: null,
    processedAt: null,
    pinned: false,
  });

  it('evicts the oldest entry and says the chain is incomplete', () => {
    const store = new TraceStore(2);
    store.add(node(1, null));
    store.add(node(2, 1));
    store.add(node(3, 2));
    // 1 was evicted.
    expect(store.get(1)).toBeUndefined();
    expect(store.trace(3)).toMatchObject({ found: true, complete: false });
    expect(store.trace(3).nodes.map((n) => n.messageId)).toEqual([2, 3]);
  });

  // Only the pinned entry had been kept: under 200 K/s a hand-sent PatternCheck's response left
  // the ring within seconds, and its pinned chain read "1 message, incomplete".
  it("keeps a pinned message's whole chain, what comes under it later too, until it is unpinned", () => {
    const store = new TraceStore(2);
    store.add(node(10, null));
    store.add(node(11, 10));
    // Its parent is kept with it...
    expect(store.pin(11)).toBe(true);
    // ...and an output it goes on to, emitted after the pin.
    store.add(node(12, 11));
    for (const id of [20, 21, 22]) store.add(node(id, null));
    expect(store.get(20)).toBeUndefined();
    expect(store.trace(11)).toMatchObject({ found: true, complete: true });
    expect(store.trace(11).nodes.map((n) => n.messageId)).toEqual([10, 11, 12]);
    expect(store.get(11)!.pinned).toBe(true);
    expect(store.get(10)!.pinned).toBe(false);
    // Unpinned, the ring has passed the chain: it goes.
    expect(store.unpin(11)).toBe(true);
    for (const id of [10, 11, 12]) expect(store.get(id)).toBeUndefined();
    expect(store.count).toBe(2);
    expect(store.unpin(11)).toBe(false);
  });

  // A redrive hangs under its letter after it was added: its copy, and what came under the copy,
  // had left the pinned chain; and a later child of a pinned message's parent, another branch,
  // had been kept with it.
  it("keeps a pinned letter's redrive in its chain, and no other branch of its ancestors", () => {
    const store = new TraceStore(2);
    store.add(node(1, null));
    store.pin(1);
    store.add(node(2, null));
    store.linkRedrive(1, 2);
    store.add(node(3, 2));
    store.add(node(10, null));
    store.add(node(11, 10));
    store.pin(11);
    store.add(node(12, 10));
    for (const id of [20, 21, 22]) store.add(node(id, null));
    expect(store.trace(1)).toMatchObject({ complete: true });
    expect(store.trace(1).nodes.map((n) => n.messageId)).toEqual([1, 2, 3]);
    expect(store.trace(11).nodes.map((n) => n.messageId)).toEqual([10, 11]);
    expect(store.get(12)).toBeUndefined();
  });

  it('keeps an entry in two pinned chains until both are unpinned', () => {
    const store = new TraceStore(1);
    store.add(node(1, null));
    store.pin(1);
    store.add(node(2, 1));
    // 2's chain is 1 and 2: both are in both pins.
    store.pin(2);
    store.add(node(3, null));
    store.unpin(1);
    expect(store.get(1)).toBeDefined();
    expect(store.get(2)).toBeDefined();
    store.unpin(2);
    expect(store.get(1)).toBeUndefined();
    expect(store.get(2)).toBeUndefined();
    expect(store.count).toBe(1);
  });

  it('lets go of a pinned entry the ring has passed once it is unpinned', () => {
    const store = new TraceStore(2);
    store.add(node(1, null));
    store.pin(1);
    store.add(node(2, null));
    store.add(node(3, null)); // the ring moves past 1; the pin keeps it
    expect(store.count).toBe(3);
    store.unpin(1);
    expect(store.get(1)).toBeUndefined();
    expect(store.count).toBe(2);
  });
});

/** A runtime that resolves later and can "lose its device" (then runs its twin). */
class FakeGpuRuntime implements KernelRuntime {
  backend: 'webgpu' | 'cpu' = 'webgpu';
  fallbackReason: string | null = null;
  readonly twin;
  imported: Uint32Array | null = null;
  loseNext = false;
  constructor(
    readonly behavior: 'fraud' | 'aggregator' | 'pattern' | 'generic',
    private readonly ctx: KernelContext,
  ) {
    this.twin = createTwin(behavior);
  }
  process(batch: MessageBatch): Promise<OutputBatch> {
    if (this.loseNext) {
      this.loseNext = false;
      this.backend = 'cpu';
      this.fallbackReason = 'device lost (destroyed)';
      this.ctx.notice('Moved to the CPU twin: device lost');
    }
    return Promise.resolve(this.twin.process(batch));
  }
  exportState(): Promise<Uint32Array> {
    return Promise.resolve(this.twin.exportState());
  }
  importState(state: Uint32Array): void {
    this.imported = state.slice();
    this.twin.importState(state);
  }
  reset(): void {
    this.twin.reset();
  }
  destroy(): void {}
}

describe('engine with asynchronous (GPU) runtimes', () => {
  it('swaps to the runtime with state carried, survives a device loss, and stays exact', async () => {
    let t = 1_000_000;
    const runtimes = new Map<string, FakeGpuRuntime>();
    let resolveAll: () => void = () => {};
    const ready = new Promise<void>((r) => (resolveAll = r));
    // Forced to WebGPU: the runtime takes over as soon as it is ready (`auto` would measure first).
    const config = demoConfig();
    config.kernels = config.kernels.map((k) =>
      k.behavior === 'fraud' ? { ...k, backend: 'webgpu' as const } : k,
    );
    const engine = createEngine({
      config,
      now: () => t,
      makeKernel: (k, ctx) => {
        if (k.behavior !== 'fraud') return createTwin(k.behavior);
        return ready.then(() => {
          const rt = new FakeGpuRuntime(k.behavior, ctx);
          runtimes.set(k.id, rt);
          return rt;
        });
      },
      gpu: () => ({ available: true, adapter: null }),
    });
    // Before the runtime is ready the twin runs and builds up state.
    ok(engine, { type: 'inject', typeId: 1001, count: 50, payload: { amount: 9_500, account: 3 } });
    t += 1000;
    engine.tick();
    let s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'fraud_processor')!.backend).toBe('cpu');
    resolveAll();
    await ready;
    await Promise.resolve();
    ok(engine, { type: 'inject', typeId: 1001, count: 20, payload: { amount: 100, account: 3 } });
    t += 1000;
    engine.tick();
    const rt = runtimes.get('fraud_processor')!;
    expect(rt.imported?.some((w) => w !== 0)).toBe(true);
    s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'fraud_processor')!.backend).toBe('webgpu');
    expect(s.accounting.inFlight).toBeGreaterThan(0); // the batch on the runtime, apart from queued
    expect(s.kernels.find((k) => k.id === 'fraud_processor')!.inFlight).toBe(s.accounting.inFlight);
    balanced(s);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    rt.loseNext = true;
    ok(engine, { type: 'inject', typeId: 1001, count: 20, payload: { amount: 100, account: 3 } });
    for (let i = 0; i < 10; i++) {
      t += 1000;
      engine.tick();
      await Promise.resolve();
      await Promise.resolve();
    }
    engine.drain();
    s = engine.snapshot();
    const fp = s.kernels.find((k) => k.id === 'fraud_processor')!;
    expect(fp).toMatchObject({ backend: 'cpu', processed: 90 });
    expect(fp.fallbackReason).toContain('device lost');
    expect(s.gpuEvents.some((e) => e.message.includes('device lost'))).toBe(true);
    expect(s.accounting.queued).toBe(0);
    balanced(s);
  });

  it('answers gpuInfo and says why a kernel asking for WebGPU runs on the CPU', () => {
    const engine = createEngine({
      config: demoConfig(),
      now: () => 0,
      gpu: () => ({ available: false, adapter: null, reason: 'no adapter' }),
    });
    expect(ok(engine, { type: 'gpuInfo' }).gpu).toEqual({
      available: false,
      adapter: null,
      reason: 'no adapter',
    });
    const auto = engine.snapshot().kernels.filter((k) => k.backend === 'cpu' && k.fallbackReason);
    expect(auto.length).toBeGreaterThan(0);
    expect(auto[0]!.fallbackReason).toBe('no adapter');
  });
});

describe('a long inject', () => {
  // 4,000,000 at once held the engine's thread past the page's 5 s watchdog, which restarted the
  // worker and lost every count and queued message (QA); and 1,000,000 into a full queue froze the
  // panels on the snapshot before it for 1.6 s.
  it('lets the worker speak every 1,024 messages, its state whole and its time moving', () => {
    let t = 1_000_000;
    const seen: EngineSnapshot[] = [];
    const engine: Engine = createEngine({
      config: demoConfig(),
      now: () => t,
      midCommand: () => {
        seen.push(engine.snapshot());
        t += 2_000;
      },
    });
    const r = ok(engine, { type: 'inject', typeId: 1002, count: 200_000 });
    expect(r.count).toBe(200_000);
    // 200,000 / 1,024: 195 calls, each after a whole multiple of 1,024 messages was sent.
    expect(seen.map((x) => x.injected)).toEqual(
      Array.from({ length: 195 }, (_, i) => (i + 1) * 1024),
    );
    for (const x of seen) expectBalanced(x);
    // Each says how far the send is (the page shows it beside Send burst).
    expect(seen.map((x) => x.sending)).toEqual(
      Array.from({ length: 195 }, (_, i) => ({ count: 200_000, sent: (i + 1) * 1024 })),
    );
    // Engine time moved on between them (the call before saw the time it was given).
    expect(seen[0]!.timeUs).toBe(1_000_000);
    expect(seen[1]!.timeUs).toBe(1_002_000);
    expect(seen[194]!.timeUs).toBe(1_388_000);
    const end = engine.snapshot();
    expect(end.sending).toBeUndefined();
    // Its end at the time it ended, after the last of them.
    expect(end.timeUs).toBe(1_390_000);
    expect(end.injected).toBe(200_000);
    expect(end.accounting.balanced).toBe(true);
    // A short inject does not call it.
    seen.length = 0;
    ok(engine, { type: 'inject', typeId: 1002, count: 1024 });
    expect(seen).toHaveLength(0);
  });

  it('is not idle while it sends, also when nothing it sends is queued', () => {
    const idle: boolean[] = [];
    const engine: Engine = createEngine({
      config: demoConfig(),
      now: () => 1_000_000,
      midCommand: () => idle.push(engine.snapshot().idle),
    });
    // A type no route takes: every message a NoRoute letter, no queue holds any.
    ok(engine, { type: 'inject', typeId: 9999, count: 10_000 });
    expect(idle).toEqual(Array.from({ length: 9 }, () => false));
    expect(engine.snapshot().idle).toBe(true);
  });

  it('stopped half way by its hook, settles what it numbered and leaves the next sends whole', () => {
    let calls = 0;
    const engine = createEngine({
      config: demoConfig(),
      now: () => 1_000_000,
      midCommand: () => {
        if (++calls === 5) throw new Error('hook failed');
      },
    });
    const r = engine.command({ type: 'inject', typeId: 1002, count: 200_000 });
    expect(r.ok).toBe(false);
    const s = engine.snapshot();
    // 5 x 1,024 numbered before the hook threw: each counted, settled and accounted for.
    expect(s.injected).toBe(5 * 1024);
    expect(s.sending).toBeUndefined();
    expectBalanced(s);
    // The burst's skip of the rows it had no room for went with it: a later send gets its rows.
    const sampledOut = s.receipts.sampledOut;
    const next = ok(engine, { type: 'inject', typeId: 1002, count: 10 });
    // (A Delivered receipt's row is made when its kernel takes the message.)
    engine.drain();
    const after = engine.snapshot();
    expect(after.receipts.sampledOut).toBe(sampledOut);
    expect(after.receipts.recent.map((row) => row.messageId)).toEqual(
      expect.arrayContaining([next.ids!.first, next.ids!.last]),
    );
  });
});
