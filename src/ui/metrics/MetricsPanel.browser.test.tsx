import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import { MetricsPanel } from './MetricsPanel';
import { cleanup, freshStore, inPane, kernelRow, render, snapshot } from '../testing/browser';
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

/** The panel in a pane of this size, fed three snapshots of the demo's four kernels. */
function withDemoKernels(width: number, height: number): void {
  render(inPane(width, <MetricsPanel />, height));
  const kernels = ['fraud_processor', 'aggregator', 'pattern_detector', 'alert_sink'].map((id) =>
    kernelRow({ id }),
  );
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) store.getState().ingestSnapshot(snapshot({ kernels }), t0 + i * 200);
}

describe('Metrics charts side by side', () => {
  // Half the dock at 1280x720: the kernels' key takes two lines there and the rates' one; the
  // plots lined up at their foot and the titles did not ("Dispatched, delivered, failed /s" sat a
  // line below "Kernel throughput").
  it('line up their titles at the top and their plots at the foot, whatever their keys take', async () => {
    withDemoKernels(640, 330);
    const parts = (kind: string) => {
      const chart = document.querySelector(`[data-testid="chart-${kind}"]`);
      const title = chart?.querySelector('.u-title')?.getBoundingClientRect();
      const plot = chart?.querySelector('.u-wrap')?.getBoundingClientRect();
      const key = chart?.querySelector('.u-legend')?.getBoundingClientRect();
      return title && plot && key ? { title: title.top, foot: plot.bottom, key: key.height } : null;
    };
    // The second row: the queue depths' key (a kernel each) takes two lines, latency's (p50, p99)
    // one. (The first row's keys both name four lines now, and wrap alike.)
    await expect.poll(() => parts('depths')).not.toBeNull();
    await expect.poll(() => parts('latency')).not.toBeNull();
    // Let a resize settle (the next frame sizes the plots).
    await new Promise((r) => setTimeout(r, 200));
    const latency = parts('latency')!;
    const depths = parts('depths')!;
    // The keys do differ: otherwise this says nothing.
    expect(depths.key).toBeGreaterThan(latency.key + 4);
    expect(Math.abs(latency.title - depths.title)).toBeLessThanOrEqual(1);
    expect(Math.abs(latency.foot - depths.foot)).toBeLessThanOrEqual(1);
  });

  // The half-height pane at 1280x720 (690 x 265): the first row's 0 line and time axis were below
  // the pane's fold, so a rate falling to 0 after Stop could not be seen without scrolling.
  it('show their first row whole in a short pane', async () => {
    withDemoKernels(690, 265);
    const plots = () =>
      ['rates', 'kernels'].map((kind) =>
        document.querySelector(`[data-testid="chart-${kind}"] .u-wrap`)?.getBoundingClientRect(),
      );
    await expect.poll(() => plots().every(Boolean)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    const pane = page.getByTestId('pane').element().getBoundingClientRect();
    for (const plot of plots()) {
      expect(plot!.bottom).toBeLessThanOrEqual(pane.bottom + 1);
      expect(plot!.height).toBeGreaterThanOrEqual(100);
    }
  });

  // Half the dock at 1280x720 under load (the broker's line shown): the kernels' key took two
  // lines and its second began 60 px in from its title (uPlot centres its key), and a 50 px time
  // axis left that chart 35 px of data under its key.
  it('start each line of a key that wraps under its title and leave each plot room for its data', async () => {
    withDemoKernels(640, 230);
    const chart = (kind: string) => document.querySelector(`[data-testid="chart-${kind}"]`);
    await expect.poll(() => chart('kernels')?.querySelector('.u-over')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 200));
    const kernels = chart('kernels')!;
    const title = kernels.querySelector('.u-title')!.getBoundingClientRect();
    const items = [...kernels.querySelectorAll('.u-legend .u-series')]
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.width > 0);
    expect(items.length).toBe(4);
    const lines = new Map<number, number>();
    for (const r of items) {
      const top = Math.round(r.top);
      lines.set(top, Math.min(lines.get(top) ?? Infinity, r.left));
    }
    // Two lines: the case this is about.
    expect(lines.size).toBe(2);
    for (const left of lines.values()) expect(Math.abs(left - title.left)).toBeLessThanOrEqual(8);
    for (const kind of ['rates', 'kernels']) {
      const data = chart(kind)!.querySelector('.u-over')!.getBoundingClientRect();
      expect(data.height).toBeGreaterThanOrEqual(55);
    }
  });
});

/**
 * The panel in a 640 x 330 pane, fed three snapshots of two kernels at 1.23 M/s and 2.47 M/s;
 * gives the kernel rows and the first snapshot's wall time.
 */
function withTwoKernelRates() {
  render(inPane(640, <MetricsPanel />, 330));
  const kernels = ['fraud_processor', 'aggregator'].map((id, i) =>
    kernelRow({ id, ratePerSec: (i + 1) * 1_234_000 }),
  );
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) store.getState().ingestSnapshot(snapshot({ kernels }), t0 + i * 200);
  return { kernels, t0 };
}

