/**
 * Queue predictions from successive snapshots: per kernel the arrival rate λ, the service rate μ,
 * utilisation ρ = λ/μ, and the time until the queue is full ((capacity − queued)/(λ − μ)) or
 * drained (queued/(μ − λ)); per path (type → kernel → K2K and downstream kernels) the bottleneck.
 * Only messages waiting in the queue count against its capacity: those a backend has taken (a GPU
 * batch in flight) left the queue.
 *
 * Rates are exponentially weighted over time (time constant `tauSec`) as a ratio of two EWMAs
 * (events and seconds), which is unbiased from the first sample and tolerates uneven sampling.
 * Arrivals follow from conservation: arrived = processed + Δ(queued + in flight) + dropped. Service
 * is measured only over intervals that start with a non-empty queue, when the kernel is known to be
 * busy; a kernel not seen busy for long enough (MU_MIN_BUSY_SEC) has an unknown μ (it keeps up), and
 * then ρ is unknown rather than guessed. A μ that the kernel's own throughput outruns by a quarter while it holds nothing is
 * forgotten (unknown again), and so is one measured on another backend than the kernel runs on now.
 *
 * The smoothing must not outlive the traffic: once nothing has arrived for `idleAfterSec` of engine
 * time (or the engine says it is idle) λ is 0 and no queue is filling, so a stopped generator never
 * leaves an overload alarm behind; and the quiet time is forgotten, so the next traffic's λ is
 * its own from its first snapshot, not diluted by the seconds before it.
 */
import type { RouteConfig } from '../core/config';

/** The per-kernel fields predictions read (a subset of the engine's `KernelSnapshot`). */
export interface QueueObservation {
  id: string;
  /** Waiting in the queue (never above `capacity`). */
  queued: number;
  /** Taken from the queue by a backend and not yet processed; absent = 0. */
  inFlight?: number;
  /** The real capacity. */
  capacity: number;
  processed: number;
  dropped: number;
  /** Where it runs now (`cpu`, `webgpu`); a change forgets μ, measured on the other. */
  backend?: string;
}

/** The parts of an engine snapshot predictions read. */
export interface ObservedSnapshot {
  /** Engine time, µs. */
  timeUs: number;
  /** Nothing queued, in flight or generated: every λ is 0 now. */
  idle?: boolean;
  kernels: readonly QueueObservation[];
}

export interface KernelPrediction {
  id: string;
  /** Waiting in the queue. */
  queued: number;
  capacity: number;
  /** λ, messages offered to the queue per second. */
  arrivalPerSec: number;
  /** μ, messages the kernel takes per second while busy; null until it has been seen busy. */
  servicePerSec: number | null;
  /**
   * Messages the kernel processed per second, averaged like λ: a floor under μ (a kernel serves
   * at least as fast as it processes), what is known of it while μ is not measured.
   */
  throughputPerSec: number;
  /** λ/μ; null while μ is unknown. */
  rho: number | null;
  /** Seconds until the queue is full at the current rates; null when it is not filling. */
  secondsToFull: number | null;
  /** Seconds until the queue is empty at the current rates; null when it is not draining. */
  secondsToDrain: number | null;
  /** Full within the warning horizon (or full now). */
  warning: boolean;
  /**
   * The queue refused or evicted messages in the last second: it is not keeping up, whatever μ
   * and ρ say (traffic in lumps larger than the queue overflows it between snapshots that each
   * find it drained, so μ may never have been measured).
   */
  losing: boolean;
}

export interface PredictorOptions {
  /** EWMA time constant, s. Default 5. */
  tauSec?: number;
  /** Warn when the queue is predicted full within this many seconds. Default 10. */
  warnSeconds?: number;
  /** With no arrival for this long (engine time), λ is 0. Default 1. */
  idleAfterSec?: number;
}

export interface QueuePredictor {
  /** Feed one snapshot (in time order; a time that goes back restarts the estimates). */
  observe(snapshot: ObservedSnapshot): void;
  get(kernelId: string): KernelPrediction | undefined;
  all(): KernelPrediction[];
  reset(): void;
}

interface KernelState {
  last: QueueObservation;
  lamEvents: number;
  lamSec: number;
  muEvents: number;
  muSec: number;
  /** Throughput (processed per second, busy or not), to catch a μ the kernel outruns. */
  tpEvents: number;
  tpSec: number;
  /** Served and busy time since the last interval in which something was served (see `observe`). */
  pendEvents: number;
  pendSec: number;
  /** Seen with messages out on its backend (a GPU's batches): served in lumps, μ grows with the queue. */
  batched: boolean;
  /** Net depth growth, for time-to-full while μ is unknown. */
  growEvents: number;
  /** Engine time of the last interval with arrivals, µs. */
  lastArrivalUs: number;
  /** Engine time of the last interval in which the queue refused or evicted messages, µs. */
  lastLossUs: number;
  prediction: KernelPrediction;
}

