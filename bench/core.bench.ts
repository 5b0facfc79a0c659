/**
 * Core throughput figures (printed, never asserted): the per-message dispatch path and the batch
 * path against a straightforward port of the seed written below, plus HLC tick cost.
 *
 * Each case runs in its own worker thread, so in its own V8 isolate: JIT type feedback from one
 * case (another clock, the batch path) cannot slow down the code another case shares with it. The
 * main thread still interleaves the cases round by round, so load from other processes on this
 * shared machine hits them alike.
 * Run: npm run bench:core (one esbuild bundle, like the app build; bench:core:tsx runs
 * this file through tsx, whose per-file transform keeps function names and runs slower).
 */
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { median } from './stats.ts';
import {
  createEnvelope,
  DispatcherBuilder,
  HlcClock,
  K2KBroker,
  systemNowMicros,
  type HlcTimestamp,
  type MessageEnvelope,
} from '../src/core/index.ts';

// ---------------------------------------------------------------- the straightforward port
// A direct transcription of the seed's dispatcher and RingKernel's broker: a Map of routes,
// one object per message and per receipt, array queues drained with shift().

interface NaiveMessage {
  id: number;
  source: string;
  destination: string;
  envelope: MessageEnvelope;
  hops: number;
  timestamp: HlcTimestamp;
  priority: number;
}
interface NaiveReceipt {
  messageId: number;
  source: string;
  destination: string;
  status: string;
  timestamp: HlcTimestamp;
}
class NaiveEndpoint {
  queue: NaiveMessage[] = [];
  constructor(readonly tenant: number) {}
  tryReceive(): NaiveMessage | undefined {
    return this.queue.shift();
  }
}
class NaiveBroker {
  endpoints = new Map<string, NaiveEndpoint>();
  routes = new Map<string, string>();
  stats = { messagesDelivered: 0, crossTenantRejections: 0 };
  nextId = 1;
  constructor(
    readonly maxPending = 1024,
    readonly maxHops = 8,
  ) {}
  register(id: string): NaiveEndpoint {
    const ep = new NaiveEndpoint(0);
    this.endpoints.set(id, ep);
    return ep;
  }
  sendPriority(
    source: string,
    dest: string,
    envelope: MessageEnvelope,
    priority: number,
  ): NaiveReceipt {
    const srcTenant = this.endpoints.get(source)?.tenant ?? 0;
    const dstEp = this.endpoints.get(dest);
    const dstTenant = dstEp?.tenant ?? srcTenant;
    if (srcTenant !== dstTenant) {
      this.stats.crossTenantRejections++;
      throw new Error('TenantMismatch');
    }
    const msg: NaiveMessage = {
      id: this.nextId++,
      source,
      destination: dest,
      envelope,
      hops: 0,
      timestamp: envelope.header.timestamp,
      priority,
    };
    let status: string;
    if (dstEp !== undefined) {
      if (dstEp.queue.length >= this.maxPending) status = 'QueueFull';
      else {
        dstEp.queue.push(msg);
        this.stats.messagesDelivered++;
        status = 'Delivered';
      }
    } else {
      const hop = this.routes.get(dest);
      if (hop === undefined) status = 'NotFound';
      else if (++msg.hops > this.maxHops) status = 'MaxHopsExceeded';
      else {
        const hopEp = this.endpoints.get(hop);
        if (hopEp === undefined) status = 'NotFound';
        else {
          hopEp.queue.push(msg);
          this.stats.messagesDelivered++;
          status = 'Pending';
        }
      }
    }
    return { messageId: msg.id, source, destination: dest, status, timestamp: msg.timestamp };
  }
}
class NaiveDispatcher {
  routes = new Map<number | bigint, string>();
  metrics = {
    messagesDispatched: 0,
    messagesDelivered: 0,
    unknownTypeErrors: 0,
    deliveryErrors: 0,
  };
  constructor(
    readonly broker: NaiveBroker,
    readonly priority = 0,
  ) {}
  dispatch(env: MessageEnvelope): NaiveReceipt {
    return this.dispatchFrom('host', env);
  }
  dispatchFrom(source: string, env: MessageEnvelope): NaiveReceipt {
    const kernel = this.routes.get(env.header.messageType);
    if (kernel === undefined) {
      this.metrics.messagesDispatched++;
      this.metrics.unknownTypeErrors++;
      throw new Error(`No route for message type_id: ${env.header.messageType}`);
    }
    const r = this.broker.sendPriority(source, kernel, env, this.priority);
    this.metrics.messagesDispatched++;
    if (r.status === 'Delivered') this.metrics.messagesDelivered++;
    else if (r.status !== 'Pending') this.metrics.deliveryErrors++;
    return r;
  }
}

