import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import './live.css';
import '../shell/shell.css';
import { AccountingBar, QueuesPanel } from './QueuesPanel';
import { cleanup, freshStore, inPane, kernelRow, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';
import { formatCompact } from '../design/format';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

describe('Queues panel (issue 13, points 1 and 2)', () => {
  it('shows queued and in flight apart, never queued above the capacity', async () => {
    render(<QueuesPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({
            id: 'fraud_processor',
            queued: 4096,
            inFlight: 1024,
            capacity: 4096,
            maxDepth: 4096,
          }),
        ],
      }),
      Date.now(),
    );
    await expect
      .element(page.getByTestId('queued-fraud_processor'))
      .toHaveTextContent('4,096 / 4,096');
    await expect.element(page.getByTestId('inflight-fraud_processor')).toHaveTextContent('1,024');
    await expect
      .element(page.getByTestId('queue-row-fraud_processor'))
      .toHaveClass('depth-critical');
  });

  // QA: "319" under "≤64 / 64" read as a queue that held more than it can; the why was on hover only.
  it('says in the cell that a high-water mark above the capacity was reached under an earlier one', async () => {
    render(<QueuesPanel />);
    const show = (maxDepth: number) =>
      store
        .getState()
        .ingestSnapshot(
          snapshot({ kernels: [kernelRow({ id: 'fraud_processor', capacity: 64, maxDepth })] }),
          Date.now(),
        );
    show(319);
    const max = page.getByTestId('max-fraud_processor');
    await expect.element(max).toHaveTextContent('319 earlier');
    await expect
      .element(max)
      .toHaveAttribute(
        'title',
        'Reached under an earlier, larger capacity (the queue holds 64 now)',
      );
    show(64);
    await expect.element(max).toHaveTextContent(/^64$/);
  });

  // Start and Stop had moved every column of the one-line table (a wide or maximised pane): the
  // rate column widened by 20 px from "0/s" to "501 K/s", and the columns beside it followed.
  it('keeps its columns in place between idle and load in a wide pane', async () => {
    render(inPane(1400, <QueuesPanel />));
    const show = (rate: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          kernels: ['fraud_processor', 'aggregator', 'pattern_detector', 'alert_sink'].map((id) =>
            kernelRow({ id, capacity: 4096, processed: 3_010_000, ratePerSec: rate }),
          ),
        }),
        Date.now(),
      );
    const lefts = () =>
      [...document.querySelectorAll('.queues-table thead th')].map((th) =>
        Math.round(th.getBoundingClientRect().left),
      );
    show(0);
    await expect.element(page.getByTestId('rate-fraud_processor')).toHaveTextContent('0/s');
    const idle = lefts();
    expect(idle.length).toBeGreaterThan(8);
    // The view shows a snapshot at most every 100 ms.
    await new Promise((r) => setTimeout(r, 120));
    show(501_000);
    await expect.element(page.getByTestId('rate-fraud_processor')).toHaveTextContent('501 K/s');
    expect(lefts()).toEqual(idle);
  });

  it('keeps what a removed or renamed kernel counted in a row of its own, so the column adds up', async () => {
    render(<QueuesPanel />);
    const base = snapshot();
    // aggregator renamed agg2; `inFlight`: rows it had out on its GPU when removed.
    const removedWith = (inFlight: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          kernels: [kernelRow({ id: 'agg2', processed: 6_296 })],
          accounting: {
            ...base.accounting,
            processed: 7_347,
            inFlight,
            removedKernels: {
              ids: ['aggregator'],
              processed: 1_051,
              emitted: 0,
              dropped: 3,
              deadLettered: 3,
              inFlight,
            },
          },
        }),
        Date.now(),
      );
    removedWith(0);
    const row = page.getByTestId('queue-row-removed');
    await expect.element(row).toHaveTextContent(/^aggregatorremoved/);
    // processed, dropped, all letters, emitted: the kernels' columns, the rest a dash.
    const cells = [...row.element().querySelectorAll('td')].map((td) => td.textContent);
    expect(cells.slice(6)).toEqual(['1,051', '—', '3', '3', '0']);
    expect(cells[3]).toBe('—');
    expect(row.element().getAttribute('title')).toMatch(
      /since the counters were last reset: aggregator/,
    );
    // Removed with a GPU batch out: its rows are in flight under it until they land.
    removedWith(415);
    await expect.element(page.getByTestId('inflight-removed')).toHaveTextContent('415');
  });

  it('shows how full a queue got in the last half second, as the graph does, and what it holds now on hover', async () => {
    render(<QueuesPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [kernelRow({ id: 'fraud_processor', queued: 0, peakQueued: 612, capacity: 4096 })],
      }),
      Date.now(),
    );
    // As the graph and Predict show it: the recent peak, marked, what it holds now on hover.
    const queued = page.getByTestId('queued-fraud_processor');
    await expect.element(queued).toHaveTextContent('≤612 / 4,096');
    await expect
      .element(queued)
      .toHaveAttribute('title', '0 queued of 4,096, up to 612 at once in the last half second');
    await expect.element(page.getByTestId('peak-fraud_processor')).toHaveTextContent(/^612$/);
  });

  // After a burst of 10,000 into a queue of 1,024, "dropped 8,976" stood over "dead-lettered
  // 8,976", and a reader added them up to 17,952 lost: every drop is also a letter.
  it('heads its letters column as all letters, drops among them', async () => {
    render(<QueuesPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [kernelRow({ id: 'pattern_detector', dropped: 8976, deadLettered: 8976 })],
      }),
      Date.now(),
    );
    const head = page.getByText('all letters', { exact: true });
    await expect.element(head).toBeVisible();
    await expect
      .element(head)
      .toHaveAttribute(
        'title',
        expect.stringMatching(/^every dead letter made for this kernel.*its drops/),
      );
    expect(page.getByText('dead-lettered', { exact: true }).elements()).toHaveLength(0);
  });

  it('names the backend that is the bottleneck while a kernel is under back-pressure', async () => {
    render(<QueuesPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({ id: 'fraud_processor', backend: 'webgpu', backpressure: true }),
          kernelRow({ id: 'aggregator', backend: 'cpu', backpressure: false }),
        ],
      }),
      Date.now(),
    );
    await expect
      .element(page.getByTestId('queues-backend-fraud_processor'))
      .toHaveTextContent('WebGPU bottleneck');
    await expect
      .element(page.getByTestId('queues-backend-aggregator'))
      .toHaveTextContent(/^CPU twin\s*$/);
  });

  it('shows the rate falling to 0 as idle snapshots arrive, and dims values older than a second', async () => {
    render(<QueuesPanel />);
    const t0 = Date.now();
    store
      .getState()
      .ingestSnapshot(
        snapshot({ kernels: [kernelRow({ id: 'aggregator', ratePerSec: 14_000 })] }),
        t0,
      );
    // Compact above 10,000 (formatRate), exact below.
    await expect.element(page.getByTestId('rate-aggregator')).toHaveTextContent(/^14\.0\sK\/s$/);
    store
      .getState()
      .ingestSnapshot(
        snapshot({ idle: true, kernels: [kernelRow({ id: 'aggregator', ratePerSec: 0 })] }),
        t0 + 100,
      );
    await expect.element(page.getByTestId('rate-aggregator')).toHaveTextContent('0/s');
    const table = page.getByRole('table', { name: 'Queues' });
    await expect.element(table).toHaveAttribute('data-stale', 'false');
    // No snapshot for 1.5 s: the values are a second old and say so.
    store.getState().tickClock(t0 + 1600);
    await expect.element(table).toHaveAttribute('data-stale', 'true');
    expect(table.element().getAttribute('title')).toMatch(/last update arrived 1 s ago/);
  });
});

