/**
 * What-if: the same seeded traffic through two configs, headless and faster than real time, and a
 * report of what behaves differently: per message type the destinations and outcomes, counts by
 * status on each side, kernels that overflow, beside the structural diff.
 */
import { diffConfigs, type ConfigDiff, type RouteConfig } from '../core/config';
import type { EngineSnapshot, GeneratorSpec, ReceiptRow } from '../engine/protocol';
import { runSimulation, type SimulationError } from './sim';
import { NO_DESTINATION } from '../engine/format';

/**
 * Simulated time per tick (µs): the live engine's time slice (8 ms, `worker.ts`), so a queue
 * fills between drains as it does live. At 1 ms a capacity of 64 held at 100 K/s in What-if while
 * the live queue reached 170 in the same traffic.
 */
export const WHATIF_STEP_US = 8_000;

export interface WhatIfInput {
  base: RouteConfig;
  other: RouteConfig;
  spec: GeneratorSpec;
  /** Simulated traffic time, ms (the generator's own `durationMs` is capped to it). */
  durationMs: number;
  /** Simulated time per tick, µs. Default `WHATIF_STEP_US`. */
  stepUs?: number;
  /**
   * Simulated times per tick in turn, µs: the live engine's measured cadence (the engine's
   * `drainCadence`), so queues fill between drains as they do live. Over `stepUs`.
   */
  stepsUs?: readonly number[];
}

/** What happened to one message type on one side. */
export interface TypeOutcome {
  /** Receipts per destination kernel (or K2K destination). */
  destinations: Record<string, number>;
  /** Receipts per status. */
  statuses: Record<string, number>;
}

export interface TypeComparison {
  typeId: string;
  name: string;
  base: TypeOutcome;
  other: TypeOutcome;
  destinationChanged: boolean;
  outcomeChanged: boolean;
}

export interface KernelOutcome {
  id: string;
  processed: number;
  dropped: number;
  deadLettered: number;
  maxDepth: number;
  capacity: number;
  /** Refused, evicted or dead-lettered at least one message at its queue. */
  overflowed: boolean;
}

export interface SideReport {
  configName: string;
  injected: number;
  receipts: number;
  byStatus: Record<string, number>;
  /**
   * Of the Delivered receipts, those whose message failed later in its queue (a dropOldest
   * eviction, its kernel gone or refusing it): each a dead letter too.
   */
  failedLater: number;
  deadLetters: number;
  /**
   * Letters the bounded dead-letter queue pushed out to make room (lost for good: no redrive can
   * reach them), and the most it holds.
   */
  lettersPushedOut: number;
  letterCapacity: number;
  kernels: KernelOutcome[];
  balanced: boolean;
  errors: SimulationError[];
}

export interface WhatIfReport {
  durationMs: number;
  spec: GeneratorSpec;
  base: SideReport;
  other: SideReport;
  /** Every type seen on either side, by type id. */
  types: TypeComparison[];
  /** The types whose destination or outcome differs. */
  changed: TypeComparison[];
  /** Kernels that overflowed on either side. */
  overflowed: { id: string; base: KernelOutcome | null; other: KernelOutcome | null }[];
  diff: ConfigDiff;
}

export type WhatIfResult =
  { ok: true; report: WhatIfReport } | { ok: false; code: 'InvalidInput'; message: string };

/** Upper bound on simulated time, so a typo cannot hang a worker for hours. */
export const MAX_WHATIF_MS = 10 * 60_000;

const key = (typeId: unknown): string => String(typeId);

/**
 * The generator mix both sides use. Without an explicit mix the engine would take each config's
 * own routed types, so configs that differ in routes would see different traffic: the union is
 * used. A type only one side defines carries that side's fields, so the other side is sent the
 * same bytes (as an unknown type): generated from each side's own config, it drew random words
 * for its payload on one side alone, and every message after it differed (a new type routed in
 * the current config made Transaction "behave differently", Delivered 424 against 425). A type
 * both define is generated as each defines it: forced into one side's layout, the other side
 * read its fields at the wrong offsets and reported differences that were not there.
 */
export function sharedMix(spec: GeneratorSpec, a: RouteConfig, b: RouteConfig): GeneratorSpec {
  const entries: NonNullable<GeneratorSpec['mix']> =
    spec.mix && spec.mix.length > 0
      ? spec.mix
      : (() => {
          const ids = new Map<string, number | string>();
          for (const r of [...a.routes, ...b.routes]) ids.set(key(r.typeId), r.typeId);
          return [...ids.entries()]
            .sort(([x], [y]) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0))
            .map(([, typeId]) => ({ typeId, weight: 1 }));
        })();
  const defined = (c: RouteConfig, typeId: unknown) =>
    c.messageTypes.find((t) => key(t.typeId) === key(typeId));
  const mix = entries.map((e) => {
    if (e.fields) return e;
    const inA = defined(a, e.typeId);
    const inB = defined(b, e.typeId);
    const only = inA && !inB ? inA : inB && !inA ? inB : undefined;
    return only ? { ...e, fields: only.fields } : e;
  });
  return { ...spec, mix };
}