const EMPTY = (o: QueueObservation): KernelPrediction => ({
  id: o.id,
  queued: o.queued,
  capacity: o.capacity,
  arrivalPerSec: 0,
  servicePerSec: null,
  throughputPerSec: 0,
  rho: null,
  secondsToFull: null,
  secondsToDrain: null,
  warning: o.queued >= o.capacity,
  losing: false,
});

const held = (o: QueueObservation) => o.queued + (o.inFlight ?? 0);

/** A queue that refused or evicted messages reads full for this long after, µs (see `observe`). */
const LOSS_HOLD_US = 1_000_000;

/** μ is forgotten once the smoothed throughput is this many times above it (see `observe`)... */
const MU_CONTRADICTED = 1.25;
/** ...measured over at least this much time (EWMA seconds). */
const MU_CONTRADICTED_AFTER_SEC = 0.5;

/**
 * μ is known once the kernel has been seen busy this long (EWMA seconds): one interval that began
 * with a queue is not enough. Back on its twin with 17 messages left from a GPU, a kernel drained
 * them in the next interval, which made μ its throughput; its queue was never seen again, nothing
 * contradicted μ, and "ρ 1.18 · full in 106 s" stood beside an empty queue for as long as the
 * traffic ran.
 */
const MU_MIN_BUSY_SEC = 0.3;

/**
 * Busy time with nothing served is added to μ's measure once this long (s): until then it waits
 * for the next lump. A kernel whose backend never answers still loses its μ.
 */
const MU_PENDING_MAX_SEC = 2;

/**
 * A kernel served in batches (`KernelState.batched`) is said to fill only past this fraction of
 * its capacity: it takes what is queued as its next batch, so its μ measured at the batch sizes
 * light traffic makes is far below what it serves once its queue deepens.
 */
const BATCHED_FILL = 0.5;

/** μ, messages per second while busy; null while the kernel has not been seen busy long enough. */
const muOf = (s: KernelState): number | null =>
  s.muSec >= MU_MIN_BUSY_SEC && s.muEvents > 0 ? s.muEvents / s.muSec : null;

/**
 * Creates a predictor; feed it snapshots with `observe`.
 *
 * @example
 * const p = createQueuePredictor();
 * liveStore.subscribe(() => { const s = liveStore.get(); if (s) p.observe(s); });
 * p.get('fraud_processor')?.rho;
 */