/** Books of 42 messages injected and processed, nothing else. */
const FORTY_TWO = {
  injected: 42,
  emitted: 0,
  carriedOver: 0,
  processed: 42,
  toHost: 0,
  queued: 0,
  inFlight: 0,
  failedByStatus: {},
  deadLettered: 0,
  balanced: true,
};

describe('accounting bar', () => {
  it('says since when it counts once the counters were reset', async () => {
    render(
      <footer className="statusbar" style={{ width: 1400 }}>
        <AccountingBar />
      </footer>,
    );
    store.getState().ingestSnapshot(snapshot({ accounting: FORTY_TWO }), Date.now());
    const acc = page.getByTestId('accounting');
    await expect.element(acc).toHaveTextContent('injected 42');
    expect(acc.element().textContent).not.toMatch(/since/);
    // Reset at 14:03:09 local time: the line counts from then, and says so (the generator's "sent"
    // beside it still counts its whole run).
    const at = new Date(2026, 11, 5, 14, 3, 9, 500).getTime() * 1000;
    store
      .getState()
      .ingestSnapshot(snapshot({ accounting: { ...FORTY_TWO, sinceUs: at } }), Date.now() + 200);
    await expect.element(page.getByTestId('accounting-since')).toHaveTextContent('since 14:03:09');
    expect(page.getByTestId('accounting-since').element().getAttribute('title')).toMatch(
      /Reset counters at 14:03:09/,
    );
  });

  it('counts the terms out of view, not the "since" beside the verdict', async () => {
    render(
      <footer className="statusbar" style={{ width: 120 }}>
        <AccountingBar />
      </footer>,
    );
    store
      .getState()
      .ingestSnapshot(
        snapshot({ accounting: { ...FORTY_TWO, sinceUs: Date.now() * 1000 } }),
        Date.now(),
      );
    const more = page.getByTestId('accounting-more');
    await expect.element(more).toBeVisible();
    const acc = page.getByTestId('accounting').element();
    const terms = acc.querySelectorAll('[data-term]').length;
    expect(terms).toBe(7);
    // Every term is out of view (the bar holds the verdict alone): seven, not eight.
    await expect.element(more).toHaveTextContent(`+${terms} more`);
  });

  // The failed term was keyed by its title, which holds its figures: at its first loss it was a
  // new element the size observer never watched, so grown past the room it was hidden with no
  // "+1 more" and the line read "✔ balanced" over terms that did not add up.
  it('refits when the failed term first grows past the room, with nothing else changing', async () => {
    render(
      <footer className="statusbar" style={{ width: 1100 }}>
        <AccountingBar />
      </footer>,
    );
    const at = (evicted: number) =>
      snapshot({
        accounting: {
          injected: 20_000,
          emitted: 1_024,
          carriedOver: 0,
          processed: 7_168,
          toHost: 1_024,
          queued: 0,
          inFlight: 0,
          failedByStatus: evicted ? { Evicted: evicted } : {},
          deadLettered: 0,
          balanced: true,
        },
      });
    store.getState().ingestSnapshot(at(0), Date.now());
    const acc = page.getByTestId('accounting');
    await expect.element(acc).toHaveTextContent(/failed, not kept 0$/);
    await new Promise((r) => setTimeout(r, 100));
    // Exact and whole at first: otherwise this says nothing.
    expect(acc.element().textContent).toContain('injected 20,000');
    const inView = () => {
      const box = acc.element().getBoundingClientRect();
      const terms = [...acc.element().querySelectorAll('[data-term]')];
      return terms.every((t) => t.getBoundingClientRect().top < box.bottom);
    };
    // Every term in view (compact figures), or those out of view counted: never a term gone
    // unsaid, not even for the frame between the new term's render and the size observer's
    // count (the review caught that frame in a screenshot). Checked at each change of the line,
    // before the browser paints it.
    const seen: boolean[] = [];
    const check = new MutationObserver(() =>
      seen.push(inView() || document.querySelector('[data-testid="accounting-more"]') !== null),
    );
    check.observe(acc.element(), { subtree: true, childList: true, characterData: true });
    store.getState().ingestSnapshot(at(13_856), Date.now() + 100);
    await expect.element(acc).toHaveTextContent(/13(,856|\.9\sK)/);
    await new Promise((r) => setTimeout(r, 200));
    check.disconnect();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain(false);
  });

  it('names the dead letters held in its chip when that term is out of view', async () => {
    render(
      <footer className="statusbar" style={{ width: 760 }}>
        <AccountingBar />
      </footer>,
    );
    store.getState().ingestSnapshot(
      snapshot({
        accounting: {
          injected: 20_000,
          emitted: 1_024,
          carriedOver: 0,
          processed: 7_168,
          toHost: 1_024,
          queued: 0,
          inFlight: 0,
          failedByStatus: { Evicted: 3_856 },
          deadLettered: 10_000,
          balanced: true,
        },
      }),
      Date.now(),
    );
    const more = page.getByTestId('accounting-more');
    await expect.element(more).toBeVisible();
    // The largest term was hidden behind "+2 more", the visible sum far from adding up.
    await expect
      .element(more)
      .toHaveTextContent(/^\+\d more · 10\.0\sK held · 3,856 evicted from dead letters$/);
    const acc = page.getByTestId('accounting').element();
    const held = [...acc.children].find((c) =>
      /^\+ (held as )?dead letters/.test(c.textContent ?? ''),
    )!;
    expect(held.getBoundingClientRect().top).toBeGreaterThanOrEqual(
      acc.getBoundingClientRect().bottom,
    );
  });

  it('keeps its verdict in view in a narrow status bar, and names a single reason once', async () => {
    // The app's status bar (shell.css: one line, clipped at the end), narrower than the line.
    render(
      <footer className="statusbar" data-testid="bar" style={{ width: 520 }}>
        <AccountingBar />
      </footer>,
    );
    store.getState().ingestSnapshot(
      snapshot({
        accounting: {
          injected: 10_502_144,
          emitted: 3_661_844,
          carriedOver: 0,
          processed: 11_754_826,
          toHost: 1_000_000,
          queued: 0,
          inFlight: 7_672,
          failedByStatus: { Evicted: 2_391_490 },
          deadLettered: 10_000,
          balanced: true,
        },
      }),
      Date.now(),
    );
    const verdict = page.getByText('✔ balanced');
    await expect.element(verdict).toBeVisible();
    const bar = document.querySelector<HTMLElement>('[data-testid="bar"]')!.getBoundingClientRect();
    const v = verdict.element().getBoundingClientRect();
    expect(v.left).toBeGreaterThanOrEqual(bar.left);
    expect(v.right).toBeLessThanOrEqual(bar.right);
    // The line is longer than the bar: whole terms at its end go out of view, none is cut
    // mid-number, and "+N more" counts them, the whole line in its title.
    const acc = document.querySelector<HTMLElement>('[data-testid="accounting"]')!;
    const box = acc.getBoundingClientRect();
    const terms = [...acc.children]
      .filter((c) => !c.classList.contains('accounting-measure'))
      .map((c) => c.getBoundingClientRect());
    const shown = terms.filter((r) => r.top < box.bottom);
    for (const r of shown) expect(r.right).toBeLessThanOrEqual(box.right + 0.5);
    expect(shown.length).toBeLessThan(terms.length);
    const more = page.getByTestId('accounting-more');
    await expect.element(more).toBeVisible();
    await expect.element(more).toHaveTextContent(`+${terms.length - shown.length} more`);
    // The failed term is out of view: its count is still on screen, in the chip.
    // Named for what became of them ("failed" alone read as a miscount beside QueueFull's count),
    // and where ("evicted" alone read as a kernel's dropOldest evictions, which are held).
    await expect.element(more).toHaveTextContent(/ · 2\.39\sM evicted from dead letters$/);
    await expect
      .element(more)
      .toHaveAttribute(
        'title',
        expect.stringContaining(
          '+ held as dead letters 10,000 + failed, not kept 2,391,490 (evicted from the dead-letter queue)',
        ),
      );
    // Processed is the kernels' share; responses delivered to the host stand apart. Compact: the
    // exact figures do not fit (each term's title has its own).
    expect(acc.textContent).toMatch(/= processed 10\.8\sM\+ to host 1\.00\sM/);
    const processed = [...acc.children].find((c) => c.textContent?.startsWith('= processed'));
    expect(processed?.getAttribute('title')).toMatch(/^10,754,826: consumed by kernels/);
  });

  it('reads compact where the exact figures would put terms out of view, every term in view', async () => {
    // 1280x720's status bar: about 1,100 px left of the Inspector and Panels buttons.
    render(
      <footer className="statusbar" style={{ width: 1100 }}>
        <AccountingBar />
      </footer>,
    );
    const books = {
      injected: 15_308_800,
      emitted: 7_645_796,
      carriedOver: 0,
      processed: 22_954_596,
      toHost: 3_831_141,
      queued: 0,
      inFlight: 0,
      failedByStatus: { Evicted: 781_000 },
      deadLettered: 10_000,
      balanced: true,
    };
    // Small figures first: exact. Then the line grows past the bar, and turns compact without
    // a frame of "+1 more" between (counted on the exact line about to go, it had flashed).
    store.getState().ingestSnapshot(
      snapshot({
        accounting: {
          ...books,
          injected: 10,
          emitted: 0,
          processed: 10,
          toHost: 0,
          failedByStatus: {},
          deadLettered: 0,
        },
      }),
      Date.now(),
    );
    const acc = page.getByTestId('accounting');
    await expect.element(acc).toHaveTextContent(/injected 10\+/);
    let chipSeen = false;
    const watch = new MutationObserver(() => {
      if (document.querySelector('[data-testid="accounting-more"]')) chipSeen = true;
    });
    watch.observe(acc.element().parentElement!, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    store.getState().ingestSnapshot(snapshot({ accounting: books }), Date.now() + 200);
    // Exact, "+3 more · 10.0 K held · 781 K evicted from dead letters" had hidden in flight, the
    // letters held and the failed: the sum on screen did not add up.
    await expect
      .element(acc)
      .toHaveTextContent(
        /^✔ balancedinjected 15\.3\sM\+ emitted 7\.65\sM= processed 19\.1\sM\+ to host 3\.83\sM\+ queued 0\+ in flight 0\+ dead letters 10\.0\sK\+ evicted from dead letters 781\sK$/,
      );
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    watch.disconnect();
    expect(chipSeen).toBe(false);
    const box = acc.element().getBoundingClientRect();
    for (const c of acc.element().querySelectorAll('[data-term]'))
      expect(c.getBoundingClientRect().top).toBeLessThan(box.bottom);
    expect(page.getByTestId('accounting-more').elements()).toHaveLength(0);
    // Each term's exact figure on hover, once ("65,639: evicted from the dead-letter queue:
    // 65,639" had said it twice).
    const failed = [...acc.element().querySelectorAll('[data-term]')].at(-1)!;
    expect(failed.getAttribute('title')).toBe('781,000 evicted from the dead-letter queue');
    // The whole line, exact, on hover.
    await expect
      .element(acc)
      .toHaveAttribute('title', expect.stringContaining('injected 15,308,800 + emitted 7,645,796'));
    // Small numbers again: exact once more.
    store.getState().ingestSnapshot(
      snapshot({
        accounting: {
          ...books,
          injected: 1_000,
          emitted: 0,
          processed: 990,
          toHost: 0,
          queued: 10,
          failedByStatus: {},
          deadLettered: 0,
        },
      }),
      Date.now() + 200,
    );
    await expect
      .element(acc)
      .toHaveTextContent(/^✔ balancedinjected 1,000\+ emitted 0= processed 990/);
  });

  it('keeps every term in view at 1280x720 after Reset counters too, with letters held and evicted', async () => {
    // 1280x720's status bar leaves the line 1,117 px beside its Inspector and Panels buttons
    // (the bar's 8 px padding at its end): "since 10:22:26" beside the verdict had put in
    // flight, the letters held and the evicted behind "+3 more".
    render(
      <footer className="statusbar" style={{ width: 1125 }}>
        <AccountingBar />
      </footer>,
    );
    store.getState().ingestSnapshot(
      snapshot({
        accounting: {
          injected: 12_300_000,
          emitted: 5_520_000,
          carriedOver: 0,
          processed: 17_200_000,
          toHost: 2_460_000,
          queued: 296,
          inFlight: 0,
          failedByStatus: { Evicted: 605_691 },
          deadLettered: 10_000,
          balanced: true,
          sinceUs: Date.now() * 1000,
        },
      }),
      Date.now(),
    );
    const acc = page.getByTestId('accounting');
    await expect.element(acc).toHaveTextContent(/evicted from dead letters 606\sK$/);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const box = acc.element().getBoundingClientRect();
    for (const c of acc.element().querySelectorAll('[data-term]'))
      expect(c.getBoundingClientRect().top).toBeLessThan(box.bottom);
    expect(page.getByTestId('accounting-more').elements()).toHaveLength(0);
    await expect.element(page.getByTestId('accounting-since')).toBeVisible();
  });

  it('shows every term, and no "more", where the line fits', async () => {
    render(
      <footer className="statusbar" style={{ width: 1400 }}>
        <AccountingBar />
      </footer>,
    );
    store.getState().ingestSnapshot(
      snapshot({
        accounting: {
          injected: 1_000,
          emitted: 0,
          carriedOver: 0,
          processed: 990,
          toHost: 0,
          queued: 10,
          inFlight: 0,
          failedByStatus: {},
          deadLettered: 0,
          balanced: true,
        },
      }),
      Date.now(),
    );
    const acc = page.getByTestId('accounting');
    await expect.element(acc).toHaveTextContent(/held as dead letters 0\+ failed, not kept 0$/);
    const box = acc.element().getBoundingClientRect();
    for (const c of acc.element().children)
      expect(c.getBoundingClientRect().top).toBeLessThan(box.bottom);
    expect(page.getByTestId('accounting-more').elements()).toHaveLength(0);
  });

  it('counts again when the numbers grow and push terms out of view', async () => {
    render(
      <footer className="statusbar" style={{ width: 900 }}>
        <AccountingBar />
      </footer>,
    );
    const books = (n: number) => ({
      injected: n,
      emitted: n,
      carriedOver: 0,
      processed: 2 * n - 20,
      toHost: 0,
      queued: 10,
      inFlight: 10,
      failedByStatus: {},
      deadLettered: 0,
      balanced: true,
    });
    store.getState().ingestSnapshot(snapshot({ accounting: books(1_000) }), Date.now());
    const acc = page.getByTestId('accounting');
    await expect.element(acc).toHaveTextContent(/injected 1,000\+/);
    const outOfView = () => {
      const box = acc.element().getBoundingClientRect();
      return [...acc.element().querySelectorAll('[data-term]')].filter(
        (c) => c.getBoundingClientRect().top >= box.bottom,
      ).length;
    };
    expect(outOfView()).toBe(0);
    const more = page.getByTestId('accounting-more');
    expect(more.elements()).toHaveLength(0);
    // Longer numbers: the exact figures no longer fit, the compact ones do.
    store
      .getState()
      .ingestSnapshot(snapshot({ accounting: books(123_456_789_012) }), Date.now() + 200);
    await expect.element(acc).toHaveTextContent(/injected 123\sG\+/);
    expect(outOfView()).toBe(0);
    expect(more.elements()).toHaveLength(0);
    // Longer still: not even compact fits, and "+N more" follows; then longer again: more terms
    // go, and it counts them.
    let hiddenBefore = 0;
    for (const [i, n] of [123_456_789_012_345_000, 123_456_789_012_345_000_000].entries()) {
      store
        .getState()
        .ingestSnapshot(snapshot({ accounting: books(n) }), Date.now() + 200 * (i + 2));
      await expect
        .element(acc)
        .toHaveTextContent(new RegExp(`injected ${formatCompact(n).replace(/\s/g, '\\s')}\\+`));
      await expect.element(more).toBeVisible();
      expect(outOfView()).toBeGreaterThan(hiddenBefore);
      await expect.element(more).toHaveTextContent(`+${outOfView()} more`);
      hiddenBefore = outOfView();
    }
  });
});
