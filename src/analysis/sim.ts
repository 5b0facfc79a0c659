/**
 * Headless engine runs on a simulated clock: commands are applied at their (relative) times, the
 * engine ticks in fixed steps with no timers, so a run is as fast as the CPU allows and two runs
 * of the same inputs produce the same receipts.
 */
import type { RouteConfig } from '../core/config';
import { createEngine } from '../engine/engine';
import type { EngineCommand, EngineSnapshot, ReceiptRow } from '../engine/protocol';

/** A command applied `atUs` microseconds after the run starts. */
export interface TimedCommand {
  atUs: number;
  cmd: EngineCommand;
}

export interface SimulationOptions {
  config: RouteConfig;
  /** Applied in order of `atUs` (stable for equal times). */
  commands: readonly TimedCommand[];
  /** Simulated run length before the final drain, µs. */
  durationUs: number;
  /** Simulated time per tick, µs. Default 1,000. */
  stepUs?: number;
  /** Simulated times per tick in turn, µs (a live engine's measured cadence); over `stepUs`. */
  stepsUs?: readonly number[];
  /** Engine clock at the start, µs. Default 0, so runs are comparable. */
  startUs?: number;
  /** Every materialised receipt row, oldest first, in batches as the engine produces them. */
  onRows?: (rows: readonly ReceiptRow[]) => void;
  /** Called with every snapshot (one per step, then one after the drain). */
  onSnapshot?: (snapshot: EngineSnapshot) => void;
}

/** A command the engine refused during a run (errors are values). */
export interface SimulationError {
  atUs: number;
  command: string;
  message: string;
}

export interface SimulationResult {
  final: EngineSnapshot;
  errors: SimulationError[];
  /** Ticks taken, including the drain. */
  steps: number;
}

/** Large enough that no receipt is sampled out in a simulated step. */
const ALL_ROWS = 1 << 30;

/**
 * Runs `config` headless for `durationUs` of simulated time, then stops any generator and drains
 * every queue. Every receipt row is materialised (sampling is switched off).
 *
 * @example
 * const { final } = runSimulation({ config: demoConfig(), durationUs: 1e6,
 *   commands: [{ atUs: 0, cmd: { type: 'startGenerator', spec: { ratePerSec: 1000, seed: 7 } } }] });
 */
export function runSimulation(options: SimulationOptions): SimulationResult {
  const stepUs = Math.max(1, Math.floor(options.stepUs ?? 1000));
  // A cadence, in turn (a live engine's measured ticks), else the one step.
  const steps = (options.stepsUs ?? []).map((s) => Math.max(1, Math.floor(s)));
  const start = options.startUs ?? 0;
  let t = start;
  const engine = createEngine({ config: options.config, now: () => t });
  const errors: SimulationError[] = [];
  const run = (atUs: number, cmd: EngineCommand) => {
    const reply = engine.command(cmd);
    if (!reply.ok) errors.push({ atUs, command: cmd.type, message: reply.error.message });
  };
  run(0, { type: 'setSampling', perSnapshotCap: ALL_ROWS });
  const queue = options.commands
    .map((c, i) => ({ ...c, i }))
    .sort((a, b) => a.atUs - b.atUs || a.i - b.i);
  let next = 0;
  let stepsTaken = 0;
  let stepAt = 0;
  const emit = (): EngineSnapshot => {
    const s = engine.snapshot();
    if (s.receipts.recent.length > 0) options.onRows?.(s.receipts.recent);
    options.onSnapshot?.(s);
    return s;
  };
  try {
    for (let rel = 0; ; rel += steps.length > 0 ? steps[stepAt++ % steps.length]! : stepUs) {
      t = start + rel;
      while (next < queue.length && queue[next]!.atUs <= rel) {
        const c = queue[next++]!;
        run(c.atUs, c.cmd);
      }
      engine.tick();
      stepsTaken++;
      emit();
      if (rel >= options.durationUs) break;
    }
    run(options.durationUs, { type: 'stopGenerator' });
    engine.drain();
    stepsTaken++;
    return { final: emit(), errors, steps: stepsTaken };
  } finally {
    engine.destroy();
  }
}
