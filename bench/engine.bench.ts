/**
 * Engine throughput: generated traffic through dispatch, queues and the CPU kernel twins for the
 * demo config. Prints figures; asserts nothing. Run: `npm run bench:engine` (one esbuild bundle,
 * like bench:core: tsx's per-file transform slows the code down).
 *
 * First the stages that can run alone on the same workload (demo mix, Poisson, Zipf 1.1 over
 * 10,000 accounts, seed 42), each the median of 5 rounds in wall and CPU time (the machine is
 * shared: CPU time is the steadier figure):
 * - generate: `TrafficGenerator.fill` into a batch;
 * - dispatch (core alone): `dispatchBatch` + `drainInto` of the same types on the demo routes;
 * - convert in: `InputConverter.convert` of those payloads into the kernels' 8-word rows;
 * - kernel: the CPU twins' `process` on pre-filled batches (per injected message, all three);
 * - convert out: `OutputConverter.convertInto` of the twins' outputs into message columns;
 * - engine end to end (public API only: `tick` + `snapshot` per 16 ms tick); the rest of its
 *   time (dispatch, queues, store, receipts, emit glue) is end to end minus the stages above;
 * - receipts: end to end with receipt sampling on (2,000 rows per snapshot) minus sampling off;
 * - snapshot: `engine.snapshot()` alone on a loaded engine.
 * Then the saturated run (generator on the engine's thread, then on a worker thread of its own as
 * in the browser, with the engine thread's own CPU time per message), and the real-time rate sweep (skipped with `-- --stages`; `-- --parts`
 * stops after the stages that run without the engine).
 */
