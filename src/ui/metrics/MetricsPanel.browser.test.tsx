import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import { MetricsPanel } from './MetricsPanel';
import { cleanup, freshStore, inPane, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

/** A snapshot with these dispatcher counts and receipts (those beyond dispatched are the broker's). */
function counts(dispatched: number, receipts: number) {
  return snapshot({
    metrics: {
      messagesDispatched: dispatched,
      messagesDelivered: dispatched,
      unknownTypeErrors: 0,
      deliveryErrors: 0,
    },
    receipts: {
      total: receipts,
      byStatus: { Delivered: receipts },
      sampledOut: receipts,
      failedLater: 0,
      recent: [],
    },
  });
}

describe('Metrics panel', () => {
  // A third of the dock at 1440x900: Reset counters sat after the counters, and moved whenever a
  // count grew a digit or the broker's line appeared with the first response.
  it('keeps Reset counters where it is while the counters grow and the broker line appears', async () => {
    render(inPane(440, <MetricsPanel />, 500));
    store.getState().ingestSnapshot(counts(0, 0), Date.now());
    const reset = page.getByRole('button', { name: 'Reset counters' });
    await expect.element(reset).toBeVisible();
    const at = () => {
      const r = reset.element().getBoundingClientRect();
      return [Math.round(r.left), Math.round(r.top)];
    };
    const before = at();
    store.getState().ingestSnapshot(counts(3_385_112, 4_158_904), Date.now() + 200);
    await expect.element(page.getByTestId('broker-counters')).toBeVisible();
    await expect.element(page.getByTestId('dispatcher-counters')).toHaveTextContent('3,385,112');
    expect(at()).toEqual(before);
  });
});
