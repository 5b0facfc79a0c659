/**
 * The live slice: the latest engine snapshot, when it arrived, and the sinks every snapshot feeds
 * (the receipt ring, ten minutes of metrics, the queue predictor). The sinks are mutable data
 * structures held by the slice; what components subscribe to are the slice's primitives (the
 * snapshot object, version numbers), so a kernel node re-renders only when its own values change.
 */
import { useRef } from 'react';
import type { StateCreator } from 'zustand/vanilla';
import type { EngineSnapshot, ReceiptRow } from '../engine/protocol';
import { createReceiptLog, type ReceiptLog } from './receiptLog';
import { createMetricsHistory, type MetricsHistory } from './metricsHistory';
import { createQueuePredictor, type QueuePredictor } from '../analysis/predict';
import { createRateHold, edgeKey } from './steadyRates';
import { createLumps } from './lumps';
import { createSustainedRate } from './sustained';
import { useWorkbench } from './store';

/** A value older than this (since the last snapshot arrived) is shown as stale. */
export const STALE_AFTER_MS = 1000;

/**
 * The page shows a new snapshot at most this often. Under load the engine publishes 50–60 a
 * second; numbers changing that fast cannot be read, and re-rendering every kernel node, edge
 * label, badge and panel for each one cost the page dropped frames. The metrics history still
 * takes every snapshot as it comes, and the receipt tail every snapshot's rows when the next is
 * shown (its counts are the ones on screen); the latest one is always shown within
 * this interval (a trailing update), so nothing is older on screen than this plus its own age.
 */
export const VIEW_EVERY_MS = 100;
/** Snapshots kept for the receipt log between two shows, at most (see `forLog`). */
const MAX_WAITING_FOR_LOG = 64;

export interface LiveSlice {
  snapshot: EngineSnapshot | null;
  /** Wall-clock ms at which `snapshot` arrived; null before the first. */
  snapshotAt: number | null;
  /** Wall-clock ms, advanced by every snapshot and by the page's clock tick (`tickClock`). */
  clockMs: number;
  receiptLog: ReceiptLog;
  /** Moves whenever the rows the receipt tail shows change (or pause buffers more). */
  receiptsVersion: number;
  metricsHistory: MetricsHistory;
  /** Counts that moved while their rate read 0, shown as "+N" for a while (`lumps.ts`), by key. */
  lumps: ReadonlyMap<string, number>;
  /**
   * The running generator's mean entry rate over the last 3 s of engine time (`sustained.ts`),
   * what the amber "does not keep up" readings show; null while idle and in a run's first second.
   */
  generatorMean: number | null;
  /**
   * The last burst sent by hand while the generator ran, once it is all in: its size and the
   * engine time it ended at (null before any, and while one is being sent). The send held the
   * generator back, not the engine's limit: the toolbar, Inject, Predict and Problems all read
   * the seconds after it so (`heldBySend` in `ui/live/engineLimit.ts`). Forgotten at a new run.
   */
  sendEnded: { count: number; endedUs: number } | null;
  predictor: QueuePredictor;
  /** Moves with every snapshot the predictor observed. */
  predictionsVersion: number;
  /** Feed one snapshot (receipts and metrics take each; the view and the predictions, the newest every 100 ms). */
  ingestSnapshot(snapshot: EngineSnapshot, wallMs: number): void;
  tickClock(wallMs: number): void;
  /** Paused with the Pause button. */
  receiptsPausedByUser: boolean;
  /** Held while the user reads the list (pointer or focus in it, scrolled down, a detail open). */
  receiptsHeld: boolean;
  /** `shown`: the rows on screen, which a pause keeps (see `ReceiptLog.setPaused`). */
  setReceiptsPaused(paused: boolean, shown?: readonly ReceiptRow[]): void;
  /**
   * Holds the receipt tail while it is being read, and lets it go after: new rows arriving at the
   * top moved every row under the pointer, and a click opened a receipt hundreds of ids newer
   * than the one aimed at. The log is paused while either the user or a hold says so.
   */
  setReceiptsHeld(held: boolean, shown?: readonly ReceiptRow[]): void;
  clearReceipts(): void;
  /** A fresh engine numbers everything from the start: forget what the old one sent. */
  resetLive(): void;
}