describe('Metrics chart values under the pointer', () => {
  // Hovering drew a crosshair and said no number: the key names the lines only.
  it('gives the time and each line value where the pointer is, and goes when it leaves', async () => {
    withTwoKernelRates();
    const chart = () => document.querySelector('[data-testid="chart-kernels"]');
    await expect.poll(() => chart()?.querySelector('.u-over')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 200));
    const over = chart()!.querySelector<HTMLElement>('.u-over')!;
    const box = over.getBoundingClientRect();
    // The newest sample is at the plot's right edge: the pointer near it.
    const move = (x: number) =>
      over.dispatchEvent(
        new MouseEvent('mousemove', {
          clientX: x,
          clientY: box.top + box.height / 2,
          bubbles: true,
        }),
      );
    move(box.right - 2);
    // On the page (a short plot cut it at its foot), one for the chart under the pointer.
    const shown = () =>
      [...document.querySelectorAll<HTMLElement>('.chart-tip')].filter((t) => !t.hidden);
    await expect.poll(() => shown().length).toBe(1);
    const tip = shown()[0]!;
    expect(tip.textContent).toMatch(/fraud_processor: 1\.23\sM\/s/);
    expect(tip.textContent).toMatch(/aggregator: 2\.47\sM\/s/);
    expect(tip.firstElementChild?.textContent).toMatch(/^\d\d:\d\d:\d\d$/);
    // Left of a pointer in the plot's right half, inside the window.
    const t = tip.getBoundingClientRect();
    expect(t.right).toBeLessThanOrEqual(box.right - 2);
    expect(t.left).toBeGreaterThanOrEqual(0);
    expect(t.bottom).toBeLessThanOrEqual(window.innerHeight);
    over.dispatchEvent(new MouseEvent('mouseleave', { bubbles: false }));
    await expect.poll(() => shown().length).toBe(0);
    // Gone with its chart.
    cleanup();
    expect(document.querySelectorAll('.chart-tip')).toHaveLength(0);
  });
});

