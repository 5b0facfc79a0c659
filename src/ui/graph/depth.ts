import { ASYNC_BATCH } from '../../engine/async-batch';
import { formatCount } from '../design/format';

/** Queue fill levels and depth text, shared by the graph's kernel nodes, Queues and Predict. */
export type DepthLevel = 'ok' | 'warning' | 'critical';

/** Green below 75 % of the real capacity, amber from 75 %, red from 90 %. */
export function depthLevel(queued: number, capacity: number): DepthLevel {
  const fill = capacity > 0 ? queued / capacity : 0;
  return fill >= 0.9 ? 'critical' : fill >= 0.75 ? 'warning' : 'ok';
}

/**
 * The depth a kernel's queue shows where there is room for one number: what it holds now, or the
 * most it held at once in the last half second when that is more (`upTo`, shown as "≤"). Under
 * load the engine drains every queue each slice, so the depth at a snapshot's instant reads 0
 * while the queue fills to hundreds between drains: "0 / 4,096" at 2 M/s read as a frozen counter,
 * and Predict's "0 / 4,096" beside the graph's "≤310 / 4,096" as two different queues.
 */
function shownDepth(queued: number, peak: number): { value: number; upTo: boolean } {
  return peak > queued ? { value: peak, upTo: true } : { value: queued, upTo: false };
}

/**
 * A depth as `shownDepth` picks it, against the capacity: "≤310 / 4,096" (`fmt` writes the
 * numbers: exact in Queues and Predict, compact on the graph's narrow bar).
 */
export function depthText(
  queued: number,
  peak: number,
  capacity: number,
  fmt: (n: number) => string = formatCount,
): string {
  const d = shownDepth(queued, peak);
  return `${d.upTo ? '≤' : ''}${fmt(d.value)} / ${fmt(capacity)}`;
}

/** What a depth shown with `shownDepth` says, for its title. */
export function depthTitle(queued: number, peak: number, capacity: number): string {
  return `${formatCount(queued)} queued of ${formatCount(capacity)}${peak > queued ? `, up to ${formatCount(peak)} at once in the last half second` : ''}`;
}

/**
 * What a kernel's rows in flight are, for a title: taken from its queue, so not held against its
 * capacity. "Queue ≤2,642 / 4,096 + 4,801 in flight" had read as 7,443 held in a queue of 4,096
 * (QA): a runtime has up to two batches out, each of up to a queueful (4,096 rows at most).
 */
export function inFlightTitle(inFlight: number, capacity: number): string {
  // A batch is at most what the queue holds, and at most ASYNC_BATCH rows.
  return `${formatCount(inFlight)} in flight: taken from the queue (no longer counted against its capacity) and out on the kernel's backend, in up to two batches of up to ${formatCount(Math.min(capacity, ASYNC_BATCH))} rows`;
}

/**
 * What a queue's overflow did, by what it did rather than by the policy it has now: `evicted` the
 * messages a dropOldest queue pushed out (`droppedOldest`: the kernel's `DroppedOldest` letters,
 * the one count a caller reads off its letters by reason), `refused` the rest of
 * `dropped` (QueueFull, Rejected). A queue whose policy changed under load had read "258 K
 * evicted" for 182 K refusals and 76 K evictions (QA).
 */
export function lossesOf(
  dropped: number,
  droppedOldest: number,
): { refused: number; evicted: number } {
  const evicted = Math.min(dropped, droppedOldest);
  return { refused: dropped - evicted, evicted };
}

/**
 * A queue's losses in a few words: `45.4 K refused`, `1,200 evicted`, and both as
 * `182 K refused · 76.2 K evicted`, or in `short` form (the graph card's half) `258 K lost`,
 * the split then on hover ("1.37 M dropped" did not fit the half: "1.37 M dropp…", QA).
 */
export function lossText(
  dropped: number,
  droppedOldest: number,
  fmt: (n: number) => string,
  short = false,
): string {
  const { refused, evicted } = lossesOf(dropped, droppedOldest);
  if (evicted === 0) return `${fmt(dropped)} refused`;
  if (refused === 0) return `${fmt(dropped)} evicted`;
  return short ? `${fmt(dropped)} lost` : `${fmt(refused)} refused · ${fmt(evicted)} evicted`;
}
