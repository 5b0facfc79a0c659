/**
 * A kernel that cannot process a message: a row it cannot read (a payload shorter than the type's
 * layout, an injected fault) is refused when taken, and a batch that throws is re-run row by row,
 * so the good rows are processed and each failing row becomes a `KernelError` dead letter that
 * keeps its payload and can be redriven. Also the two ways rows leave a batch slot.
 */
import {
  PAYLOAD_WORDS,
  type KernelRuntime,
  type MessageBatch,
  type OutputBatch,
} from '../gpu/kernels/types.ts';
import { isPromise, type EngineCore, type TypeRec } from './context';
import type { KernelOutputs } from './kernel-outputs';
import type { BatchSlot, KernelImpl, KernelState } from './kernel-state';
import type { SendPath } from './send';

/** Releases the store entries of a slot's first `count` rows (a dead-lettered row's went to its letter). */
export function releaseRows(c: EngineCore, slot: BatchSlot, count: number): void {
  const s = c.store;
  for (let r = 0; r < count; r++) {
    const ref = slot.rowRef[r]!;
    // A dead-lettered row's payload now belongs to its letter.
    if (ref >= 0) s.release(ref);
  }
}

/** `n` rows of `slot` left the in-flight count (processed or failed). */
export function leaveFlight(c: EngineCore, k: KernelState, slot: BatchSlot, n: number): void {
  const m = Math.min(n, slot.open);
  slot.open -= m;
  k.inFlight -= m;
  c.inFlightTotal -= m;
}

export class KernelFaults {
  constructor(
    private readonly c: EngineCore,
    private readonly send: SendPath,
    private readonly outputs: KernelOutputs,
  ) {}

  /**
   * Why the kernel cannot take the message at `ref`, or null. A demo kernel (fraud, aggregator,
   * pattern) reads its input fields at the offsets of the type's layout, so a payload shorter
   * than that layout would be read as zeros: it is refused instead. The generic kernel only counts
   * messages by type and takes any payload.
   */
  rowFault(
    k: KernelState,
    rec: TypeRec,
    ref: number,
  ): [reason: 'KernelError' | 'InvalidPayload', detail: string] | null {
    if (k.failCount > 0) {
      k.failCount--;
      return ['KernelError', k.failReason];
    }
    const layout = rec.layout;
    const len = this.c.store.len[ref]!;
    if (layout !== null && len < layout.size && k.cfg.behavior !== 'generic') {
      return [
        'InvalidPayload',
        `Payload of ${len} byte(s) is shorter than the ${layout.size} bytes ${rec.name} lays out; ` +
          `the ${k.cfg.behavior} kernel "${k.cfg.id}" cannot read it. Send the full payload.`,
      ];
    }
    return null;
  }

  /**
   * Dead-letters a message its kernel took but could not process; the letter keeps the payload
   * and can be redriven to the kernel like any other.
   */
  failMessage(
    k: KernelState,
    ref: number,
    messageId: number,
    srcNum: number,
    priority: number,
    hops: number,
    tenantId: number,
    reason: 'KernelError' | 'InvalidPayload',
    detail: string,
  ): void {
    const c = this.c;
    const s = c.store;
    // Its Delivered row was materialised when the kernel took it; nothing is reserved any more.
    s.sampled[ref] = 0;
    s.msgId[ref] = messageId;
    const source = c.broker.nameOf(srcNum);
    c.letterOwner = k;
    try {
      c.broker.deadLetterFailed({
        reason,
        messageId,
        source,
        destination: k.cfg.id,
        typeId: c.typeOfRef(ref).typeId,
        envelope: null,
        priority,
        hops,
        tenantId,
        payloadRef: ref,
        deadAt: c.nowUs,
        detail,
      });
    } finally {
      c.letterOwner = null;
    }
    if (s.traced[ref] === 1) this.send.trace(ref, reason, source, k.cfg.id, hops, priority);
    this.send.letters.flush();
  }

  /** Copies row `r` of `slot` into the kernel's one-row batch. */
  private one(k: KernelState, slot: BatchSlot, r: number): MessageBatch {
    const one = k.single;
    const b = slot.batch;
    one.count = 1;
    one.typeLo[0] = b.typeLo[r]!;
    one.typeHi[0] = b.typeHi[r]!;
    one.idLo[0] = b.idLo[r]!;
    one.idHi[0] = b.idHi[r]!;
    one.source[0] = b.source[r]!;
    one.priority[0] = b.priority[r]!;
    one.flags[0] = b.flags[r]!;
    one.payload.set(b.payload.subarray(r * PAYLOAD_WORDS, (r + 1) * PAYLOAD_WORDS));
    return one;
  }

  /**
   * A twin's batch threw and which row caused it is unknown: re-runs rows `from..count-1` one at
   * a time, so good rows are processed and each failing row becomes a `KernelError` letter.
   * Caveat: a twin that throws part-way may have updated its state for the rows before the
   * throw; those rows' state effects then apply twice (outputs and accounting stay exact).
   */
  isolate(k: KernelState, impl: KernelImpl, slot: BatchSlot, count: number, from: number): void {
    for (let r = from; r < count; r++) {
      let out: OutputBatch | Promise<OutputBatch>;
      try {
        out = impl.process(this.one(k, slot, r));
      } catch (e) {
        this.failRow(k, slot, r, e);
        continue;
      }
      if (isPromise<OutputBatch>(out)) {
        // Only a runtime answers with a promise; it is isolated asynchronously instead.
        throw new Error('isolate: a synchronous kernel answered with a promise');
      }
      this.rowDone(k, slot, r, out);
    }
    releaseRows(this.c, slot, count);
  }

  /** The same for a runtime's rejected batch (its rows stay in flight until each settles). */
  async isolateAsync(
    k: KernelState,
    rt: KernelRuntime,
    slot: BatchSlot,
    count: number,
  ): Promise<void> {
    for (let r = 0; r < count; r++) {
      try {
        const out = await rt.process(this.one(k, slot, r));
        this.c.advance();
        leaveFlight(this.c, k, slot, 1);
        this.rowDone(k, slot, r, out);
      } catch (e) {
        this.c.advance();
        leaveFlight(this.c, k, slot, 1);
        this.failRow(k, slot, r, e);
      }
    }
    releaseRows(this.c, slot, count);
  }

  private rowDone(k: KernelState, slot: BatchSlot, r: number, out: OutputBatch): void {
    k.processed++;
    this.c.processed++;
    if (!k.destroyed) this.outputs.emit(k, slot, out, r);
  }

  private failRow(k: KernelState, slot: BatchSlot, r: number, e: unknown): void {
    const b = slot.batch;
    const ref = slot.rowRef[r]!;
    const why = e instanceof Error ? e.message : String(e);
    this.failMessage(
      k,
      ref,
      slot.rowId[r]!,
      b.source[r]!,
      b.priority[r]!,
      slot.rowHops[r]!,
      slot.rowTenant[r]!,
      'KernelError',
      why,
    );
    slot.rowRef[r] = -1;
  }
}
