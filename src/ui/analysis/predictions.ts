/**
 * One queue predictor for the page, fed by every live snapshot once something subscribes, and
 * per-kernel hooks that re-render only when a kernel's rounded prediction changes.
 */
import { useSyncExternalStore } from 'react';
import { liveStore } from '../../state/live';
import { createQueuePredictor, type KernelPrediction } from '../../analysis/predict';

const predictor = createQueuePredictor();
const listeners = new Set<() => void>();
let unsubscribeLive: (() => void) | null = null;
let lastSeq = -1;
let version = 0;

function onLive(): void {
  const s = liveStore.get();
  if (!s || s.seq === lastSeq) return;
  lastSeq = s.seq;
  predictor.observe(s);
  version++;
  for (const l of listeners) l();
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  unsubscribeLive ??= liveStore.subscribe(onLive);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && unsubscribeLive) {
      unsubscribeLive();
      unsubscribeLive = null;
    }
  };
}

export const predictions = {
  subscribe,
  version: (): number => version,
  all: (): KernelPrediction[] => predictor.all(),
  get: (id: string): KernelPrediction | undefined => predictor.get(id),
  reset(): void {
    predictor.reset();
    version++;
    for (const l of listeners) l();
  },
};

/** What a kernel badge needs. */
export interface KernelBadge {
  rho: number | null;
  secondsToFull: number | null;
  warning: boolean;
}

const badgeCache = new Map<string, KernelBadge>();
const UNKNOWN: KernelBadge = { rho: null, secondsToFull: null, warning: false };

function badgeOf(id: string): KernelBadge {
  const p = predictor.get(id);
  if (!p) return UNKNOWN;
  const rho = p.rho === null ? null : Math.round(p.rho * 100) / 100;
  const secondsToFull = p.secondsToFull === null ? null : Math.round(p.secondsToFull * 10) / 10;
  const prev = badgeCache.get(id);
  if (
    prev &&
    prev.rho === rho &&
    prev.secondsToFull === secondsToFull &&
    prev.warning === p.warning
  )
    return prev;
  const next = { rho, secondsToFull, warning: p.warning };
  badgeCache.set(id, next);
  return next;
}

/** Live prediction of one kernel's queue, for a badge on its graph node. */
export function usePrediction(kernelId: string): KernelBadge {
  return useSyncExternalStore(
    subscribe,
    () => badgeOf(kernelId),
    () => UNKNOWN,
  );
}

/** Re-renders on every new prediction; read `predictions.all()` after it. */
export function usePredictionsVersion(): number {
  return useSyncExternalStore(subscribe, predictions.version, predictions.version);
}
