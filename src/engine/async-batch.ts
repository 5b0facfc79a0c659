/**
 * How large a batch an asynchronous runtime (a GPU) gets: here, apart from `kernel-run.ts`, so the
 * page can say what a kernel forced onto WebGPU would take (`ui/inspector/backendWarning.ts`)
 * without pulling in the engine.
 */

/** Rows per batch handed to an asynchronous runtime (a GPU gains from large batches). */
export const ASYNC_BATCH = 4096;

/**
 * Rows an asynchronous runtime with a batch already out waits for before it takes another (see
 * `waitsForMore` in kernel-run.ts): a full batch, or half the queue where the queue is smaller.
 */
export function asyncFill(queueCapacity: number): number {
  return Math.max(1, Math.min(ASYNC_BATCH, Math.floor(queueCapacity / 2)));
}
