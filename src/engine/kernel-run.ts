/**
 * Running kernels: take a batch from a kernel's queue, hand it to the implementation that runs
 * the kernel, and send its outputs on. A CPU twin runs the batch at once. An asynchronous runtime
 * (WebGPU) gets up to `MAX_IN_FLIGHT` batches (double buffering; a `pipelined` runtime, the GPU
 * worker's, has both on the way at once, the results taken back in order; a batch taken while
 * another is out waits to be fuller, see `waitsForMore`): while one is on the GPU the engine goes
 * on routing and running the other kernels, the kernel's queue fills behind it and its overflow
 * policy applies, so a slow GPU shows as back-pressure, never as a stall.
 * Every batch is measured for the kernel's placement, and now and then a copy of a live batch is
 * measured on the other backend.
 */
import {
  cloneMessageBatch,
  type KernelRuntime,
  type MessageBatch,
  type OutputBatch,
} from '../gpu/kernels/types.ts';
import { hlc, type EngineCore } from './context';
import { KernelFaults, leaveFlight, releaseRows } from './kernel-faults';
import type { KernelHost } from './kernel-host';
import { ASYNC_BATCH, asyncFill } from './async-batch';
import { KernelOutputs } from './kernel-outputs';
import { createSlot, isRuntime, type BatchSlot, type KernelState } from './kernel-state';
import type { HlcRow } from './protocol';
import type { SendPath } from './send';

/** Batches a kernel may have handed to its asynchronous runtime at once. */
export const MAX_IN_FLIGHT = 2;
/**
 * Whether an asynchronous runtime that has a batch out should wait for more rows before it
 * takes the next: until its queue holds `asyncFill` rows, or the tick ends (a flush drain). Traffic
 * enters in groups of 1,024, and the second slot used to take the first group at once; it then
 * waited in the chain behind the first batch while the queue overflowed. The GPU is not what
 * limits this: on an H200 through Dawn (`bench/gpu-engine-node.bench.ts`), the engine forced to
 * WebGPU ran the fraud kernel at 270 K/s, where a 4,096-row round trip alone takes 1.2 ms; a
 * batch's result is taken back only between the engine's time slices. Waiting for fuller
 * batches took the saturated run from 280–317 to 363–365 K/s for fraud and 674–762 to 800–805
 * K/s processed in all (a CPU twin behind the GPU worker's link, this project's 2-core machine,
 * three runs each). The first batch still goes at once: an idle kernel answers a single message
 * without waiting.
 */
function waitsForMore(k: KernelState): boolean {
  return k.inFlight > 0 && k.ep.pendingCount() < asyncFill(k.cfg.queueCapacity);
}

/** Rounds of `drainAll` at most: kernels that keep feeding each other stop there until the next tick. */
const MAX_ROUNDS = 100_000;
/** Latency samples one batch adds to the ring at most (see `take`). */
export const LATENCY_SAMPLES_PER_BATCH = 32;

/** A batch's result (null: the runtime refused the batch) and when it came back (clock ms). */
interface Landed {
  out: OutputBatch | null;
  atMs: number;
}

/** A batch handed to a runtime: when (clock ms), and its result to come. */
interface Sent {
  sentMs: number;
  landed: Promise<Landed>;
}

export class KernelRunner {
  /** Shadow runs on the GPU in flight, engine-wide: one at a time, so samples never pile up. */
  private gpuSamples = 0;

  private readonly outputs: KernelOutputs;
  private readonly faults: KernelFaults;

  constructor(
    private readonly c: EngineCore,
    private readonly send: SendPath,
    private readonly host: KernelHost,
  ) {
    this.outputs = new KernelOutputs(c, send);
    this.faults = new KernelFaults(c, send, this.outputs);
  }

  /**
   * Processes up to `budget` messages of `k`'s queue; returns how many it took. With `flush` a
   * runtime takes what its queue holds even while a batch of its is out (see `waitsForMore`).
   */
  drain(k: KernelState, budget: number, flush = false): number {
    // Decided with batches in flight too: a move then waits for them (`moving`), and no new
    // batch goes to the runtime meanwhile.
    this.host.place(k, true);
    let done = 0;
    const ep = k.ep;
    while (done < budget && ep.pendingCount() > 0 && !k.destroyed && k.stateHold === 0) {
      const impl = k.impl;
      const async = isRuntime(impl);
      if (async && (k.moving || (!flush && waitsForMore(k)))) break;
      const slot = async ? this.freeSlot(k) : k.slots[0]!;
      if (!slot) break;
      const taken = this.take(k, slot);
      done += taken.taken;
      const count = slot.batch.count;
      if (count === 0) continue;
      if (async) {
        this.sampleCpu(k, slot.batch);
        this.submit(k, impl, slot, count);
        continue;
      }
      // The copy for a WebGPU sample is taken now and sent after the live batch ran, so the
      // sample's round trip does not include the twin's own work on the batch.
      const sample = this.wantsGpuSample(k) ? cloneMessageBatch(slot.batch) : null;
      const clock = this.c.opts.clock;
      const t0 = clock();
      let out: OutputBatch;
      try {
        out = impl.process(slot.batch);
      } catch {
        // Which row failed is unknown: re-run the batch row by row (see isolate).
        this.faults.isolate(k, impl, slot, count, 0);
        continue;
      }
      k.placement.observe('cpu', count, clock() - t0);
      if (sample) this.sampleGpu(k, sample);
      k.processed += count;
      this.c.processed += count;
      this.outputs.emit(k, slot, out);
      releaseRows(this.c, slot, count);
    }
    return done;
  }

