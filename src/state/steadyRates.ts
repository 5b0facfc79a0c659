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

/** Every rate of a snapshot, keyed (`k:` kernels, `e:` edges, the rest by their field). */
function ratesOf(s: EngineSnapshot): Map<string, number> {
  const m = new Map<string, number>();
  m.set('injected', s.rates.injectedPerSec);
  m.set('processed', s.rates.processedPerSec);
  m.set('lettered', s.rates.deadLetteredPerSec);
  if (s.generator.ratePerSec !== undefined) m.set('generator', s.generator.ratePerSec);
  for (const k of s.kernels) m.set(`k:${k.id}`, k.ratePerSec);
  for (const e of s.edges) m.set(`e:${e.source}\u0000${e.target}`, e.ratePerSec);
  return m;
}

/**
 * Whether `next` says something `shown` does not: a rate started, stopped or stepped beyond its
 * noise, a key came or went. The noise of a rate of r counted over half a second is √(r / 0.5);
 * a step must be three of those as well as a quarter of the rate, or a stream of 2 dead letters a
 * second, reading 0 and 2 by turns, refreshed every rate on screen three times a second.
 */
function news(shown: Map<string, number>, next: Map<string, number>): boolean {
  if (shown.size !== next.size) return true;
  for (const [key, v] of next) {
    const was = shown.get(key);
    if (was === undefined) return true;
    const r = Math.max(Math.abs(v), Math.abs(was));
    if (Math.abs(v - was) > Math.max(STEP * r, 3 * Math.sqrt(r / WINDOW_S))) return true;
  }
  return false;
}

/** Every rate of `s` read 0: the engine is idle (see `hold`). */
function stopped(s: EngineSnapshot): EngineSnapshot {
  return {
    ...s,
    rates: { injectedPerSec: 0, processedPerSec: 0, deadLetteredPerSec: 0 },
    generator:
      s.generator.ratePerSec === undefined ? s.generator : { ...s.generator, ratePerSec: 0 },
    kernels: s.kernels.map((k) => (k.ratePerSec === 0 ? k : { ...k, ratePerSec: 0 })),
    edges: s.edges.map((e) => (e.ratePerSec === 0 ? e : { ...e, ratePerSec: 0 })),
  };
}

export interface RateHold {
  /** `s` itself when its rates are shown afresh, else a copy of it with the rates shown before. */
  hold(s: EngineSnapshot, wallMs: number): EngineSnapshot;
  /** A new engine: the next snapshot's rates are shown as they are. */
  reset(): void;
}

export function createRateHold(): RateHold {
  let shown: Map<string, number> | null = null;
  let shownAt = Number.NEGATIVE_INFINITY;
  return {
    hold(s, wallMs) {
      // Idle (the generator stopped, nothing queued, in flight or being redriven): nothing flows
      // now, so every rate reads 0 at once. Measured over the last half second they wound down
      // over it instead (245, 133, 86/s beside "generator idle").
      if (s.idle) {
        shown = null;
        return stopped(s);
      }
      const next = ratesOf(s);
      if (shown === null || wallMs - shownAt >= REFRESH_MS || news(shown, next)) {
        shown = next;
        shownAt = wallMs;
        return s;
      }
      const was = shown;
      const at = (key: string, v: number): number => was.get(key) ?? v;
      return {
        ...s,
        rates: {
          injectedPerSec: at('injected', s.rates.injectedPerSec),
          processedPerSec: at('processed', s.rates.processedPerSec),
          deadLetteredPerSec: at('lettered', s.rates.deadLetteredPerSec),
        },
        generator:
          s.generator.ratePerSec === undefined
            ? s.generator
            : { ...s.generator, ratePerSec: at('generator', s.generator.ratePerSec) },
        kernels: s.kernels.map((k) => ({ ...k, ratePerSec: at(`k:${k.id}`, k.ratePerSec) })),
        edges: s.edges.map((e) => ({
          ...e,
          ratePerSec: at(`e:${e.source}\u0000${e.target}`, e.ratePerSec),
        })),
      };
    },
    reset() {
      shown = null;
      shownAt = Number.NEGATIVE_INFINITY;
    },
  };
}
