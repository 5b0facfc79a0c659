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
 * - a rate went to 0 or left 0 (traffic stopped or started: a rate never stays on screen after
 *   traffic stopped);
 * - a rate moved by more than a quarter (`STEP`): a new generator rate, a kernel that fell behind;
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

/** Whether `next` says something `shown` does not: a rate started, stopped or stepped, a key came or went. */
function news(shown: Map<string, number>, next: Map<string, number>): boolean {
  if (shown.size !== next.size) return true;
  for (const [key, v] of next) {
    const was = shown.get(key);
    if (was === undefined) return true;
    if ((v === 0) !== (was === 0)) return true;
    if (Math.abs(v - was) > STEP * Math.max(Math.abs(v), Math.abs(was))) return true;
  }
  return false;
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
