/**
 * Dead letters: the core's dead-letter queue holds them (the engine's store keeps their payloads);
 * this part counts them per kernel, builds their rows for the live panel, filters, redrives and
 * purges them.
 */
import type { DeadLetter } from '../core';
import { u64Key } from '../core/config';
import { err, normU64, type EngineCore } from './context';
import type { KernelState } from './kernel-state';
import type {
  DeadLetterFilter,
  DeadLetterList,
  DeadLetterRow,
  ReceiptStatus,
  RedriveProgress,
  RedriveResult,
} from './protocol';
import type { SendPath } from './send';
import { letterRow, ownerOf, reasonOf } from './dead-letter-rows';
import { EVICTED_BEFORE_RECEIPT } from './store';
import {
  emptyResult,
  type RedriveCommand,
  type RedriveOptions,
  type RedriveRun,
} from './redrive-run';

const MAX_RECENT_LETTERS = 500;
/** A paced redrive behind its schedule sends at most this much of its pace at once, seconds. */
const MAX_CATCH_UP_S = 0.05;
/**
 * A paced redrive fills no kernel's queue past this share of its capacity: the rest is left to
 * live traffic, and a pace above what the kernel takes waits for room instead of pushing its own
 * letters (or, under `dropOldest`, queued messages) out of the queue again.
 */
const ROOM_SHARE = 0.5;

export class DeadLetters {
  /** Rows new since the previous snapshot (bounded). */
  private recent: DeadLetterRow[] = [];
  /** Letters whose rows are built once their message id is known (after the send returns). */
  private pending: DeadLetter[] = [];
  refusedCrossTenant = 0;
  evicted = 0;
  /** The latest paced redrive (kept when finished, for its figures). */
  private run: RedriveRun | null = null;

  constructor(
    private readonly c: EngineCore,
    private readonly send: SendPath,
  ) {}

  /** Hooks the broker's dead-letter queue. */
  attach(): void {
    const dlq = this.c.broker.deadLetters;
    dlq.onAdd = (l) => this.onLetter(l);
    dlq.onDrop = (l, why) => this.onDropped(l, why);
  }

  private onLetter(l: DeadLetter): void {
    const c = this.c;
    const ref = l.payloadRef;
    const s = c.store;
    if (ref > 0) {
      s.msgId[ref] = l.messageId;
      s.attempts[ref] = Math.min(255, s.attempts[ref]! + 1);
      if (s.sampled[ref] === 1) {
        // A reserved Delivered row that will never be processed (evicted by dropOldest, or its
        // kernel removed): made now, saying what became of the message.
        this.send.row(
          s.seq[ref]!,
          'Delivered',
          ref,
          l.source,
          l.destination,
          l.hops,
          l.priority,
          null,
          null,
          l.reason,
        );
        s.sampled[ref] = 0;
      } else if (l.reason === 'DroppedOldest') {
        // Perhaps evicted by the very send that queued it, before its receipt was settled: the
        // settle then reserves no row for it (`SendPath.recordReceipt`).
        s.sampled[ref] = EVICTED_BEFORE_RECEIPT;
      }
    }
    c.lettered++;
    // These reached their queue first: the Delivered receipt stands, and now the message failed.
    if (
      l.reason === 'DroppedOldest' ||
      l.reason === 'Unregistered' ||
      l.reason === 'KernelError' ||
      l.reason === 'InvalidPayload'
    )
      c.receipts.failedLater++;
    // A paced redrive's message accepted, and a letter again (evicted by traffic behind it, say):
    // "10,000 accepted, 0 failed again" had stood while 246 of them were back among the letters.
    if (this.run?.accepted.delete(l.messageId)) this.run.progress.failedLater++;
    // Held under its destination's id; counted under the kernel that failed it, when one did
    // (a removed kernel's batch failing after the removal).
    const live = ownerOf(this.c, l);
    if (live) live.lettersHeld++;
    const k = this.c.letterOwner ?? live;
    if (k) {
      k.deadLettered++;
      const why = reasonOf(l);
      k.lettersByReason[why] = (k.lettersByReason[why] ?? 0) + 1;
      if (l.reason === 'QueueFull' || l.reason === 'Rejected' || l.reason === 'DroppedOldest')
        k.dropped++;
    }
    if (this.recent.length + this.pending.length < MAX_RECENT_LETTERS) this.pending.push(l);
    if (ref > 0 && s.traced[ref] === 1 && l.reason === 'DroppedOldest') {
      this.send.trace(ref, 'DroppedOldest', l.source, l.destination, l.hops, l.priority);
    }
  }

