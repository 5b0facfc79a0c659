/**
 * The GPU panel's kernel table in a narrow dock pane (about 560 px at 1280x720): every column is
 * shown, two lines per kernel, without scrolling sideways; a wide pane keeps an ordinary table.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import './gpu.css';
import { GpuPanel } from './GpuPanel';
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
  for (const width of [560, 640])
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
