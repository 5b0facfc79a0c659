/**
 * What leaves a kernel: its outputs (alerts routed by type, responses back to the requester; the
 * host consumes its own at once) and the messages it relays on their way to another kernel (K2K
 * next hops, hops accumulating).
 */
import { HOST_KERNEL } from '../core';
import { FLAG_RESPONSE, PAYLOAD_WORDS, type OutputBatch } from '../gpu/kernels/types.ts';
import { STATUS_OF_CODE, hlc, type EngineCore, type TypeRec } from './context';
import { OutputConverter } from './kernel-output';
import type { BatchSlot, KernelState } from './kernel-state';
import type { SendPath } from './send';
import { INLINE_WORDS } from './store';

export class KernelOutputs {
  constructor(
    private readonly c: EngineCore,
    private readonly send: SendPath,
  ) {}

  /** A message passing through on its way to another kernel: relay it, hops accumulate. */
  forward(k: KernelState, i: number): void {
    const c = this.c;
    const d = k.cols;
    const ref = d.payloadRefs[i]!;
    const s = c.store;
    if (s.sampled[ref] === 1) {
      c.receipts.release();
      s.sampled[ref] = 0;
    }
    const base = c.reserveHlc(1);
    s.dlvP[ref] = c.hlcPhysical;
    s.dlvL[ref] = base;
    const source = c.broker.nameOf(d.sources[i]!);
    const destination = c.broker.nameOf(d.destinations[i]!);
    const code = c.broker.forwardRef(
      d.messageIds[i]!,
      source,
      destination,
      d.typeIds[i]!,
      d.priorities[i]!,
      d.hops[i]!,
      d.tenants[i]!,
      ref,
    );
    const status = STATUS_OF_CODE[code]!;
    if (status === 'Delivered' || status === 'Pending') {
      const target = status === 'Delivered' ? destination : (c.k2k.get(destination) ?? destination);
      c.edge(k.edges, k.cfg.id, c.broker.kernelNumber(target));
    }
    // Counted and sampled like any receipt; the edge above is the relay's (from this kernel).
    this.send.settleRelay(
      ref,
      status,
      source,
      destination,
      c.broker.lastRouteHops,
      d.priorities[i]!,
    );
  }

  /**
   * Sends a kernel's outputs on: responses back to their source, everything else by type.
   * `rowBase` maps the outputs' `parentRow` onto the slot (a one-row re-run of row r).
   *
   * `between`, when given, runs after each dispatched batch of outputs (`SendPath`'s batch
   * capacity) and after the last. A batch back from an asynchronous runtime (the GPU's
   * 4,096 rows) may carry more outputs than the kernels they go to can queue; the engine's
   * kernels run concurrently with it, so their queues drain between the groups, as they do
   * between the generator's chunks, instead of the surplus being dead-lettered as `QueueFull`
   * at once.
   */
  emit(k: KernelState, slot: BatchSlot, out: OutputBatch, rowBase = 0, between?: () => void): void {
    const n = out.count;
    if (n === 0) return;
    const c = this.c;
    const s = c.store;
    const send = this.send;
    const source = k.cfg.id;
    const srcNum = k.num;
    let rec: TypeRec | undefined;
    let conv: OutputConverter | undefined;
    const now = c.nowUs;
    // Outputs of one type come in runs: the kernel's emits edge is counted per run.
    let run = 0;
    // The last request type a response answered, and the type it answers with (its own: null).
    let askedIdx = -1;
    let answer: TypeRec | null = null;
    const group = between ? send.batchCapacity : n;
    let next = group;
    // The first group too meets queues the kernels have just drained: traffic queued since the
    // last drain (the generator's alerts, a twin's backlog) had filled part of alert_sink's 1,024,
    // and the first 1,024 results refused the rest as `QueueFull`.
    between?.();
    for (let r = 0; r < n; r++) {
      if (r === next) {
        next += group;
        send.flush(source, srcNum);
        between!();
      }
      const parentRow = rowBase + out.parentRow[r]!;
      const parentRef = slot.rowRef[parentRow]!;
      const parentId = slot.rowId[parentRow]!;
      const response = (out.flags[r]! & FLAG_RESPONSE) !== 0;
      let lo = out.typeLo[r]!;
      let hi = out.typeHi[r]!;
      if (response) {
        // The config's response type, where the request's type names one (see TypeRec); requests
        // of one type come in runs too.
        const idx = s.typeIdx[parentRef]!;
        if (idx !== askedIdx) {
          askedIdx = idx;
          answer = c.types[idx]!.response;
        }
        if (answer) {
          lo = answer.lo;
          hi = answer.hi;
        }
      }
      if (!rec || rec.lo !== lo || rec.hi !== hi) {
        if (rec && run > 0) c.emitEdge(k, rec, run);
        run = 0;
        rec = c.typeByWords(lo, hi, rec);
        conv = rec.outputs.get(k.cfg.behavior);
        if (!conv) {
          conv = new OutputConverter(rec.layout, k.cfg.behavior);
          rec.outputs.set(k.cfg.behavior, conv);
        }
      }
      if (
        response &&
        s.traced[parentRef] !== 1 &&
        this.isHost(out.dest[r]!) &&
        !c.receipts.hasRoom()
      ) {
        // A response the host consumes at once, with no row to show and no trace to extend:
        // only counted (as the full path below would count it), never stored or converted.
        this.consumeUnseen();
        c.emitted++;
        k.emitted++;
        run++;
        continue;
      }
      const ref = s.alloc();
      send.initMessage(ref, rec, parentId, parentId, now);
      s.traced[ref] = s.traced[parentRef]!;
      const len = conv!.convertInto(out.payload, r * PAYLOAD_WORDS, s.words, ref * INLINE_WORDS);
      if (len >= 0) {
        s.len[ref] = len;
        s.big[ref] = undefined;
      } else s.setPayload(ref, conv!.convert(out.payload, r * PAYLOAD_WORDS));
      c.emitted++;
      k.emitted++;
      run++;
      const priority = out.priority[r]! & 0xff;
      if (response) {
        this.sendResponse(k, ref, rec, out.dest[r]!, priority);
      } else {
        send.enqueue(ref, rec, priority, source, srcNum);
      }
    }
    if (rec && run > 0) c.emitEdge(k, rec, run);
    send.flush(source, srcNum);
    // The last group too: traffic that arrives next finds the queues as the kernels left them.
    between?.();
  }