  /**
   * Lets every kernel take what its queue holds, a batch each in turn until no queue has anything
   * to take: after each chunk of traffic, and between the groups of a large batch of outputs
   * coming back from an asynchronous runtime (see `KernelOutputs.emit`; that runs in the
   * runtime's promise continuation, never inside a drain). In turn, not one kernel's whole
   * queue at once: 4,096 transactions waiting for the fraud kernel would send 4,096 alerts to
   * alert_sink's queue of 1,024 before the sink ran.
   */
  readonly drainAll = (): void => this.drainRounds(MAX_ROUNDS, false);

  /**
   * Rounds of a batch per kernel, in turn, until a round takes nothing, `maxRounds` have run, or
   * (with `budgeted`) the tick's time slice is used up. With `flush` (the end of a tick,
   * `Engine.drain`) a runtime takes what its queue holds even while a batch of its is out.
   */
  drainRounds(maxRounds: number, budgeted: boolean, flush = false): void {
    const c = this.c;
    const batch = c.opts.batchSize;
    for (let round = 0; round < maxRounds; round++) {
      const order = c.drainOrder();
      let any = 0;
      let last = -1;
      for (let i = 0; i < order.length; i++) {
        const took = this.drain(order[i]!, batch, flush);
        if (took > 0) {
          any += took;
          last = i;
        }
      }
      if (any === 0) return;
      if (budgeted && c.overBudget()) {
        this.passDown(order, last, batch, flush);
        return;
      }
    }
  }

  /**
   * Where a drain stops before the queues are empty (the time slice used up): the kernels a
   * round visited before `last` (the kernels fed by it, downstream first) take a batch each,
   * upstream first, so what the round's last kernels emitted is not left filling the queues
   * below them. Left there, the next chunk of traffic met a full alert_sink before any drain.
   */
  private passDown(
    order: readonly KernelState[],
    last: number,
    batch: number,
    flush: boolean,
  ): void {
    for (let i = last - 1; i >= 0; i--) this.drain(order[i]!, batch, flush);
  }

  /** A slot for the runtime's next batch, or null while `MAX_IN_FLIGHT` are out. */
  private freeSlot(k: KernelState): BatchSlot | null {
    for (let i = 1; i < k.slots.length; i++) if (!k.slots[i]!.busy) return k.slots[i]!;
    if (k.slots.length > MAX_IN_FLIGHT) return null;
    const cap = Math.max(this.c.opts.batchSize, ASYNC_BATCH);
    const slot = createSlot(cap);
    k.slots.push(slot);
    return slot;
  }

