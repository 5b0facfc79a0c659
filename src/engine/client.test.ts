import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createEngineClient, type WorkerLike } from './client';
import type { EngineCommand, EngineError, EngineEvent } from './protocol';

class FakeWorker implements WorkerLike {
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: EngineCommand[] = [];
  terminated = false;
  postMessage(message: unknown): void {
    this.sent.push(message as EngineCommand);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(event: EngineEvent): void {
    this.onmessage?.({ data: event });
  }
}

function harness(heartbeatTimeoutMs = 1000) {
  const workers: FakeWorker[] = [];
  const errors: EngineError[] = [];
  let now = 0;
  let tick: (() => void) | null = null;
  const client = createEngineClient({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    onError: (e) => errors.push(e),
    heartbeatTimeoutMs,
    timers: {
      setInterval: (fn) => {
        tick = fn;
        return 1;
      },
      clearInterval: () => {
        tick = null;
      },
      now: () => now,
    },
  });
  /** Time passes with the watchdog's interval firing on time (every quarter of the timeout). */
  const advance = (ms: number): void => {
    const step = Math.max(50, Math.floor(heartbeatTimeoutMs / 4));
    for (let left = ms; left > 0; left -= step) {
      now += Math.min(step, left);
      tick?.();
    }
  };
  /** The page's main thread stalls for `ms`: the watchdog's interval fires once, late. */
  const stall = (ms: number): void => {
    now += ms;
    tick?.();
  };
  return { client, workers, errors, advance, stall };
}

describe('engine client', () => {
  it('resolves requests by id and keeps the latest snapshot', async () => {
    const { client, workers } = harness();
    const w = workers[0]!;
    const p = client.request({ type: 'inject', typeId: 1001 });
    const sent = w.sent[0]!;
    expect(sent.requestId).toBeTypeOf('number');
    w.emit({
      type: 'reply',
      reply: {
        ok: true,
        requestId: sent.requestId!,
        command: 'inject',
        count: 1,
        atOnce: {},
        ids: null,
      },
    });
    await expect(p).resolves.toMatchObject({ ok: true, count: 1 });
    const seen: number[] = [];
    const off = client.subscribe((s) => seen.push(s.seq));
    w.emit({ type: 'snapshot', snapshot: { seq: 7 } as never });
    off();
    w.emit({ type: 'snapshot', snapshot: { seq: 8 } as never });
    expect(seen).toEqual([7]);
    expect(client.latest()?.seq).toBe(8);
  });

  it('acknowledges each snapshot once its listeners took it, also when one throws', () => {
    const { client, workers } = harness();
    const w = workers[0]!;
    const order: string[] = [];
    client.subscribe((s) => {
      order.push(`took ${s.seq}`);
      if (s.seq === 4) throw new Error('a panel failed');
    });
    const post = w.postMessage.bind(w);
    w.postMessage = (m) => {
      order.push(`ack ${(m as { seq: number }).seq}`);
      post(m);
    };
    w.emit({ type: 'snapshot', snapshot: { seq: 3 } as never });
    expect(() => w.emit({ type: 'snapshot', snapshot: { seq: 4 } as never })).toThrow(
      'a panel failed',
    );
    expect(order).toEqual(['took 3', 'ack 3', 'took 4', 'ack 4']);
    expect(w.sent).toEqual([
      { type: 'snapshotAck', seq: 3 },
      { type: 'snapshotAck', seq: 4 },
    ]);
  });

  it('restarts a crashed worker with the last config and reports it', async () => {
    const { client, workers, errors } = harness();
    const config = demoConfig();
    client.send({ type: 'loadConfig', config });
    const pending = client.request({ type: 'snapshot' });
    workers[0]!.onerror?.({ message: 'boom' });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.sent[0]).toEqual({ type: 'loadConfig', config });
    expect(errors[0]).toMatchObject({ code: 'WorkerCrashed' });
    expect(errors[0]!.message).toContain('boom');
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'WorkerCrashed' } });
    expect(client.crashCount()).toBe(1);
  });

  it('answers a request the worker had not answered when it is restarted on purpose', async () => {
    const { client, workers } = harness();
    const config = demoConfig();
    const pending = client.request({ type: 'inject', typeId: 1001, count: 1_000_000 });
    client.restart(config);
    expect(workers[0]!.terminated).toBe(true);
    // Inject's buttons stay off while a send waits for its answer: it must come.
    await expect(pending).resolves.toMatchObject({
      ok: false,
      error: { code: 'WorkerCrashed', message: 'The engine was restarted before it answered.' },
    });
  });

  it('restarts a worker that stops sending heartbeats', () => {
    const { workers, errors, advance } = harness(1000);
    advance(600);
    workers[0]!.emit({ type: 'heartbeat', seq: 1 });
    advance(600);
    expect(workers).toHaveLength(1);
    advance(600);
    expect(workers).toHaveLength(2);
    expect(errors[0]!.message).toMatch(/stopped responding/);
  });

  it('does not take a stall of the page itself for a silent worker, and still catches one', () => {
    const { workers, errors, advance, stall } = harness(1000);
    advance(500);
    // The page's main thread was blocked 3 s: the worker's heartbeats wait in the queue.
    stall(3000);
    expect(workers).toHaveLength(1);
    workers[0]!.emit({ type: 'heartbeat', seq: 1 });
    advance(900);
    expect(workers).toHaveLength(1);
    // From here the worker is really silent: restarted once the timeout has passed.
    advance(300);
    expect(workers).toHaveLength(2);
    expect(errors[0]!.message).toMatch(/stopped responding/);
  });
});
