/**
 * Messages sent by hand (the `inject` command: the Inject panel's Send, `workbench.inject`): a
 * payload given or drawn at random over the form's values, a burst of up to millions numbered
 * and dispatched in order, traced exactly up to 10,000 a send. A long one pauses every 1,024
 * messages (`EngineCore.midCommand`) so the worker heartbeats and posts snapshots as it sends,
 * with its progress in `sending`.
 */
import { HOST_KERNEL } from '../core';
import { err, normU64, type EngineCore, type TypeRec } from './context';
import { GeneratedBatch, TrafficGenerator } from './generators';
import { encodePayload } from './payload';
import { injectProblem, type EngineCommand } from './protocol';
import type { SendPath } from './send';

/** Hand-injected messages traced exactly per `inject` command. */
const MAX_TRACED_PER_INJECT = 10_000;
/** A long inject lets the worker speak every 1,024 messages (a mask: 2^10 - 1). */
const PULSE_EVERY = 0x3ff;

export class HandSend {
  /** The inject being sent now, while a long one lets the worker post snapshots (`midCommand`). */
  sending: { count: number; sent: number } | null = null;

  constructor(
    private readonly c: EngineCore,
    private readonly send: SendPath,
  ) {}

  inject(cmd: Extract<EngineCommand, { type: 'inject' }>): number {
    const c = this.c;
    const typeId = normU64(cmd.typeId);
    const count = cmd.count ?? 1;
    const priority = cmd.priority ?? c.dispatcher.defaultPriority;
    const problem = injectProblem(count, priority);
    if (problem) err('InvalidCommand', problem);
    const source = cmd.source ?? HOST_KERNEL;
    if (source !== HOST_KERNEL && !c.kernels.has(source)) {
      err('UnknownKernel', `Source "${String(cmd.source)}" is not a kernel.`);
    }
    const known = c.typeByKey.get(typeId);
    let bytes: Uint8Array;
    try {
      bytes =
        cmd.payload instanceof Uint8Array
          ? cmd.payload
          : known?.layout
            ? this.randomPayload(known, cmd.payload ?? {})
            : new Uint8Array(0);
    } catch (e) {
      return err('InvalidPayload', e instanceof Error ? e.message : String(e));
    }
    if (bytes.length > 65_536) err('InvalidPayload', 'A payload holds at most 65,536 bytes.');
    const rec = c.typeRec(typeId);
    const srcNum = c.broker.kernelNumber(source);
    const send = this.send;
    // A burst larger than the rows the tail can take now gets rows for its newest receipts, not
    // its oldest: those are the messages the dead-letter queue still holds when it overflows
    // (a burst of 50,000 listed messages 1..10,000 while Dead letters held 40,001..50,000).
    const room = c.receipts.room();
    if (count > room) c.receipts.skipNext(count - room, Math.max(0, count - c.receipts.failRoom()));
    try {
      this.sendAll(count, cmd.correlationId ?? 0, rec, bytes, priority, source, srcNum);
    } finally {
      // Also when the send stopped half way (the worker's hook threw, say): what was numbered is
      // settled, and the receipts' skip does not go on skipping the next sends' rows.
      this.sending = null;
      try {
        send.flush(source, srcNum);
      } finally {
        c.receipts.skipNext(0);
      }
      // A long one ends at the time it ends: its last snapshot had read the time of its last
      // pause, the one after it the same, and the Metrics chart, taking two snapshots of one
      // instant for a clock standing still, dropped the letters of its last part (0/s for 904
      // evictions).
      if (count > PULSE_EVERY) c.advance();
    }
    return count;
  }

  private sendAll(
    count: number,
    correlationId: number,
    rec: TypeRec,
    bytes: Uint8Array,
    priority: number,
    source: string,
    srcNum: number,
  ): void {
    const c = this.c;
    const s = c.store;
    const send = this.send;
    for (let i = 0; i < count; i++) {
      // A burst of millions holds the engine's thread for seconds (most of it refusals and
      // letters): the worker says it is alive meanwhile, or the page's watchdog took it for hung
      // after 5 s and restarted it, losing every count and queued message (QA: 4,000,000 at
      // once), and posts snapshots, or the page showed the one before the burst throughout.
      if (i > 0 && (i & PULSE_EVERY) === 0) {
        send.flush(source, srcNum);
        this.sending = { count, sent: i };
        c.midCommand();
      }
      const ref = s.alloc();
      send.initMessage(ref, rec, correlationId, -1, c.nowUs);
      s.setPayload(ref, bytes);
      // Messages injected by hand are traced exactly (and so are their outputs).
      if (i < MAX_TRACED_PER_INJECT) s.traced[ref] = 1;
      c.injected++;
      send.enqueue(ref, rec, priority, source, srcNum);
    }
  }

  /** Given field values over a random fill (so a form may leave fields empty). */
  private randomPayload(
    rec: TypeRec,
    values: Record<string, number | bigint | string | boolean>,
  ): Uint8Array {
    const c = this.c;
    const layout = rec.layout!;
    const next = c.broker.lastMessageId + 1;
    const gen = new TrafficGenerator(
      { ratePerSec: 1, seed: next },
      [{ typeId: rec.typeId, weight: 1, layout }],
      0,
    );
    const batch = new GeneratedBatch(1, Math.max(4, layout.size));
    gen.fill(0, batch);
    const base = batch.payload.slice(0, layout.size);
    const id = layout.fields.find((f) => f.name === 'id');
    const v = { ...values };
    if (id && v['id'] === undefined) v['id'] = next;
    const ts = layout.fields.find((f) => f.name === 'timestampUs');
    if (ts && v['timestampUs'] === undefined) v['timestampUs'] = c.nowUs;
    return encodePayload(layout, v, base);
  }
}
