/**
 * Per-kernel prediction hooks over the store's queue predictor (fed by each snapshot the live slice
 * shows, at most 10 a second); a badge re-renders only when its kernel's rounded prediction changes.
 */
import { useWorkbench, workbenchStore } from '../../state/store';
import { findKernel } from '../../state/edits';
import type { KernelPrediction } from '../../analysis/predict';

/** What a kernel badge needs. */
export interface KernelBadge {
  rho: number | null;
  secondsToFull: number | null;
  warning: boolean;
}

const UNKNOWN: KernelBadge = { rho: null, secondsToFull: null, warning: false };
const badgeCache = new WeakMap<KernelPrediction, KernelBadge>();
const lastBadge = new Map<string, KernelBadge>();

function badgeOf(p: KernelPrediction | undefined): KernelBadge {
  if (!p) return UNKNOWN;
  const cached = badgeCache.get(p);
  if (cached) return cached;
  const rho = p.rho === null ? null : Math.round(p.rho * 100) / 100;
  const secondsToFull = p.secondsToFull === null ? null : Math.round(p.secondsToFull * 10) / 10;
  const prev = lastBadge.get(p.id);
  const next =
    prev && prev.rho === rho && prev.secondsToFull === secondsToFull && prev.warning === p.warning
      ? prev
      : { rho, secondsToFull, warning: p.warning };
  lastBadge.set(p.id, next);
  badgeCache.set(p, next);
  return next;
}

/** Live prediction of one kernel's queue, for a badge on its graph node. */
export function usePrediction(kernelId: string): KernelBadge {
  // The predictor is mutable; the selector runs on every store change and the badge stays the
  // same object until its rounded values change.
  return useWorkbench((s) => badgeOf(s.predictor.get(kernelId)));
}

/**
 * How a kernel's queue is losing messages lately (`KernelPrediction.losing`), by its policy: a
 * reject or deadLetter queue refuses what is sent to it; a dropOldest queue takes every message and
 * evicts an older one for each. Null while it loses nothing. Checked only while `watch` holds, and
 * the policy only for a queue losing: every route edge asks at every view, and a look-up among the
 * config's kernels for each was work a large graph paid.
 */
export function useQueueLoss(kernelId: string, watch: boolean): 'refusing' | 'evicting' | null {
  return useWorkbench((s) =>
    watch && (s.predictor.get(kernelId)?.losing ?? false)
      ? findKernel(s.config, kernelId)?.overflowPolicy === 'dropOldest'
        ? 'evicting'
        : 'refusing'
      : null,
  );
}

/** Every kernel's prediction; re-renders on every new prediction. */
export function usePredictions(): KernelPrediction[] {
  useWorkbench((s) => s.predictionsVersion);
  return workbenchStore().getState().predictor.all();
}
