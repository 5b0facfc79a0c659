/**
 * Module worker for "Replay headless", so a long recording never freezes the page (two replays of
 * 300,000 messages held its thread for 5–15 s). Loaded as
 * `new Worker(new URL('./replay.worker.ts', import.meta.url), { type: 'module' })`.
 * Request: `{ id, config, recording }`; reply: `{ id, check }` or `{ id, error }`.
 */
import type { RouteConfig } from '../core/config';
import { checkReplay, type Recording, type ReplayCheck } from './recording';
import { serveOneShot } from './serve-one-shot';

export interface ReplayRequest {
  id: number;
  config: RouteConfig;
  recording: Recording;
}

export type ReplayResponse = { id: number; check: ReplayCheck } | { id: number; error: string };

serveOneShot<ReplayRequest, ReplayResponse>(
  (req) => ({ id: req.id, check: checkReplay(req.config, req.recording) }),
  (id, error) => ({ id, error }),
);
