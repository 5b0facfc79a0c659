/**
 * Core throughput figures (printed, never asserted): the per-message dispatch path and the batch
 * path against a straightforward port of the seed written below, plus HLC tick cost.
 * Run: npm run bench:core
 */
import os from 'node:os';
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

/** Run `fn` `n` times over the N-message workload; ns per message of each run. */
function timeRuns(run: () => void, n: number, into: number[]): void {
  for (let r = 0; r < n; r++) {
    const t0 = process.hrtime.bigint();
    run();
    into.push(Number(process.hrtime.bigint() - t0) / N);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

const ROUNDS = 11;
const WARM = 5;

/**
 * Median ns per message of each case. The cases take turns round by round (rather than one after
 * another) so that load from other processes on this shared machine hits them alike.
 */
function measureAll(makers: Record<string, () => () => void>): Record<string, number> {
  const runs = Object.entries(makers).map(([name, make]) => ({
    name,
    run: make(),
    ns: [] as number[],
  }));
  for (const c of runs) for (let i = 0; i < WARM; i++) c.run();
  for (let r = 0; r < ROUNDS; r++) for (const c of runs) timeRuns(c.run, 1, c.ns);
  return Object.fromEntries(runs.map((c) => [c.name, median(c.ns)]));
}

/** The cost of one read of the default wall clock (what each receipt's delivery time needs). */
function clockRead(): () => void {
  return () => {
    for (let i = 0; i < N; i++) sink += systemNowMicros();
  };
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `machine: ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${os.platform()} ${os.arch()}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `workload: ${N} messages per run, 3 types -> 3 kernels, 24-byte payloads; median of ${ROUNDS} interleaved runs after ${WARM} warm-up runs\n`,
);

const m = measureAll({
  naive: naivePerMessage,
  per: corePerMessage,
  perConst: () => corePerMessage(() => 1_000_000),
  batch: coreBatch,
  clock: clockRead,
});
const t = measureAll({
  tickDefault: () => hlcTick(),
  tickPerf: () => hlcTick(() => (performance.timeOrigin + performance.now()) * 1000),
  tickDate: () => hlcTick(() => Date.now() * 1000),
});
const naive = m.naive!;
const per = m.per!;
const batch = m.batch!;

const mps = (ns: number) => (1000 / ns).toFixed(2);
const row = (name: string, ns: number, extra = '') =>
  console.log(
    `${name.padEnd(48)} ${ns.toFixed(1).padStart(8)} ns/msg ${mps(ns).padStart(8)} M msg/s ${extra}`,
  );
row('straightforward port (dispatch + shift)', naive);
row(
  'core dispatch (envelope in, receipt out)',
  per,
  `x${(naive / per).toFixed(2)} vs port (target >= 2)`,
);
row(
  'core dispatchBatch + drainInto',
  batch,
  `x${(naive / batch).toFixed(2)} vs port (target >= 10, >= 40 M/s)`,
);
console.log('');
console.log('for reference (not targets):');
row('  one read of the default wall clock', m.clock!);
row(
  '  core dispatch with a constant injected clock',
  m.perConst!,
  `x${(naive / m.perConst!).toFixed(2)} vs port`,
);
console.log('');
console.log(
  `HLC tick, default clock (performance, µs):   ${t.tickDefault!.toFixed(1)} ns/op (target <= 50)`,
);
console.log(`HLC tick, injected performance-based now:    ${t.tickPerf!.toFixed(1)} ns/op`);
console.log(`HLC tick, injected Date.now()*1000:          ${t.tickDate!.toFixed(1)} ns/op`);
if (sink === 42) console.log('');
