/**
 * Traffic that no rate showed. A burst of 3,000 is routed and processed within one engine slice;
 * by the next snapshot the engine is idle, and an idle engine's rates read 0 (`steadyRates`: a
 * rate never stays on screen after traffic stopped). So the graph read "0/s" on every edge and
 * kernel while Metrics charted the spike: the user saw nothing move. Node-RED marks a node that
 * just handled a message; here a count that moved while its rate read 0 is shown for a while as
 * what it is, a count: "+3,000".
 *
 * Per key (`k:<kernel>` processed, `e:<source>\0<target>` an edge's total): a lump is the
 * movement of a count from the moment it moved after standing still for `LUMP_MS`; it is shown
 * until the count has stood still for `LUMP_MS` again, unless the generator ran during it (its
 * rates said it all: a run leaves no "+1.2 M" after Stop) or a rate above 0 was on screen for it
 * for `RATED_MS` (a paced redrive); a burst whose edge read a rate for the one snapshot between
 * its dispatch and its processing still shows its count. Messages injected by hand while the
 * generator is stopped (the snapshot's `injected` beyond the generator's `emitted`) start a lump of
 * their own on a count the generator moved.
 */
import type { EngineSnapshot } from '../engine/protocol';
import { edgeKey } from './steadyRates';

/** How long a count stands still before its next movement starts a new lump, and a lump shows. */
export const LUMP_MS = 1500;
/** A lump whose rate was on screen this long was shown as a rate: it leaves no count behind. */
export const RATED_MS = 500;

interface Track {
  total: number;
  /** The count before this lump. */
  base: number;
  /** Wall-clock ms of the count's last movement, and of the first one of this lump. */
  movedAt: number;
  since: number;
  /** Wall-clock ms of the first and the latest snapshot of this lump that showed a rate above 0. */
  ratedFrom: number;
  ratedTo: number;
  /** The generator ran during this lump. */
  generated: boolean;
}

export interface Lumps {
  /**
   * Reads the counts and shown rates of `s` (the snapshot as shown, its rates held) at `wallMs`;
   * returns the lumps on screen now, by key, the same map as before while they are the same.
   */
  observe(s: EngineSnapshot, wallMs: number): ReadonlyMap<string, number>;
  reset(): void;
}

/** A lump from `base` to `total`, last moved at `movedAt`, no rate shown for it yet. */
const lumpFrom = (total: number, base: number, movedAt: number, generated: boolean): Track => ({
  total,
  base,
  movedAt,
  since: movedAt,
  ratedFrom: NaN,
  ratedTo: NaN,
  generated,
});

const NONE: ReadonlyMap<string, number> = new Map();

export function createLumps(): Lumps {
  let tracks = new Map<string, Track>();
  let shown: ReadonlyMap<string, number> = NONE;
  /** No snapshot read yet (since the start or a reset). */
  let first = true;
  /** Messages injected by hand (not by the generator) as of the last snapshot. */
  let byHand = 0;
  /** Wall-clock ms of the latest snapshot in which more were injected by hand, generator stopped. */
  let handAt = -Infinity;
  return {
    observe(s, wallMs) {
      const next = new Map<string, Track>();
      const out = new Map<string, number>();
      const running = s.generator.running;
      const hand = s.injected - s.generator.emitted;
      if (!first && !running && hand > byHand) handAt = wallMs;
      byHand = hand;
      const see = (key: string, total: number, rate: number) => {
        let t = tracks.get(key);
        if (!t && !first && total > 0) {
          // An edge appears in the snapshot with its first traffic: all of it is new.
          t = lumpFrom(total, 0, wallMs, running);
        } else if (!t || total < t.total) {
          // Seen first (the page opened on a running engine), or its counters were reset: what
          // it has counted so far is no lump.
          t = lumpFrom(total, total, -Infinity, running);
        } else if (total > t.total) {
          // Moving: after standing still for LUMP_MS a new lump starts here, else this one goes on.
          // A burst sent by hand after Stop is a lump of its own, however soon after the run: it
          // had read as more of the run, and showed nothing.
          t =
            wallMs - t.movedAt >= LUMP_MS || (t.generated && !running && handAt > t.since)
              ? lumpFrom(total, t.total, wallMs, running)
              : { ...t, total, movedAt: wallMs };
        }
        if (rate > 0)
          t = {
            ...t,
            ratedFrom: Number.isNaN(t.ratedFrom) ? wallMs : t.ratedFrom,
            ratedTo: wallMs,
          };
        if (running && !t.generated) t = { ...t, generated: true };
        next.set(key, t);
        const rated = t.generated || t.ratedTo - t.ratedFrom >= RATED_MS;
        if (!rated && rate === 0 && t.total > t.base && wallMs - t.movedAt < LUMP_MS)
          out.set(key, t.total - t.base);
      };
      for (const k of s.kernels) see(`k:${k.id}`, k.processed, k.ratePerSec);
      for (const e of s.edges) see(`e:${edgeKey(e.source, e.target)}`, e.total, e.ratePerSec);
      tracks = next;
      first = false;
      const same = out.size === shown.size && [...out].every(([k, v]) => shown.get(k) === v);
      if (!same) shown = out.size === 0 ? NONE : out;
      return shown;
    },
    reset() {
      first = true;
      byHand = 0;
      handAt = -Infinity;
      tracks = new Map();
      shown = NONE;
    },
  };
}