import { demoConfig } from '../src/core/config/index.ts';
import { DispatcherBuilder, K2KBroker } from '../src/core/index.ts';
import { createEngine } from '../src/engine/engine.ts';
import { ASYNC_BATCH } from '../src/engine/async-batch.ts';
import { GeneratedBatch, TrafficGenerator, type MixEntry } from '../src/engine/generators.ts';
import { InputConverter } from '../src/engine/kernel-input.ts';
import { OutputConverter } from '../src/engine/kernel-output.ts';
import { layoutOf, type PayloadLayout } from '../src/engine/payload.ts';
import type { GeneratorSpec } from '../src/engine/protocol.ts';
import { createTwin } from '../src/gpu/kernels/twins.ts';
import { readThreadStat } from './proc.ts';
import {
  createMessageBatch,
  FLAG_REQUIRES_RESPONSE,
  PAYLOAD_WORDS,
  type KernelBehavior,
  type KernelTwin,
  type MessageBatch,
  type OutputBatch,
} from '../src/gpu/kernels/types.ts';
import { readdirSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { GeneratorPump, type GeneratorLink, type GenRequest } from '../src/engine/gen-remote.ts';
import { countGcs } from './gc.ts';
import { gpuLinkRoundTrips } from './gpu-link.ts';
import { median } from './stats.ts';

// This bundle is also the generator's worker thread for the saturated run "generator on a
// worker thread" (as the browser runs it): there it serves a GeneratorPump and goes no further.
if (!isMainThread && workerData === 'generator-pump') {
  const port = parentPort!;
  const pump = new GeneratorPump((reply, transfer) => port.postMessage(reply, transfer));
  port.on('message', (m: GenRequest) => pump.handle(m));
  await new Promise<never>(() => {});
}

const MIX = [
  { typeId: 1001, weight: 80 },
  { typeId: 1002, weight: 15 },
  { typeId: 1003, weight: 5 },
];
const TICK_US = 16_000;
const ROUNDS = 5;
const SPEC: GeneratorSpec = {
  ratePerSec: 10_000_000,
  pattern: 'poisson',
  mix: MIX,
  zipfS: 1.1,
  accounts: 10_000,
  seed: 42,
};

// ---------------------------------------------------------------- measuring

interface Figure {
  /** ns per message, wall and CPU (user + system). */
  wallNs: number;
  cpuNs: number;
}

/** One timed call of `body`, which handles `msgs` messages. */
function timeOnce(body: () => void, msgs: number): Figure {
  const w0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  body();
  const c = process.cpuUsage(c0);
  const wallNs = Number(process.hrtime.bigint() - w0);
  return { wallNs: wallNs / msgs, cpuNs: ((c.user + c.system) * 1000) / msgs };
}

/** Median of `ROUNDS` rounds (after one warm-up round). */
function medianOf(round: () => Figure): Figure {
  round();
  const fs = Array.from({ length: ROUNDS }, round);
  return { wallNs: median(fs.map((f) => f.wallNs)), cpuNs: median(fs.map((f) => f.cpuNs)) };
}

function report(stage: string, f: Figure, note = ''): void {
  console.log(
    `${stage.padEnd(26)} ${(1e3 / f.cpuNs).toFixed(2).padStart(8)} M msgs/CPU s ${f.cpuNs.toFixed(1).padStart(8)} ns/msg CPU ${f.wallNs.toFixed(1).padStart(8)} ns/msg wall  ${note}`,
  );
}

// ---------------------------------------------------------------- the workload

const config = demoConfig();
const layoutOfType = new Map<number, PayloadLayout>(
  config.messageTypes.map((t) => [Number(t.typeId), layoutOf(t.fields)]),
);
const behaviorOfType = new Map<number, KernelBehavior>(
  config.routes.map((r) => [
    Number(r.typeId),
    config.kernels.find((k) => k.id === r.kernelId)!.behavior,
  ]),
);
const mixEntries: MixEntry[] = MIX.map((m) => ({
  typeId: m.typeId,
  weight: m.weight,
  layout: layoutOfType.get(m.typeId) ?? { size: 0, fields: [] },
}));
const requiresResponse = new Set(
  config.messageTypes.filter((t) => t.requiresResponse).map((t) => Number(t.typeId)),
);
const GEN_CHUNK = 1024;
const STRIDE = 32;

/** `chunks` generator batches of `GEN_CHUNK` messages, kept (for the stages after generate). */
function generate(chunks: number): GeneratedBatch[] {
  const gen = new TrafficGenerator(SPEC, mixEntries, 0);
  return Array.from({ length: chunks }, () => {
    const b = new GeneratedBatch(GEN_CHUNK, STRIDE);
    gen.fill(Number.MAX_VALUE, b);
    return b;
  });
}

function stageGenerate(): Figure {
  const batch = new GeneratedBatch(GEN_CHUNK, STRIDE);
  const chunks = 1000;
  return medianOf(() => {
    const gen = new TrafficGenerator(SPEC, mixEntries, 0);
    return timeOnce(() => {
      for (let c = 0; c < chunks; c++) gen.fill(Number.MAX_VALUE, batch);
    }, chunks * GEN_CHUNK);
  });
}

/**
 * Minor GCs (scavenges) while `fill` generates `msgs` messages after a warm-up: the generator
 * allocates nothing per message, so this stays near 0 (it allocated 14.5-31.7 bytes a message,
 * one scavenge every ~260,000 messages, until 3 December 2026).
 */
async function generateScavenges(msgs: number): Promise<number> {
  const batch = new GeneratedBatch(GEN_CHUNK, STRIDE);
  const gen = new TrafficGenerator(SPEC, mixEntries, 0);
  for (let c = 0; c < 1000; c++) gen.fill(Number.MAX_VALUE, batch);
  const gcs = await countGcs(() => {
    for (let c = 0; c < msgs / GEN_CHUNK; c++) gen.fill(Number.MAX_VALUE, batch);
  });
  return gcs.minor;
}

const inputConverters = mixEntries.map((e) => new InputConverter(e.layout));

function convertIn(batches: GeneratedBatch[], out: Map<KernelBehavior, MessageBatch>[]): void {
  // Per mix entry: its type, flags and converter (looked up once, not per message).
  const typeOf = Uint32Array.from(MIX, (m) => m.typeId);
  const flagsOf = Uint32Array.from(MIX, (m) =>
    requiresResponse.has(m.typeId) ? FLAG_REQUIRES_RESPONSE : 0,
  );
  let id = 1;
  for (let c = 0; c < batches.length; c++) {
    const g = batches[c]!;
    const words = new Uint32Array(g.payload.buffer);
    const byKernel = out[c]!;
    for (const b of byKernel.values()) b.count = 0;
    const target = MIX.map((m) => byKernel.get(behaviorOfType.get(m.typeId)!)!);
    for (let i = 0; i < g.count; i++) {
      const mi = g.mixIndex[i]!;
      const b = target[mi]!;
      const r = b.count++;
      b.typeLo[r] = typeOf[mi]!;
      b.typeHi[r] = 0;
      b.idLo[r] = id;
      b.idHi[r] = 0;
      b.source[r] = 0;
      b.priority[r] = 1;
      b.flags[r] = flagsOf[mi]!;
      inputConverters[mi]!.convert(
        words,
        (i * STRIDE) / 4,
        undefined,
        b.payload,
        r * PAYLOAD_WORDS,
        id,
        g.timeUs[i]!,
      );
      id++;
    }
  }
}

function kernelBatches(chunks: number): Map<KernelBehavior, MessageBatch>[] {
  const behaviors = [...new Set(MIX.map((m) => behaviorOfType.get(m.typeId)!))];
  return Array.from(
    { length: chunks },
    () => new Map(behaviors.map((b) => [b, createMessageBatch(GEN_CHUNK)])),
  );
}

function stageConvertIn(gen: GeneratedBatch[]): Figure {
  const out = kernelBatches(gen.length);
  return medianOf(() => timeOnce(() => convertIn(gen, out), gen.length * GEN_CHUNK));
}

function stageKernel(input: Map<KernelBehavior, MessageBatch>[]): {
  all: Figure;
  per: Map<KernelBehavior, Figure>;
  outputs: { behavior: KernelBehavior; out: OutputBatch }[];
} {
  const msgs = input.length * GEN_CHUNK;
  const behaviors = [...input[0]!.keys()];
  const twins = new Map<KernelBehavior, KernelTwin>(behaviors.map((b) => [b, createTwin(b)]));
  const runAll = (): void => {
    for (const byKernel of input) for (const [b, batch] of byKernel) twins.get(b)!.process(batch);
  };
  const all = medianOf(() => timeOnce(runAll, msgs));
  const per = new Map<KernelBehavior, Figure>();
  for (const b of behaviors) {
    const rowsOf = input.reduce((s, m) => s + m.get(b)!.count, 0);
    const twin = twins.get(b)!;
    per.set(
      b,
      medianOf(() =>
        timeOnce(() => {
          for (const byKernel of input) twin.process(byKernel.get(b)!);
        }, rowsOf),
      ),
    );
  }
  // Copies of one chunk's outputs, for the output converters.
  const outputs: { behavior: KernelBehavior; out: OutputBatch }[] = [];
  const fresh = new Map<KernelBehavior, KernelTwin>(behaviors.map((b) => [b, createTwin(b)]));
  for (const byKernel of input) {
    for (const [b, batch] of byKernel) {
      const o = fresh.get(b)!.process(batch);
      outputs.push({ behavior: b, out: cloneOut(o) });
    }
  }
  return { all, per, outputs };
}

function cloneOut(o: OutputBatch): OutputBatch {
  return {
    ...o,
    typeLo: o.typeLo.slice(),
    typeHi: o.typeHi.slice(),
    idLo: o.idLo.slice(),
    idHi: o.idHi.slice(),
    source: o.source.slice(),
    priority: o.priority.slice(),
    flags: o.flags.slice(),
    payload: o.payload.slice(),
    dest: o.dest.slice(),
    parentRow: o.parentRow.slice(),
  };
}

function stageConvertOut(
  outputs: { behavior: KernelBehavior; out: OutputBatch }[],
  injected: number,
): { perInjected: Figure; perOutput: Figure; count: number } {
  const convs = new Map<string, OutputConverter>();
  const convFor = (typeId: number, b: KernelBehavior): OutputConverter => {
    const key = `${typeId}/${b}`;
    let c = convs.get(key);
    if (!c) convs.set(key, (c = new OutputConverter(layoutOfType.get(typeId) ?? null, b)));
    return c;
  };
  const dst = new Uint32Array(GEN_CHUNK * PAYLOAD_WORDS);
  let count = 0;
  for (const { out } of outputs) count += out.count;
  const run = (): void => {
    for (const { behavior, out } of outputs) {
      let conv: OutputConverter | undefined;
      let lastType = -1;
      for (let r = 0; r < out.count; r++) {
        const t = out.typeLo[r]!;
        if (t !== lastType) {
          conv = convFor(t, behavior);
          lastType = t;
        }
        conv!.convertInto(out.payload, r * PAYLOAD_WORDS, dst, r * PAYLOAD_WORDS);
      }
    }
  };
  const perInjected = medianOf(() => timeOnce(run, injected));
  return {
    perInjected,
    perOutput: {
      wallNs: (perInjected.wallNs * injected) / count,
      cpuNs: (perInjected.cpuNs * injected) / count,
    },
    count,
  };
}

/**
 * The core's batch path alone on the same type sequence: `dispatchBatch` of each generator chunk
 * into the demo kernels' endpoints (routes and capacities from the demo config), `drainInto` after
 * each. The engine adds its message store, receipts and glue around this.
 */
function stageDispatch(gen: GeneratedBatch[]): Figure {
  let t = 1_000_000_000;
  const broker = new K2KBroker({ now: () => t });
  const eps = config.kernels.map((k) => broker.register(k.id, { capacity: k.queueCapacity }));
  let b = new DispatcherBuilder();
  for (const r of config.routes) b = b.routeRaw(Number(r.typeId), r.kernelId);
  const d = b.buildWithBroker(broker);
  const statuses = new Uint8Array(GEN_CHUNK);
  const out = { typeIds: new Float64Array(GEN_CHUNK), payloadRefs: new Uint32Array(GEN_CHUNK) };
  const typeIds = gen.map((g) => Float64Array.from(g.mixIndex, (mi) => MIX[mi]!.typeId));
  const refs = Uint32Array.from({ length: GEN_CHUNK }, (_, i) => i);
  return medianOf(() =>
    timeOnce(() => {
      for (const ids of typeIds) {
        t += 100;
        d.dispatchBatch({ typeIds: ids, payloadRefs: refs, count: GEN_CHUNK }, statuses);
        for (const ep of eps) ep.drainInto(out);
      }
    }, gen.length * GEN_CHUNK),
  );
}

// ---------------------------------------------------------------- the engine (public API only)

function startEngine(ratePerSec: number, sampling: number) {
  let t = 1_000_000_000;
  const engine = createEngine({ config: demoConfig(), now: () => t });
  engine.command({ type: 'setSampling', perSnapshotCap: sampling });
  engine.command({ type: 'startGenerator', spec: { ...SPEC, ratePerSec } });
  return {
    engine,
    step(): void {
      t += TICK_US;
      engine.tick(TICK_US);
      engine.snapshot();
    },
  };
}

function run(ratePerSec: number, simSeconds: number, sampling = 2000) {
  const { engine, step } = startEngine(ratePerSec, sampling);
  const ticks = Math.round((simSeconds * 1e6) / TICK_US);
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ticks; i++) step();
  const wallSec = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const s = engine.snapshot();
  const dropped = s.kernels.reduce((a, k) => a + k.dropped, 0);
  return {
    engine,
    ratePerSec,
    injected: s.injected,
    processed: s.accounting.processed,
    wallSec,
    cpuSec,
    msgsPerSec: s.injected / wallSec,
    // The dev machine is shared: CPU time is the steadier figure when others load it.
    msgsPerCpuSec: s.injected / cpuSec,
    realTime: wallSec <= simSeconds,
    dropped,
    deadLetters: s.deadLetters.count,
    balanced: s.accounting.balanced,
    p99Us: s.latency.p99Us,
  };
}

