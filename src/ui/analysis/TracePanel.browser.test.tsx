import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { TracePanel } from './TracePanel';
import { cleanup, freshStore, receipt, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

/** One snapshot bringing receipts for messages `from`..`to` (a Transaction each). */
function receipts(from: number, to: number) {
  const recent = [];
  for (let i = from; i <= to; i++) recent.push(receipt(i));
  store.getState().ingestSnapshot(
    snapshot({
      receipts: { total: to, byStatus: { Delivered: to }, sampledOut: 0, failedLater: 0, recent },
    }),
    Date.now(),
  );
}

describe('Trace panel: recent messages', () => {
  it('holds still under the pointer so Trace hits the row it was aimed at, and names types', async () => {
    render(<TracePanel />);
    receipts(1, 10);
    const first = page.getByRole('table', { name: 'Recent messages' }).getByRole('row').nth(1);
    await expect.element(first).toHaveTextContent(/^10Transaction/);
    await userEvent.hover(first);
    receipts(11, 20);
    // Held: message 10 is still on top, however many arrived meanwhile.
    await expect.element(page.getByText('held still while the pointer is here')).toBeVisible();
    await expect.element(first).toHaveTextContent(/^10Transaction/);
    await userEvent.unhover(first);
    await expect.element(first).toHaveTextContent(/^20Transaction/);
  });
});
