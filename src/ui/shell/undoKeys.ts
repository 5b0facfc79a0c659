/**
 * Which of undo and redo a key press asks for: Ctrl+Z (Cmd+Z) undoes, Ctrl+Shift+Z or Ctrl+Y
 * redoes. One mapping for the app's shortcuts and the Inspector's forms.
 */
export function undoRedoOf(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const key = e.key.toLowerCase();
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
  return key === 'y' ? 'redo' : null;
}