// ---------------------------------------------------------------- workload

const KERNELS = ['fraud_processor', 'aggregator', 'pattern_detector'] as const;
const TYPES = [1001, 1002, 1003];
const N = 1 << 16;
const clock = new HlcClock(1);
const envelopes: MessageEnvelope[] = [];
const typeIds = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const t = TYPES[(i * 7) % 3]!;
  typeIds[i] = t;
  envelopes.push(
    createEnvelope({ messageType: t, payload: new Uint8Array(24), timestamp: clock.tick() }),
  );
}
let sink = 0;

function naivePerMessage(): () => void {
  const broker = new NaiveBroker();
  const eps = KERNELS.map((k) => broker.register(k));
  const d = new NaiveDispatcher(broker);
  TYPES.forEach((t, i) => d.routes.set(t, KERNELS[i]!));
  return () => {
    for (let i = 0; i < N; i++) {
      const r = d.dispatch(envelopes[i]!);
      sink += r.messageId;
      const m = eps[(i * 7) % 3]!.tryReceive();
      sink += m!.hops;
    }
  };
}

function corePerMessage(now: () => number = systemNowMicros): () => void {
  const broker = new K2KBroker({ now });
  const eps = KERNELS.map((k) => broker.register(k));
  let b = new DispatcherBuilder();
  TYPES.forEach((t, i) => (b = b.routeRaw(t, KERNELS[i]!)));
  const d = b.buildWithBroker(broker);
  return () => {
    for (let i = 0; i < N; i++) {
      const r = d.dispatch(envelopes[i]!);
      sink += r.messageId;
      const m = eps[(i * 7) % 3]!.tryReceive();
      sink += m!.hops;
    }
  };
}

const BATCH = 1024;
function coreBatch(): () => void {
  const broker = new K2KBroker({ now: systemNowMicros });
  const eps = KERNELS.map((k) => broker.register(k, { capacity: BATCH }));
  let b = new DispatcherBuilder();
  TYPES.forEach((t, i) => (b = b.routeRaw(t, KERNELS[i]!)));
  const d = b.buildWithBroker(broker);
  const statuses = new Uint8Array(BATCH);
  const out = { typeIds: new Float64Array(BATCH), payloadRefs: new Uint32Array(BATCH) };
  const refs = new Uint32Array(N);
  for (let i = 0; i < N; i++) refs[i] = i * 24;
  return () => {
    for (let off = 0; off < N; off += BATCH) {
      const accepted = d.dispatchBatch(
        {
          typeIds: typeIds.subarray(off, off + BATCH),
          payloadRefs: refs.subarray(off, off + BATCH),
          count: BATCH,
        },
        statuses,
      );
      let drained = 0;
      for (const ep of eps) drained += ep.drainInto(out);
      if (drained !== accepted) throw new Error('batch lost messages');
      sink += drained;
    }
  };
}

function hlcTick(now?: () => number): () => void {
  const c = now === undefined ? new HlcClock(1) : new HlcClock(1, { now });
  return () => {
    for (let i = 0; i < N; i++) sink += c.tick().logical;
  };
}

/** ns per message of one run of `run` over the N-message workload. */
function timeRun(run: () => void): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / N;
}

const ROUNDS = 11;
const WARM = 5;

/** The cost of one read of the default wall clock (what each receipt's delivery time needs). */
function clockRead(): () => void {
  return () => {
    for (let i = 0; i < N; i++) sink += systemNowMicros();
  };
}

/** Every case, by name: each builds its own state and returns one run over the workload. */
const CASES: Record<string, () => () => void> = {
  naive: naivePerMessage,
  per: corePerMessage,
  perConst: () => corePerMessage(() => 1_000_000),
  batch: coreBatch,
  clock: clockRead,
  tickDefault: () => hlcTick(),
  tickPerf: () => hlcTick(() => (performance.timeOrigin + performance.now()) * 1000),
  tickDate: () => hlcTick(() => Date.now() * 1000),
};

/**
 * V8 settles the same code into faster or slower machine code from one isolate to the next (the
 * straightforward port alone moves between about 46 and 82 ns/msg), so every case is measured
 * in several fresh isolates and the median of their medians is reported, with the range.
 */
const ISOLATES = 5;

interface Figure {
  /** Median over isolates of each isolate's median ns per message. */
  ns: number;
  min: number;
  max: number;
}