export function createQueuePredictor(options: PredictorOptions = {}): QueuePredictor {
  const tau = options.tauSec ?? 5;
  const warnSeconds = options.warnSeconds ?? 10;
  const idleAfterUs = (options.idleAfterSec ?? 1) * 1e6;
  const states = new Map<string, KernelState>();
  let lastTimeUs: number | null = null;

  function predict(
    s: KernelState,
    o: QueueObservation,
    quiet: boolean,
    losing = false,
  ): KernelPrediction {
    const lam = quiet ? 0 : s.lamSec > 0 ? s.lamEvents / s.lamSec : 0;
    const mu = muOf(s);
    const room = Math.max(0, o.capacity - o.queued);
    let toFull: number | null = null;
    let toDrain: number | null = null;
    // A batched kernel under half full is not heading for full on the strength of a μ measured at
    // small batches: forced onto WebGPU at 1,000/s, "ρ 33 · ⚠ full in 2.2 s" showed beside a
    // queue that peaked at 380 of 1,024 and lost nothing.
    const mayFill = !s.batched || o.queued >= o.capacity * BATCHED_FILL;
    if (mu !== null) {
      if (lam > mu) toFull = mayFill ? room / (lam - mu) : null;
      else if (mu > lam && o.queued > 0) toDrain = o.queued / (mu - lam);
    } else if (!quiet && mayFill) {
      const grow = s.lamSec > 0 ? s.growEvents / s.lamSec : 0;
      if (grow > 0 && o.queued > 0) toFull = room / grow;
    }
    // Full now: no "drained in" beside it, whatever the smoothed rates say (they lag a step in
    // the load by a few seconds, and "⚠ now · drained in 1.3 s" contradicted itself). A queue that
    // refused or evicted messages since the last snapshot was full in between, whatever depth
    // the snapshot's instant caught: traffic in lumps (a GPU kernel's batches, bursts) overflowed
    // it again and again while ρ read 0.99 and "drained in 695 ms" stood beside the losses.
    if (o.queued >= o.capacity || losing) {
      toFull = 0;
      toDrain = null;
    }
    return {
      id: o.id,
      queued: o.queued,
      capacity: o.capacity,
      arrivalPerSec: lam,
      servicePerSec: mu,
      throughputPerSec: s.tpSec > 0 ? s.tpEvents / s.tpSec : 0,
      rho: mu !== null ? lam / mu : lam === 0 ? 0 : null,
      secondsToFull: toFull,
      secondsToDrain: toDrain,
      warning: toFull !== null && toFull < warnSeconds,
      losing,
    };
  }

  return {
    observe(snapshot) {
      const dtSec = lastTimeUs === null ? 0 : (snapshot.timeUs - lastTimeUs) / 1e6;
      if (dtSec < 0) states.clear();
      lastTimeUs = snapshot.timeUs;
      const seen = new Set<string>();
      for (const o of snapshot.kernels) {
        seen.add(o.id);
        const s = states.get(o.id);
        // A reset of the engine's counters (resetMetrics) looks like counters going back.
        if (!s || dtSec < 0 || o.processed < s.last.processed || o.dropped < s.last.dropped) {
          states.set(o.id, {
            last: { ...o },
            lamEvents: 0,
            lamSec: 0,
            muEvents: 0,
            muSec: 0,
            tpEvents: 0,
            tpSec: 0,
            pendEvents: 0,
            pendSec: 0,
            batched: (o.inFlight ?? 0) > 0,
            growEvents: 0,
            lastArrivalUs: snapshot.timeUs,
            lastLossUs: Number.NEGATIVE_INFINITY,
            prediction: EMPTY(o),
          });
          continue;
        }
        if (dtSec === 0) {
          // Same engine time, new facts (an idle engine's time may stand still): re-predict.
          if (snapshot.idle) s.prediction = predict(s, o, true);
          continue;
        }
        const decay = Math.exp(-dtSec / tau);
        const served = o.processed - s.last.processed;
        const grew = o.queued - s.last.queued;
        const arrived = Math.max(0, served + held(o) - held(s.last) + (o.dropped - s.last.dropped));
        if (arrived > 0) s.lastArrivalUs = snapshot.timeUs;
        s.lamEvents = s.lamEvents * decay + arrived;
        s.lamSec = s.lamSec * decay + dtSec;
        s.growEvents = s.growEvents * decay + grew;
        s.muEvents *= decay;
        s.muSec *= decay;
        // Busy while it holds messages, queued or out on its backend (a GPU batch is service).
        // Measured from lump to lump: busy time with nothing served waits for the next interval
        // that serves something. A GPU kernel's batches land in lumps, and the intervals between
        // them had counted as busy with nothing served: μ read 7.8/s, then 0.6/s, for a kernel
        // serving its 250/s.
        if (held(s.last) > 0) {
          s.pendEvents += served;
          s.pendSec += dtSec;
          if (served > 0 || s.pendSec >= MU_PENDING_MAX_SEC) {
            s.muEvents += s.pendEvents;
            s.muSec += s.pendSec;
            s.pendEvents = 0;
            s.pendSec = 0;
          }
        }
        if ((o.inFlight ?? 0) > 0) s.batched = true;
        s.tpEvents = s.tpEvents * decay + served;
        s.tpSec = s.tpSec * decay + dtSec;
        // No kernel serves faster on average than it can: a throughput well above μ, while the
        // kernel holds nothing (none queued, none in flight) at either end of the interval,
        // proves μ wrong and the kernel keeping up. After a burst μ came from the one interval
        // that began with the queue full and also held the injection (19 K/s), a kernel that
        // keeps up is never seen with a queue again, and "ρ 13.5 · full in 17 ms" stood beside
        // an empty queue at 251 K/s. μ is unknown again until the kernel is next seen busy. (A
        // GPU kernel whose batch took the whole queue still holds it in flight: μ stays.)
        // Moved to another backend (the Inspector, or auto): its μ was the old backend's. A
        // kernel back on its twin from a slow GPU read "μ 50.3 K · ρ 0.99" for as long as the
        // traffic held steady, its twin measuring 6 M/s.
        if (
          o.backend !== undefined &&
          s.last.backend !== undefined &&
          o.backend !== s.last.backend
        ) {
          s.muEvents = 0;
          s.muSec = 0;
          s.pendEvents = 0;
          s.pendSec = 0;
          s.tpEvents = 0;
          s.tpSec = 0;
          s.batched = (o.inFlight ?? 0) > 0;
        }
        const mu = muOf(s);
        if (
          mu !== null &&
          held(o) === 0 &&
          held(s.last) === 0 &&
          s.tpSec >= MU_CONTRADICTED_AFTER_SEC &&
          s.tpEvents / s.tpSec > mu * MU_CONTRADICTED
        ) {
          s.muEvents = 0;
          s.muSec = 0;
        }
        if (o.dropped > s.last.dropped) s.lastLossUs = snapshot.timeUs;
        // Held a second after the last loss: losses in lumps land in every other snapshot or so,
        // and "full now" would blink with them.
        const losing = snapshot.timeUs - s.lastLossUs < LOSS_HOLD_US;
        s.last = { ...o };
        const quiet = snapshot.idle === true || snapshot.timeUs - s.lastArrivalUs >= idleAfterUs;
        if (quiet) {
          // Quiet seconds are not a rate of 0 to average the next traffic with: λ started from
          // them read 30 K of a steady 50 K/s 4 s into a run (after 4 s idle). Start afresh.
          s.lamEvents = 0;
          s.lamSec = 0;
          s.growEvents = 0;
          s.tpEvents = 0;
          s.tpSec = 0;
        }
        s.prediction = predict(s, o, quiet, losing && !quiet);
      }
      for (const id of [...states.keys()]) if (!seen.has(id)) states.delete(id);
    },
    get: (id) => states.get(id)?.prediction,
    all: () => [...states.values()].map((s) => s.prediction),
    reset() {
      states.clear();
      lastTimeUs = null;
    },
  };
}

