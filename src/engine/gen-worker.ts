/**
 * The seeded generator's own worker, spawned by the engine's worker (`worker.ts`): a
 * `GeneratorPump` that fills chunks ahead of the engine (see `gen-remote.ts`).
 */
import { GeneratorPump, type GenReply, type GenRequest } from './gen-remote';
import { detachOneViewOfEachKind } from './detach-views';
import { createGenWarmup, type GenWarmup } from './gen-warmup';

/** The warm-up: its first step this long after the worker starts, then slices with pauses. */
const WARMUP_DELAY_MS = 500;
const WARMUP_SLICE_MS = 4;
const WARMUP_PAUSE_MS = 8;

interface WorkerScope {
  postMessage(message: GenReply, transfer: ArrayBuffer[]): void;
  onmessage: ((ev: MessageEvent<GenRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
// Before any code is optimised: see detach-views.ts.
detachOneViewOfEachKind();
const pump = new GeneratorPump((reply, transfer) => scope.postMessage(reply, transfer));
/** Warms this worker's code while nothing asks for traffic (gen-warmup.ts); gone at the first request. */
let warmup: GenWarmup | null = createGenWarmup();
function warmStep(): void {
  if (!warmup) return;
  if (warmup.step(WARMUP_SLICE_MS)) warmup = null;
  else setTimeout(warmStep, WARMUP_PAUSE_MS);
}
// After the page's own start-up, a few ms at a time.
setTimeout(warmStep, WARMUP_DELAY_MS);
scope.onmessage = (ev) => {
  warmup = null;
  pump.handle(ev.data);
};
