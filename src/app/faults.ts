/**
 * Test-only fault hooks for the fault-survival suite (e2e/faults.spec.ts, bench/soak.bench.ts).
 * Inert unless `localStorage['rdw:test:faults'] === '1'` at start-up: then
 * `window.workbench.__faults` can make a dock panel throw and crash the engine worker, so the
 * error boundaries and the crash restart can be proven in the built app.
 *
 * Wiring (owned by the app shell): call `installFaultHooks({ engine })` after `installTestApi`, and
 * render `<PanelFault name={id} />` as the first child inside each dock `PanelBoundary`.
 * Must not be imported by core/, engine/ or state/.
 */
import { createElement, useSyncExternalStore, type ReactElement } from 'react';
import type { EngineClient } from '../engine/client';
import type { EngineCommand } from '../engine/protocol';

/** The hooks `window.workbench.__faults` exposes when the flag is set. */
export interface FaultHooks {
  /** The named dock panel (`'queues'`, `'receipts'`, ...) throws on its next render. */
  throwInPanel(name: string): void;
  /** Stop throwing in the named panel (the boundary's Retry then renders it again). */
  healPanel(name: string): void;
  /**
   * Crash the engine worker: it throws an uncaught error, which the client detects and answers by
   * starting a fresh worker. Needs the worker to understand `{ type: '__crash' }`.
   */
  crashEngine(): void;
  /** The kernel's next `count` messages fail as if its handler threw `reason` (dead-lettered `KernelError`, `reason` as detail). */
  failKernel(kernelId: string, count: number, reason: string): void;
  /** Destroy the engine worker's GPU device mid-run (device loss): kernels move to their CPU twins. */
  loseGpu(): void;
}

declare module './testApi' {
  interface WorkbenchApi {
    /** Present only when `localStorage['rdw:test:faults'] === '1'`. */
    __faults?: FaultHooks;
  }
}

export const FAULTS_FLAG_KEY = 'rdw:test:faults';

const failing = new Set<string>();
const listeners = new Set<() => void>();
let version = 0;

function changed(): void {
  version++;
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Thrown by a panel the hook told to fail. */
export class InjectedPanelFault extends Error {
  constructor(readonly panel: string) {
    super(`injected fault in the ${panel} panel (test hook)`);
    this.name = 'InjectedPanelFault';
  }
}

/**
 * Renders nothing; throws while its panel is marked failing, so the surrounding boundary shows the
 * panel's error in its place.
 */
export function PanelFault({ name }: { name: string }): ReactElement | null {
  useSyncExternalStore(subscribe, () => version);
  if (failing.has(name)) throw new InjectedPanelFault(name);
  return null;
}

/** `createElement` form, for callers that prefer not to write JSX. */
export function panelFault(name: string): ReactElement {
  return createElement(PanelFault, { name });
}

function enabled(): boolean {
  try {
    return localStorage.getItem(FAULTS_FLAG_KEY) === '1';
  } catch {
    return false;
  }
}

/**
 * Installs `window.workbench.__faults` when the test flag is set; returns the hooks or null.
 * Call after `installTestApi`.
 */
export function installFaultHooks({ engine }: { engine: EngineClient }): FaultHooks | null {
  if (!enabled() || typeof window === 'undefined' || !window.workbench) return null;
  const hooks: FaultHooks = {
    throwInPanel(name) {
      failing.add(name);
      changed();
    },
    healPanel(name) {
      failing.delete(name);
      changed();
    },
    crashEngine() {
      // Not part of the public protocol on purpose: only this hook sends it.
      engine.send({ type: '__crash' } as unknown as EngineCommand);
    },
    loseGpu() {
      engine.send({ type: '__loseGpu' } as unknown as EngineCommand);
    },
    failKernel(kernelId, count, reason) {
      engine.send({ type: '__failKernel', kernelId, count, reason });
    },
  };
  window.workbench.__faults = hooks;
  return hooks;
}
