/**
 * The live panels' tables in the dock's pane widths (1280x720 gives panes of about 560 and 670 px of
 * content): nothing scrolls sideways and no value is cut; a wide pane keeps an ordinary table.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import './live.css';
import { QueuesPanel } from './QueuesPanel';
import { DeadLettersPanel } from './DeadLettersPanel';
import { ReceiptsPanel } from './ReceiptsPanel';
import {
  badgesPlaced,
  cleanup,
  fakeEngine,
  freshStore,
  inPane,
  kernelRow,
  letterQueue,
  overflowIn,
  receipt,
  render,
  snapshot,
} from '../testing/browser';
import type { DeadLetterRow, EngineReply, ReceiptRow } from '../../engine/protocol';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

const pane = () => page.getByTestId('pane').element() as HTMLElement;

/** The demo's kernels, busy: long names, large totals, one under back-pressure on WebGPU. */
const busyKernels = () => [
  kernelRow({
    id: 'fraud_processor',
    backend: 'webgpu',
    backpressure: true,
    queued: 65_536,
    inFlight: 16_384,
    capacity: 65_536,
    maxDepth: 65_536,
    processed: 123_456_789,
    ratePerSec: 2_345_678,
    dropped: 1_234_567,
    deadLettered: 98_765,
    emitted: 12_345_678,
  }),
  kernelRow({ id: 'aggregator', queued: 4096, capacity: 4096, processed: 9_999 }),
  kernelRow({ id: 'pattern_detector', queued: 12, capacity: 1024, ratePerSec: 49_876 }),
  kernelRow({ id: 'alert_sink', capacity: 1024 }),
];

describe('Queues in a narrow pane', () => {
  for (const width of [240, 294, 345, 400, 480, 520, 560, 640])
    it(`shows every column without scrolling at ${width} px`, async () => {
      render(inPane(width, <QueuesPanel />));
      store.getState().ingestSnapshot(snapshot({ kernels: busyKernels() }), Date.now());
      await expect.element(page.getByTestId('queue-row-alert_sink')).toBeVisible();
      expect(overflowIn(pane())).toEqual([]);
      // The bottleneck badge in its row's empty slot, over no figure.
      expect(pane().querySelectorAll('td .badge').length).toBeGreaterThan(0);
      expect(badgesPlaced(pane())).toEqual([]);
      // Two lines per kernel: the backend under the kernel's name, the rate under processed.
      const kernel = page.getByTestId('queue-row-fraud_processor').element();
      const name = kernel.querySelector('.q-kernel')!.getBoundingClientRect();
      const backend = page.getByTestId('queues-backend-fraud_processor').element();
      expect(backend.getBoundingClientRect().top).toBeGreaterThanOrEqual(name.bottom - 1);
      await expect.element(page.getByTestId('rate-fraud_processor')).toBeVisible();
      await expect.element(page.getByTestId('inflight-fraud_processor')).toBeVisible();
      // A shortened header keeps the column's full name for assistive technology.
      const queued = pane().querySelector('th.q-queued')!;
      expect(queued.textContent).toMatch(/cap\.$/);
      expect(queued.getAttribute('aria-label')).toBe('queued / capacity');
      // Every header on one line of its own ("dead-lettered" had wrapped onto a third line).
      const heights = [...pane().querySelectorAll('th')].map(
        (th) => th.getBoundingClientRect().height,
      );
      expect(Math.max(...heights) - Math.min(...heights)).toBeLessThan(2);
    });

  it('is an ordinary one-line table in a wide pane', async () => {
    render(inPane(1000, <QueuesPanel />));
    store.getState().ingestSnapshot(snapshot({ kernels: busyKernels() }), Date.now());
    const row = page.getByTestId('queue-row-fraud_processor');
    await expect.element(row).toBeVisible();
    expect(getComputedStyle(row.element()).display).toBe('table-row');
    expect(overflowIn(pane())).toEqual([]);
  });
});

