/**
 * Warms the engine's code up before the first traffic, on a scratch engine of its own.
 *
 * Why: the first thousands of messages after a start run in V8's interpreter and baseline code,
 * and a group of `GEN_CHUNK` generated messages is routed and drained whole (with its alerts)
 * before a tick checks its time slice. On a fresh page the first start therefore held snapshots
 * back for 60–170 ms in its first half second; after a short run had warmed the code the same
 * start never went over 45 ms. The worker runs this while it is idle after the first config, a
 * few milliseconds at a time, and drops it as soon as real traffic starts.
 *
 * The scratch engine is the user's config with every kernel on its CPU twin, driven by a clock of
 * its own and fed by an in-thread `GeneratorPump` (the same path as the generator's worker). It
 * shares nothing with the real engine but code: no ids, no clock, no events, no GPU.
 *
 * Its clock reads like the real one (wall-clock microseconds, steps a few µs apart that are not
 * all alike). With a clock from 0 in steps of exactly 4,000 µs, fields such as the receipts'
 * token count stayed whole numbers through the warm-up and took their first fraction at the first
 * real traffic; V8 then retires the object layout, and with it the optimised code of every
 * function that relied on it (V8's log showed 57 such functions thrown away within 20 ms of
 * Start, `take`, `drain`, the twins and the lanes among them).
 */
import type { RouteConfig } from '../core/config';
import { createEngine, type Engine } from './engine';
import { GeneratorPump, type GeneratorLink, type GenReply } from './gen-remote';

export interface Warmup {
  /** Runs for about `sliceMs` of wall time; true once the warm-up is over (done or impossible). */
  step(sliceMs: number): boolean;
  /** Messages the scratch engine has processed so far. */
  readonly processed: number;
  /** Frees the scratch engine; further steps return true. */
  cancel(): void;
}

export interface WarmupOptions {
  /** Messages to push through before it is over. Default 40,000. */
  messages?: number;
  /** Snapshot (and `afterSnapshot`) every this many steps, as the worker does. Default 4. */
  snapshotEvery?: number;
  /**
   * The scratch clock's start, µs. Default: now on the wall clock, the magnitude of the real
   * engine's clock.
   */
  startUs?: number;
  /** What the worker does with a snapshot (`toWire`), so that code warms up too. */
  afterSnapshot?: (s: ReturnType<Engine['snapshot']>) => void;
}

/**
 * Simulated time per step: at `RATE` a step lets about 1,000 messages in (the generator's pump
 * fills chunks of 2,048). Steps vary by a few µs, as a real clock's do.
 */
const STEP_US = 4000;
const STEP_JITTER_US = 7;
const RATE = 250_000;
/** Given up after this many steps whatever was processed (a paused kernel, say). */
const MAX_STEPS = 400;
/**
 * The overflow phase, after the messages: every kernel's queue this small (its policy as
 * configured), for this many steps, so refusals, evictions, dead letters (the dead-letter queue
 * filled and evicting too) and their receipt rows are warm as well. The first queue shrunk under
 * 1 M/s had put the generator 0.7 s behind and held snapshots back 140-160 ms, where the same
 * shrink done again a few seconds later cost 30 ms of lag and no gap: V8 compiling the refusal
 * path, not the refusals.
 */
const OVERFLOW_CAPACITY = 16;
const OVERFLOW_STEPS = 60;

/** A generator link within this thread: requests reach a pump at once, and so do its replies. */
function inThreadLink(): GeneratorLink {
  const link: GeneratorLink = {
    post: (m) => pump.handle(m),
    onReply: null,
    onBroken: null,
    close: () => undefined,
  };
  const pump = new GeneratorPump((r: GenReply) => link.onReply?.(r));
  return link;
}

export function createWarmup(config: RouteConfig, options: WarmupOptions = {}): Warmup {
  const target = options.messages ?? 40_000;
  const every = Math.max(1, options.snapshotEvery ?? 4);
  let t = options.startUs ?? Math.floor(Date.now() * 1000);
  let steps = 0;
  let processed = 0;
  let engine: Engine | null = null;
  let over = false;
  /** The config's kernels as the scratch engine runs them: every one on its CPU twin. */
  const kernels = config.kernels.map((k) => ({ ...k, backend: 'cpu' as const }));
  /** Steps left of the overflow phase; null before it. */
  let overflowLeft: number | null = null;

  /** The scratch engine, built at the first step (not when the worker loads its config). */
  const start = (): void => {
    try {
      engine = createEngine({
        config: { ...config, kernels },
        now: () => t,
        spawnGenerator: inThreadLink,
      });
      const started = engine.command({
        type: 'startGenerator',
        spec: { ratePerSec: RATE, pattern: 'poisson', seed: 1 },
      });
      if (!started.ok) cancel();
    } catch {
      // A config the scratch engine cannot run (the real engine says why): nothing to warm.
      cancel();
    }
  };

  /** Shrinks every queue (the edit a user makes in the Inspector, `upsertKernel`). */
  const overflow = (e: Engine): void => {
    overflowLeft = OVERFLOW_STEPS;
    for (const k of kernels) {
      const r = e.command({
        type: 'upsertKernel',
        kernel: { ...k, queueCapacity: OVERFLOW_CAPACITY },
      });
      if (!r.ok) overflowLeft = 0;
    }
  };

  function cancel(): void {
    over = true;
    engine?.destroy();
    engine = null;
  }

  return {
    get processed() {
      return processed;
    },
    cancel,
    step(sliceMs: number): boolean {
      if (over) return true;
      if (!engine) start();
      const e = engine as Engine | null;
      if (!e) return true;
      t += STEP_US + (steps % STEP_JITTER_US);
      e.tick(sliceMs);
      if (++steps % every === 0) {
        const s = e.snapshot();
        processed = s.accounting.processed;
        options.afterSnapshot?.(s);
      }
      if (overflowLeft !== null) {
        if (--overflowLeft <= 0) cancel();
      } else if (processed >= target || steps >= MAX_STEPS) {
        // No traffic got through (a paused kernel): no overflow to warm either.
        if (processed > 0) overflow(e);
        else cancel();
      }
      return engine === null;
    },
  };
}