/** Each case in `ISOLATES` fresh sets of workers, one after another. */
async function measureAll(names: string[]): Promise<Record<string, Figure>> {
  const per: number[][] = names.map(() => []);
  for (let k = 0; k < ISOLATES; k++) {
    const got = await measureOnce(names);
    names.forEach((n, c) => per[c]!.push(got[n]!));
  }
  return Object.fromEntries(
    names.map((n, c) => [
      n,
      { ns: median(per[c]!), min: Math.min(...per[c]!), max: Math.max(...per[c]!) },
    ]),
  );
}

/** One fresh worker (own isolate) per case; rounds interleave across them. */
async function measureOnce(names: string[]): Promise<Record<string, number>> {
  // Bundled (npm run bench:core) the worker starts straight from the bundle; under tsx
  // (bench:core:tsx) it registers tsx's loader itself, since a loader registered in this thread
  // does not reach workers.
  const self = import.meta.url;
  const boot = self.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
        .then((m) => { m.register(); return import(${JSON.stringify(self)}); });`
    : `import(${JSON.stringify(self)});`;
  const workers = names.map((name) => new Worker(boot, { eval: true, workerData: name }));
  // One pending request per worker at a time: its answer (or error) settles it.
  const pending = new Map<
    Worker,
    { resolve: (ns: number) => void; reject: (e: unknown) => void }
  >();
  for (const w of workers) {
    w.on('message', (ns: number) => pending.get(w)?.resolve(ns));
    w.on('error', (e) => pending.get(w)?.reject(e));
  }
  const once = (w: Worker) =>
    new Promise<number>((resolve, reject) => {
      pending.set(w, { resolve, reject });
      w.postMessage('run');
    });
  const ns: number[][] = names.map(() => []);
  try {
    for (let r = 0; r < WARM + ROUNDS; r++) {
      for (let c = 0; c < workers.length; c++) {
        const t = await once(workers[c]!);
        if (r >= WARM) ns[c]!.push(t);
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return Object.fromEntries(names.map((n, c) => [n, median(ns[c]!)]));
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `machine: ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${os.platform()} ${os.arch()}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `build: ${import.meta.url.endsWith('.ts') ? 'tsx (per-file esbuild transform, keepNames)' : 'one esbuild bundle (one module, no kept names, like the app build)'}\n` +
      `workload: ${N} messages per run, 3 types -> 3 kernels, 24-byte payloads; each case in its own worker isolate, ${WARM} warm-up runs then the median of ${ROUNDS} runs interleaved across cases; median (range) over ${ISOLATES} isolates\n`,
  );

  const m = await measureAll(['naive', 'per', 'perConst', 'batch', 'clock']);
  const t = await measureAll(['tickDefault', 'tickPerf', 'tickDate']);
  const naive = m.naive!.ns;

  const range = (f: Figure) => `(${f.min.toFixed(1)}-${f.max.toFixed(1)})`;
  const row = (name: string, f: Figure, extra = '') =>
    console.log(
      `${name.padEnd(46)} ${f.ns.toFixed(1).padStart(7)} ns/msg ${range(f).padEnd(13)} ${(1000 / f.ns).toFixed(2).padStart(6)} M msg/s ${extra}`,
    );
  const vs = (f: Figure) => `x${(naive / f.ns).toFixed(2)} vs port`;
  row('straightforward port (dispatch + shift)', m.naive!);
  row('core dispatch (envelope in, receipt out)', m.per!, `${vs(m.per!)} (target >= 2)`);
  row('core dispatchBatch + drainInto', m.batch!, `${vs(m.batch!)} (target >= 10, >= 40 M/s)`);
  console.log('');
  console.log('for reference (not targets):');
  row('  one read of the default wall clock', m.clock!);
  row('  core dispatch with a constant injected clock', m.perConst!, vs(m.perConst!));
  console.log('');
  const tick = (name: string, f: Figure, extra = '') =>
    console.log(`${name.padEnd(46)} ${f.ns.toFixed(1).padStart(7)} ns/op  ${range(f)} ${extra}`);
  tick('HLC tick, default clock (performance, µs)', t.tickDefault!, '(target <= 50)');
  tick('HLC tick, injected performance-based now', t.tickPerf!);
  tick('HLC tick, injected Date.now()*1000', t.tickDate!);
  if (sink === 42) console.log('');
}

if (!isMainThread) {
  // A case's worker: build the case, then run it once per request, answering ns per message.
  const run = CASES[workerData as string]!();
  parentPort!.on('message', () => parentPort!.postMessage(timeRun(run)));
} else {
  await main();
}
