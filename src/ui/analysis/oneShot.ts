/**
 * One request to a module worker made for it, one reply, then the worker ends: the what-if and
 * headless-replay runs. The caller constructs the worker (Vite bundles a worker only from a literal
 * `new Worker(new URL('…', import.meta.url))` at the call site) and says what a failure or a
 * cancel answers; the reply matching the request's `id` settles it.
 */
let nextId = 1;

export interface OneShot<Res> {
  result: Promise<Res>;
  cancel(): void;
}

export function oneShot<Req extends { id: number }, Res extends { id: number }>(
  worker: Worker,
  request: Omit<Req, 'id'>,
  /** The answer when the worker fails (`error`: its message) or is cancelled (`error`: null). */
  failed: (id: number, error: string | null) => Res,
): OneShot<Res> {
  const id = nextId++;
  let settle: (r: Res) => void = () => undefined;
  const result = new Promise<Res>((resolve) => (settle = resolve));
  worker.onmessage = (ev: MessageEvent<Res>) => {
    if (ev.data.id !== id) return;
    worker.terminate();
    settle(ev.data);
  };
  worker.onerror = (ev) => {
    worker.terminate();
    settle(failed(id, ev.message || 'the worker could not run'));
  };
  worker.postMessage({ ...request, id } as Req);
  return {
    result,
    cancel() {
      worker.terminate();
      settle(failed(id, null));
    },
  };
}
