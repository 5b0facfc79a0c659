import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createEngine, type Engine } from './engine';
import {
  chunkCapacity,
  CHUNKS_AHEAD,
  GeneratorPump,
  type GeneratorLink,
  type GenReply,
  type GenRequest,
} from './gen-remote';
import { GeneratedBatch, TrafficGenerator, type MixEntry } from './generators';
import { layoutOf } from './payload';
import type { EngineCommand, EngineEvent, GeneratorSpec, ReceiptRow } from './protocol';
import { expectBalanced, wideConfig } from './test-util';

/**
 * A generator link within the test: requests reach a `GeneratorPump` at once; its replies reach
 * the engine at once (`held` false) or when the test delivers them.
 */
function localLink(): GeneratorLink & {
  requests: GenRequest['type'][];
  held: boolean;
  pending: GenReply[];
  deliver(): void;
} {
  const pump = new GeneratorPump((r) => {
    if (link.held) link.pending.push(r);
    else link.onReply?.(r);
  });
  const link = {
    requests: [] as GenRequest['type'][],
    held: false,
    pending: [] as GenReply[],
    onReply: null as ((r: GenReply) => void) | null,
    onBroken: null as ((m: string) => void) | null,
    post(m: GenRequest) {
      link.requests.push(m.type);
      pump.handle(m);
    },
    deliver() {
      const p = link.pending.splice(0);
      for (const r of p) link.onReply?.(r);
    },
    close() {},
  };
  return link;
}

function setup(link?: GeneratorLink) {
  const clock = { t: 1_000_000 };
  const events: EngineEvent[] = [];
  const engine = createEngine({
    config: demoConfig(),
    now: () => clock.t,
    onEvent: (e) => events.push(e),
    ...(link ? { spawnGenerator: () => link } : {}),
  });
  return { engine, clock, events };
}

function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

const SPEC: GeneratorSpec = {
  ratePerSec: 200_000,
  pattern: 'poisson',
  seed: 11,
  durationMs: 120,
  zipfS: 1.1,
  accounts: 500,
  mix: [
    { typeId: 1001, weight: 5 },
    { typeId: 1002, weight: 2 },
    { typeId: 1003, weight: 1 },
    { typeId: 777, weight: 1 },
  ],
};

/** Every receipt of a generated run, tick by tick, and the final snapshot's counters. */
function run(
  link: GeneratorLink | undefined,
  during?: (i: number, engine: Engine) => void,
): { rows: ReceiptRow[]; injected: number; onWorker: boolean[]; events: EngineEvent[] } {
  const { engine, clock, events } = setup(link);
  ok(engine, { type: 'setSampling', perSnapshotCap: 1_000_000 });
  ok(engine, { type: 'startGenerator', spec: SPEC });
  const rows: ReceiptRow[] = [];
  const onWorker: boolean[] = [];
  for (let i = 0; i < 25; i++) {
    during?.(i, engine);
    clock.t += 7_000;
    engine.tick();
    const s = engine.snapshot();
    onWorker.push(s.generator.onWorker);
    rows.push(...s.receipts.recent);
  }
  const s = engine.snapshot();
  expect(s.generator.running).toBe(false);
  expectBalanced(s);
  return { rows, injected: s.injected, onWorker, events };
}

