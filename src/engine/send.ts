/**
 * The send path: new messages (injected, generated, emitted by kernels, redriven) enter the
 * dispatcher here, in batches through `dispatchBatch` where it can, one by one where it must
 * (type ids above 2^53). Every delivery attempt is settled here: its receipt counted, its row
 * sampled for the live tail, its edge counted and its trace updated.
 */
import { StatusCode, TenantMismatchError, UnknownMessageTypeError, createEnvelope } from '../core';
import { NODE_ID, STATUS_OF_CODE, hlc, type EngineCore, type TypeRec } from './context';
import type { DeadLetters } from './dead-letters';
import type {
  DeadLetterReason,
  HlcRow,
  MessageStatus,
  ReceiptRow,
  ReceiptStatus,
} from './protocol';
import { EVICTED_BEFORE_RECEIPT } from './store';

/** Rows of one `dispatchBatch` call, reused. */
class DispatchScratch {
  readonly typeIds: Float64Array;
  readonly refs: Uint32Array;
  readonly prio: Uint8Array;
  readonly statuses: Uint8Array;
  readonly recIdx: Int32Array;
  count = 0;
  /** Some message of the batch is traced (it then takes the per-message path). */
  traced = false;
  constructor(readonly capacity: number) {
    this.typeIds = new Float64Array(capacity);
    this.refs = new Uint32Array(capacity);
    this.prio = new Uint8Array(capacity);
    this.statuses = new Uint8Array(capacity);
    this.recIdx = new Int32Array(capacity);
  }
}

export class SendPath {
  private readonly scratch: DispatchScratch;
  letters!: DeadLetters;

  constructor(
    private readonly c: EngineCore,
    capacity: number,
  ) {
    this.scratch = new DispatchScratch(capacity);
  }

  /** Messages `enqueue` gathers before it dispatches them as one batch. */
  get batchCapacity(): number {
    return this.scratch.capacity;
  }

  /**
   * Materialises one receipt row for the live tail; `thenLost` for a Delivered message lost in
   * its queue before a kernel took it (see `ReceiptRow.thenLost`).
   */
  row(
    seq: number,
    status: ReceiptStatus,
    ref: number,
    source: string,
    destination: string,
    hops: number,
    priority: number,
    latencyUs: number | null,
    processedAt: HlcRow | null,
    thenLost?: DeadLetterReason,
  ): void {
    const s = this.c.store;
    const rec = this.c.typeOfRef(ref);
    const parent = s.parentId[ref]!;
    const injectedAt = hlc(s.injP[ref]!, s.injL[ref]!);
    const row: ReceiptRow = {
      seq,
      hlc: injectedAt,
      messageId: s.msgId[ref]!,
      typeId: rec.typeId,
      source,
      destination,
      status,
      hops,
      latencyUs,
      priority,
      correlationId: s.correlationId[ref]!,
      parentId: parent < 0 ? null : parent,
      payload: s.payloadOf(ref),
      injectedAt,
      deliveredAt: s.dlvP[ref]! > 0 ? hlc(s.dlvP[ref]!, s.dlvL[ref]!) : null,
      processedAt,
    };
    if (thenLost) row.thenLost = thenLost;
    this.c.receipts.add(row);
  }

  /** Records (or updates) the trace node of a traced message. */
  trace(
    ref: number,
    status: MessageStatus,
    source: string,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    const s = this.c.store;
    const id = s.msgId[ref]!;
    const node = this.c.traces.get(id);
    const deliveredAt = s.dlvP[ref]! > 0 ? hlc(s.dlvP[ref]!, s.dlvL[ref]!) : null;
    if (node) {
      node.status = status;
      node.destination = destination;
      node.hops = hops;
      node.priority = priority;
      node.deliveredAt = deliveredAt;
      return;
    }
    const parent = s.parentId[ref]!;
    this.c.traces.add({
      messageId: id,
      typeId: this.c.typeOfRef(ref).typeId,
      parentId: parent < 0 ? null : parent,
      children: [],
      source,
      destination,
      kernel: null,
      status,
      hops,
      priority,
      latencyUs: null,
      injectedAt: hlc(s.injP[ref]!, s.injL[ref]!),
      deliveredAt,
      processedAt: null,
      pinned: false,
    });
  }

