/**
 * The GPU panel's kernel table in a narrow dock pane (about 560 px at 1280x720): every column is
 * shown, two lines per kernel, without scrolling sideways; a wide pane keeps an ordinary table.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import './gpu.css';
// The dock's pane (`.dock-body`, the scroll container), as the app lays it out.
import '../shell/shell.css';
import { GpuPanel } from './GpuPanel';
import { GpuBenchContext, type MeasureThroughput, type ThroughputRow } from './benchContext';
import {
  cleanup,
  freshStore,
  inPane,
  kernelRow,
  overflowIn,
  render,
  snapshot,
} from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

const placed = (
  id: string,
  cpuRate: number | null,
  gpuRate: number | null,
  crossoverBatch: number | null = cpuRate === null ? null : 16_384,
) =>
  kernelRow({
    id,
    ratePerSec: 2_345_678,
    placement: {
      mode: 'auto',
      reason: `CPU twin 8.1 M/s vs WebGPU (swiftshader) 2 K/s at ~109 rows per batch: stays on the CPU.`,
      cpuRate,
      gpuRate,
      crossoverBatch,
      batchSize: 109,
      lastSwitchUs: 0,
      switches: 3,
      gpuReady: true,
    },
  });

describe('GPU panel', () => {
  for (const width of [240, 294, 345, 480, 560, 640])
    it(`shows every column of the kernel table without scrolling at ${width} px`, async () => {
      render(inPane(width, <GpuPanel />));
      store.getState().ingestSnapshot(
        snapshot({
          timeUs: 12_000_000,
          kernels: [
            placed('fraud_processor', 9_080_000, 1_402),
            placed('pattern_detector', null, null),
            placed('aggregator', 9_080_000, 1_402, null),
          ],
        }),
        Date.now(),
      );
      await expect.element(page.getByTestId('placement-pattern_detector')).toBeVisible();
      expect(overflowIn(page.getByTestId('pane').element() as HTMLElement)).toEqual([]);
      const table = page.getByRole('table', { name: 'Kernel backends' });
      await expect.element(table).toHaveTextContent('from 16,384 rows');
      await expect.element(table).toHaveTextContent('switched 12 s ago');
      // Where WebGPU starts to win: measured and never faster, or not measured at all.
      const faster = (id: string) =>
        page.getByTestId(`backend-${id}`).element().closest('tr')?.querySelector('.g-faster')
          ?.textContent;
      expect(faster('aggregator')).toBe('never measured faster');
      expect(faster('pattern_detector')).toBe('not measured');
      await expect.element(page.getByTestId('backend-fraud_processor')).toBeVisible();
      // Two lines: where it runs under the kernel's name.
      const name = page.getByRole('cell', { name: 'fraud_processor', exact: true }).element();
      const where = page.getByTestId('backend-fraud_processor').element();
      expect(where.getBoundingClientRect().top).toBeGreaterThanOrEqual(
        name.getBoundingClientRect().bottom - 1,
      );
    });

  it('is an ordinary one-line table in a wide pane', async () => {
    render(inPane(1100, <GpuPanel />));
    store
      .getState()
      .ingestSnapshot(
        snapshot({ kernels: [placed('fraud_processor', 9_080_000, 1_402)] }),
        Date.now(),
      );
    const where = page.getByTestId('backend-fraud_processor');
    await expect.element(where).toBeVisible();
    expect(getComputedStyle(where.element().parentElement!).display).toBe('table-row');
    const pane = page.getByTestId('pane').element() as HTMLElement;
    expect(overflowIn(pane)).toEqual([]);
  });
});

describe('GPU panel: what the measured rates are', () => {
  for (const width of [560, 1100])
    it(`says the batch size the rates were measured at, and that WebGPU's can read below processed now (${width} px)`, async () => {
      render(inPane(width, <GpuPanel />));
      // A kernel forced to WebGPU that cannot keep up: 48.5 K/s processed over the last half
      // second, batches of every size; its WebGPU rate measured 44 K/s at about 505 rows.
      store.getState().ingestSnapshot(
        snapshot({
          kernels: [
            kernelRow({
              id: 'pattern_detector',
              backend: 'webgpu',
              ratePerSec: 48_500,
              placement: {
                mode: 'webgpu',
                reason:
                  'Backend set to webgpu: WebGPU (swiftshader) 44.0 K/s vs CPU twin 9.37 M/s at ~505 rows per batch; auto would run it on the CPU twin.',
                cpuRate: 9_370_000,
                gpuRate: 44_000,
                crossoverBatch: null,
                batchSize: 505,
                lastSwitchUs: 0,
                switches: 1,
                gpuReady: true,
              },
            }),
          ],
        }),
        Date.now(),
      );
      const row = page.getByTestId('backend-pattern_detector');
      await expect.element(row).toBeVisible();
      const cell = (cls: string) => row.element().closest('tr')?.querySelector(cls)?.textContent;
      expect(cell('.g-gpu')).toBe('44.0\u202fK/s');
      expect(cell('.g-rate')).toBe('48.5\u202fK/s');
      expect(cell('.g-batch')).toBe('~505 rows');
      // One row is a row: "~1 rows" had stood above "~1 row".
      store.getState().ingestSnapshot(
        snapshot({
          kernels: [
            kernelRow({
              id: 'pattern_detector',
              placement: {
                mode: 'auto',
                reason: 'measuring',
                cpuRate: null,
                gpuRate: null,
                crossoverBatch: null,
                batchSize: 1,
                lastSwitchUs: null,
                switches: 0,
                gpuReady: true,
              },
            }),
          ],
        }),
        Date.now() + 1000,
      );
      await expect.poll(() => cell('.g-batch')).toBe('~1 row');
      // The note is true of this kernel: WebGPU's rate is a round trip at one batch size, so a
      // kernel that cannot keep up can process more than it (it said every measured rate was
      // kernel compute alone, above what the engine processes).
      const note = page.getByTestId('gpu-measured-note');
      await expect.element(note).toHaveTextContent(/batches of about the size shown/);
      await expect.element(note).toHaveTextContent(/On WebGPU it is the whole round trip/);
      await expect.element(note).toHaveTextContent(/more when it also took batches larger/);
      expect(overflowIn(page.getByTestId('pane').element() as HTMLElement)).toEqual([]);
    });
});

describe('GPU panel at its default size', () => {
  it('shows the kernels before the note on how they are measured (588 x 264 px, 1280x720)', async () => {
    render(
      <div style={{ width: 588, height: 264, display: 'flex', flexDirection: 'column' }}>
        <div className="dock-body" data-testid="pane">
          <GpuPanel />
        </div>
      </div>,
    );
    store.getState().ingestSnapshot(
      snapshot({
        timeUs: 12_000_000,
        kernels: ['fraud_processor', 'aggregator', 'pattern_detector', 'alert_sink'].map((id) =>
          placed(id, 8_100_000, 2_000),
        ),
      }),
      Date.now(),
    );
    await expect.element(page.getByTestId('placement-aggregator')).toBeInTheDocument();
    await expect.element(page.getByTestId('gpu-adapter')).toBeVisible();
    const pane = page.getByTestId('pane').element().getBoundingClientRect();
    // Two kernels, where each runs and why, in view without scrolling: the note had come first
    // and left one kernel's first line above the fold.
    for (const id of ['fraud_processor', 'aggregator'])
      expect(
        page.getByTestId(`placement-${id}`).element().getBoundingClientRect().bottom,
        id,
      ).toBeLessThanOrEqual(pane.bottom);
    // The note is still there, under the table.
    const note = page.getByTestId('gpu-measured-note').element().getBoundingClientRect();
    const table = page.getByRole('table', { name: 'Kernel backends' }).element();
    expect(note.top).toBeGreaterThanOrEqual(table.getBoundingClientRect().bottom);
  });
});

describe('GPU panel: the throughput measurement', () => {
  const sizes = [1_024, 4_096, 16_384, 65_536];
  const rows: ThroughputRow[] = ['fraud', 'aggregator', 'pattern', 'generic'].flatMap((b, i) =>
    sizes.map((batchSize) => ({
      behavior: b,
      batchSize,
      webgpuMsgsPerSec: batchSize * 50 * (i + 1),
      cpuMsgsPerSec: 9_000_000 + i * 1e6,
      gpuKernelNs: batchSize * 200,
    })),
  );
  const measure: MeasureThroughput = () => Promise.resolve(rows);
  async function measured(width: number, using: MeasureThroughput = measure) {
    render(
      <GpuBenchContext.Provider value={using}>
        <div style={{ width, height: 360 }}>
          <div className="dock-body" data-testid="pane">
            <GpuPanel />
          </div>
        </div>
      </GpuBenchContext.Provider>,
    );
    const button = page.getByRole('button', { name: 'Measure GPU vs CPU throughput' });
    await expect.element(button, { timeout: 20_000 }).toBeEnabled();
    await button.click();
    await expect.element(page.getByTestId('gpu-bench')).toBeVisible();
    return page.getByTestId('pane').element() as HTMLElement;
  }

  for (const width of [560, 1100])
    it(`keeps nothing visible above the results' stuck header (${width} px)`, async () => {
      const pane = await measured(width);
      const table = page.getByTestId('gpu-bench').element();
      const heads = [...table.querySelectorAll('thead th')];
      const inHead = (x: number, y: number) =>
        heads.some((th) => th.contains(document.elementFromPoint(x, y)));
      // Scrolled to the middle of the results: their header is stuck at the top of the pane.
      const bodyRow = table.querySelectorAll('tbody tr')[6]!;
      pane.scrollTop += bodyRow.getBoundingClientRect().top - pane.getBoundingClientRect().top - 5;
      await new Promise(requestAnimationFrame);
      const top = pane.getBoundingClientRect().top + pane.clientTop;
      const r = heads[0]!.getBoundingClientRect();
      expect(r.top).toBeCloseTo(top, 0);
      const right = heads[heads.length - 1]!.getBoundingClientRect().right;
      for (const x of [r.left + 4, (r.left + right) / 2, right - 4])
        for (const y of [top + 0.5, top + 4, r.bottom - 0.5])
          expect(inHead(x, y), `${x}, ${y}`).toBe(true);
    });

  it('writes its rates as every panel does: 2,931/s, 205 K/s', async () => {
    await measured(1100, () =>
      Promise.resolve([{ ...rows[0]!, webgpuMsgsPerSec: 2_930.9 }, ...rows.slice(1)]),
    );
    const cells = [...page.getByTestId('gpu-bench').element().querySelectorAll('tbody tr')].map(
      (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    // It had read "2,930.9 /s" beside "25.3 K/s".
    expect(cells[0]![2]).toBe('2,931/s');
    expect(cells[1]![2]).toBe('205\u202fK/s');
  });

  it('draws a small chart: one-line title, a key of names and line styles, labelled axes', async () => {
    await measured(560);
    // Why these rates differ from the placement table's: said beside them.
    await expect
      .element(page.getByTestId('gpu-bench-note'))
      .toHaveTextContent(/compare the two backends within a row.*decide where a kernel runs/);
    const chart = page.getByTestId('gpu-chart');
    await expect.element(chart).toBeVisible();
    const el = chart.element();
    // No legend of values ("fraud webgpu: --" until hovered), no title in uPlot's large type.
    expect(el.querySelector('.u-legend')).toBeNull();
    expect(el.querySelector('.u-title')).toBeNull();
    expect(el.textContent).not.toContain('--');
    const key = page.getByRole('list', { name: 'Chart key' });
    await expect
      .element(key)
      .toHaveTextContent(/fraud.*aggregator.*pattern.*generic.*WebGPU.*CPU twin/);
    const caption = el.querySelector('figcaption')!;
    expect(caption.getBoundingClientRect().height).toBeLessThan(
      parseFloat(getComputedStyle(caption).fontSize) * 2,
    );
    expect(el.getBoundingClientRect().right).toBeLessThanOrEqual(
      page.getByTestId('pane').element().getBoundingClientRect().right,
    );
  });
});
