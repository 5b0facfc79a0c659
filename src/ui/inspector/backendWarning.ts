/**
 * What forcing a kernel onto WebGPU will do, said when it is done: forced there at 1 M/s asked on
 * a software adapter, a queue filled and 1.6 M letters were lost within seconds, the edit's notice
 * having said only "backend auto → webgpu".
 */
import type { EngineSnapshot } from '../../engine/protocol';
import { asyncFill } from '../../engine/async-batch';
import { formatCount, formatRate } from '../design/format';

type KernelRow = EngineSnapshot['kernels'][number];

/**
 * Rows up to which a software adapter's batch costs about the same whatever its rows: beyond, its
 * time grows with them. SwiftShader, measured live: 238/s at 1 row, 9,351/s at ~72 rows, 5-30 K/s
 * at ~3,800 rows.
 */
const SOFTWARE_FLAT_ROWS = 32;
/**
 * What a software adapter takes at least, unmeasured (messages/s): 238/s a row at a time, up to
 * `SOFTWARE_FLAT_ROWS` rows for about the same time. Below it, nothing is said of a kernel not
 * measured yet.
 */
const SOFTWARE_UNMEASURED_FLOOR = 238 * SOFTWARE_FLAT_ROWS;

/**
 * A warning when WebGPU cannot take what reaches the kernel now (the deliveries on its types'
 * `edges`, or what it processes, if more), or null: no traffic, fast enough, or a hardware adapter
 * not measured yet. A GPU's round trip costs about the same for one row as for a thousand, and a
 * kernel there waits for a fuller batch (up to half its queue) while one is out: measured at a
 * batch of 1 or 2 rows (1,000/s), WebGPU read 238/s against 270/s arriving, and the warning said
 * the queue would fill; it peaked at 38 of 4,096. So its measured rate is scaled up to that largest
 * batch, at best, before it is called too slow. Not on a `software` adapter, whose time grows with
 * the rows past a few dozen (`SOFTWARE_FLAT_ROWS`): scaled up from ~72 rows, 9,351/s read as
 * 266 K/s at best, and the kernel forced there at 50 K/s lost a million messages with no warning
 * (QA). There, too, a kernel not measured yet is warned of.
 */
export function forcedGpuWarning(
  k: KernelRow | undefined,
  policy: string,
  edges: readonly EngineSnapshot['edges'][number][] = [],
  software = false,
): string | null {
  if (!k) return null;
  const gpu = k.placement.gpuRate;
  // What its queue takes in: the deliveries on its types' edges (`type:<id>` → kernel; a kernel's
  // own edge to it counts the same sends again). Its own rate is only what it processes: a
  // dropOldest kernel whose queue was full already read 5,057/s beside 49.9 K/s on its route
  // (QA). Sends a full queue refused are on no edge: with one, this is a floor.
  const arriving = edges.reduce(
    (sum, e) => (e.target === k.id && e.source.startsWith('type:') ? sum + e.ratePerSec : sum),
    0,
  );
  const now = Math.max(k.ratePerSec, arriving);
  const fills =
    `its queue will fill and its ${policy} policy applies ` +
    `(the newest ${policy === 'dropOldest' ? 'evict the oldest' : 'are refused'}).`;
  if (gpu === null && software && now > SOFTWARE_UNMEASURED_FLOOR)
    return (
      `${k.id} now runs on WebGPU, a software adapter on the CPU, not measured for it yet, while ` +
      `${formatRate(now)} reach it` +
      (k.placement.cpuRate !== null
        ? ` (its CPU twin measured ${formatRate(k.placement.cpuRate)})`
        : '') +
      `: a software adapter takes far fewer than a twin, and unless it keeps up ${fills}`
    );
  if (gpu === null || now <= 0 || gpu >= now) return null;
  const batch = Math.max(1, k.placement.batchSize);
  // The largest batch the engine hands its runtime: half the queue, 4,096 rows at most; on a
  // software adapter, what costs no more than the batch measured.
  const fill = asyncFill(k.capacity);
  const largest = Math.max(batch, software ? Math.min(fill, SOFTWARE_FLAT_ROWS) : fill);
  const atBest = gpu * (largest / batch);
  if (atBest >= now) return null;
  return (
    `${k.id} now runs on WebGPU, which measured ${formatRate(gpu)} for it at ~${formatCount(Math.round(batch))} rows per batch` +
    (largest > batch
      ? ` (${formatRate(atBest)} at best, in batches of ${formatCount(largest)})`
      : '') +
    `, while ${formatRate(now)} reach it: ${fills}`
  );
}
