/**
 * Warms the generator's worker up while the page is idle: a scratch `GeneratorPump` draws the
 * demo's types under each arrival pattern, in chunks of 1,024 rows, a few ms at a time, and stops
 * when the first real request arrives. Why: the worker's code met its first traffic at the first
 * Start, in V8's interpreter (`fill` and its field ops deoptimised and were compiled again 32
 * times in that run's first 1.5 s), and the engine, waiting for its chunks, fell 0.3-0.7 s behind
 * schedule; the engine's own warm-up (`warmup.ts`) draws on the engine's thread, not here.
 */
import { demoConfig } from '../core/config';
import { chunkStride, GeneratorPump, type GenReply } from './gen-remote';
import type { BatchBuffers, MixEntry } from './generators';
import { layoutOf } from './payload';
import type { GeneratorSpec } from './protocol';

/** Rows per chunk: the smallest the engine asks for, so `fill` is called often (V8 tiers by calls). */
const CAPACITY = 1024;
/** Rows drawn under each pattern. */
const ROWS_PER_SPEC = 120_000;
const SPECS: GeneratorSpec[] = [
  { ratePerSec: 1_000_000, pattern: 'constant', seed: 11 },
  { ratePerSec: 1_000_000, pattern: 'poisson', seed: 12, zipfS: 1.1, accounts: 10_000 },
  { ratePerSec: 1_000_000, pattern: 'bursts', seed: 13 },
];

export interface GenWarmup {
  /** Draws for about `ms`; true once every pattern has had its rows (nothing left to do). */
  step(ms: number): boolean;
  /** Rows drawn so far. */
  readonly rows: number;
}

export function createGenWarmup(now: () => number = () => performance.now()): GenWarmup {
  // The mix a run of the demo draws by default: every routed type at weight 1.
  const config = demoConfig();
  const mix: MixEntry[] = config.routes.map((r) => ({
    // The demo's ids are small numbers (u64 strings are for ids past 2^53).
    typeId: Number(r.typeId),
    weight: 1,
    layout: layoutOf(config.messageTypes.find((t) => t.typeId === r.typeId)?.fields ?? []),
  }));
  const stride = chunkStride(mix);
  /** Buffers back from the pump, to hand it again (the engine's `credit`). */
  const returned: BatchBuffers[] = [];
  let rows = 0;
  let specRows = 0;
  let at = -1;
  const pump = new GeneratorPump((r: GenReply) => {
    if (r.type !== 'chunk') return;
    rows += r.count;
    specRows += r.count;
    returned.push(r.buffers);
  });
  const next = (): boolean => {
    if (at >= 0) pump.handle({ type: 'stop', gen: at + 1 });
    at++;
    specRows = 0;
    returned.length = 0;
    const spec = SPECS[at];
    if (!spec) return false;
    pump.handle({ type: 'start', gen: at + 1, spec, mix, startUs: 0, capacity: CAPACITY, stride });
    return true;
  };
  return {
    step(ms) {
      if (at >= SPECS.length) return true;
      if (at < 0 && !next()) return true;
      const until = now() + ms;
      while (now() < until) {
        if (specRows >= ROWS_PER_SPEC && !next()) return true;
        const buffers = returned.shift();
        // A pump that stopped (its spec's schedule over) hands nothing back: on to the next.
        if (!buffers) {
          if (!next()) return true;
          continue;
        }
        pump.handle({ type: 'credit', gen: at + 1, buffers });
      }
      return false;
    },
    get rows() {
      return rows;
    },
  };
}
