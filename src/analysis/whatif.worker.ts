/**
 * Module worker for what-if runs, so a long comparison never blocks the page. Loaded as
 * `new Worker(new URL('./whatif.worker.ts', import.meta.url), { type: 'module' })`.
 * Request: `{ id, input: WhatIfInput }`; reply: `{ id, result: WhatIfResult }`.
 */
import { serveOneShot } from './serve-one-shot';
import { runWhatIf, type WhatIfInput, type WhatIfResult } from './whatif';

export interface WhatIfRequest {
  id: number;
  input: WhatIfInput;
}

export interface WhatIfResponse {
  id: number;
  result: WhatIfResult;
}

// runWhatIf returns errors as values; anything thrown is a bug, reported rather than lost.
serveOneShot<WhatIfRequest, WhatIfResponse>(
  (req) => ({ id: req.id, result: runWhatIf(req.input) }),
  (id, message) => ({
    id,
    result: { ok: false, code: 'InvalidInput', message: `The what-if run failed: ${message}` },
  }),
);
