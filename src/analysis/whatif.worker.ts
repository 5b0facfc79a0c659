/**
 * Module worker for what-if runs, so a long comparison never blocks the page. Loaded as
 * `new Worker(new URL('./whatif.worker.ts', import.meta.url), { type: 'module' })`.
 * Request: `{ id, input: WhatIfInput }`; reply: `{ id, result: WhatIfResult }`.
 */
import { runWhatIf, type WhatIfInput, type WhatIfResult } from './whatif';

export interface WhatIfRequest {
  id: number;
  input: WhatIfInput;
}

export interface WhatIfResponse {
  id: number;
  result: WhatIfResult;
}

interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (ev) => {
  const req = ev.data as WhatIfRequest;
  let result: WhatIfResult;
  try {
    result = runWhatIf(req.input);
  } catch (e) {
    // runWhatIf returns errors as values; anything thrown is a bug, reported rather than lost.
    result = {
      ok: false,
      code: 'InvalidInput',
      message: `The what-if run failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  const response: WhatIfResponse = { id: req.id, result };
  scope.postMessage(response);
};