  /** Builds the rows of letters whose send has returned. */
  flush(): void {
    if (this.pending.length === 0) return;
    for (const l of this.pending) {
      if (this.recent.length < MAX_RECENT_LETTERS) this.recent.push(letterRow(this.c, l));
    }
    this.pending = [];
  }

  /** A letter leaves the queue (redriven, purged, pushed out or expired): its kernel holds one less. */
  private gone(l: DeadLetter): void {
    const k = ownerOf(this.c, l);
    if (k) k.lettersHeld--;
  }

  private onDropped(l: DeadLetter, why: 'evicted' | 'expired'): void {
    this.gone(l);
    this.c.addFailed(why === 'evicted' ? 'Evicted' : 'Expired');
    if (why === 'evicted') this.evicted++;
    // The row may still be waiting for the snapshot; build it before the payload goes. The
    // letters pending are the newest, in the order added: one older than the first is not among
    // them (the oldest letter, pushed out by each new one into a full queue, never is), and
    // needs no search through up to 500 of them at every eviction.
    if (this.pending.length > 0 && l.seq >= this.pending[0]!.seq) {
      const i = this.pending.indexOf(l);
      if (i >= 0) {
        this.pending.splice(i, 1);
        if (this.recent.length < MAX_RECENT_LETTERS) this.recent.push(letterRow(this.c, l));
      }
    }
    if (l.payloadRef > 0) this.c.store.release(l.payloadRef);
  }

  /** Rows new since the previous call. */
  takeRecent(): DeadLetterRow[] {
    this.flush();
    const r = this.recent;
    this.recent = [];
    return r;
  }

  filter(filter: DeadLetterFilter | undefined): (l: DeadLetter) => boolean {
    const ids = filter?.ids ? new Set(filter.ids) : null;
    const reasons = filter?.reasons ? new Set(filter.reasons) : null;
    const typeIds = filter?.typeIds ? new Set(filter.typeIds.map(normU64)) : null;
    const dests = filter?.destinations ? new Set(filter.destinations) : null;
    const sources = filter?.sources ? new Set(filter.sources) : null;
    const c = this.c;
    return (l) =>
      (!ids || ids.has(l.seq)) &&
      (!reasons || reasons.has(reasonOf(l))) &&
      (!typeIds || typeIds.has(l.payloadRef > 0 ? c.typeOfRef(l.payloadRef).typeId : l.typeId)) &&
      (!dests || dests.has(l.destination)) &&
      (!sources || sources.has(l.source));
  }

  list(filter: DeadLetterFilter | undefined, offset = 0, limit = 100): DeadLetterList {
    const all = this.c.broker.deadLetters.browse({ where: this.filter(filter) });
    const byDestination: Record<string, number> = {};
    const byDestinationType: Record<string, Record<string, number>> = {};
    const c = this.c;
    for (const l of all) {
      byDestination[l.destination] = (byDestination[l.destination] ?? 0) + 1;
      // The type as the letter's row names it.
      const type = u64Key(l.payloadRef > 0 ? c.typeOfRef(l.payloadRef).typeId : l.typeId);
      const byType = (byDestinationType[l.destination] ??= {});
      byType[type] = (byType[type] ?? 0) + 1;
    }
    const rows = all.slice(offset, offset + limit).map((l) => letterRow(c, l));
    return {
      total: all.length,
      held: c.broker.deadLetters.size,
      rows,
      byDestination,
      byDestinationType,
    };
  }

  /** Messages every dropOldest queue has evicted so far (each became a letter): the queue's count. */
  droppedOldest(): number {
    return this.c.broker.deadLetters.stats().byReason.DroppedOldest;
  }

