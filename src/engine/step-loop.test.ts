import { describe, expect, it } from 'vitest';
import {
  GO_ON,
  IDLE_TICK_MS,
  StepLoop,
  WAIT,
  WAIT_MS,
  type LoopHost,
  type NextStep,
} from './step-loop';
import { ok, setupEngine } from './test-util';

/** A host whose timers and port run only when the test says so, and whose clock it moves. */
function fakeHost() {
  const timers = new Map<number, { run: () => void; ms: number }>();
  const posted: NextStep[] = [];
  let next = 1;
  const clock = { ms: 0 };
  const host: LoopHost = {
    setTimeout(run, ms) {
      timers.set(next, { run, ms });
      return next++;
    },
    clearTimeout(timer) {
      timers.delete(timer as number);
    },
    post: (n) => posted.push(n),
    now: () => clock.ms,
  };
  /** Fires the one pending timer (the loop never holds two). */
  const fire = (): number => {
    expect(timers.size).toBe(1);
    const [id, t] = [...timers][0]!;
    timers.delete(id);
    t.run();
    return t.ms;
  };
  return { host, timers, posted, clock, fire };
}

describe('the engine worker loop (step-loop.ts)', () => {
  it('sleeps at its idle pace while there is no work, posting itself nothing', () => {
    const h = fakeHost();
    let steps = 0;
    const loop = new StepLoop(h.host, () => (steps++, false));
    loop.start();
    expect(h.fire()).toBe(0);
    expect(h.fire()).toBe(IDLE_TICK_MS);
    expect(steps).toBe(2);
    expect(loop.sleeping).toBe(true);
    expect(h.posted).toEqual([]);
  });

  it('with work, steps through its port: at once after a full step, after WAIT_MS after a short one', () => {
    const h = fakeHost();
    const loop = new StepLoop(h.host, () => {
      h.clock.ms += 8;
      return true;
    });
    loop.start();
    h.fire();
    expect(h.posted).toEqual([GO_ON]);
    expect(h.timers.size).toBe(0);
    const quick = new StepLoop(h.host, () => true);
    quick.onPort(GO_ON);
    expect(h.posted).toEqual([GO_ON, WAIT]);
    quick.onPort(WAIT);
    expect(h.fire()).toBe(WAIT_MS);
  });

  it('a command that left work wakes a sleeping loop once: one chain of steps', () => {
    const h = fakeHost();
    let work = false;
    const loop = new StepLoop(h.host, () => work);
    loop.start();
    h.fire();
    expect(loop.sleeping).toBe(true);
    // No work left: it sleeps on.
    loop.afterCommand(false);
    expect(h.timers.size).toBe(1);
    expect(h.posted).toEqual([]);
    // Work: the idle timer is cancelled and the next step posted, once.
    work = true;
    loop.afterCommand(true);
    expect(h.timers.size).toBe(0);
    expect(h.posted).toEqual([GO_ON]);
    loop.afterCommand(true);
    expect(h.posted).toEqual([GO_ON]);
    loop.onPort(GO_ON);
    expect(h.posted.length).toBe(2);
    expect(h.timers.size).toBe(0);
  });

  // A message sent by hand to an idle engine waited for the idle timer (only a generator's start
  // woke the loop), and its receipt showed that wait as latency: 0.75-5.8 ms for single sends.
  it('a message sent by hand to an idle engine is processed at once, not at the idle tick', () => {
    const { engine } = setupEngine();
    const h = fakeHost();
    const loop = new StepLoop(h.host, () => {
      engine.tick(8);
      return engine.busy();
    });
    loop.start();
    h.fire();
    expect(loop.sleeping).toBe(true);
    ok(engine, { type: 'inject', typeId: 1002, count: 1 });
    loop.afterCommand(engine.busy());
    // The idle timer never fires: the step comes through the port, at once.
    expect(h.timers.size).toBe(0);
    expect(h.posted).toEqual([GO_ON]);
    loop.onPort(GO_ON);
    const s = engine.snapshot();
    expect(s.kernels.find((k) => k.id === 'aggregator')!.processed).toBe(1);
    expect(s.accounting.queued).toBe(0);
    expect(loop.sleeping).toBe(true);
  });
});
