/**
 * Rates on screen change once a second, not ten times. The engine measures each rate over the
 * last half second and the page shows a snapshot every 100 ms, so a steady 1,000/s Poisson
 * generator read 907, 1,069, 945, 1,090… by turns, ten times a second in every badge, edge label
 * and table: numbers that cannot be read. RabbitMQ's and Grafana's rates move once per sample
 * interval; so do these.
 *
 * All the rates of a snapshot are refreshed together (so a kernel's rate and its edges', and the
 * kernels' rates and the total, always come from the same moment), and at once when the reading
 * says something new rather than noise:
 * - a second has passed since the rates shown were taken (`REFRESH_MS`);
 * - the engine is idle: every rate reads 0 (a rate never stays on screen after traffic stopped);
 * - a rate moved by more than a quarter (`STEP`) and beyond its noise: traffic that started, a
 *   new generator rate, a kernel that fell behind;
 * - the generator's rate reached the rate asked or left it (`AT_ASKED`): a catch-up that ended;
 * - a kernel or edge came or went.
 *
 * The engine's snapshot (`window.workbench.snapshot()`) and the metrics history keep every
 * reading; only what the panels show is held.
 */
import type { EngineSnapshot } from '../engine/protocol';

/** The longest a rate on screen stays as it was while its reading moves within `STEP`. */
export const REFRESH_MS = 1000;
/** A reading further than this fraction from the rate shown is shown at once. */
export const STEP = 0.25;
/** The engine's rate window, s (`RATE_WINDOW_US`): what a rate's Poisson noise scales with. */
const WINDOW_S = 0.5;

/** An edge's key: its source and target (as the live slice indexes a snapshot's edges). */
export const edgeKey = (source: string, target: string): string => `${source}\u0000${target}`;

/**
 * `s` with each of its rates replaced by `f(key, rate)` (keys: `k:` kernels, `e:` edges, the rest
 * by their field); a kernel or edge whose rate stays is kept as it is.
 */
function mapRates(s: EngineSnapshot, f: (key: string, rate: number) => number): EngineSnapshot {
  const g = s.generator.ratePerSec;
  return {
    ...s,
    rates: {
      injectedPerSec: f('injected', s.rates.injectedPerSec),
      processedPerSec: f('processed', s.rates.processedPerSec),
      deadLetteredPerSec: f('lettered', s.rates.deadLetteredPerSec),
    },
    generator: g === undefined ? s.generator : { ...s.generator, ratePerSec: f('generator', g) },
    kernels: s.kernels.map((k) => {
      const r = f(`k:${k.id}`, k.ratePerSec);
      return r === k.ratePerSec ? k : { ...k, ratePerSec: r };
    }),
    edges: s.edges.map((e) => {
      const r = f(`e:${edgeKey(e.source, e.target)}`, e.ratePerSec);
      return r === e.ratePerSec ? e : { ...e, ratePerSec: r };
    }),
  };
}

/** Every rate of a snapshot, by its key (read through `mapRates`, whose copy is dropped). */
function ratesOf(s: EngineSnapshot): Map<string, number> {
  const m = new Map<string, number>();
  mapRates(s, (key, rate) => {
    m.set(key, rate);
    return rate;
  });
  return m;
}

/**
 * Whether `next` says something `shown` does not: a rate started, stopped or stepped beyond its
 * noise, a key came or went. The noise of a rate of r counted over half a second is √(r / 0.5);
 * a step must be three of those as well as a quarter of the rate, or a stream of 2 dead letters a
 * second, reading 0 and 2 by turns, refreshed every rate on screen three times a second.
 */
function news(shown: Map<string, number>, next: Map<string, number>, asked?: number): boolean {
  if (shown.size !== next.size) return true;
  // The generator's rate against the rate asked: reaching it or leaving it is news at any step.
  // Held, "2.55 M/s · catching up" stayed on the badge for 0.9 s after the rate was back at the
  // 2.00 M/s asked (a step of a fifth, under STEP).
  if (asked !== undefined) {
    const was = shown.get('generator');
    const now = next.get('generator');
    if (was !== undefined && now !== undefined && band(was, asked) !== band(now, asked))
      return true;
  }
  for (const [key, v] of next) {
    const was = shown.get(key);
    if (was === undefined) return true;
    const r = Math.max(Math.abs(v), Math.abs(was));
    if (Math.abs(v - was) > Math.max(STEP * r, 3 * Math.sqrt(r / WINDOW_S))) return true;
  }
  return false;
}

