import { useEffect, useRef } from 'react';
import * as Toast from '@radix-ui/react-toast';
import { useWorkbench, workbenchStore, type Notice } from '../../state/store';

/** How long a notice stays: errors until dismissed; the timer pauses while hovered or focused. */
const DURATION_MS: Record<Notice['kind'], number> = {
  info: 5000,
  warning: 9000,
  error: Infinity,
};

/**
 * What the last action did, or why it was refused: toasts in the graph's top-left corner (the app
 * places this in the graph's slot), never over the Inspector or the dock's forms and tables; the
 * newest in front, the older ones stacked behind it until hovered or focused (`.notices` in
 * ui/design/controls.css). F8 jumps to them.
 */
export function Notices() {
  const notices = useWorkbench((s) => s.notices);
  useFocusBackFromNotices(notices.length);
  return (
    <Toast.Provider swipeDirection="right" label="Notices">
      {notices.map((n) => (
        <Toast.Root
          key={n.id}
          className={`notice notice-${n.kind}`}
          duration={DURATION_MS[n.kind]}
          type={n.kind === 'error' ? 'foreground' : 'background'}
          onOpenChange={(open) => {
            if (!open) workbenchStore().getState().dismiss(n.id);
          }}
        >
          <Toast.Description className="notice-text">{n.text}</Toast.Description>
          {n.action ? (
            <Toast.Action
              className="btn-sm notice-action"
              altText={n.action.altText}
              onClick={n.action.run}
            >
              {n.action.label}
            </Toast.Action>
          ) : null}
          <Toast.Close className="icon-btn notice-close" aria-label="Dismiss">
            ✕
          </Toast.Close>
        </Toast.Root>
      ))}
      <Toast.Viewport className="notices" data-testid="notices" />
    </Toast.Provider>
  );
}

/**
 * F8 takes focus to the notices; once the last one is closed (Escape), it goes back where it came
 * from. It had stayed on the empty list, 0 px high: no focus ring anywhere, and Tab went on from
 * the graph's corner.
 */
function useFocusBackFromNotices(count: number): void {
  const from = useRef<HTMLElement | null>(null);
  const shown = useRef(count);
  useEffect(() => {
    shown.current = count;
  }, [count]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // By key or by code, as Radix's hotkey matches (a remapped F8 sends its code).
      if (e.key !== 'F8' && e.code !== 'F8') return;
      // With no notice there is nothing to go to: the focus stays (it had gone to the empty
      // list, unlabelled, and Escape did not bring it back).
      if (shown.current === 0) {
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      const active = document.activeElement;
      if (active instanceof HTMLElement && !active.closest('.notices')) from.current = active;
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  useEffect(() => {
    if (count > 0) return;
    const back = from.current;
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    if (!back || !(lost || (active instanceof HTMLElement && active.closest('.notices')))) return;
    from.current = null;
    if (back.isConnected) back.focus();
    else if (active instanceof HTMLElement) active.blur();
  }, [count]);
}
