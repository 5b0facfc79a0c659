import type { EngineClient } from '../engine/client';

let client: EngineClient | null = null;

/** The page's one engine client, set at start-up. */
export function setEngineClient(c: EngineClient): void {
  client = c;
}

export function engineClient(): EngineClient {
  if (!client) throw new Error('engine client used before start-up');
  return client;
}