describe('the generator on a worker of its own', () => {
  it('fills the same stream in chunks as the engine thread does in one batch', () => {
    const mix: MixEntry[] = [1001, 1002, 1003].map((typeId, i) => ({
      typeId,
      weight: i + 1,
      layout: layoutOf(demoConfig().messageTypes.find((t) => t.typeId === typeId)!.fields),
    }));
    const spec: GeneratorSpec = { ratePerSec: 500_000, pattern: 'poisson', seed: 5 };
    const n = 5_000;
    const whole = new GeneratedBatch(n, 32);
    new TrafficGenerator(spec, mix, 77).fill(Number.POSITIVE_INFINITY, whole);

    const chunks: Extract<GenReply, { type: 'chunk' }>[] = [];
    const pump = new GeneratorPump((r) => {
      if (r.type === 'chunk') chunks.push(r);
    });
    const capacity = chunkCapacity(spec.ratePerSec);
    pump.handle({ type: 'start', gen: 1, spec, mix, startUs: 77, capacity, stride: 32 });
    expect(chunks).toHaveLength(CHUNKS_AHEAD);
    expect(capacity).toBe(4096);
    const times = new Float64Array(capacity * CHUNKS_AHEAD);
    const bytes = new Uint8Array(capacity * CHUNKS_AHEAD * 32);
    chunks.forEach((c, i) => {
      expect(c.count).toBe(capacity);
      times.set(new Float64Array(c.buffers.timeUs), i * capacity);
      bytes.set(new Uint8Array(c.buffers.payload), i * capacity * 32);
    });
    expect(times.subarray(0, n)).toEqual(whole.timeUs);
    expect(bytes.subarray(0, n * 32)).toEqual(whole.payload);
    // Each chunk says when the message after it falls due.
    expect(chunks[0]!.nextDue).toBe(times[capacity]);
    // A handed-back chunk is filled again; one of another run is not.
    pump.handle({ type: 'credit', gen: 2, buffers: chunks[0]!.buffers });
    expect(chunks).toHaveLength(CHUNKS_AHEAD);
    pump.handle({ type: 'credit', gen: 1, buffers: chunks[0]!.buffers });
    expect(chunks).toHaveLength(CHUNKS_AHEAD + 1);
    pump.handle({ type: 'stop', gen: 1 });
    pump.handle({ type: 'credit', gen: 1, buffers: chunks[1]!.buffers });
    expect(chunks).toHaveLength(CHUNKS_AHEAD + 1);
  });

  it('sizes chunks to about 8 ms of traffic, 1,024 to 65,536 rows', () => {
    expect(chunkCapacity(1000)).toBe(1024);
    expect(chunkCapacity(1_000_000)).toBe(8192);
    expect(chunkCapacity(2_000_000)).toBe(16_384);
    expect(chunkCapacity(4_000_000)).toBe(32_768);
    expect(chunkCapacity(10_000_000)).toBe(65_536);
    expect(chunkCapacity(100_000_000)).toBe(65_536);
  });

  it('gives the engine the same run, receipt for receipt, as generating on its thread', () => {
    const inline = run(undefined);
    const link = localLink();
    const remote = run(link);
    expect(inline.injected).toBeGreaterThan(20_000);
    expect(remote.injected).toBe(inline.injected);
    expect(remote.rows.length).toBe(inline.rows.length);
    expect(remote.rows).toEqual(inline.rows);
    expect(inline.onWorker.every((w) => !w)).toBe(true);
    expect(remote.onWorker.slice(0, 8).every((w) => w)).toBe(true);
    expect(link.requests).toContain('credit');
  });

  it('shows lag while no chunk has arrived, then catches up without a burst of latency', () => {
    const link = localLink();
    link.held = true;
    const { engine, clock } = setup(link);
    ok(engine, {
      type: 'startGenerator',
      spec: { ratePerSec: 100_000, seed: 2, mix: [{ typeId: 1002, weight: 1 }] },
    });
    clock.t += 50_000;
    engine.tick();
    let s = engine.snapshot();
    expect(s.injected).toBe(0);
    expect(s.generator).toMatchObject({ running: true, onWorker: true });
    expect(s.generator.lagMs).toBeGreaterThan(45);
    link.deliver();
    clock.t += 1_000;
    engine.tick();
    s = engine.snapshot();
    // 51 ms at 100,000/s: all due rows entered (they were generated ahead).
    expect(s.injected).toBeGreaterThan(4_900);
    expect(s.injected).toBeLessThan(5_300);
    expect(s.generator.lagMs).toBeLessThan(1);
    // Late rows enter when they are taken in, not when they were due: latency is the engine's.
    expect(s.latency.p99Us).toBeLessThanOrEqual(1_000);
    expectBalanced(s);
  });

  it('drops the chunks of a stopped run', () => {
    const link = localLink();
    link.held = true;
    const { engine, clock } = setup(link);
    const spec = { ratePerSec: 100_000, seed: 2, mix: [{ typeId: 1002, weight: 1 }] };
    ok(engine, { type: 'startGenerator', spec });
    const stale = link.pending.splice(0);
    expect(stale).toHaveLength(CHUNKS_AHEAD);
    ok(engine, { type: 'stopGenerator' });
    ok(engine, { type: 'startGenerator', spec: { ...spec, ratePerSec: 1_000 } });
    for (const r of stale) link.onReply?.(r);
    clock.t += 20_000;
    engine.tick();
    // The stale chunks (100,000/s) did not enter; the new run has not delivered yet.
    expect(engine.snapshot().injected).toBe(0);
    link.deliver();
    clock.t += 20_000;
    engine.tick();
    const s = engine.snapshot();
    expect(s.injected).toBeGreaterThan(25);
    expect(s.injected).toBeLessThan(60);
    expect(link.requests).toEqual(['start', 'stop', 'start']);
  });

  it('goes on on the engine thread from the next message when the worker breaks', () => {
    const inline = run(undefined);
    const link = localLink();
    const remote = run(link, (i) => {
      if (i === 6) link.onBroken?.('test fault');
    });
    expect(remote.onWorker.slice(0, 6).every((w) => w)).toBe(true);
    expect(remote.onWorker.slice(6).every((w) => !w)).toBe(true);
    expect(remote.injected).toBe(inline.injected);
    expect(remote.rows).toEqual(inline.rows);
    const error = remote.events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ error: { code: 'Internal' } });
    expect(JSON.stringify(error)).toContain('test fault');
  });

  it('generates on the engine thread when the worker cannot start, and for payloads over 32 bytes', () => {
    // A spawner that fails: the engine generates itself.
    const failing = createEngine({
      config: demoConfig(),
      now: () => 0,
      spawnGenerator: () => null,
    });
    ok(failing, { type: 'startGenerator', spec: { ratePerSec: 1000 } });
    expect(failing.snapshot().generator).toMatchObject({ running: true, onWorker: false });
    // A 40-byte type goes through the engine's own batch.
    const link = localLink();
    const wide = createEngine({
      config: wideConfig(),
      now: () => 0,
      spawnGenerator: () => link,
    });
    ok(wide, {
      type: 'startGenerator',
      spec: { ratePerSec: 1000, mix: [{ typeId: 1020, weight: 1 }] },
    });
    expect(wide.snapshot().generator.onWorker).toBe(false);
    expect(link.requests).toEqual([]);
  });
});