const letter = (id: number): DeadLetterRow =>
  ({
    id,
    messageId: 1_000_000 + id,
    typeId: 4242,
    reason: 'NoRoute',
    source: 'fraud_processor',
    destination: 'pattern_detector',
    tenantId: 0,
    attempts: 3,
    priority: 0,
    correlationId: 0,
    parentId: null,
    atUs: 0,
    payload: new Uint8Array(4),
    detail: 'no route for message type 4242',
  }) as DeadLetterRow;

/** An engine whose dead-letter listing holds `rows` of `total`, all for pattern_detector. */
const listingEngine = (rows: DeadLetterRow[], total: number) =>
  fakeEngine((cmd) =>
    cmd.type === 'listDeadLetters'
      ? ({
          ok: true,
          command: 'listDeadLetters',
          deadLetters: {
            total,
            rows,
            byDestination: { pattern_detector: total },
            byDestinationType: { pattern_detector: { 4242: total } },
          },
        } as EngineReply)
      : undefined,
  );

describe('Dead letters in a narrow pane', () => {
  // 340 and 400: a third of the dock, a split pane ("TYPE MESS…", "SOURCE → DESTI…" at 340).
  for (const width of [340, 400, 560, 670])
    it(`shows every column without scrolling at ${width} px`, async () => {
      const engine = listingEngine([letter(1), letter(2)], 2);
      render(inPane(width, <DeadLettersPanel />), engine);
      await expect
        .element(page.getByRole('cell', { name: 'fraud_processor → pattern_detector' }).first())
        .toBeVisible();
      expect(overflowIn(pane())).toEqual([]);
    });
});

describe('Dead letters of a full queue in the half-width pane at 1280x720', () => {
  // 'queue of "pattern_detector" is full (1024)' wrapped each row onto three lines there: a row
  // and a half in view under the redrive advice.
  it('keeps the detail on one line, the core words on hover', async () => {
    const full = (i: number) =>
      ({
        ...letter(i),
        reason: 'Rejected',
        source: 'host',
        detail: 'queue of "pattern_detector" is full (1024)',
      }) as DeadLetterRow;
    const engine = listingEngine([full(1), full(2)], 2);
    render(inPane(670, <DeadLettersPanel />), engine);
    const cell = page.getByRole('cell', { name: 'queue full (1,024)' }).first();
    await expect.element(cell).toBeVisible();
    await expect
      .element(cell)
      .toHaveAttribute('title', 'queue of "pattern_detector" is full (1024)');
    const el = cell.element();
    const line = parseFloat(getComputedStyle(el).lineHeight);
    const range = document.createRange();
    range.selectNodeContents(el);
    expect(range.getClientRects().length).toBe(1);
    expect(range.getBoundingClientRect().height).toBeLessThan(line * 1.5);
  });
});

/** Receipts with the demo's longest type label and route, a 9-digit message id, slow. */
function receipts(): ReceiptRow[] {
  return Array.from({ length: 40 }, (_, i) =>
    receipt(i + 1, {
      messageId: 123_456_000 + i,
      typeId: i % 2 ? 1002 : 1010,
      source: 'fraud_processor',
      destination: 'alert_sink',
      status: i % 3 ? 'Delivered' : 'QueueFull',
      hops: 2,
      latencyUs: 123_456,
    }),
  );
}