  /**
   * Drains one batch of `k`'s queue into `slot`: relays what passes through, dead-letters what
   * the kernel cannot take, materialises sampled rows and traces, converts payloads.
   */
  private take(k: KernelState, slot: BatchSlot): { taken: number } {
    const c = this.c;
    const s = c.store;
    const b = slot.batch;
    const d = slot.cols;
    k.cols = d;
    const n = k.ep.drainInto(d, b.capacity);
    b.count = 0;
    // Engine time moves on with each batch taken: an alert emitted by one kernel and taken by the
    // next in the same tick read 0 µs, and a traced chain showed every hop at one instant.
    c.advance();
    const now = c.nowUs;
    const pBase = c.reserveHlc(n);
    const pP = c.hlcPhysical;
    let done = 0;
    const types = c.types;
    const latency = c.latency;
    const kNum = k.num;
    // Columns in locals: nothing below allocates a store reference, so they stay the store's.
    const refs = d.payloadRefs;
    const dests = d.destinations;
    const ids = d.messageIds;
    const sources = d.sources;
    const prios = d.priorities;
    const hops = d.hops;
    const tenants = d.tenants;
    const typeIdx = s.typeIdx;
    const enteredUs = s.enteredUs;
    const sampled = s.sampled;
    const traced = s.traced;
    const lens = s.len;
    const flags = s.flags;
    const big = s.big;
    const words = s.words;
    const bTypeLo = b.typeLo;
    const bTypeHi = b.typeHi;
    const bIdLo = b.idLo;
    const bIdHi = b.idHi;
    const bSource = b.source;
    const bPrio = b.priority;
    const bFlags = b.flags;
    const bPayload = b.payload;
    const rowRef = slot.rowRef;
    const rowId = slot.rowId;
    const rowHops = slot.rowHops;
    const rowTenant = slot.rowTenant;
    let r = 0;
    // Latency samples spread over the batch, at most LATENCY_SAMPLES_PER_BATCH of them: the ring's
    // 8,192 samples then span hundreds of batches. One per message let a single batch (whose
    // messages share their take time and often their arrival) fill it, and p99 read as p50.
    const stride = Math.max(1, Math.floor(n / LATENCY_SAMPLES_PER_BATCH));
    let nextSample = 0;
    for (let i = 0; i < n; i++) {
      const ref = refs[i]!;
      if (dests[i] !== kNum) {
        this.outputs.forward(k, i);
        continue;
      }
      const rec = types[typeIdx[ref]!]!;
      const id = ids[i]!;
      const entered = enteredUs[ref]!;
      if (i >= nextSample) {
        latency.add(now - entered);
        nextSample = i + stride;
      }
      if (sampled[ref] === 1 || traced[ref] === 1)
        this.taken(k, i, ref, now - entered, hlc(pP, pBase + i));
      // Checked per message before the runtime sees it: test faults and unreadable payloads.
      if (k.failCount > 0 || (rec.layout !== null && lens[ref]! < rec.layout.size)) {
        const fault = this.faults.rowFault(k, rec, ref);
        if (fault) {
          done++;
          const [reason, detail] = fault;
          this.faults.failMessage(
            k,
            ref,
            id,
            sources[i]!,
            prios[i]!,
            hops[i]!,
            tenants[i]!,
            reason,
            detail,
          );
          continue;
        }
      }
      bTypeLo[r] = rec.lo;
      bTypeHi[r] = rec.hi;
      bIdLo[r] = id >>> 0;
      bIdHi[r] = Math.floor(id / 4294967296) >>> 0;
      bPrio[r] = prios[i]!;
      bFlags[r] = flags[ref]!;
      rowRef[r] = ref;
      // Ids, sources, hops and tenants were drained into the row's own columns: moved only
      // where an earlier row was relayed or refused (r < i; row r has been read by then).
      if (r !== i) {
        rowId[r] = id;
        bSource[r] = sources[i]!;
        rowHops[r] = hops[i]!;
        rowTenant[r] = tenants[i]!;
      }
      r++;
    }
    // Payloads into the kernel's layout, a run of rows of one type at a time (a kernel's queue
    // mostly holds one type).
    for (let r0 = 0; r0 < r;) {
      const t = typeIdx[rowRef[r0]!]!;
      let r1 = r0 + 1;
      while (r1 < r && typeIdx[rowRef[r1]!] === t) r1++;
      types[t]!.input.convertRows(words, big, enteredUs, rowRef, rowId, r0, r1, bPayload);
      r0 = r1;
    }
    b.count = r;
    return { taken: done + r };
  }

  /**
   * A taken message with a reserved receipt row or a trace: the row is materialised and the trace
   * node updated (processed now, with its latency).
   */
  private taken(k: KernelState, i: number, ref: number, latency: number, at: HlcRow): void {
    const c = this.c;
    const s = c.store;
    const d = k.cols;
    const src = c.broker.nameOf(d.sources[i]!);
    if (s.sampled[ref] === 1) {
      this.send.row(
        s.seq[ref]!,
        'Delivered',
        ref,
        src,
        k.cfg.id,
        d.hops[i]!,
        d.priorities[i]!,
        latency,
        at,
      );
      // Its row is made: a letter it becomes later (its kernel removed with the batch in flight)
      // makes no second one.
      s.sampled[ref] = 0;
    }
    if (s.traced[ref] === 1) {
      this.send.trace(ref, 'Delivered', src, k.cfg.id, d.hops[i]!, d.priorities[i]!);
      const node = c.traces.get(d.messageIds[i]!);
      if (node) {
        node.kernel = k.cfg.id;
        node.processedAt = at;
        node.latencyUs = latency;
      }
    }
  }

  /**
   * Hands a filled slot to the runtime, after the batches it already has: a `pipelined` runtime
   * gets it now (its result is taken after theirs), any other when the last one came back.
   */
  private submit(k: KernelState, rt: KernelRuntime, slot: BatchSlot, count: number): void {
    slot.busy = true;
    slot.open = count;
    k.inFlightSlots++;
    k.inFlight += count;
    this.c.inFlightTotal += count;
    if (rt.pipelined) {
      const sent = this.handOver(rt, slot.batch);
      k.chain = k.chain.then(() => this.runSlot(k, rt, slot, count, sent));
    } else {
      k.chain = k.chain.then(() => this.runSlot(k, rt, slot, count, this.handOver(rt, slot.batch)));
    }
  }