/** Within this fraction of the rate asked, the generator runs at it (the badge's catch-up test). */
export const AT_ASKED = 0.1;

/**
 * Where a generator's rate is against the rate asked: below, at (within `AT_ASKED`, and within
 * three times its Poisson noise, so a steady 1,000/s does not cross by chance) or above.
 */
function band(rate: number, asked: number): -1 | 0 | 1 {
  const room = Math.max(AT_ASKED * asked, 3 * Math.sqrt(asked / WINDOW_S));
  return rate > asked + room ? 1 : rate < asked - room ? -1 : 0;
}

export interface RateHold {
  /** `s` itself when its rates are shown afresh, else a copy of it with the rates shown before. */
  hold(s: EngineSnapshot, wallMs: number): EngineSnapshot;
  /** A new engine: the next snapshot's rates are shown as they are. */
  reset(): void;
}

/** A placement's words with their figures taken out: what it says, not what it measured. */
const shapeOf = (reason: string): string =>
  reason
    // A figure with its scale ("12.3 K/s" and "6,427/s" are one shape: a rate crossing 10,000/s
    // had refreshed the panel's columns at every snapshot), and "1 row" with "2 rows".
    .replace(/[\d.,~]+(?:[\s\u202f]?[KMG](?=\/s|\b))?/g, '#')
    .replace(/\brows\b/g, 'row');

type Kernel = EngineSnapshot['kernels'][number];

/**
 * A kernel with the measured rates and batch size of its placement (and the words that give them)
 * as they were shown: they move with the batch size live traffic makes, and the GPU panel's
 * columns (the twin 1.92–5.93 M/s at a steady 200 K/s), the Inspector's why and the badge's hover
 * changed in 39 of 40 readings 100 ms apart. Shown afresh with the rates, or at once when the
 * placement says something new: another backend or mode, a switch, other words.
 */
function holdPlacement(k: Kernel, was: Kernel | undefined): Kernel {
  const p = k.placement as Kernel['placement'] | undefined;
  const q = was?.placement;
  if (
    !p ||
    !q ||
    !was ||
    k.backend !== was.backend ||
    p.mode !== q.mode ||
    p.lastSwitchUs !== q.lastSwitchUs ||
    shapeOf(p.reason) !== shapeOf(q.reason)
  )
    return k;
  return {
    ...k,
    placement: {
      ...p,
      cpuRate: q.cpuRate,
      gpuRate: q.gpuRate,
      batchSize: q.batchSize,
      crossoverBatch: q.crossoverBatch,
      reason: q.reason,
    },
  };
}

export function createRateHold(): RateHold {
  let shown: Map<string, number> | null = null;
  let shownAt = Number.NEGATIVE_INFINITY;
  /** The kernels as last shown afresh, by id (their placements, see `holdPlacement`). */
  let kernelsShown = new Map<string, Kernel>();
  return {
    hold(s, wallMs) {
      // Idle (the generator stopped, nothing queued, in flight or being redriven): nothing flows
      // now, so every rate reads 0 at once. Measured over the last half second they wound down
      // over it instead (245, 133, 86/s beside "generator idle").
      if (s.idle) {
        shown = null;
        kernelsShown = new Map();
        return mapRates(s, () => 0);
      }
      const next = ratesOf(s);
      const asked = s.generator.running ? s.generator.spec?.ratePerSec : undefined;
      if (shown === null || wallMs - shownAt >= REFRESH_MS || news(shown, next, asked)) {
        shown = next;
        shownAt = wallMs;
        kernelsShown = new Map(s.kernels.map((k) => [k.id, k]));
        return s;
      }
      const was = shown;
      const held = mapRates(s, (key, rate) => was.get(key) ?? rate);
      return {
        ...held,
        kernels: held.kernels.map((k) => {
          const h = holdPlacement(k, kernelsShown.get(k.id));
          // Said anew: the next hold keeps it, not the older words.
          if (h === k) kernelsShown.set(k.id, k);
          return h;
        }),
      };
    },
    reset() {
      shown = null;
      shownAt = Number.NEGATIVE_INFINITY;
      kernelsShown = new Map();
    },
  };
}