  /**
   * Bookkeeping after the broker took (or refused) the message at `ref`: the receipt, its sampled
   * row, edges and trace. The dead letter of a failure was recorded by the dead-letter hook.
   */
  settle(
    ref: number,
    status: ReceiptStatus,
    source: string,
    srcNum: number,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    const c = this.c;
    if (status === 'Delivered' || status === 'Pending') {
      const rec = c.typeOfRef(ref);
      const target = status === 'Delivered' ? destination : (c.k2k.get(destination) ?? destination);
      const tNum = c.broker.kernelNumber(target);
      // The type's route edge counts every delivery of the type, from the host or a kernel.
      c.edge(rec.edges, rec.label, tNum);
      if (srcNum !== c.hostNum) {
        const sk = c.byNum[srcNum];
        if (sk) c.edge(sk.edges, sk.cfg.id, tNum);
      }
    }
    this.recordReceipt(ref, status, source, destination, hops, priority);
    if (status !== 'Delivered' && status !== 'Pending') this.letters.flush();
  }

  /** A relayed message's receipt (its edge was counted by the relay). */
  settleRelay(
    ref: number,
    status: ReceiptStatus,
    source: string,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    this.recordReceipt(ref, status, source, destination, hops, priority);
    this.letters.flush();
  }

  /**
   * Counts a receipt and, as the live tail's filters want, samples its row (a Delivered row is
   * reserved, built when processed) and traces the message (so does an already traced one).
   */
  private recordReceipt(
    ref: number,
    status: ReceiptStatus,
    source: string,
    destination: string,
    hops: number,
    priority: number,
  ): void {
    const c = this.c;
    const s = c.store;
    // Evicted by its own send (a burst larger than a dropOldest queue): its Delivered receipt
    // stands, but no kernel will take it, so its row is made now, saying so (a reserved row
    // left 92 rows of a burst of 100 into a queue of 8 "on their way" for good), and its trace
    // keeps the eviction.
    const evicted = s.sampled[ref] === EVICTED_BEFORE_RECEIPT;
    if (evicted) s.sampled[ref] = 0;
    const seq = c.receipts.count(status);
    const rec = c.typeOfRef(ref);
    const wants = c.receipts.wants(status, rec.typeId, source, destination);
    if (wants) s.traced[ref] = 1;
    if (status === 'Delivered') {
      if (wants && evicted)
        this.row(
          seq,
          status,
          ref,
          source,
          destination,
          hops,
          priority,
          null,
          null,
          'DroppedOldest',
        );
      else if (wants) {
        s.sampled[ref] = 1;
        s.seq[ref] = seq;
      }
    } else if (wants) {
      this.row(seq, status, ref, source, destination, hops, priority, null, null);
    }
    if (s.traced[ref] === 1)
      this.trace(ref, evicted ? 'DroppedOldest' : status, source, destination, hops, priority);
  }

  /** Stamps a (re-)entering message's injection and delivery HLC. */
  stampEntry(ref: number): void {
    const c = this.c;
    const base = c.reserveHlc(2);
    const s = c.store;
    s.injP[ref] = c.hlcPhysical;
    s.injL[ref] = base;
    s.dlvP[ref] = c.hlcPhysical;
    s.dlvL[ref] = base + 1;
  }

  /** Fills the header columns of a new message. */
  initMessage(
    ref: number,
    rec: TypeRec,
    correlationId: number,
    parentId: number,
    enteredUs: number,
  ): void {
    const s = this.c.store;
    s.typeIdx[ref] = rec.idx;
    s.flags[ref] = rec.flags;
    s.correlationId[ref] = correlationId;
    s.parentId[ref] = parentId;
    s.msgId[ref] = 0;
    s.enteredUs[ref] = enteredUs;
    s.attempts[ref] = 0;
    s.sampled[ref] = 0;
  }