// QA: the charts were canvases only; their keys, names that looked clickable and could not be
// reached from the keyboard.
describe('Metrics charts for a screen reader and the keyboard', () => {
  it("say each series' latest value and highest in words, and switch series from the keyboard", async () => {
    const { kernels, t0 } = withTwoKernelRates();
    const words = page.getByTestId('chart-words-kernels');
    await expect
      .element(words)
      .toHaveTextContent(
        /^Kernel throughput \(processed\/s in ½ s\), the last minute\. fraud_processor: now 1\.23\sM\/s, highest 1\.23\sM\/s; aggregator: now 2\.47\sM\/s, highest 2\.47\sM\/s\.$/,
      );
    const chart = page.getByTestId('chart-kernels');
    const aggregator = chart.getByRole('switch', { name: 'aggregator' });
    await expect.element(aggregator).toHaveAttribute('aria-checked', 'true');
    (aggregator.element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(aggregator).toHaveAttribute('aria-checked', 'false');
    expect(aggregator.element().closest('tr')?.classList.contains('u-off')).toBe(true);
    await userEvent.keyboard(' ');
    await expect.element(aggregator).toHaveAttribute('aria-checked', 'true');
    // The time axis has no switch.
    expect(chart.getByRole('switch').elements()).toHaveLength(2);
    // Ctrl+click isolates a line: the others' switches say they are off too (a review).
    const fraud = chart.getByRole('switch', { name: 'fraud_processor' });
    fraud.element().dispatchEvent(new MouseEvent('click', { ctrlKey: true, bubbles: true }));
    await expect.element(aggregator).toHaveAttribute('aria-checked', 'false');
    await expect.element(fraud).toHaveAttribute('aria-checked', 'true');
    // A kernel added rebuilds the plot: the focused switch has the focus again in the new one.
    (aggregator.element() as HTMLElement).focus();
    store
      .getState()
      .ingestSnapshot(
        snapshot({ kernels: [...kernels, kernelRow({ id: 'alert_sink', ratePerSec: 5 })] }),
        t0 + 800,
      );
    await expect.element(chart.getByRole('switch', { name: 'alert_sink' })).toBeInTheDocument();
    await expect.poll(() => document.activeElement?.textContent).toBe('aggregator');
    expect(document.activeElement?.getAttribute('role')).toBe('switch');
  });
});

describe('Metrics rates chart', () => {
  // A dropOldest queue pushing 2,000 a second out: every send delivered, no delivery error, so
  // failed/s read 0 while the Dead letters badge climbed.
  it('draws letters of every reason beside the delivery errors', async () => {
    render(inPane(640, <MetricsPanel />, 330));
    const t0 = Date.now();
    for (let i = 0; i <= 12; i++) {
      const s = counts(i * 10_000, i * 10_000);
      store
        .getState()
        .ingestSnapshot(
          { ...s, timeUs: i * 100_000, deadLetters: { ...s.deadLetters, added: i * 200 } },
          t0 + i * 100,
        );
    }
    await expect
      .element(page.getByTestId('chart-words-rates'))
      .toHaveTextContent(/failed\/s: now 0\/s, highest 0\/s; dead-lettered\/s: now 2,000\/s/);
    await expect
      .element(page.getByTestId('chart-rates').getByRole('switch', { name: 'dead-lettered/s' }))
      .toBeInTheDocument();
  });
});

describe('Metrics while the engine is silent', () => {
  it('dims the counters and charts with their age once no snapshot came for a second', async () => {
    render(inPane(640, <MetricsPanel />, 330));
    const t0 = Date.now();
    store.getState().ingestSnapshot(counts(10, 10), t0);
    const counters = page.getByTestId('dispatcher-counters');
    await expect.element(counters).toBeVisible();
    const bar = () => counters.element().closest('.metrics-counters')!;
    expect(bar().classList.contains('stale')).toBe(false);
    store.getState().tickClock(t0 + 1500);
    await expect.poll(() => bar().classList.contains('stale')).toBe(true);
    expect(document.querySelector('.charts')?.classList.contains('stale')).toBe(true);
    expect(bar().getAttribute('title')).toBe("Stale: the engine's last update arrived 1 s ago");
  });
});

describe('Metrics counters in a half-width pane', () => {
  // At 1280x720 the dispatcher's and the broker's counters took two lines of exact figures, the
  // room of the charts' first row.
  it('are compact and on one line, their exact figures on hover', async () => {
    withDemoKernels(668, 300);
    store.getState().ingestSnapshot(counts(8_760_955, 10_516_010), Date.now() + 1000);
    const dispatcher = page.getByTestId('dispatcher-counters');
    const broker = page.getByTestId('broker-counters');
    await expect.element(broker).toBeVisible();
    await expect.element(dispatcher).toHaveTextContent(/dispatched 8\.76\sM/);
    // What the broker's sends are, said on the compact line too: after a redrive "broker sent
    // 10.0 K" beside "delivered 1,024" and 11.0 K processed read as a contradiction (QA).
    const short = (at: typeof dispatcher) =>
      at.element().querySelector('.counters-short')?.textContent ?? '';
    expect(short(dispatcher)).toMatch(/^dispatched 8\.76\sM, delivered /);
    expect(short(broker)).toMatch(/^responses, forwards, redrives \d/);
    const a = dispatcher.element().getBoundingClientRect();
    const b = broker.element().getBoundingClientRect();
    expect(Math.abs(a.top - b.top)).toBeLessThan(2);
    // Set apart by a rule: "errors 2.99 M  responses, forwards, redrives 1.43 M" read as one (QA).
    expect(getComputedStyle(broker.element()).borderLeftStyle).toBe('solid');
    const exact = [...dispatcher.element().querySelectorAll('.counters-short strong')].map((e) =>
      e.getAttribute('title'),
    );
    expect(exact[0]).toBe('8,760,955');
  });

  // QA: "of the delivered, failed later 155,168" wrapped onto a second line at 1280x720.
  it('marks those that failed later on the one line, their count on hover', async () => {
    withDemoKernels(668, 300);
    const s = counts(1_170_000, 1_258_100);
    s.metrics.messagesDelivered = 966_000;
    s.metrics.deliveryErrors = 202_000;
    s.receipts.failedLater = 155_168;
    store.getState().ingestSnapshot(s, Date.now() + 1000);
    const mark = page.getByTestId('failed-later-mark');
    await expect.element(mark).toBeVisible();
    await expect.element(mark).toHaveAccessibleName("155,168 failed later, the broker's included");
    await expect
      .element(mark)
      .toHaveAttribute(
        'title',
        expect.stringMatching(
          /^155,168 delivered, the dispatcher's and the broker's .*, failed later: /,
        ),
      );
    await expect.element(page.getByTestId('failed-later')).not.toBeVisible();
    const bar = page.getByTestId('dispatcher-counters').element().parentElement!;
    const tops = new Set(
      [...bar.children].map((c) => Math.round(c.getBoundingClientRect().top)).filter((t) => t > 0),
    );
    expect(tops.size).toBe(1);
    expect(
      page.getByTestId('dispatcher-counters').element().querySelector('.counters-short')
        ?.textContent,
    ).toBe('dispatched 1.17\u202fM, delivered 966\u202fK ⚠, errors 202\u202fK');
  });

  it('says those that failed later in words where the pane is wide', async () => {
    withDemoKernels(1200, 400);
    const s = counts(1_170_000, 1_258_100);
    s.receipts.failedLater = 155_168;
    store.getState().ingestSnapshot(s, Date.now() + 1000);
    await expect
      .element(page.getByTestId('failed-later'))
      .toHaveTextContent("(155,168 failed later, the broker's included)");
    // With the delivered count it qualifies, not after the broker's counts.
    await expect
      .element(page.getByTestId('dispatcher-counters'))
      .toHaveTextContent(
        /delivered 1,170,000 \(155,168 failed later, the broker's included\), unknown type 0/,
      );
    await expect.element(page.getByTestId('failed-later-mark')).not.toBeVisible();
  });
});
