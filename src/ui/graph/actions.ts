import { createContext, useContext } from 'react';
import type { U64Json } from '../../state/edits';

/** What graph nodes can ask of the app; provided once by the shell. */
export interface GraphActions {
  inject(typeId: U64Json): void;
}

export const GraphActionsContext = createContext<GraphActions>({ inject: () => undefined });
export const useGraphActions = (): GraphActions => useContext(GraphActionsContext);
