import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ReceiptsPanel } from './ReceiptsPanel';
import { cleanup, fakeEngine, freshStore, receipt, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';
import type { EngineSnapshot, ReceiptRow } from '../../engine/protocol';
import { encodePayload, layoutOf } from '../../engine/payload';
import { demoConfig } from '../../core/config';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

/** Feeds the store one snapshot with these receipt figures, arriving at `at`. */
function ingest(receipts: EngineSnapshot['receipts'], at = Date.now()) {
  store.getState().ingestSnapshot(snapshot({ receipts }), at);
}

/** The figures of a snapshot whose receipts are these rows, all Delivered. */
const delivered = (recent: ReceiptRow[]): EngineSnapshot['receipts'] => ({
  total: recent.length,
  byStatus: { Delivered: recent.length },
  sampledOut: 0,
  failedLater: 0,
  recent,
});

/** A burst of 300 in one snapshot: 296 delivered, 4 refused with QueueFull. */
function burst() {
  const rows = Array.from({ length: 300 }, (_, i) =>
    receipt(i + 1, i % 75 === 74 ? { status: 'QueueFull', latencyUs: null } : {}),
  );
  ingest({
    total: 300,
    byStatus: { Delivered: 296, QueueFull: 4 },
    sampledOut: 0,
    failedLater: 0,
    recent: rows,
  });
}

describe('Receipts panel (issue 13, point 3)', () => {
  it('shows every row of a burst of 300, with type names and HLC as time · logical', async () => {
    render(<ReceiptsPanel />);
    burst();
    await expect.element(page.getByTestId('receipt-shown')).toHaveTextContent('300 rows shown');
    const table = page.getByRole('table', { name: 'Receipts' });
    await expect.element(table).toHaveAttribute('aria-rowcount', '301');
    // Newest first: message 300, a Transaction, stamped 12:03:04.123456 (local time) · 300.
    const first = page.getByRole('row').nth(1);
    await expect.element(first).toHaveTextContent(/Transaction \(1001\)/);
    await expect.element(first).toHaveTextContent(/\d\d:\d\d:04\.123456 · 300/);
    // The oldest row is there too: scroll to the end of the virtual list.
    const list = page.getByTestId('receipt-list').element() as HTMLElement;
    list.style.height = '300px';
    list.style.overflow = 'auto';
    list.scrollTop = list.scrollHeight;
    await expect.element(page.getByRole('cell', { name: /04\.123456 · 1$/ })).toBeVisible();
  });

  it('says a refused message will never be processed, not that it is not processed yet', async () => {
    render(<ReceiptsPanel />);
    const rows = [
      receipt(1, { latencyUs: null }),
      receipt(2, { status: 'QueueFull', latencyUs: null }),
      receipt(3, { source: 'pattern_detector', destination: 'host', latencyUs: null }),
    ];
    ingest({
      total: 3,
      byStatus: { Delivered: 2, QueueFull: 1 },
      sampledOut: 0,
      failedLater: 0,
      recent: rows,
    });
    const detail = page.getByRole('complementary', { name: 'Receipt detail' });
    const latencyOf = async (logical: number, text: string) => {
      await page.getByRole('cell', { name: new RegExp(`04\\.123456 · ${logical}$`) }).click();
      await expect.element(detail).toHaveTextContent(text);
    };
    await latencyOf(2, 'latencynone: QueueFull, never processed');
    await latencyOf(3, 'latencynone: delivered to the host, no kernel runs it');
    await latencyOf(1, 'latencynot processed yet');
  });

  it('says how many delivered messages failed later (evicted by dropOldest), and updates when only that moves', async () => {
    render(<ReceiptsPanel />);
    const counts = (failedLater: number) => ({
      total: 10_000,
      byStatus: { Delivered: 10_000 },
      sampledOut: 9_000,
      failedLater,
      recent: [],
    });
    ingest(counts(0));
    await expect.element(page.getByTestId('count-Delivered')).toHaveTextContent('Delivered 10,000');
    await expect.element(page.getByTestId('count-failed-later')).not.toBeInTheDocument();
    // A kernel refused messages it had taken: no new receipt, the total stands still.
    ingest(counts(5_904));
    const chip = page.getByTestId('count-failed-later');
    await expect.element(chip).toHaveTextContent('5,904 failed later');
    await expect.element(chip).toHaveAttribute('title', expect.stringMatching(/dropOldest/));
  });

  it('says how to fill an empty tail, and stops saying it at the first receipt', async () => {
    render(<ReceiptsPanel />);
    ingest({ total: 0, byStatus: {}, sampledOut: 0, failedLater: 0, recent: [] });
    const hint = page.getByTestId('receipts-empty');
    await expect.element(hint).toHaveTextContent(/No receipts yet\. Send traffic with ▶ Start/);
    ingest(delivered([receipt(1)]));
    await expect.element(hint).not.toBeInTheDocument();
  });

  it("shows an f32 field as the value sent (524.11), not its double's expansion", async () => {
    render(<ReceiptsPanel />);
    const tx = demoConfig().messageTypes.find((t) => t.typeId === 1001)!;
    const payload = encodePayload(layoutOf(tx.fields), { amount: 524.11 });
    ingest(delivered([receipt(1, { payload })]));
    await page.getByRole('cell', { name: /04\.123456 · 1$/ }).click();
    const amount = page.getByRole('row', { name: /^amount/ });
    await expect.element(amount).toHaveTextContent(/^amount\s*524\.11$/);
  });

  it("shows a burst's rows with the counts above them, not an interval later", async () => {
    render(<ReceiptsPanel />);
    // The page has been showing receipts for a while (the tail's interval has passed)...
    ingest(delivered([receipt(1)]));
    await expect.element(page.getByTestId('receipt-shown')).toHaveTextContent('1 row shown');
    await new Promise((r) => setTimeout(r, 250));
    // ...when a burst arrives: its rows are in the list as soon as its count is above it.
    const rows = Array.from({ length: 300 }, (_, i) => receipt(i + 2));
    ingest({
      total: 301,
      byStatus: { Delivered: 301 },
      sampledOut: 0,
      failedLater: 0,
      recent: rows,
    });
    await expect.element(page.getByTestId('receipt-total')).toHaveTextContent('301 receipts');
    expect(page.getByTestId('receipt-shown').element().textContent).toBe('301 rows shown');
  });

  it('filters by QueueFull in the engine and shows the rows the counter counts', async () => {
    const engine = fakeEngine();
    render(<ReceiptsPanel />, engine);
    burst();
    await expect.element(page.getByTestId('count-QueueFull')).toHaveTextContent('QueueFull 4');
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Filter by status' }),
      'QueueFull',
    );
    await expect.element(page.getByTestId('receipt-shown')).toHaveTextContent('4 rows shown');
    expect(
      page
        .getByRole('row')
        .all()
        .slice(1)
        .map((r) => r.element().getAttribute('data-status')),
    ).toEqual(['QueueFull', 'QueueFull', 'QueueFull', 'QueueFull']);
    expect(engine.sent).toContainEqual({
      type: 'setReceiptFilter',
      filter: { statuses: ['QueueFull'] },
    });
    // Rows the engine captured under the filter later are all kept and shown.
    ingest({
      total: 302,
      byStatus: { Delivered: 296, QueueFull: 6 },
      sampledOut: 0,
      failedLater: 0,
      recent: [receipt(301, { status: 'QueueFull' }), receipt(302, { status: 'QueueFull' })],
    });
    await expect.element(page.getByTestId('receipt-shown')).toHaveTextContent('6 rows shown');
  });

  it('reads its total, status chips and rows from one snapshot, between live views too', async () => {
    render(<ReceiptsPanel />);
    const text = (id: string) => page.getByTestId(id).elements()[0]?.textContent ?? '';
    const num = (t: string) => Number(t.replace(/[^\d]/g, ''));
    /** Every 2 ms from inside the page: each moment the header and the list disagree. */
    const seen: string[] = [];
    const watch = setInterval(() => {
      const chips = ['Delivered', 'QueueFull'].map((s) => num(text(`count-${s}`)));
      const total = num(text('receipt-total'));
      const rows = num(text('receipt-shown'));
      if (chips[0]! + chips[1]! !== total || rows !== total)
        seen.push(`${total} receipts, chips ${chips.join('+')}, ${rows} rows`);
    }, 2);
    let seq = 0;
    let total = 0;
    let refused = 0;
    /** A snapshot with 50 new rows (5 refused), arriving at `at` by the page's clock. */
    const next = (at: number) => {
      const rows = Array.from({ length: 50 }, (_, i) =>
        receipt(++seq, i < 5 ? { status: 'QueueFull', latencyUs: null } : {}),
      );
      total += 50;
      refused += 5;
      const byStatus = { Delivered: total - refused, QueueFull: refused } as never;
      ingest({ total, byStatus, sampledOut: 0, failedLater: 0, recent: rows }, at);
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const t0 = Date.now();
    next(t0);
    await sleep(250); // the tail has been quiet past its interval
    next(t0 + 250); // shown at once, the tail follows at once
    await sleep(20);
    next(t0 + 350); // the live view shows it at once; the tail's next turn is 180 ms away
    await sleep(400);
    clearInterval(watch);
    expect(seen).toEqual([]);
    expect(text('receipt-total')).toBe('150 receipts');
    expect(text('count-QueueFull')).toBe('QueueFull 15');
    expect(text('receipt-shown')).toBe('150 rows shown');
  });

  it('says what each number is and dims the counts when the engine went quiet', async () => {
    render(<ReceiptsPanel />);
    burst();
    await expect.element(page.getByTestId('receipt-total')).toHaveTextContent('300 receipts');
    store.getState().tickClock(Date.now() + 2500);
    await expect
      .element(page.getByTitle(/Stale: the engine's last update arrived 2 s ago/))
      .toBeVisible();
  });

  it('says how many receipts were counted but not captured as rows, only when some were', async () => {
    render(<ReceiptsPanel />);
    burst();
    await expect.element(page.getByTestId('receipt-shown')).toHaveTextContent('300 rows shown');
    expect(page.getByTestId('receipt-sampled-out').elements()).toHaveLength(0);
    ingest(
      {
        total: 3_304,
        byStatus: { Delivered: 3_300, QueueFull: 4 },
        sampledOut: 3_004,
        failedLater: 0,
        recent: [],
      },
      Date.now() + 200,
    );
    await expect
      .element(page.getByTestId('receipt-sampled-out'))
      .toHaveTextContent('(3,004 not captured)');
    await expect.element(page.getByTestId('receipt-total')).toHaveTextContent('3,304 receipts');
  });
});
