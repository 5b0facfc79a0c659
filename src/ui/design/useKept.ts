/**
 * `useState` that outlives its component: the value is kept in the store's `kept` by `key`, so a
 * panel the dock unmounts (its tab switched away, its pane collapsed) finds it again on coming
 * back. What-if had lost a pasted config, its fields and the report of its last run at every tab
 * switch (QA). Not stored across reloads.
 */
import { useCallback } from 'react';
import { useWorkbench, workbenchStore } from '../../state/store';

/** What `kept` holds for a key never set (a value no caller keeps). */
const UNSET = Symbol('unset');

export function useKept<T>(key: string, initial: T): [T, (next: T) => void] {
  const stored = useWorkbench((s) => (Object.hasOwn(s.kept, key) ? s.kept[key] : UNSET));
  // The initial value is the caller's until the first set: it may follow what it is worked out
  // from (What-if's rate starts from the Generator form's) until the user changes it.
  const value = stored === UNSET ? initial : (stored as T);
  const set = useCallback((next: T) => workbenchStore().getState().keep(key, next), [key]);
  return [value, set];
}
