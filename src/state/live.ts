/**
 * The latest engine snapshot, outside React state: the engine client writes it (at most once per
 * animation frame) and components subscribe with a selector, so a kernel node re-renders only when
 * its own queue depth changes.
 */
import { useSyncExternalStore } from 'react';
import type { EngineSnapshot } from '../engine/protocol';

type Listener = () => void;

let latest: EngineSnapshot | null = null;
const listeners = new Set<Listener>();

export const liveStore = {
  get: (): EngineSnapshot | null => latest,
  set(snapshot: EngineSnapshot | null): void {
    latest = snapshot;
    for (const l of listeners) l();
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** Subscribe to one derived value of the live snapshot; return primitives to avoid re-renders. */
export function useLive<T>(selector: (s: EngineSnapshot | null) => T): T {
  return useSyncExternalStore(
    liveStore.subscribe,
    () => selector(latest),
    () => selector(null),
  );
}