  /**
   * Redrives the letters matching `cmd` (all, or the oldest `cmd.limit`) at once; with
   * `cmd.ratePerSec`, starts a paced redrive instead (`step` sends its letters as engine time
   * moves) and answers with its progress, nothing sent yet.
   */
  redrive(cmd: RedriveCommand): { redrive: RedriveResult; progress?: RedriveProgress } {
    const limit = cmd.limit;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1)) {
      err('InvalidCommand', `limit must be a whole number of letters, 1 or more (got ${limit}).`);
    }
    const rate = cmd.ratePerSec;
    if (rate !== undefined && !(Number.isFinite(rate) && rate >= 1)) {
      err('InvalidCommand', `ratePerSec must be 1 letter a second or more (got ${rate}).`);
    }
    const run = this.run;
    if (run?.progress.state === 'running') {
      err(
        'InvalidCommand',
        `A paced redrive is running (${run.progress.sent} of ${run.progress.total} sent); cancel it first.`,
      );
    }
    const options = this.redriveOptions(cmd);
    const match = this.filter(cmd.filter);
    if (rate === undefined) {
      const selected = this.c.broker.deadLetters.browse({
        where: match,
        ...(limit === undefined ? {} : { limit }),
      });
      const result = this.redriveLetters(selected, options);
      result.remaining = this.c.broker.deadLetters.browse({ where: match }).length;
      return { redrive: result };
    }
    // Paced: the letters held now, at most `limit` of them; letters added meanwhile (those that
    // fail again among them) have later sequence numbers and are left for the user to decide.
    const dlq = this.c.broker.deadLetters;
    const total = Math.min(limit ?? Infinity, dlq.browse({ where: match }).length);
    const progress: RedriveProgress = {
      ...emptyResult(),
      selected: total,
      remaining: total,
      startedUs: this.c.nowUs,
      ratePerSec: rate,
      total,
      sent: 0,
      failedLater: 0,
      waitingForRoom: null,
      state: total === 0 ? 'done' : 'running',
    };
    const maxSeq = dlq.lastSeq;
    const skipped = new Set<DeadLetter>();
    this.run = {
      cmd,
      own: (l) => l.seq <= maxSeq && !skipped.has(l) && match(l),
      skipped,
      accepted: new Set(),
      startUs: this.c.nowUs,
      progress,
    };
    return { redrive: { ...emptyResult(), selected: total, remaining: total }, progress };
  }

  /** The latest paced redrive's progress (a copy), or null before the first. */
  redriveProgress(): RedriveProgress | null {
    return this.run ? { ...this.run.progress } : null;
  }

  /** True while a paced redrive has letters to send. */
  get pacing(): boolean {
    return this.run?.progress.state === 'running';
  }

  /**
   * Sends what a paced redrive owes by now (its rate times the engine time since it started),
   * oldest first, while each queue it fills stays under half its capacity (beyond that it waits
   * for the kernel to make room, and says which). A letter it may not send (another tenant's
   * kernel, a type routed elsewhere) stays held and is counted once.
   */
  step(): void {
    const run = this.run;
    if (run?.progress.state !== 'running') return;
    const p = run.progress;
    const owed = Math.min(
      p.total,
      Math.floor(((this.c.nowUs - run.startUs) * p.ratePerSec) / 1e6) + 1,
    );
    let due = owed - (p.sent + p.refusedCrossTenant + p.refusedNotRouted);
    if (due <= 0) return;
    // After a stall (a long command, a throttled worker) it does not catch up in one lump: at
    // most 50 ms of its pace go at once, and its schedule moves on by what it skipped.
    const burst = Math.max(1, Math.ceil(p.ratePerSec * MAX_CATCH_UP_S));
    if (due > burst) {
      run.startUs += ((due - burst) / p.ratePerSec) * 1e6;
      due = burst;
    }
    const candidates = this.c.broker.deadLetters.browse({ where: run.own, limit: due });
    let selected: DeadLetter[];
    let r: RedriveResult;
    try {
      // The target may be gone since the start: checked again at each step.
      const options = this.redriveOptions(run.cmd);
      const room = this.withRoom(candidates, options);
      selected = room.fit;
      p.waitingForRoom = room.fullQueue;
      r = this.redriveLetters(selected, options, run.accepted);
    } catch (e) {
      p.error = e instanceof Error ? e.message : String(e);
      this.finish('failed');
      return;
    }
    for (const l of selected) run.skipped.add(l);
    p.redriven += r.redriven;
    p.failedAgain += r.failedAgain;
    for (const [status, n] of Object.entries(r.failedByStatus) as [ReceiptStatus, number][])
      p.failedByStatus[status] = (p.failedByStatus[status] ?? 0) + n;
    p.refusedCrossTenant += r.refusedCrossTenant;
    p.refusedNotRouted += r.refusedNotRouted;
    p.evicted += r.evicted;
    p.sent = p.redriven + p.failedAgain;
    const handled = p.sent + p.refusedCrossTenant + p.refusedNotRouted;
    // Its own letters still to go: past its limit, the letters matching are not its.
    const held = this.c.broker.deadLetters.browse({ where: run.own }).length;
    p.remaining = Math.min(p.total - handled, held);
    if ((candidates.length < due && p.waitingForRoom === null) || handled >= p.total) {
      this.finish('done');
    }
  }

  /**
   * The kernel whose queue a redriven letter enters: the target, else its destination (a K2K
   * destination's next hop), else, for a letter never routed, its type's route; undefined when
   * none is a kernel (the send then fails and it is a letter again, taking no room).
   */
  private queueOf(l: DeadLetter, options: RedriveOptions): KernelState | undefined {
    if (options.tk) return options.tk;
    const c = this.c;
    const dest =
      l.destination === ''
        ? c.dispatcher.getRoute(l.typeId)
        : c.kernels.has(l.destination)
          ? l.destination
          : c.k2k.get(l.destination);
    return dest === undefined ? undefined : c.kernels.get(dest);
  }

  /**
   * The oldest of `letters` that fit, in order, while each one's queue stays under
   * {@link ROOM_SHARE} of its capacity: the first that would not fit and every letter after it
   * wait for the next step, so they still go oldest first. `fullQueue` names the kernel whose
   * queue held them back.
   */
  private withRoom(
    letters: DeadLetter[],
    options: RedriveOptions,
  ): { fit: DeadLetter[]; fullQueue: string | null } {
    const added = new Map<KernelState, number>();
    for (let i = 0; i < letters.length; i++) {
      const k = this.queueOf(letters[i]!, options);
      if (!k) continue;
      const n = added.get(k) ?? 0;
      const room = Math.max(1, Math.floor(k.ep.capacity * ROOM_SHARE)) - k.ep.pendingCount();
      if (n >= room) return { fit: letters.slice(0, i), fullQueue: k.cfg.id };
      added.set(k, n + 1);
    }
    return { fit: letters, fullQueue: null };
  }

  private finish(state: RedriveProgress['state']): void {
    const run = this.run;
    if (!run) return;
    run.progress.state = state;
    run.skipped.clear();
  }

  /** Stops the paced redrive, if one runs: what it sent stays sent. */
  cancelRedrive(): RedriveProgress | null {
    if (this.run?.progress.state === 'running') this.finish('cancelled');
    return this.redriveProgress();
  }

  /** A redrive's target and header changes, checked (a target kernel that exists). */
  private redriveOptions(cmd: RedriveCommand): RedriveOptions {
    const c = this.c;
    const target = cmd.target ?? cmd.overrides?.destination;
    const tk = target === undefined ? undefined : c.kernels.get(target);
    if (target !== undefined && !tk) {
      err('UnknownKernel', `Cannot redrive to "${target}": no such kernel.`);
    }
    const o = cmd.overrides;
    if (
      o?.priority !== undefined &&
      (!Number.isInteger(o.priority) || o.priority < 0 || o.priority > 255)
    ) {
      err('InvalidCommand', `priority must be an integer in 0..255 (got ${o.priority}).`);
    }
    return { target, tk, overrides: o };
  }

  /** Sends `selected` again (those that may go), as one redrive. */
  private redriveLetters(
    selected: DeadLetter[],
    options: RedriveOptions,
    accepted?: Set<number>,
  ): RedriveResult {
    const c = this.c;
    const { target, tk, overrides: o } = options;
    const evictedBefore = this.droppedOldest();
    const dlq = c.broker.deadLetters;
    const result = emptyResult();
    // As the broker's replay decides it: a registered source's tenant; a trusted source (the
    // host, which may inject into any tenant) takes the target's; otherwise the letter's own.
    const tenantOf = (l: DeadLetter, targetTenant: number): number =>
      c.kernels.get(l.source)?.cfg.tenantId ??
      (c.broker.trustsSource(l.source) ? targetTenant : l.tenantId);
    // Cross-tenant redrives are refused before anything moves: the letters stay where they are.
    result.selected = selected.length;
    const refused = new Set<DeadLetter>();
    if (tk) {
      // A kernel takes its own letters and the types routed to it. A type routed to another
      // kernel is refused: redriven "to aggregator", PatternCheck letters ran the aggregator's
      // handler on their payloads and were reported accepted. A type routed nowhere (NoRoute)
      // may go where the user sends it: that choice is its route.
      for (const l of selected) {
        if (tenantOf(l, tk.cfg.tenantId) !== tk.cfg.tenantId) {
          refused.add(l);
          result.refusedCrossTenant++;
        } else if (
          l.destination !== tk.cfg.id &&
          (c.dispatcher.getRoute(l.typeId) ?? tk.cfg.id) !== tk.cfg.id
        ) {
          refused.add(l);
          result.refusedNotRouted++;
        }
      }
    }
    this.refusedCrossTenant += result.refusedCrossTenant;
    const chosen = new Set(selected);
    const taken = dlq.take({ where: (l) => chosen.has(l) && !refused.has(l) });
    const s = c.store;
    const send = this.send;
    for (const l of taken) {
      this.gone(l);
      const ref = l.payloadRef;
      if (o?.correlationId !== undefined && ref > 0) s.correlationId[ref] = o.correlationId;
      const priority = o?.priority ?? l.priority;
      // A fresh message to the receipts: whatever its eviction left there is gone.
      s.sampled[ref] = 0;
      send.stampEntry(ref);
      let status: ReceiptStatus;
      let destination = target ?? l.destination;
      let hops = 0;
      if (target === undefined && l.destination === '') {
        // Never routed: dispatch by type again (the route may exist now).
        const r = send.dispatchOne(l.source, ref, c.typeOfRef(ref), priority);
        status = r.status;
        destination = r.destination;
        hops = r.hops;
      } else {
        const receipts = c.broker.replayTaken([l], {
          ...(target === undefined ? {} : { to: target }),
          priority,
        });
        const r = receipts[0];
        if (r) {
          s.msgId[ref] = r.messageId;
          status = r.status;
          hops = r.hops;
        } else {
          status = 'TenantMismatch';
          s.msgId[ref] = c.broker.lastMessageId;
        }
      }
      const source = l.source;
      send.settle(ref, status, source, c.broker.kernelNumber(source), destination, hops, priority);
      // The redrive is a new message (a fresh id): a traced one names the letter it came from,
      // and the letter's trace says what it became.
      if (s.traced[ref] === 1) c.traces.linkRedrive(l.messageId, s.msgId[ref]!);
      if (status === 'Delivered' || status === 'Pending') {
        result.redriven++;
        accepted?.add(s.msgId[ref]!);
      } else {
        result.failedAgain++;
        result.failedByStatus[status] = (result.failedByStatus[status] ?? 0) + 1;
      }
    }
    // Accepted into a full dropOldest queue, each redriven letter pushed an older message out:
    // "10,000 accepted" alone hid 5,904 new letters.
    result.evicted = this.droppedOldest() - evictedBefore;
    return result;
  }

  purge(filter: DeadLetterFilter | undefined): number {
    const taken = this.c.broker.deadLetters.discard({ where: this.filter(filter) });
    for (const l of taken) {
      this.gone(l);
      if (l.payloadRef > 0) this.c.store.release(l.payloadRef);
    }
    this.c.addFailed('Purged', taken.length);
    return taken.length;
  }

  resetCounters(): void {
    this.evicted = 0;
    this.refusedCrossTenant = 0;
  }
}
