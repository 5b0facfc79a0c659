/**
 * The seeded generator's own worker, spawned by the engine's worker (`worker.ts`): a
 * `GeneratorPump` that fills chunks ahead of the engine (see `gen-remote.ts`).
 */
import { GeneratorPump, type GenReply, type GenRequest } from './gen-remote';
import { detachOneViewOfEachKind } from './detach-views';

interface WorkerScope {
  postMessage(message: GenReply, transfer: ArrayBuffer[]): void;
  onmessage: ((ev: MessageEvent<GenRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
// Before any code is optimised: see detach-views.ts.
detachOneViewOfEachKind();
const pump = new GeneratorPump((reply, transfer) => scope.postMessage(reply, transfer));
scope.onmessage = (ev) => pump.handle(ev.data);
