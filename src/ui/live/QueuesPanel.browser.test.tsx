import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { QueuesPanel } from './QueuesPanel';
import { cleanup, freshStore, kernelRow, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';

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
