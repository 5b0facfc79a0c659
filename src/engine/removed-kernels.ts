/**
 * What kernels removed since the last Reset counters had counted (`EngineCore.removedKernels`):
 * a kernel leaves the config (deleted, or renamed: a new id is a new kernel) and its counts stay
 * in the totals under the snapshot's `accounting.removedKernels` row, so the kernels' columns
 * plus that row still add up; a kernel added back under its id takes them back.
 */
import type { KernelState } from './kernel-state';
import type { DeadLetterReason } from './protocol';
import type { RemovedKernels } from './snapshot-types';

export class RemovedKernelCounts {
  /**
   * What kernels removed since the last reset (deleted, or renamed: a new id is a new kernel)
   * had counted, by id, oldest removal first: `accounting.removedKernels` sums them, so the
   * kernels' columns still add up to the totals. A kernel added back under its id (an undo, a
   * rename undone) takes its counts back: it had come back at 0 beside a removed row of its own
   * name holding them.
   */
  private readonly removed = new Map<string, RemovedCounts>();
  /**
   * Kernels removed with batches still out on a runtime: their rows land after the removal and
   * are counted then, so their counts join `removed` only once the last one has landed
   * (`fold`); until then the snapshot adds them in, their in-flight rows too. Counted into
   * the row once at removal, the 415 rows that landed afterwards were in the status bar's
   * "in flight" under no kernel, then in its "processed" under none.
   */
  readonly departing = new Set<KernelState>();

  /** A kernel leaves the config: its counts stay in the totals, under `removedKernels`. */
  count(k: KernelState): void {
    if (k.inFlight > 0) this.departing.add(k);
    else this.keep(k);
  }

  /**
   * A removed kernel's last batch in flight has landed (or failed): its counts join the row, or
   * the kernel added back under its id since.
   */
  fold(k: KernelState): void {
    if (k.inFlight > 0 || !this.departing.delete(k)) return;
    const heir = k.heir;
    if (heir && !heir.destroyed) {
      addCounts(heir, k);
      heir.lastDropped += k.dropped;
    } else this.keep(k);
  }

  /**
   * What kernels removed under `id` had counted, taken back by `heir`, the kernel added under it
   * (an undo of the removal, a rename back). One removed with batches still out passes what they
   * count on to `heir` as they land (`fold`); their rows stay in flight under the removed
   * row until then.
   */
  reclaim(id: string, heir: KernelState): RemovedCounts | null {
    let back = this.removed.get(id) ?? null;
    this.removed.delete(id);
    for (const k of this.departing) {
      if (k.cfg.id !== id) continue;
      back ??= noCounts();
      addCounts(back, k);
      zeroCounts(k);
      k.heir = heir;
    }
    return back;
  }

  /** Reset counters: the removed kernels' counts go; those still landing count afresh. */
  reset(): void {
    this.removed.clear();
    for (const k of this.departing) zeroCounts(k);
  }

  /** The removed kernels' counts as the snapshot shows them: those still landing added in. */
  row(): RemovedKernels | null {
    if (this.removed.size === 0 && this.departing.size === 0) return null;
    const row: RemovedKernels = {
      ids: [...this.removed.keys()],
      processed: 0,
      emitted: 0,
      dropped: 0,
      deadLettered: 0,
      inFlight: 0,
    };
    for (const r of this.removed.values()) addCounts(row, r);
    for (const k of this.departing) {
      if (!row.ids.includes(k.cfg.id)) row.ids.push(k.cfg.id);
      addCounts(row, k);
      row.inFlight += k.inFlight;
    }
    return row;
  }

  private keep(k: KernelState): void {
    const id = k.cfg.id;
    const r = this.removed.get(id) ?? noCounts();
    // Last removed, last listed.
    this.removed.delete(id);
    addCounts(r, k);
    this.removed.set(id, r);
  }
}

/** A removed kernel's counts since the last reset. */
export type RemovedCounts = Omit<RemovedKernels, 'ids' | 'inFlight'> & {
  /** Kept for a kernel added back (the Problems panel reads a kernel's failures from it). */
  lettersByReason: Partial<Record<DeadLetterReason, number>>;
  /**
   * Its highest queue depth since the reset, for a kernel added back: an undo of its removal had
   * let Queues' "max queued" fall from 163 to 139.
   */
  maxDepthBefore: number;
};

function noCounts(): RemovedCounts {
  return {
    processed: 0,
    emitted: 0,
    dropped: 0,
    deadLettered: 0,
    lettersByReason: {},
    maxDepthBefore: 0,
  };
}

/** A kernel's counts since the reset back at 0 (Reset counters, and a kernel's handing on). */
export function zeroCounts(k: KernelState): void {
  k.processed = 0;
  k.emitted = 0;
  k.dropped = 0;
  k.deadLettered = 0;
  k.lettersByReason = {};
  k.maxDepthBefore = 0;
}

/**
 * Adds `from`'s counts to `to` (its highest queue depth, the higher of the two); the row's
 * `lettersByReason` and depth are left alone when `to` has none.
 */
function addCounts(
  to: Omit<RemovedKernels, 'ids' | 'inFlight'> &
    Partial<Pick<RemovedCounts, 'lettersByReason' | 'maxDepthBefore'>>,
  from: RemovedCounts,
): void {
  to.processed += from.processed;
  to.emitted += from.emitted;
  to.dropped += from.dropped;
  to.deadLettered += from.deadLettered;
  if (to.maxDepthBefore !== undefined)
    to.maxDepthBefore = Math.max(to.maxDepthBefore, from.maxDepthBefore);
  const by = to.lettersByReason;
  if (by)
    for (const [why, n] of Object.entries(from.lettersByReason) as [DeadLetterReason, number][])
      by[why] = (by[why] ?? 0) + n;
}
