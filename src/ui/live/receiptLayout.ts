import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * How the receipt tail lays out its seven columns at the width its list has: `wide`, one line at
 * 12 px; `dense`, one line at 11 px (the right pane at 1280x720); `stacked`, two lines per receipt
 * (a narrow pane, or a receipt's detail open beside the list); `narrow`, three lines (a third of
 * the dock at 1280x720, where two lines had cut every type to "Patter…"); `tiny`, four lines (a
 * pane at its least, 240 px, where three cut the time and the route). Every column stays
 * visible in all five; live.css has the tracks. A virtual list must know its row height, hence a
 * measured width rather than a container query.
 */
export type ReceiptLayout = 'wide' | 'dense' | 'stacked' | 'narrow' | 'tiny';

/** Row heights in px, the virtualizer's and the rows' own. */
export const RECEIPT_ROW_HEIGHT: Record<ReceiptLayout, number> = {
  wide: 22,
  dense: 22,
  stacked: 38,
  narrow: 54,
  tiny: 70,
};

/** The narrowest list (px, inside its scrollbar) each one-line layout fits without cutting the demo's names. */
const WIDE_FROM = 748;
const DENSE_FROM = 660;
/**
 * The narrowest list two lines a receipt serve (a 400 px pane, with a receipt's detail beside);
 * a third of the dock at 1440x900 (388 px, a list of about 364) takes three, its types whole.
 */
const STACKED_FROM = 370;
/** The narrowest list three lines serve: a pane at its least (240 px, a list of 216) takes four. */
const NARROW_FROM = 250;

export function receiptLayout(width: number): ReceiptLayout {
  return width >= WIDE_FROM
    ? 'wide'
    : width >= DENSE_FROM
      ? 'dense'
      : width >= STACKED_FROM
        ? 'stacked'
        : width >= NARROW_FROM
          ? 'narrow'
          : 'tiny';
}

/** The layout for the element's content width, following it as the pane is resized. */
export function useReceiptLayout(ref: RefObject<HTMLElement | null>): ReceiptLayout {
  const [layout, setLayout] = useState<ReceiptLayout>('wide');
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setLayout(receiptLayout(el.clientWidth));
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setLayout(receiptLayout(entry.contentRect.width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return layout;
}