/** CPU time of one thread of this process, ms (Linux `/proc`; NaN elsewhere). */
function threadCpuMs(tid: number): number {
  try {
    return readThreadStat(`/proc/self/task/${tid}/stat`).cpuSeconds * 1000;
  } catch {
    return Number.NaN;
  }
}

/** Threads of this process and their CPU time, ms. */
function threadsCpuMs(): Map<number, number> {
  const m = new Map<number, number>();
  try {
    for (const t of readdirSync('/proc/self/task')) m.set(Number(t), threadCpuMs(Number(t)));
  } catch {
    // Not Linux: no per-thread figures.
  }
  return m;
}

/**
 * Saturated, with the generator's pump on a worker thread (the browser's arrangement): the
 * engine ticks as fast as it can, yielding between ticks so chunks arrive. Reports messages/s and
 * the CPU time per message of the engine's thread and of the generator's.
 */
async function runGeneratorOffThread(ratePerSec: number, wallSeconds: number) {
  const w = new Worker(new URL(import.meta.url), { workerData: 'generator-pump' });
  const link: GeneratorLink = {
    post: (m, transfer) => w.postMessage(m, transfer),
    onReply: null,
    onBroken: null,
    close: () => void w.terminate(),
  };
  w.on('message', (r: Parameters<NonNullable<GeneratorLink['onReply']>>[0]) => link.onReply?.(r));
  let t = 1_000_000_000;
  const engine = createEngine({ config: demoConfig(), now: () => t, spawnGenerator: () => link });
  engine.command({ type: 'setSampling', perSnapshotCap: 2000 });
  /** Ticks for `ms` of real time, yielding after each tick so the pump's chunks arrive. */
  const tickFor = async (ms: number): Promise<void> => {
    for (const end = Date.now() + ms; Date.now() < end;) {
      t += TICK_US;
      engine.tick(TICK_US);
      engine.snapshot();
      await new Promise((r) => setImmediate(r));
    }
  };
  // Warm-up: a second of real time at the same rate (JIT, the pump's first chunks).
  engine.command({ type: 'startGenerator', spec: { ...SPEC, ratePerSec } });
  await tickFor(1000);
  const i0 = engine.snapshot().injected;
  const th0 = threadsCpuMs();
  const start = process.hrtime.bigint();
  await tickFor(wallSeconds * 1000);
  const wallSec = Number(process.hrtime.bigint() - start) / 1e9;
  const th1 = threadsCpuMs();
  const s = engine.snapshot();
  const n = s.injected - i0;
  // The engine's thread is the main thread (tid = pid); the generator's is the busiest other.
  const engineMs = (th1.get(process.pid) ?? NaN) - (th0.get(process.pid) ?? NaN);
  let pumpMs = 0;
  for (const [tid, ms] of th1) {
    if (tid !== process.pid && th0.has(tid)) pumpMs = Math.max(pumpMs, ms - th0.get(tid)!);
  }
  engine.command({ type: 'stopGenerator' });
  engine.destroy();
  await w.terminate();
  return {
    msgsPerSec: n / wallSec,
    engineNs: (engineMs * 1e6) / n,
    pumpNs: (pumpMs * 1e6) / n,
    dropped: s.kernels.reduce((a, k) => a + k.dropped, 0),
    balanced: s.accounting.balanced,
  };
}

