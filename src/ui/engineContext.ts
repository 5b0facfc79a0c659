/**
 * The page's engine client, provided once by the composition root (`src/app/main.tsx`) and read
 * by panels with `useEngine()`; component tests provide a fake. UI code never reaches up into
 * `src/app` for it.
 */
import { createContext, useContext } from 'react';
import type { EngineClient } from '../engine/client';

export const EngineContext = createContext<EngineClient | null>(null);

export function useEngine(): EngineClient {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('useEngine() outside <EngineContext.Provider>');
  return engine;
}