describe('Receipts in a narrow pane', () => {
  for (const [width, layout] of [
    [560, 'stacked'],
    [400, 'stacked'],
    // A third of the dock at 1440x900 (a list 364 px wide) and at 1280x720: two lines had cut
    // every type ("Patter…", "FraudAlert (1…") and route.
    [364, 'narrow'],
    [345, 'narrow'],
    [294, 'narrow'],
    // A pane at its least: three lines had cut the time and the route (QA).
    [240, 'tiny'],
    [662, 'dense'],
    [750, 'wide'],
  ] as const)
    it(`lays out as ${layout} at ${width} px with every column whole`, async () => {
      render(inPane(width, <ReceiptsPanel />));
      const rows = receipts();
      store.getState().ingestSnapshot(
        snapshot({
          receipts: {
            total: rows.length,
            byStatus: {},
            sampledOut: 0,
            failedLater: 0,
            recent: rows,
          },
        }),
        Date.now(),
      );
      const list = page.getByTestId('receipt-list');
      await expect.element(list).toHaveAttribute('data-layout', layout);
      // Where the hour is hidden the header says mm:ss ("14:07.583950" under "HLC time" read as
      // 14:07, not 13:14:07).
      await expect
        .element(page.getByRole('columnheader', { name: /^HLC/ }))
        .toHaveTextContent(layout === 'wide' ? 'HLC time · logical' : 'HLC mm:ss · logical');
      await expect.element(page.getByRole('row').nth(1)).toBeVisible();
      // Rows do not overlap: the virtual list places them at the height the layout has.
      const [a, b] = page
        .getByRole('row')
        .all()
        .slice(1, 3)
        .map((r) => r.element().getBoundingClientRect());
      expect(b!.top).toBeGreaterThanOrEqual(a!.bottom - 0.5);
      const cut = overflowIn(list.element() as HTMLElement);
      // At 400 px (a receipt's detail open beside the list) the type and route may be shortened,
      // with the whole text as their title; the other columns stay whole.
      const shortened = (c: string) => c.includes('→') || c.includes('(10');
      expect(width === 400 ? cut.filter((c) => !shortened(c)) : cut).toEqual([]);
    });
});

describe('Receipts, empty, in a narrow pane', () => {
  // A third of the dock at 1280x720: "No receipts yet…" was drawn over the three-line header.
  for (const width of [345, 500, 750])
    it(`says how to fill the list under its header, not over it (${width} px)`, async () => {
      render(inPane(width, <ReceiptsPanel />));
      const empty = page.getByTestId('receipts-empty');
      await expect.element(empty).toBeVisible();
      const head = page.getByRole('row').first().element().getBoundingClientRect();
      const text = empty.element().getBoundingClientRect();
      expect(text.top).toBeGreaterThanOrEqual(head.bottom);
    });
});

describe("Receipts' HLC column", () => {
  for (const [width, layout] of [
    [662, 'dense'],
    [750, 'wide'],
  ] as const)
    it(`shows every row's time whole and lined up, whatever its logical counter (${layout})`, async () => {
      render(inPane(width, <ReceiptsPanel />));
      // Counters of 1 to 5 digits, as a burst stamped in one microsecond has (10,000 count to
      // 19,998).
      const rows = [1, 22, 333, 4444, 19998].map((logical, i) =>
        receipt(i + 1, {
          hlc: { physical: Date.UTC(2026, 0, 1, 12, 3, 4) * 1000 + 123_456, logical, nodeId: 1 },
        }),
      );
      store.getState().ingestSnapshot(
        snapshot({
          receipts: { total: 5, byStatus: {}, sampledOut: 0, failedLater: 0, recent: rows },
        }),
        Date.now(),
      );
      const list = page.getByTestId('receipt-list');
      await expect.element(list).toHaveAttribute('data-layout', layout);
      await expect.element(page.getByRole('row').nth(5)).toBeVisible();
      const times = [...list.element().querySelectorAll<HTMLElement>('[role="cell"] .hlc-time')];
      expect(times).toHaveLength(5);
      const shown = times.map((t) => (t.firstElementChild as HTMLElement).innerText);
      // The narrow layout drops the hour on every row alike; the wide one keeps it (local time).
      expect(new Set(shown).size).toBe(1);
      expect(shown[0]).toMatch(layout === 'wide' ? /^\d\d:03:04\.123456$/ : /^03:04\.123456$/);
      for (const t of times) {
        expect(t.scrollWidth).toBeLessThanOrEqual(t.clientWidth);
        // To the fraction of a pixel: the ellipsis takes the place of text 0.4 px too wide, which
        // the rounded scrollWidth does not show.
        const text = (t.firstElementChild as HTMLElement).getBoundingClientRect().width;
        expect(text).toBeLessThanOrEqual(t.getBoundingClientRect().width + 0.01);
      }
      const lefts = new Set(times.map((t) => Math.round(t.getBoundingClientRect().left)));
      const rights = new Set(times.map((t) => Math.round(t.getBoundingClientRect().right)));
      expect([lefts.size, rights.size]).toEqual([1, 1]);
    });
});

