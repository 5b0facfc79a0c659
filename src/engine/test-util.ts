/** Shared by the engine's tests: the accounting equation, checked term by term. */
import { expect } from 'vitest';
import { demoConfig, type RouteConfig } from '../core/config';
import { createEngine, type Engine } from './engine';
import type { EngineCommand, EngineSnapshot } from './protocol';
import { createTwin } from '../gpu/kernels/twins.ts';
import type {
  KernelBackend,
  KernelBehavior,
  KernelRuntime,
  KernelTwin,
  MessageBatch,
  OutputBatch,
} from '../gpu/kernels/types.ts';

/** An engine on the demo config (or `config`) with a clock the test moves; `step` ticks it. */
export function setupEngine(
  config: RouteConfig = demoConfig(),
  opts: { maxDeadLetters?: number } = {},
) {
  const clock = { t: 1_000_000 };
  const engine = createEngine({ config, now: () => clock.t, ...opts });
  const step = (us = 1000): void => {
    clock.t += us;
    engine.tick();
  };
  return { engine, clock, step };
}

/** Runs `cmd`, throwing the engine's error when it is refused. */
export function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

/** Messages failed and no longer held, all reasons together. */
export function failedTotal(s: EngineSnapshot): number {
  return Object.values(s.accounting.failedByStatus).reduce((a, b) => a + b, 0);
}

/** `injected + emitted + carriedOver = processed + queued + inFlight + failed + deadLettered`. */
export function expectBalanced(s: EngineSnapshot): void {
  const a = s.accounting;
  expect(a.injected + a.emitted + a.carriedOver).toBe(
    a.processed + a.queued + a.inFlight + failedTotal(s) + a.deadLettered,
  );
  expect(a.balanced).toBe(true);
  // Each kernel's letters held now: none below 0, and together no more than the queue holds (the
  // rest are letters of no kernel: NoRoute, or a kernel since removed).
  for (const k of s.kernels) expect(k.lettersHeld, k.id).toBeGreaterThanOrEqual(0);
  expect(s.kernels.reduce((n, k) => n + k.lettersHeld, 0)).toBeLessThanOrEqual(a.deadLettered);
}

/**
 * The demo config plus `Wide` (1020, routed to `alert_sink`): 40 bytes, so the generator draws it
 * on the engine's thread, through its own batch; a u8 then a u64, so bytes 1..7 are padding.
 */
export function wideConfig(): RouteConfig {
  const config = demoConfig();
  config.messageTypes.push({
    typeId: 1020,
    name: 'Wide',
    handlerId: 20,
    fields: [
      { name: 'flag', type: 'u8' },
      { name: 'id', type: 'u64' },
      { name: 'account', type: 'u32' },
      { name: 'counterparty', type: 'u32' },
      { name: 'amount', type: 'f64' },
      { name: 'timestampUs', type: 'u64' },
    ],
  });
  config.routes.push({ typeId: 1020, kernelId: 'alert_sink' });
  return config;
}

/** An asynchronous runtime over a twin, as a GPU runtime looks to the engine. */
export class TwinRuntime implements KernelRuntime {
  backend: KernelBackend = 'webgpu';
  readonly twin: KernelTwin;
  destroyed = false;
  constructor(readonly behavior: KernelBehavior) {
    this.twin = createTwin(behavior);
  }
  process(batch: MessageBatch): Promise<OutputBatch> {
    return Promise.resolve(this.twin.process(batch));
  }
  exportState(): Promise<Uint32Array> {
    return Promise.resolve(this.twin.exportState());
  }
  importState(state: Uint32Array): void {
    this.twin.importState(state);
  }
  reset(): void {
    this.twin.reset();
  }
  destroy(): void {
    this.destroyed = true;
  }
}
