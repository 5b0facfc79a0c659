/**
 * A paced redrive's run (what it was asked, the letters it may take, how far it got) and the
 * options a redrive resolves to: the shapes `dead-letters.ts` works with.
 */
import type { DeadLetter } from '../core';
import type { KernelState } from './kernel-state';
import type { EngineCommand, RedriveProgress, RedriveResult } from './protocol';

export type RedriveCommand = Extract<EngineCommand, { type: 'redrive' }>;

export interface RedriveOptions {
  target: string | undefined;
  tk: KernelState | undefined;
  overrides: RedriveCommand['overrides'];
}

/** A paced redrive: what it was asked, the letters it may take, how far it got. */
export interface RedriveRun {
  cmd: RedriveCommand;
  /**
   * Its letters still to go: matching, held when it started (later ones, those that fail again
   * among them, have later sequence numbers), and neither taken nor refused by it yet.
   */
  own: (l: DeadLetter) => boolean;
  /** Letters it took or refused: refused ones stay held and are not tried again. */
  skipped: Set<DeadLetter>;
  /** Ids of the messages its letters became, accepted: one that fails later is counted. */
  accepted: Set<number>;
  startUs: number;
  progress: RedriveProgress;
}

export const emptyResult = (): RedriveResult => ({
  selected: 0,
  redriven: 0,
  failedAgain: 0,
  failedByStatus: {},
  refusedCrossTenant: 0,
  refusedNotRouted: 0,
  evicted: 0,
  remaining: 0,
});