  /** Whether kernel number `dest` is the host. */
  private isHost(dest: number): boolean {
    const c = this.c;
    return dest === c.hostNum || c.broker.nameOf(dest) === HOST_KERNEL;
  }

  /**
   * What a response to the host leaves behind when nobody will see it (no receipt row: the
   * sample has no room; no trace): the same counts, message id and clock ticks as
   * {@link sendResponse}'s host path, without a store entry or a payload conversion (a
   * quarter of the demo's traffic at saturation comes back this way).
   */
  private consumeUnseen(): void {
    const c = this.c;
    // stampEntry's two ticks and the delivery's one.
    c.reserveHlc(3);
    c.broker.nextMessageId++;
    c.receipts.countUnsampled('Delivered');
    c.processed++;
    c.toHost++;
  }

  /** A response goes back to its request's source (the host consumes its own at once). */
  private sendResponse(
    k: KernelState,
    ref: number,
    rec: TypeRec,
    dest: number,
    priority: number,
  ): void {
    const c = this.c;
    const s = c.store;
    const send = this.send;
    send.stampEntry(ref);
    const source = k.cfg.id;
    if (this.isHost(dest)) {
      s.msgId[ref] = c.broker.lastMessageId + 1;
      // Take an id like any send would, so ids stay unique across the host's responses.
      c.broker.nextMessageId++;
      const seq = c.receipts.count('Delivered');
      const wants = c.receipts.wants('Delivered', rec.typeId, source, HOST_KERNEL);
      const logical = c.reserveHlc(1);
      if (wants || s.traced[ref] === 1) {
        const at = hlc(c.hlcPhysical, logical);
        // Delivered to the host at `at`: the row's delivery stamp, as the trace's. No kernel
        // processes it: no latency ("0 µs" read as instant work) and no processed stamp (the
        // JSON export had given every one a processed time the list and Trace did not show).
        s.dlvP[ref] = c.hlcPhysical;
        s.dlvL[ref] = logical;
        if (wants) send.row(seq, 'Delivered', ref, source, HOST_KERNEL, 0, priority, null, null);
        s.traced[ref] = 1;
        send.trace(ref, 'Delivered', source, HOST_KERNEL, 0, priority);
        const node = c.traces.get(s.msgId[ref]!);
        if (node) {
          // Delivered to the host at `at`; no kernel processes it, so it has no processed stamp
          // (a PROCESSED stamp beside a latency of "—" read as work nobody did).
          node.kernel = HOST_KERNEL;
          node.deliveredAt = at;
          node.processedAt = null;
          node.latencyUs = null;
        }
      }
      c.processed++;
      c.toHost++;
      s.release(ref);
      return;
    }
    const destination = c.broker.nameOf(dest);
    const code = c.broker.sendRef(source, destination, rec.num, priority, ref);
    s.msgId[ref] = c.broker.lastMessageId;
    send.settle(
      ref,
      STATUS_OF_CODE[code]!,
      source,
      k.num,
      destination,
      c.broker.lastRouteHops,
      priority,
    );
    send.letters.flush();
  }
}
