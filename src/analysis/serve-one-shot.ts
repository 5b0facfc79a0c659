/**
 * The worker's side of a one-shot run (the page's is `ui/analysis/oneShot.ts`): each request is
 * answered with its `id`, by `handle`, or by `failed` with the message of what `handle` threw, so
 * a bug is reported rather than lost.
 */
interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export function serveOneShot<Req extends { id: number }, Res extends { id: number }>(
  handle: (req: Req) => Res,
  failed: (id: number, message: string) => Res,
): void {
  const scope = globalThis as unknown as WorkerScope;
  scope.onmessage = (ev) => {
    const req = ev.data as Req;
    let response: Res;
    try {
      response = handle(req);
    } catch (e) {
      response = failed(req.id, e instanceof Error ? e.message : String(e));
    }
    scope.postMessage(response);
  };
}