  /**
   * Dispatches one message through `dispatchFrom` (the per-message path: type ids above 2^53,
   * single sends). The dispatcher's `UnknownMessageTypeError` becomes a NoRoute dead letter.
   */
  dispatchOne(
    source: string,
    ref: number,
    rec: TypeRec,
    priority: number,
  ): { status: ReceiptStatus; destination: string; hops: number } {
    const c = this.c;
    const s = c.store;
    try {
      const env = createEnvelope({
        messageType: rec.typeId,
        timestamp: { physical: s.injP[ref]!, logical: s.injL[ref]!, nodeId: NODE_ID },
        flags: rec.flags,
      });
      const r = c.dispatcher.dispatchFrom(source, env, ref, priority);
      s.msgId[ref] = r.messageId;
      return { status: r.status, destination: r.destination, hops: r.hops };
    } catch (e) {
      if (e instanceof UnknownMessageTypeError) {
        s.msgId[ref] = c.broker.deadLetterUnroutable(source, rec.typeId, priority, ref);
        return { status: 'NoRoute', destination: '', hops: 0 };
      }
      if (e instanceof TenantMismatchError) {
        s.msgId[ref] = c.broker.lastMessageId;
        return { status: 'TenantMismatch', destination: e.destination, hops: 0 };
      }
      throw e;
    }
  }

  /** Adds a prepared message to the dispatch batch, flushing when full. */
  enqueue(ref: number, rec: TypeRec, priority: number, source: string, srcNum: number): void {
    if (Number.isNaN(rec.num)) {
      // Above 2^53 - 1: the batch path cannot hold the id exactly.
      this.stampEntry(ref);
      const r = this.dispatchOne(source, ref, rec, priority);
      this.settle(ref, r.status, source, srcNum, r.destination, r.hops, priority);
      this.letters.flush();
      return;
    }
    const sc = this.scratch;
    const i = sc.count++;
    sc.typeIds[i] = rec.num;
    sc.refs[i] = ref;
    sc.prio[i] = priority;
    sc.recIdx[i] = rec.idx;
    if (this.c.store.traced[ref] === 1) sc.traced = true;
    if (sc.count === sc.capacity) this.flush(source, srcNum);
  }

