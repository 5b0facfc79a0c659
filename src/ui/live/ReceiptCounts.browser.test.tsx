import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { ReceiptCounts, type ReceiptCountsProps } from './ReceiptCounts';
import { cleanup, freshStore, inPane, render } from '../testing/browser';
import tokensCss from '../design/tokens.css?inline';
import controlsCss from '../design/controls.css?inline';
import liveCss from './live.css?inline';

let style: HTMLStyleElement;
beforeEach(() => {
  freshStore();
  style = document.createElement('style');
  style.textContent = `${tokensCss}\n${controlsCss}\n${liveCss}`;
  document.head.append(style);
});
afterEach(() => {
  cleanup();
  style.remove();
});

const counts = (older: number): ReceiptCountsProps => ({
  total: 21_101_951,
  byStatus: { Delivered: 21_101_951 },
  failedLater: 0,
  shown: 20_000,
  sampledOut: 21_101_951 - 20_000 - older,
  older,
  pending: 0,
  filteredOut: 0,
  stale: { className: '' },
});

/**
 * The counts with "9,999 older" in a pane just wide enough for their exact form (its measuring
 * copy is the first), 4 px to spare; `set` gives the line new counts, `room` widens the pane.
 */
async function atTheEdge() {
  let set: (p: ReceiptCountsProps) => void = () => {};
  function Live() {
    const [p, setP] = useState(counts(9_999));
    set = (q) => flushSync(() => setP(q));
    return <ReceiptCounts {...p} />;
  }
  render(inPane(1200, <Live />));
  await expect.element(page.getByTestId('pane')).toBeInTheDocument();
  const pane = page.getByTestId('pane').element() as HTMLElement;
  const line = pane.querySelector<HTMLElement>('[data-fit]')!;
  await expect.poll(() => line.dataset.fit).toBe('exact');
  const exactWidth = line.querySelector<HTMLElement>('.receipts-counts-measure')!.offsetWidth;
  const pad = pane.clientWidth - line.clientWidth;
  const room = (px: number) => (pane.style.width = `${exactWidth + pad + px}px`);
  room(4);
  await expect.poll(() => line.dataset.fit).toBe('exact');
  return { set: (p: ReceiptCountsProps) => set(p), line, room };
}

describe('ReceiptCounts', () => {
  // Under load a count gaining and losing a digit at the edge of the line flipped it between its
  // exact and compact forms several times a second, and the status chips moved with it.
  it('goes back to a longer form only with room to spare', async () => {
    const { set, line, room } = await atTheEdge();
    // A digit more: compact.
    set(counts(10_000));
    await expect.poll(() => line.dataset.fit).toBe('compact');
    // A digit less again: the exact form fits by a few px, and the line stays compact.
    set(counts(9_999));
    await new Promise((r) => setTimeout(r, 100));
    expect(line.dataset.fit).toBe('compact');
    // With room to spare it comes back.
    room(40);
    await expect.poll(() => line.dataset.fit).toBe('exact');
  });

  // Read at each snapshot, the widths forced a layout in the middle of React's commit (16 % of
  // the page's thread at 2 M/s); they are read again only when a count's shape changes.
  it('reads no size off the page while the counts change within their digits, and measures again when one gains a digit', async () => {
    const { set, line } = await atTheEdge();
    // The pane's resize is measured in the next frame: past it.
    await new Promise((r) => setTimeout(r, 100));
    let reads = 0;
    const spy = (proto: object, name: string) => {
      const d = Object.getOwnPropertyDescriptor(proto, name)!;
      Object.defineProperty(proto, name, {
        configurable: true,
        get(this: Element) {
          if (line.contains(this)) reads++;
          return d.get!.call(this) as number;
        },
      });
      return () => Object.defineProperty(proto, name, d);
    };
    const undo = [spy(HTMLElement.prototype, 'offsetWidth'), spy(Element.prototype, 'clientWidth')];
    try {
      for (let older = 9_990; older < 9_999; older++) set(counts(older));
      await new Promise((r) => setTimeout(r, 100));
      expect(reads).toBe(0);
      expect(line.dataset.fit).toBe('exact');
      set(counts(10_000));
      expect(reads).toBeGreaterThan(0);
      expect(line.dataset.fit).toBe('compact');
    } finally {
      for (const u of undo) u();
    }
  });
});
