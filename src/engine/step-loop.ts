/**
 * The engine worker's loop of steps (`worker.ts`): at its idle pace on a timer, or, while there is
 * work, one step after another through a `MessageChannel` (a chain of timers is clamped to 4 ms
 * after five). Apart from the worker so that its pacing can be tested with a fake host.
 */

/** Idle pace; while there is work the loop yields through its port instead. */
export const IDLE_TICK_MS = 4;
/**
 * While there is work, a step shorter than this found (almost) nothing due: the loop then waits
 * `WAIT_MS` instead of going on at once. Going on at once spun a whole core at any rate (92 % of a
 * core at 1,000 messages/s), taken from the page and the generator's worker; waiting adds at most
 * about a millisecond to a message's latency, and a loaded engine (steps of a whole slice) never
 * waits.
 */
export const SPIN_MS = 0.5;
export const WAIT_MS = 1;
/** What the loop posts itself: its next step at once, or after `WAIT_MS`. */
export const GO_ON = 0;
export const WAIT = 1;
export type NextStep = typeof GO_ON | typeof WAIT;

/** What the loop needs from the worker: timers, its port, and a clock in ms. */
export interface LoopHost {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  /** Posts the loop its next step; the port's listener hands it to {@link StepLoop.onPort}. */
  post(next: NextStep): void;
  now(): number;
}

export class StepLoop {
  /** The timer while the loop sleeps at its idle pace (the only time a command may wake it). */
  private idleTimer: unknown = undefined;

  /** `step` runs one step and says whether there is work left to do now. */
  constructor(
    private readonly host: LoopHost,
    private readonly step: () => boolean,
  ) {}

  start(): void {
    this.idleTimer = this.host.setTimeout(this.run, 0);
  }

  /** True while the loop sleeps at its idle pace. */
  get sleeping(): boolean {
    return this.idleTimer !== undefined;
  }

  private readonly run = (): void => {
    this.idleTimer = undefined;
    const t = this.host.now();
    if (!this.step()) this.idleTimer = this.host.setTimeout(this.run, IDLE_TICK_MS);
    else this.host.post(this.host.now() - t < SPIN_MS ? WAIT : GO_ON);
  };

  /**
   * The loop's next step, posted to itself: at once, or after `WAIT_MS`. The wait's timer is set
   * from this message task, not from the timer that ran the step: chained timers are clamped to
   * 4 ms after five.
   */
  onPort(next: NextStep): void {
    if (next === WAIT) this.host.setTimeout(this.run, WAIT_MS);
    else this.run();
  }

  /**
   * After a command: with work left (`engine.busy()`: a generator started, a message sent by hand,
   * a redrive) a loop asleep at its idle pace steps now. Only a start did before: a message sent
   * to an idle engine waited for the idle timer, up to 4 ms and more, and its receipt showed that
   * wait as latency. One chain of steps: the idle timer it replaces is cancelled (starting a second
   * chain beside it left one more running for good at every start).
   */
  afterCommand(workLeft: boolean): void {
    if (!workLeft || this.idleTimer === undefined) return;
    this.host.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.host.post(GO_ON);
  }
}