function endToEnd(sampling: number): Figure {
  return medianOf(() => {
    const r = run(10_000_000, 0.25, sampling);
    return { wallNs: (r.wallSec * 1e9) / r.injected, cpuNs: (r.cpuSec * 1e9) / r.injected };
  });
}

function stageSnapshot(): { perCall: Figure; perMsg: Figure } {
  const r = run(10_000_000, 0.25);
  const calls = 200;
  const perCall = medianOf(() =>
    timeOnce(() => {
      for (let i = 0; i < calls; i++) r.engine.snapshot();
    }, calls),
  );
  // One snapshot per tick at saturation: its share of each message of that tick.
  const perTick = r.injected / Math.round(0.25e6 / TICK_US);
  return { perCall, perMsg: { wallNs: perCall.wallNs / perTick, cpuNs: perCall.cpuNs / perTick } };
}

// ---------------------------------------------------------------- main

// Warm up the JIT.
run(1_000_000, 0.5);

console.log(
  'Engine throughput (generator -> KernelDispatcher.dispatchBatch -> K2KBroker endpoints -> drainInto -> CPU twins), demo config',
);
console.log(
  `node ${process.version}, tick ${TICK_US / 1000} ms of simulated time, snapshot every tick; stages: median of ${ROUNDS} rounds`,
);