/** The tops of a bar's controls, rounded: one value when they share a line. */
const lines = (bar: Element) =>
  new Set([...bar.children].map((c) => Math.round(c.getBoundingClientRect().top)));

describe("Receipts' bar in a half-width pane at 1280x720", () => {
  it('keeps its controls on one line, where they were, when the counts grow', async () => {
    render(inPane(668, <ReceiptsPanel />));
    const controls = page.getByRole('combobox', { name: 'Filter by status' });
    await expect.element(controls).toBeVisible();
    const bar = (controls.element() as HTMLElement).parentElement!;
    const before = bar.getBoundingClientRect().top;
    expect(lines(bar).size).toBe(1);
    // A busy run: millions counted, most not captured as rows.
    store.getState().ingestSnapshot(
      snapshot({
        receipts: {
          total: 18_546_996,
          byStatus: { Delivered: 18_546_996 },
          sampledOut: 18_506_374,
          failedLater: 0,
          recent: receipts(),
        },
      }),
      Date.now(),
    );
    await expect
      .element(page.getByTestId('receipt-sampled-out'))
      .toHaveTextContent('(40,582 older, 18,506,374 not captured)');
    expect(bar.getBoundingClientRect().top).toBe(before);
    expect(lines(bar).size).toBe(1);
    expect(lines(page.getByTestId('receipt-total').element().parentElement!).size).toBe(1);
  });
});

describe("Receipts' bar in a third-width pane", () => {
  // A third of the dock at 1280x720 (345 px) and at 1440x900 (364 px): the filters on one line,
  // Pause, Clear and Export on the next. Two "Export …" buttons had taken a third line, and left
  // the list a single receipt in view at 1280x720.
  for (const width of [345, 364])
    it(`keeps its controls on two lines at ${width} px, both exports named`, async () => {
      render(inPane(width, <ReceiptsPanel />));
      const controls = page.getByRole('combobox', { name: 'Filter by status' });
      await expect.element(controls).toBeVisible();
      const bar = (controls.element() as HTMLElement).parentElement!;
      expect(lines(bar).size).toBe(2);
      await expect.element(page.getByRole('button', { name: 'Export JSON' })).toBeVisible();
      await expect.element(page.getByRole('button', { name: 'Export CSV' })).toBeVisible();
      expect(overflowIn(bar)).toEqual([]);
    });
});

describe('Receipts paused in a half-width pane at 1280x720', () => {
  it('keeps its bar and list where they were, the held count over the list', async () => {
    render(inPane(668, <ReceiptsPanel />));
    const ingest = (total: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          receipts: {
            total,
            byStatus: { Delivered: total },
            sampledOut: total - 20,
            failedLater: 0,
            recent: receipts(),
          },
        }),
        Date.now() + total,
      );
    ingest(1_000);
    const pause = page.getByRole('button', { name: 'Pause' });
    await expect.element(pause).toBeVisible();
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return [r.left, r.top, r.width, r.height].map(Math.round);
    };
    const bar = (pause.element() as HTMLElement).parentElement!;
    const list = page.getByTestId('receipt-list').element();
    const before = { bar: box(bar), list: box(list), button: box(pause.element()) };
    await pause.click();
    // A busy engine goes on: a million receipts held back while paused.
    for (let i = 1; i <= 5; i++) ingest(1_000 + i * 250_000);
    const resume = page.getByRole('button', { name: 'Resume' });
    await expect.element(page.getByTestId('receipts-held')).toHaveTextContent(/new receipts held/);
    expect({ bar: box(bar), list: box(list), button: box(resume.element()) }).toEqual(before);
    await resume.click();
    await expect.element(page.getByTestId('receipts-held')).not.toBeInTheDocument();
  });
});

