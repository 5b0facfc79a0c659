/**
 * Buttons that replace one another when pressed (Start → Stop → Start, Restart → Stop): the one in
 * place after the change takes the keyboard focus the pressed one had. Without it the focus fell
 * to the page's body when the pressed button went, with nothing for a screen reader to read.
 *
 * `note(button)` at the press (from the keyboard, or a click where a click focuses buttons, as in
 * Chromium); at the first change of `showing` after it (a primitive naming which buttons show),
 * within `HAND_OVER_MS`, the element `target()` returns takes the focus, only if the focus fell to
 * the page meanwhile. Once, and only so soon: a hand-over left pending (a run that ended before a
 * snapshot showed it, so nothing changed) would otherwise take the focus whenever the buttons next
 * change (the toolbar's Stop, appearing minutes later at a start from the API, had taken it from
 * a field being typed in). `drop()` when the press did nothing (a start refused).
 */
import { useEffect, useEffectEvent, useMemo, useRef } from 'react';

/** How long after a press its replacement may take the focus: a snapshot shows a start within 0.1 s. */
const HAND_OVER_MS = 2_000;

export interface FocusHandOver {
  note(button: HTMLElement): void;
  drop(): void;
}

export function useFocusHandOver(
  showing: string | number | boolean,
  target: () => HTMLElement | null | undefined,
): FocusHandOver {
  // When the press was noted (performance.now() ms), or null.
  const pending = useRef<number | null>(null);
  // The render's own `target`, read after the render that changed `showing` (its elements are in).
  const handOver = useEffectEvent(() => {
    const at = pending.current;
    pending.current = null;
    if (at === null || performance.now() - at > HAND_OVER_MS) return;
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    target()?.focus();
  });
  useEffect(() => handOver(), [showing]);
  return useMemo(
    () => ({
      note(button) {
        pending.current = document.activeElement === button ? performance.now() : null;
      },
      drop() {
        pending.current = null;
      },
    }),
    [],
  );
}
