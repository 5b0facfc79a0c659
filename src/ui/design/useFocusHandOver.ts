/**
 * Buttons that replace one another when pressed (Start → Stop → Start, Restart → Stop): the one in
 * place after the change takes the keyboard focus the pressed one had. Without it the focus fell
 * to the page's body when the pressed button went, with nothing for a screen reader to read.
 *
 * `note(button)` at the press (a press by keyboard or pointer: the button has the focus either
 * way); at the first change of `showing` after it (a primitive naming which buttons show), the
 * element `target()` returns takes the focus, only if the focus fell to the page meanwhile. Once:
 * a hand-over left pending (a run that ended before a snapshot showed it) would otherwise take the
 * focus later from wherever the user had put it (the toolbar's Stop, appearing minutes later at
 * a start from the API, had taken it from a field being typed in). `drop()` when the press did
 * nothing (a start refused).
 */
import { useEffect, useEffectEvent, useMemo, useRef } from 'react';

export interface FocusHandOver {
  note(button: HTMLElement): void;
  drop(): void;
}

export function useFocusHandOver(
  showing: string | number | boolean,
  target: () => HTMLElement | null | undefined,
): FocusHandOver {
  const pending = useRef(false);
  // The render's own `target`, read after the render that changed `showing` (its elements are in).
  const handOver = useEffectEvent(() => {
    if (!pending.current) return;
    pending.current = false;
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    target()?.focus();
  });
  useEffect(() => handOver(), [showing]);
  return useMemo(
    () => ({
      note(button) {
        pending.current = document.activeElement === button;
      },
      drop() {
        pending.current = false;
      },
    }),
    [],
  );
}
