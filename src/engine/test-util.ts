/** Shared by the engine's tests: the accounting equation, checked term by term. */
import { expect } from 'vitest';
import type { EngineSnapshot } from './protocol';

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
}