export interface PathBottleneck {
  typeId: string;
  typeName: string;
  /** Kernels along the path, in order. */
  kernels: string[];
  /**
   * A kernel losing messages, else the kernel with the highest measured ρ above 0; null when no
   * kernel on the path has one (none was seen busy, or nothing arrives): naming the path's first
   * kernel then read as a bottleneck while the Queues panel said every kernel keeps up.
   */
  bottleneck: string | null;
  rho: number | null;
  /** The bottleneck is losing messages (see `KernelPrediction.losing`). */
  losing: boolean;
}

/**
 * For every routed type: the path type → kernel (→ K2K next hops) → downstream kernels that the
 * observed traffic shows (an edge from a kernel to another), and the one with the highest ρ.
 *
 * @param kernelEdges observed kernel-to-kernel traffic: `source` kernel id → `target` kernel id.
 */
export function pathBottlenecks(
  config: RouteConfig,
  predictions:
    ReadonlyMap<string, KernelPrediction> | ((id: string) => KernelPrediction | undefined),
  kernelEdges: readonly { source: string; target: string; total?: number }[] = [],
): PathBottleneck[] {
  const get = typeof predictions === 'function' ? predictions : (id: string) => predictions.get(id);
  const kernels = new Set(config.kernels.map((k) => k.id));
  const k2k = new Map(config.k2kRoutes.map((r) => [r.dest, r.nextHop]));
  const downstream = new Map<string, Set<string>>();
  for (const e of kernelEdges) {
    // Kernel → kernel only (a kernel → type edge counts what it emitted, not where it went).
    if (!kernels.has(e.source) || !kernels.has(e.target) || e.source === e.target) continue;
    if (e.total === 0) continue;
    let set = downstream.get(e.source);
    if (!set) downstream.set(e.source, (set = new Set()));
    set.add(e.target);
  }
  const names = new Map(config.messageTypes.map((t) => [String(t.typeId), t.name]));
  return config.routes.map((r) => {
    const path: string[] = [];
    let at: string | undefined = r.kernelId;
    for (let guard = 0; at !== undefined && guard < 64; guard++) {
      if (kernels.has(at)) {
        path.push(at);
        break;
      }
      at = k2k.get(at);
    }
    for (let i = 0; i < path.length && path.length < 64; i++) {
      for (const next of downstream.get(path[i]!) ?? []) if (!path.includes(next)) path.push(next);
    }
    // A kernel losing messages is the bottleneck, whatever its ρ (it may be unknown); among
    // several, or among kernels that are not, the highest ρ.
    let best: { id: string; rho: number | null; losing: boolean } | null = null;
    for (const id of path) {
      const p = get(id);
      const rho = p?.rho ?? null;
      const losing = p?.losing === true;
      if (!losing && !(rho !== null && rho > 0)) continue;
      if (
        best === null ||
        (losing && !best.losing) ||
        (losing === best.losing && (rho ?? 0) > (best.rho ?? 0))
      )
        best = { id, rho, losing };
    }
    return {
      typeId: String(r.typeId),
      typeName: names.get(String(r.typeId)) ?? `type ${String(r.typeId)}`,
      kernels: path,
      bottleneck: best?.id ?? null,
      rho: best?.rho ?? null,
      losing: best?.losing ?? false,
    };
  });
}