export const createLiveSlice: StateCreator<LiveSlice, [], [], LiveSlice> = (set, get) => {
  /** The newest snapshot not yet shown (and when it arrived), waiting for its turn. */
  let pending: { snapshot: EngineSnapshot; wallMs: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Wall-clock ms of the last show (a trailing show counts at the time it was due), or null. */
  let shownAt: number | null = null;
  /** The rates shown move once a second unless they say something new (see `steadyRates`). */
  const rateHold = createRateHold();
  const lumps = createLumps();
  const sustained = createSustainedRate();
  /**
   * Snapshots since the last show, for the receipt log: it takes them (rows and counts) when one
   * is shown, so the Receipts panel reads the moment the status bar and the graph read. Taken as
   * they came, the log ran up to 100 ms ahead of the view and, read at the panel's own times,
   * behind it ("6,836 receipts" beside 5,103 injected + 1,865 emitted).
   */
  let forLog: EngineSnapshot[] = [];
  const flushLog = (): void => {
    const log = get().receiptLog;
    for (const s of forLog) log.ingest(s);
    forLog = [];
  };
  const show = (snapshot: EngineSnapshot, wallMs: number, at: number): void => {
    pending = null;
    shownAt = at;
    flushLog();
    // Predicted from the snapshot shown, so a node's ρ line and its queue bar read the same
    // moment ("full now" stood beside an empty queue for up to 100 ms). Its rates come from
    // counters, so the snapshots between two shows are not needed.
    const held = rateHold.hold(snapshot, at);
    get().predictor.observe(held);
    const g = snapshot.generator;
    // A send's start and end are each shown at once (see `ingestSnapshot`), so the snapshot
    // shown before this one had it under way.
    const before = get().snapshot;
    const sendEnded = snapshot.sending
      ? null
      : before?.sending && g.running
        ? { count: before.sending.count, endedUs: snapshot.timeUs }
        : before?.generator.startedUs === g.startedUs
          ? get().sendEnded
          : null;
    set({
      sendEnded,
      snapshot: held,
      lumps: lumps.observe(held, at),
      generatorMean: sustained.observe(snapshot.timeUs, g.emitted, g.running, g.startedUs),
      snapshotAt: wallMs,
      clockMs: Math.max(get().clockMs, wallMs),
      receiptsVersion: get().receiptLog.version(),
      predictionsVersion: get().predictionsVersion + 1,
    });
  };
  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    pending = null;
  };
  /** The log is frozen while the user paused it or a hold says so. */
  const freeze = (pausedByUser: boolean, held: boolean, shown?: readonly ReceiptRow[]): void => {
    flushLog();
    const log = get().receiptLog;
    const frozen = pausedByUser || held;
    if (log.paused() !== frozen) log.setPaused(frozen, shown);
    set({ receiptsPausedByUser: pausedByUser, receiptsHeld: held, receiptsVersion: log.version() });
  };
  return {
    snapshot: null,
    snapshotAt: null,
    clockMs: 0,
    receiptLog: createReceiptLog(),
    receiptsVersion: 0,
    metricsHistory: createMetricsHistory(),
    lumps: new Map(),
    generatorMean: null,
    sendEnded: null,
    predictor: createQueuePredictor(),
    predictionsVersion: 0,
    ingestSnapshot(snapshot, wallMs) {
      forLog.push(snapshot);
      // A hidden page's timers may wait a minute: the log goes ahead rather than hold its rows.
      if (forLog.length > MAX_WAITING_FOR_LOG) flushLog();
      get().metricsHistory.ingest(snapshot, wallMs);
      // Measured from the last show, not from when the shown snapshot arrived: a trailing show
      // of an older arrival must not let the next one through sooner.
      const wait = shownAt === null ? 0 : shownAt + VIEW_EVERY_MS - wallMs;
      // A send's start and end are shown at once (`snapshot.sending`), as Inject's result line is.
      const sendingEdge =
        (snapshot.sending === undefined) !== (get().snapshot?.sending === undefined);
      if (wait <= 0 || sendingEdge) {
        cancel();
        show(snapshot, wallMs, wallMs);
        return;
      }
      pending = { snapshot, wallMs };
      if (timer === undefined) {
        const due = wallMs + wait;
        timer = setTimeout(() => {
          timer = undefined;
          if (pending) show(pending.snapshot, pending.wallMs, due);
        }, wait);
      }
    },
    tickClock(wallMs) {
      set({ clockMs: wallMs });
    },
    receiptsPausedByUser: false,
    receiptsHeld: false,
    setReceiptsPaused(paused, shown) {
      freeze(paused, get().receiptsHeld, shown);
    },
    setReceiptsHeld(held, shown) {
      if (get().receiptsHeld !== held) freeze(get().receiptsPausedByUser, held, shown);
    },
    clearReceipts() {
      flushLog();
      const log = get().receiptLog;
      log.clear();
      set({ receiptsVersion: log.version() });
    },
    resetLive() {
      const { receiptLog, metricsHistory, predictor } = get();
      cancel();
      forLog = [];
      shownAt = null;
      rateHold.reset();
      lumps.reset();
      sustained.reset();
      receiptLog.restart();
      metricsHistory.reset();
      predictor.reset();
      set({
        snapshot: null,
        lumps: new Map(),
        generatorMean: null,
        sendEnded: null,
        snapshotAt: null,
        receiptsVersion: receiptLog.version(),
        predictionsVersion: get().predictionsVersion + 1,
      });
    },
  };
};