const chunks = 200;
const generated = generate(chunks);
const injected = chunks * GEN_CHUNK;
const fGen = stageGenerate();
const GC_MSGS = 10_240_000;
report(
  'generate (fill)',
  fGen,
  `${await generateScavenges(GC_MSGS)} scavenges over ${GC_MSGS.toLocaleString('en-US')} messages`,
);
report('dispatch (core alone)', stageDispatch(generated), 'dispatchBatch + drainInto, no engine');
const fIn = stageConvertIn(generated);
report('convert in', fIn);
const kin = kernelBatches(chunks);
convertIn(generated, kin);
const k = stageKernel(kin);
report('kernel (3 twins)', k.all, 'per injected message');
for (const [b, f] of k.per) report(`  twin ${b}`, f, 'per row of its own');
const co = stageConvertOut(k.outputs, injected);
report(
  'convert out',
  co.perInjected,
  `per injected message (${((co.count / injected) * 100).toFixed(1)} % produce an output; ${co.perOutput.cpuNs.toFixed(1)} ns CPU per output)`,
);
// `-- --parts`: the stages that run alone, without the engine (quickest).
if (process.argv.includes('--parts')) process.exit(0);

const e2e = endToEnd(2000);
report('engine end to end', e2e, 'tick + snapshot, receipt sampling 2,000/snapshot');
const e2eOff = endToEnd(0);
report(
  '  receipt sampling',
  {
    wallNs: e2e.wallNs - e2eOff.wallNs,
    cpuNs: e2e.cpuNs - e2eOff.cpuNs,
  },
  'end to end, sampling 2,000 minus 0',
);
const snap = stageSnapshot();
report(
  '  snapshot',
  snap.perMsg,
  `share per message at 1 per tick; ${(snap.perCall.cpuNs / 1000).toFixed(1)} µs CPU per call`,
);
const parts = fGen.cpuNs + fIn.cpuNs + k.all.cpuNs + co.perInjected.cpuNs + snap.perMsg.cpuNs;
report(
  '  rest (dispatch, store, …)',
  {
    wallNs:
      e2e.wallNs -
      (fGen.wallNs + fIn.wallNs + k.all.wallNs + co.perInjected.wallNs + snap.perMsg.wallNs),
    cpuNs: e2e.cpuNs - parts,
  },
  'end to end minus the stages above',
);

