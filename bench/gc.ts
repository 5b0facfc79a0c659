/** Garbage collections counted around a piece of work (Node only, `perf_hooks`). */
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';

export interface GcCounts {
  minor: number;
  major: number;
  /** Time in them, ms. */
  ms: number;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/**
 * The collections during `body`. Entries arrive after the work that caused them: the observer's
 * queue is let flush before it starts and after `body` ends.
 */
export async function countGcs(body: () => void | Promise<void>): Promise<GcCounts> {
  await settle();
  const counts: GcCounts = { minor: 0, major: 0, ms: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      // A 'gc' entry's `detail` says which kind of collection it was.
      const detail = (e as PerformanceEntry & { detail?: { kind?: number } }).detail;
      if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) counts.minor++;
      else counts.major++;
      counts.ms += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  await body();
  await settle();
  obs.disconnect();
  return counts;
}
