import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import { PredictPanel } from './PredictPanel';
import { cleanup, freshStore, inPane, kernelRow, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';
import type { EngineSnapshot } from '../../engine/protocol';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

const kernels = () =>
  ['fraud_processor', 'aggregator', 'pattern_detector', 'alert_sink'].map((id) =>
    kernelRow({ id, capacity: 4096, ratePerSec: 400_000 }),
  );

const saturated = (lagMs: number, injectedPerSec: number): Partial<EngineSnapshot> => ({
  kernels: kernels(),
  rates: { injectedPerSec, processedPerSec: injectedPerSec, deadLetteredPerSec: 0 },
  generator: { running: true, emitted: 1, lagMs, onWorker: true, spec: { ratePerSec: 4_000_000 } },
});

describe('Predict panel', () => {
  it('names the engine as the bottleneck when it cannot take the asked rate and every kernel keeps up', async () => {
    render(<PredictPanel />);
    store.getState().ingestSnapshot(snapshot(saturated(0, 1_540_000)), Date.now());
    const note = page.getByTestId('predict-engine-limit');
    await expect.element(page.getByTestId('bottleneck-1001')).toHaveTextContent(/none: keeps up/);
    expect(note.elements()).toHaveLength(0);
    // 3.2 s behind, 1.54 M/s of 4 M/s: the engine is the limit.
    store.getState().ingestSnapshot(snapshot(saturated(3_200, 1_540_000)), Date.now() + 100);
    await expect
      .element(note)
      .toHaveTextContent(
        '⚠ The engine is the bottleneck: messages enter at 1.54 M/s of the 4.00 M/s asked, and the generator is 3.2 s behind its schedule.',
      );
    await expect
      .element(page.getByTestId('bottleneck-1001'))
      .toHaveTextContent(/the engine \(above\)/);
    // Behind but entering faster than asked (catching up after a stall): not the engine's limit.
    store.getState().ingestSnapshot(snapshot(saturated(3_200, 4_400_000)), Date.now() + 200);
    await expect.element(note).not.toBeInTheDocument();
  });

  // Saturated, with small queues under bursts: "Its thread … is the limit, not a kernel" stood
  // above paths whose bottleneck was a kernel losing messages. Both hold, and it says so.
  it('says kernels losing messages beside the engine limit, not "not a kernel"', async () => {
    render(<PredictPanel />);
    const lossy = (k: ReturnType<typeof kernels>[number]) =>
      k.id === 'pattern_detector' || k.id === 'alert_sink'
        ? { ...k, capacity: 64, dropped: 0, lettersHeld: 0 }
        : k;
    const base = saturated(3_200, 1_540_000);
    // Two snapshots a second apart: the second's refusals are losses in the last second.
    store
      .getState()
      .ingestSnapshot(snapshot({ ...base, kernels: kernels().map(lossy) }), Date.now());
    store.getState().ingestSnapshot(
      snapshot({
        ...base,
        timeUs: 1_000_000,
        kernels: kernels()
          .map(lossy)
          .map((k) =>
            k.capacity === 64
              ? { ...k, deadLettered: 5_000, lettersHeld: 5_000, dropped: 5_000 }
              : k,
          ),
      }),
      Date.now() + 1000,
    );
    const note = page.getByTestId('predict-engine-limit');
    await expect
      .element(note)
      .toHaveTextContent(
        /limits the rate; besides, pattern_detector and alert_sink lose messages at their queues \(the paths below\)\.$/,
      );
    await expect.element(note).not.toHaveTextContent(/not a kernel/);
    await expect.element(page.getByTestId('bottleneck-1003')).toHaveTextContent(/pattern_detector/);
  });

  // "full in" and "drained in" read "—" with nothing on hover, where μ and ρ beside them said why.
  it('says on hover why a kernel has no time to full or to drained', async () => {
    render(<PredictPanel />);
    store.getState().ingestSnapshot(snapshot({ kernels: kernels() }), Date.now());
    const row = page.getByTestId('predict-row-aggregator');
    await expect.element(row).toBeInTheDocument();
    const cells = [...row.element().querySelectorAll('td')];
    const full = cells[cells.length - 2]!;
    const drained = cells[cells.length - 1]!;
    expect(full.textContent).toBe('—');
    expect(drained.textContent).toBe('—');
    expect(full.title).toMatch(/^Not predicted: its service rate is not measured yet/);
    expect(drained.title).toBe('Nothing queued to drain');
  });

  // At 100 K/s the graph read "≤100 / 4,096" and Predict "0 / 4,096" for the same queue: the
  // engine drains each queue every slice, so its depth at the snapshot's instant is 0.
  it('shows a queue drained at the instant as its recent peak, as the graph does', async () => {
    render(<PredictPanel />);
    const rows = kernels().map((k) =>
      k.id === 'aggregator'
        ? { ...k, queued: 0, peakQueued: 310 }
        : { ...k, queued: 12, peakQueued: 12 },
    );
    store.getState().ingestSnapshot(snapshot({ kernels: rows }), Date.now());
    const cell = page.getByTestId('predict-depth-aggregator');
    await expect.element(cell).toHaveTextContent('≤310 / 4,096');
    await expect
      .element(cell)
      .toHaveAttribute('title', expect.stringMatching(/^0 queued of 4,096, up to 310 at once/));
    await expect
      .element(page.getByTestId('predict-depth-alert_sink'))
      .toHaveTextContent(/^12 \/ 4,096$/);
  });

  it('lists the kernels in the config order, as Queues and the graph do', async () => {
    render(<PredictPanel />);
    store.getState().ingestSnapshot(snapshot({ kernels: kernels() }), Date.now());
    await expect.element(page.getByTestId('predict-row-alert_sink')).toBeInTheDocument();
    const ids = [...document.querySelectorAll('[data-testid^="predict-row-"]')].map((r) =>
      r.getAttribute('data-testid')!.slice('predict-row-'.length),
    );
    expect(ids).toEqual(store.getState().config.kernels.map((k) => k.id));
    // Its rates are averages, said where they are read, not only on hover.
    const heads = [...document.querySelectorAll('th')].map((th) => th.textContent ?? '');
    // Said on both rate heads: beside the graph's half-second rates they differ under load.
    expect(heads.filter((h) => h.includes('(avg)'))).toEqual([
      'λ arrivals/s (avg)',
      'μ service/s (avg)',
    ]);
  });

  it("names a kernel losing messages as its path's bottleneck, and does not say it keeps up", async () => {
    render(<PredictPanel />);
    // aggregator's queue of 128 overflows between snapshots that each find it drained.
    const at = (processed: number, dropped: number) =>
      snapshot({
        kernels: kernels().map((k) =>
          k.id === 'aggregator' ? { ...k, capacity: 128, queued: 0, processed, dropped } : k,
        ),
      });
    store.getState().ingestSnapshot(at(0, 0), Date.now());
    store.getState().ingestSnapshot(at(5_000, 1_200), Date.now() + 100);
    const row = page.getByTestId('predict-row-aggregator');
    await expect.element(row).toHaveAttribute('data-warning', 'true');
    await expect.element(row).not.toHaveTextContent(/keeps up/);
    // μ unmeasured, its floor said: what it processed (5,000 in 0.1 s), not "not measured" alone
    // beside a kernel the graph badges a bottleneck (QA).
    await expect.element(row).toHaveTextContent(/≥ 50(\.0)? K/);
    await expect.element(row).not.toHaveTextContent(/not measured/);
    await expect.element(page.getByTestId('bottleneck-1002')).toHaveTextContent(/aggregator/);
    await expect.element(page.getByTestId('bottleneck-1002')).toHaveTextContent(/losing/);
    // Why, and what helps, in words under the table.
    await expect
      .element(page.getByTestId('predict-lumps'))
      .toHaveTextContent(
        '⚠ aggregator loses messages while keeping up between snapshots: traffic arrives in lumps larger than its queue (128), and the excess is refused or evicted before the kernel runs. A larger queue, or steadier arrivals, stops the loss.',
      );
  });
});

describe('Predict in a narrow pane', () => {
  it('fits a half-width pane at 1280x720 while queues lose messages: "not measured" wraps', async () => {
    // Nothing processed yet, so no floor to give μ: "not measured".
    render(inPane(564, <PredictPanel />));
    const at = (processed: number, dropped: number) =>
      snapshot({
        kernels: kernels().map((k) =>
          k.id === 'aggregator' || k.id === 'alert_sink'
            ? { ...k, queued: 0, peakQueued: k.capacity, processed, dropped }
            : k,
        ),
      });
    store.getState().ingestSnapshot(at(0, 0), Date.now());
    store.getState().ingestSnapshot(at(0, 1_200), Date.now() + 100);
    await expect
      .element(page.getByTestId('predict-row-aggregator'))
      .toHaveTextContent(/not measured/);
    // "DRAINED IN" had been cut to "DRAINE" at the box's edge: 585 px of table in 564.
    const box = page.getByRole('table', { name: 'Queue predictions' }).element().parentElement!;
    expect(box.scrollWidth).toBeLessThanOrEqual(box.clientWidth);
    // With messages processed, μ reads its floor ("≥ 50.0 K"): that fits too.
    store.getState().ingestSnapshot(at(5_000, 2_400), Date.now() + 200);
    await expect.element(page.getByTestId('predict-row-aggregator')).toHaveTextContent(/≥ \d/);
    expect(box.scrollWidth).toBeLessThanOrEqual(box.clientWidth);
  });

  it('scrolls its tables sideways in their own boxes; the pane stays put', async () => {
    // Queues split off the left pane at 1280x720: a 294 px pane.
    render(inPane(294, <PredictPanel />));
    store.getState().ingestSnapshot(snapshot({ kernels: kernels() }), Date.now());
    await expect.element(page.getByTestId('predict-row-aggregator')).toBeInTheDocument();
    const pane = page.getByTestId('pane').element();
    // The whole pane had scrolled sideways with the tables, 569 px wide.
    expect(pane.scrollWidth).toBeLessThanOrEqual(pane.clientWidth);
    for (const name of ['Queue predictions', 'Bottleneck per path']) {
      const box = page.getByRole('table', { name }).element().parentElement!;
      expect(box.className).toBe('table-scroll');
      expect(box.scrollWidth, name).toBeGreaterThan(box.clientWidth);
    }
  });
});