  /** Hands `batch` to the runtime now: when, and what comes back (null: refused) when. */
  private handOver(rt: KernelRuntime, batch: MessageBatch): Sent {
    const clock = this.c.opts.clock;
    const sentMs = clock();
    let out: Promise<OutputBatch>;
    try {
      out = rt.process(batch);
    } catch (e) {
      out = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const landed = out.then(
      (o): Landed => ({ out: o, atMs: clock() }),
      (): Landed => ({ out: null, atMs: clock() }),
    );
    return { sentMs, landed };
  }

  /**
   * Takes a batch's result back and sends its outputs on. It is timed from when it was sent or,
   * if later, when the one before it came back (a pipelined batch sent while another ran): the
   * time the runtime spent on it alone.
   */
  private async runSlot(
    k: KernelState,
    rt: KernelRuntime,
    slot: BatchSlot,
    count: number,
    sent: Sent,
  ): Promise<void> {
    const c = this.c;
    try {
      const r = await sent.landed;
      const t0 = Math.max(sent.sentMs, k.landedMs);
      k.landedMs = r.atMs;
      const out = r.out;
      if (!out) {
        // Which row failed is unknown: re-run the batch row by row (see isolate).
        await this.faults.isolateAsync(k, rt, slot, count);
        return;
      }
      const ms = r.atMs - t0;
      c.advance();
      // A runtime's first batch is not measured (see `gpuCold`).
      if (rt.backend === 'webgpu' && !k.gpuCold) k.placement.observe('webgpu', count, ms);
      if (k.gpu === rt) k.gpuCold = false;
      leaveFlight(this.c, k, slot, count);
      k.processed += count;
      c.processed += count;
      if (!k.destroyed) this.outputs.emit(k, slot, out, 0, this.drainAll);
      rt.recycle?.(out);
      releaseRows(this.c, slot, count);
    } catch (e) {
      c.opts.onEvent?.({
        type: 'error',
        error: { code: 'Internal', message: `kernel "${k.cfg.id}": ${String(e)}` },
      });
      leaveFlight(this.c, k, slot, slot.open);
    } finally {
      slot.busy = false;
      k.inFlightSlots--;
      if (k.destroyed) c.removedKernels.fold(k);
      else this.host.place(k);
    }
  }

  /**
   * Now and then a copy of a live batch runs on the backend the kernel does not run on, so
   * `auto` knows both rates at the batch sizes traffic produces; its outputs are discarded. The
   * twin's measurement is synchronous (the twin's state is replaced when the kernel moves back);
   * the runtime's is asynchronous and never holds the live batches up.
   */
  private sampleCpu(k: KernelState, batch: MessageBatch): void {
    const p = k.placement;
    if (k.shadowBusy || !k.gpu) return;
    const clock = this.c.opts.clock;
    if (p.wantsSample(clock()) !== 'cpu') return;
    const t0 = clock();
    try {
      k.twin.process(batch);
      const t1 = clock();
      p.sampled('cpu', batch.count, t1 - t0, t1);
    } catch {
      // A twin that cannot run this batch is measured on the next.
    }
  }

  private wantsGpuSample(k: KernelState): boolean {
    if (k.shadowBusy || !k.gpu || this.gpuSamples > 0) return false;
    return k.placement.wantsSample(this.c.opts.clock()) === 'webgpu';
  }

  private sampleGpu(k: KernelState, copy: MessageBatch): void {
    const rt = k.gpu;
    if (!rt) return;
    const p = k.placement;
    const clock = this.c.opts.clock;
    k.shadowBusy = true;
    this.gpuSamples++;
    const t0 = clock();
    const done = (): void => {
      this.gpuSamples--;
      k.shadowBusy = false;
      this.host.place(k);
      this.host.releaseForcedCpu(k);
    };
    rt.process(copy).then(
      (out) => {
        const t1 = clock();
        // A runtime's first batch is not measured (see `gpuCold`), but it took its time: the
        // next sample waits out the duty cycle all the same.
        if (rt.backend === 'webgpu' && !k.gpuCold) p.sampled('webgpu', copy.count, t1 - t0, t1);
        else p.waited(t1 - t0, t1);
        if (k.gpu === rt) k.gpuCold = false;
        rt.recycle?.(out);
        done();
      },
      (e: unknown) => {
        p.gpuUnavailable = `WebGPU failed a measured batch: ${e instanceof Error ? e.message : String(e)}`;
        done();
      },
    );
  }
}