  /**
   * Dispatches the prepared messages from `source` with `dispatchBatch` and settles each
   * (message ids follow the batch order; unknown types become NoRoute dead letters).
   */
  flush(source: string, srcNum: number): void {
    const sc = this.scratch;
    const n = sc.count;
    if (n === 0) return;
    const c = this.c;
    const s = c.store;
    const b = c.broker;
    // Tallies a batch left when a hook threw mid-loop are not the next batch's edges. Room for
    // every type the batch holds (its records exist by now).
    if (this.kinds > 0) this.clearTally();
    this.ensureTally();
    // Ids are assigned in batch order to every message that reaches the broker.
    let id = b.lastMessageId + 1;
    const base = c.reserveHlc(2 * n);
    const p = c.hlcPhysical;
    for (let i = 0; i < n; i++) {
      const ref = sc.refs[i]!;
      s.injP[ref] = p;
      s.injL[ref] = base + 2 * i;
      s.dlvP[ref] = p;
      s.dlvL[ref] = base + 2 * i + 1;
    }
    c.dispatcher.dispatchBatch(
      { typeIds: sc.typeIds, count: n, priorities: sc.prio, payloadRefs: sc.refs, source },
      sc.statuses,
    );
    const st = sc.statuses;
    const receipts = c.receipts;
    // Only an all-Delivered batch may be settled in bulk: a Pending message (accepted by a next
    // hop) must be counted as Pending and its edge drawn to the hop, which the loop below does.
    // In bulk, only the receipts the sampler may still give a row go through the loop, the rest
    // (counts, ids, edges) after it: the budget refills as engine time moves, so most batches have
    // room for a row or two, and that used to send the whole batch through the loop.
    const bulk = c.dispatcher.lastBatchDelivered === n && !sc.traced;
    const head = bulk ? receipts.perReceipt(n) : n;
    // A batch with refusals in it goes through the loop, but its Delivered messages that get no
    // row are settled as the bulk path settles them: counted, their edges tallied by type. Each
    // had been settled alone, and with a small queue refusing a fifth of the traffic every batch
    // took that path: a refusal cost about 940 ns of the engine's thread against 270 for a
    // delivery, and the whole engine slowed.
    const quick = !bulk && !sc.traced;
    let tallied = 0;
    for (let i = 0; i < head; i++) {
      const ref = sc.refs[i]!;
      const code = st[i]!;
      if (quick && code === StatusCode.Delivered && receipts.perReceipt(1) === 0) {
        s.msgId[ref] = id++;
        receipts.countUnsampled('Delivered');
        this.tally(sc.recIdx[i]!);
        tallied++;
        continue;
      }
      const rec = c.types[sc.recIdx[i]!]!;
      const prio = sc.prio[i]!;
      if (code === StatusCode.UnknownType) {
        s.msgId[ref] = b.deadLetterUnroutable(source, rec.typeId, prio, ref);
        this.settle(ref, 'NoRoute', source, srcNum, '', 0, prio);
        continue;
      }
      s.msgId[ref] = id++;
      const dest = c.dispatcher.getRoute(rec.num) ?? '';
      const status = STATUS_OF_CODE[code]!;
      this.settle(ref, status, source, srcNum, dest, code === StatusCode.Pending ? 1 : 0, prio);
    }
    if (head < n) {
      for (let i = head; i < n; i++) s.msgId[sc.refs[i]!] = id++;
      receipts.countUnsampled('Delivered', n - head);
      for (let i = head; i < n; i++) this.tally(sc.recIdx[i]!);
      tallied += n - head;
    }
    if (tallied > 0) this.tallyEdges(srcNum);
    if (!bulk) this.letters.flush();
    sc.count = 0;
    sc.traced = false;
  }

  /** Messages per type in the batch being settled in bulk, and which types it holds. */
  private typeCounts = new Float64Array(64);
  private typesSeen = new Int32Array(64);
  /** Types in `typesSeen` so far. */
  private kinds = 0;

  /** Room in the tallies for every type record. */
  private ensureTally(): void {
    const n = this.c.types.length;
    if (this.typeCounts.length >= n) return;
    const counts = new Float64Array(n * 2);
    counts.set(this.typeCounts);
    const seen = new Int32Array(n * 2);
    seen.set(this.typesSeen);
    this.typeCounts = counts;
    this.typesSeen = seen;
  }

  /**
   * Counts one Delivered message of type record `r` towards the batch's edges (`tallyEdges`);
   * `flush` made room for every record first.
   */
  private tally(r: number): void {
    const counts = this.typeCounts;
    const before = counts[r]!;
    counts[r] = before + 1;
    if (before === 0) this.typesSeen[this.kinds++] = r;
  }

  private clearTally(): void {
    for (let j = 0; j < this.kinds; j++) this.typeCounts[this.typesSeen[j]!] = 0;
    this.kinds = 0;
  }

  /**
   * Edges of the messages tallied: type -> kernel, and kernel -> kernel when a kernel sent them.
   * Counted per type first, so each type's route is looked up once per batch.
   */
  private tallyEdges(srcNum: number): void {
    const c = this.c;
    const counts = this.typeCounts;
    const seen = this.typesSeen;
    const kinds = this.kinds;
    this.kinds = 0;
    const sk = srcNum === c.hostNum ? undefined : c.byNum[srcNum];
    for (let j = 0; j < kinds; j++) {
      const r = seen[j]!;
      const run = counts[r]!;
      counts[r] = 0;
      const rec = c.types[r]!;
      const dest = c.dispatcher.getRoute(rec.num);
      if (dest === undefined) continue;
      const t = c.broker.kernelNumber(dest);
      c.edge(rec.edges, rec.label, t, run);
      if (sk) c.edge(sk.edges, sk.cfg.id, t, run);
    }
  }
}
