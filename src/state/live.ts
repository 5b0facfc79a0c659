/**
 * The latest engine snapshot, outside React state: the engine client writes it (at most once per
 * animation frame) and components subscribe with a selector, so a kernel node re-renders only when
 * its own queue depth changes.
 */
import { useRef, useSyncExternalStore } from 'react';
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

const bigintSafe = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/**
 * Subscribe to a derived structure (an array or object) of the live snapshot. The component
 * re-renders only when the structure's content changes, not on every snapshot, and receives the
 * same object until then.
 */
export function useLiveValue<T>(selector: (s: EngineSnapshot | null) => T): T {
  const cache = useRef<{ key: string; value: T } | null>(null);
  const get = (): T => {
    const value = selector(latest);
    const key = JSON.stringify(value, bigintSafe) ?? '';
    if (cache.current?.key === key) return cache.current.value;
    cache.current = { key, value };
    return value;
  };
  return useSyncExternalStore(liveStore.subscribe, get, get);
}

type KernelRow = EngineSnapshot['kernels'][number];
const kernelIndex = new WeakMap<EngineSnapshot, Map<string, KernelRow>>();
const edgeIndex = new WeakMap<EngineSnapshot, Map<string, number>>();

/** A kernel's row of a snapshot, by id, through an index built once per snapshot. */
export function kernelOf(s: EngineSnapshot | null, id: string): KernelRow | undefined {
  if (!s) return undefined;
  let m = kernelIndex.get(s);
  if (!m) {
    m = new Map(s.kernels.map((k) => [k.id, k]));
    kernelIndex.set(s, m);
  }
  return m.get(id);
}

/** Live rate of an edge (`type:<id>` or kernel id -> kernel id); one index per snapshot, so a
 * thousand edges cost a thousand lookups, not a million comparisons. */
export function edgeRate(s: EngineSnapshot | null, source: string, target: string): number {
  if (!s) return 0;
  let m = edgeIndex.get(s);
  if (!m) {
    m = new Map(s.edges.map((e) => [`${e.source}\u0000${e.target}`, e.ratePerSec]));
    edgeIndex.set(s, m);
  }
  return m.get(`${source}\u0000${target}`) ?? 0;
}