function side(config: RouteConfig, input: WhatIfInput, spec: GeneratorSpec) {
  const perType = new Map<string, TypeOutcome>();
  const add = (rows: readonly ReceiptRow[]) => {
    for (const r of rows) {
      const k = key(r.typeId);
      let o = perType.get(k);
      if (!o) perType.set(k, (o = { destinations: {}, statuses: {} }));
      const dest = r.destination || NO_DESTINATION;
      o.destinations[dest] = (o.destinations[dest] ?? 0) + 1;
      // Delivered, then lost in its queue (a dropOldest eviction): an outcome of its own. Counted
      // as Delivered, a smaller dropOldest queue had changed no type's outcome while it evicted
      // 21,055 of them.
      const status = r.thenLost ? `${r.status}, then ${r.thenLost}` : r.status;
      o.statuses[status] = (o.statuses[status] ?? 0) + 1;
    }
  };
  const maxDepth = new Map<string, number>();
  const onSnapshot = (s: EngineSnapshot) => {
    for (const k of s.kernels) maxDepth.set(k.id, Math.max(maxDepth.get(k.id) ?? 0, k.maxDepth));
  };
  const { final, errors } = runSimulation({
    config,
    durationUs: input.durationMs * 1000,
    stepUs: input.stepUs ?? WHATIF_STEP_US,
    ...(input.stepsUs && input.stepsUs.length > 0 ? { stepsUs: input.stepsUs } : {}),
    commands: [{ atUs: 0, cmd: { type: 'startGenerator', spec } }],
    onRows: add,
    onSnapshot,
  });
  const kernels: KernelOutcome[] = final.kernels.map((k) => ({
    id: k.id,
    processed: k.processed,
    dropped: k.dropped,
    deadLettered: k.deadLettered,
    maxDepth: maxDepth.get(k.id) ?? k.maxDepth,
    capacity: k.capacity,
    overflowed: k.dropped > 0 || k.deadLettered > 0,
  }));
  const report: SideReport = {
    configName: config.name,
    injected: final.injected,
    receipts: final.receipts.total,
    byStatus: Object.fromEntries(Object.entries(final.receipts.byStatus).filter(([, n]) => n > 0)),
    failedLater: final.receipts.failedLater,
    deadLetters: final.deadLetters.count,
    lettersPushedOut: final.deadLetters.evicted,
    letterCapacity: final.deadLetters.capacity,
    kernels,
    balanced: final.accounting.balanced,
    errors,
  };
  return { report, perType };
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
};

const sameKeys = (a: Record<string, number>, b: Record<string, number>): boolean => {
  const x = Object.keys(a).sort();
  const y = Object.keys(b).sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
};

/**
 * Runs the comparison. Pure and deterministic: the same input gives the same report.
 *
 * @example
 * const r = runWhatIf({ base, other, spec: { ratePerSec: 2000, seed: 42 }, durationMs: 2000 });
 * if (r.ok) r.report.changed.map((t) => t.typeId);
 */
export function runWhatIf(input: WhatIfInput): WhatIfResult {
  if (!(input.durationMs > 0) || input.durationMs > MAX_WHATIF_MS) {
    return {
      ok: false,
      code: 'InvalidInput',
      message: `The simulated duration must be between 1 ms and ${MAX_WHATIF_MS / 60_000} minutes (got ${input.durationMs} ms).`,
    };
  }
  if (!(input.spec.ratePerSec > 0)) {
    return { ok: false, code: 'InvalidInput', message: 'The traffic rate must be above zero.' };
  }
  const spec = sharedMix(
    {
      ...input.spec,
      durationMs: Math.min(input.spec.durationMs || input.durationMs, input.durationMs),
    },
    input.base,
    input.other,
  );
  const a = side(input.base, input, spec);
  const b = side(input.other, input, spec);
  const names = new Map<string, string>();
  for (const t of [...input.other.messageTypes, ...input.base.messageTypes])
    names.set(key(t.typeId), t.name);
  const ids = [...new Set([...a.perType.keys(), ...b.perType.keys()])].sort((x, y) =>
    BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0,
  );
  const empty = (): TypeOutcome => ({ destinations: {}, statuses: {} });
  const types: TypeComparison[] = ids.map((typeId) => {
    const base = a.perType.get(typeId) ?? empty();
    const other = b.perType.get(typeId) ?? empty();
    return {
      typeId,
      name: names.get(typeId) ?? `type ${typeId}`,
      base,
      other,
      destinationChanged: !sameKeys(base.destinations, other.destinations),
      outcomeChanged: !sameCounts(base.statuses, other.statuses),
    };
  });
  const kernelIds = [
    ...new Set([...a.report.kernels, ...b.report.kernels].map((k) => k.id)),
  ].sort();
  const overflowed = kernelIds
    .map((id) => ({
      id,
      base: a.report.kernels.find((k) => k.id === id) ?? null,
      other: b.report.kernels.find((k) => k.id === id) ?? null,
    }))
    .filter((k) => k.base?.overflowed || k.other?.overflowed);
  return {
    ok: true,
    report: {
      durationMs: input.durationMs,
      spec,
      base: a.report,
      other: b.report,
      types,
      changed: types.filter((t) => t.destinationChanged || t.outcomeChanged),
      overflowed,
      diff: diffConfigs(input.base, input.other),
    },
  };
}