/** Subscribe to one derived value of the live snapshot; return primitives to avoid re-renders. */
export function useLive<T>(selector: (s: EngineSnapshot | null) => T): T {
  return useWorkbench((s) => selector(s.snapshot));
}

const bigintSafe = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/**
 * Subscribe to a derived structure (an array or object) of the live snapshot. The component
 * re-renders only when the structure's content changes, not on every snapshot, and receives the
 * same object until then.
 */
export function useLiveValue<T>(selector: (s: EngineSnapshot | null) => T): T {
  const cache = useRef<{ key: string; value: T } | null>(null);
  return useWorkbench((state) => {
    const value = selector(state.snapshot);
    const key = JSON.stringify(value, bigintSafe) ?? '';
    if (cache.current?.key === key) return cache.current.value;
    cache.current = { key, value };
    return value;
  });
}

/** Age in whole seconds of the latest snapshot once it is stale, else null (fresh or none yet). */
export function staleSeconds(s: { snapshotAt: number | null; clockMs: number }): number | null {
  if (s.snapshotAt === null) return null;
  const age = s.clockMs - s.snapshotAt;
  return age > STALE_AFTER_MS ? Math.floor(age / 1000) : null;
}

/**
 * Whether live values are stale, and the words that say how old they are: `{ className, title }`
 * to spread on the element that shows them (empty when fresh).
 */
export function useStale(): { className: string; title?: string } {
  const age = useWorkbench(staleSeconds);
  return age === null
    ? { className: '' }
    : { className: 'stale', title: `Stale: the engine's last update arrived ${age} s ago` };
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
    m = new Map(s.edges.map((e) => [edgeKey(e.source, e.target), e.ratePerSec]));
    edgeIndex.set(s, m);
  }
  return m.get(edgeKey(source, target)) ?? 0;
}

/**
 * A count shown for traffic that no rate showed ("+3,000" after a burst), or 0: `key` is
 * `k:<kernel>` or an edge's `e:` key (`lumps.ts`).
 */
export function useLump(key: string): number {
  return useWorkbench((s) => s.lumps.get(key) ?? 0);
}