// `-- --stages`: the stage table only (quicker, for profiling one change).
if (process.argv.includes('--stages')) process.exit(0);

const max = run(10_000_000, 0.5);
console.log(
  `saturated: ${(max.msgsPerSec / 1e6).toFixed(2)} M msgs/s injected per wall second, ${(max.msgsPerCpuSec / 1e6).toFixed(2)} M per CPU second (${max.injected} in ${max.wallSec.toFixed(2)} s wall, processed incl. alerts ${max.processed}, dropped ${max.dropped}, balanced ${max.balanced})`,
);

const off = await runGeneratorOffThread(10_000_000, 2);
console.log(
  `saturated, generator on a worker thread (as in the browser): ${(off.msgsPerSec / 1e6).toFixed(2)} M msgs/s injected per wall second; the engine's thread ${off.engineNs.toFixed(0)} ns CPU per message${off.engineNs > 0 ? ` (${(1e3 / off.engineNs).toFixed(2)} M per CPU second)` : ''}, the generator's ${off.pumpNs.toFixed(0)} ns (dropped ${off.dropped}, balanced ${off.balanced})`,
);

let best = 0;
for (const rate of [250_000, 500_000, 750_000, 1_000_000, 2_000_000]) {
  const r = run(rate, 1);
  const ok = r.realTime && r.dropped === 0 && r.deadLetters === 0;
  if (ok) best = rate;
  console.log(
    `rate ${(rate / 1e6).toFixed(2)} M/s for 1 s simulated: wall ${r.wallSec.toFixed(2)} s, dropped ${r.dropped}, dead letters ${r.deadLetters}, balanced ${r.balanced}, p99 latency ${r.p99Us.toFixed(0)} µs, alerts+responses ${r.processed - r.injected} -> ${ok ? 'sustained' : 'NOT sustained'}`,
  );
}
console.log(
  `highest rate sustained in real time with no drops at the demo capacities: ${(best / 1e6).toFixed(2)} M msgs/s`,
);

// The GPU worker's link: a full GPU batch's round trip as the engine's side pays it (the GPU's own
// work apart), buffers transferred both ways and used again (see gpu-remote.ts).
const link = await gpuLinkRoundTrips(3000);
console.log(
  `GPU worker link (MessageChannel, twin behind it): ${link.trips} round trips of a ${ASYNC_BATCH}-row batch with ${link.outputs} outputs, ${link.usPerTrip.toFixed(0)} µs each (both ends on this thread); GCs during them: ${link.gcs.minor} minor, ${link.gcs.major} major, ${link.gcs.ms.toFixed(0)} ms`,
);