describe("Dead letters' bars in a half-width pane at 1280x720", () => {
  it('fit the count, filters and Export on one line and the redrive on the next', async () => {
    const engine = listingEngine([letter(1), letter(2)], 10_000);
    render(inPane(668, <DeadLettersPanel />), engine);
    store.getState().ingestSnapshot(
      snapshot({
        deadLetters: letterQueue({ count: 10_000, evicted: 36_421 }),
      }),
      Date.now(),
    );
    await expect
      .element(page.getByRole('button', { name: 'Redrive all matching (10,000)' }))
      .toBeVisible();
    const bars = [...pane().querySelectorAll('.dead-letters > .panel-bar:not([hidden])')];
    expect(bars).toHaveLength(2);
    const tops = (bar: Element) =>
      new Set([...bar.children].map((c) => Math.round(c.getBoundingClientRect().top)));
    // Selects and inputs sit a pixel or two off the text's top: allow that, not a new line.
    for (const bar of bars) {
      const t = [...tops(bar)];
      expect(Math.max(...t) - Math.min(...t)).toBeLessThan(10);
    }
    // The redrive's options (at most, pace, priority, correlation id) open in a line of their own.
    await page.getByRole('button', { name: /^Options/ }).click();
    const options = pane().querySelector('.dead-letters-redrive-options');
    expect(options).not.toBeNull();
    const t = [...tops(options!)];
    expect(Math.max(...t) - Math.min(...t)).toBeLessThan(10);
  });
});

describe('Receipts in a pane as narrow as it goes (240 px), under the tabs of a 1280x720 window', () => {
  it('keeps a header and three rows of the list in view; the pane scrolls to them', async () => {
    store.getState().ingestSnapshot(
      snapshot({
        receipts: {
          total: 1_660_428,
          byStatus: { Delivered: 1_659_976, QueueFull: 452 },
          sampledOut: 1_622_369,
          failedLater: 95_904,
          recent: Array.from({ length: 20 }, (_, i) => receipt(i + 1)),
        },
      }),
      Date.now(),
    );
    render(inPane(240, <ReceiptsPanel />, 170));
    const list = page.getByTestId('receipt-list');
    await expect.element(list).toBeInTheDocument();
    const el = list.element() as HTMLElement;
    const rows = [...el.querySelectorAll('[role="row"][data-status]')] as HTMLElement[];
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const header = el.querySelector('[role="row"]:not([data-status])') as HTMLElement;
    const need = header.offsetHeight + 3 * rows[0]!.offsetHeight;
    // Squeezed by its bars, the list had no height at all (216x0 px) and no row could be reached.
    expect(el.clientHeight).toBeGreaterThanOrEqual(need);
    expect(pane().scrollHeight).toBeGreaterThan(pane().clientHeight);
  });
});

describe('Receipts in a short pane (a third of 1280x720, or split below)', () => {
  for (const [width, height] of [
    [345, 200],
    [668, 150],
  ] as const)
    it(`keeps its counts line whole at ${width} x ${height} px; the list gives up the room`, async () => {
      store.getState().ingestSnapshot(
        snapshot({
          receipts: {
            total: 6_853_829,
            byStatus: { Delivered: 6_853_829 },
            sampledOut: 6_833_829,
            failedLater: 0,
            recent: Array.from({ length: 20 }, (_, i) => receipt(i + 1)),
          },
        }),
        Date.now(),
      );
      render(inPane(width, <ReceiptsPanel />, height));
      const counts = page.getByTestId('receipt-total');
      await expect.element(counts).toBeVisible();
      const line = (counts.element() as HTMLElement).parentElement!;
      // Squeezed by the list's least height, the line was 4 px of its 18: cut through its text.
      expect(line.clientHeight).toBeGreaterThanOrEqual(line.scrollHeight);
      const text = counts.element().getBoundingClientRect();
      expect(line.getBoundingClientRect().bottom).toBeGreaterThanOrEqual(text.bottom - 0.5);
    });
});
