import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import * as Tooltip from '@radix-ui/react-tooltip';
import { BackendBadge, TrafficControl } from './StatusBadges';
import { cleanup, fakeEngine, freshStore, kernelRow, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

const generator = (running: boolean) => ({ running, emitted: 12_345, lagMs: 0 });

describe('toolbar badges (issue 13, points 7 and 8)', () => {
  it('shows Stop while the generator runs and sends stopGenerator', async () => {
    const engine = fakeEngine();
    render(<TrafficControl />, engine);
    await expect.element(page.getByTestId('traffic-status')).toHaveTextContent('generator idle');
    expect(page.getByRole('button', { name: 'Stop traffic' }).elements()).toHaveLength(0);
    store.getState().ingestSnapshot(snapshot({ generator: generator(true) }), Date.now());
    const stop = page.getByRole('button', { name: 'Stop traffic' });
    await expect.element(stop).toBeVisible();
    await expect.element(page.getByTestId('traffic-status')).toHaveTextContent('12.3');
    await userEvent.click(stop);
    expect(engine.sent).toContainEqual({ type: 'stopGenerator' });
    store.getState().ingestSnapshot(snapshot({ generator: generator(false) }), Date.now());
    await expect.element(page.getByTestId('traffic-status')).toHaveTextContent('generator idle');
  });

  it('shows the rate messages really enter at, and says so when the engine falls behind', async () => {
    render(<TrafficControl />, fakeEngine());
    const spec = { ratePerSec: 10_000_000 };
    const rates = (injectedPerSec: number) => ({
      injectedPerSec,
      processedPerSec: injectedPerSec,
      deadLetteredPerSec: 0,
    });
    // Keeping up: the measured rate, not the 10 M/s asked for.
    store
      .getState()
      .ingestSnapshot(
        snapshot({ generator: { ...generator(true), spec }, rates: rates(9_990_000) }),
        Date.now(),
      );
    const badge = page.getByTestId('traffic-rate');
    await expect.element(badge).toHaveTextContent('9.99 M/s');
    await expect.element(badge).toHaveAttribute('data-behind', 'false');
    // Saturated: 2.71 M of 10 M/s, 3.2 s behind schedule, in amber.
    store.getState().ingestSnapshot(
      snapshot({
        generator: { ...generator(true), spec, lagMs: 3200 },
        rates: rates(2_710_000),
      }),
      Date.now(),
    );
    await expect.element(badge).toHaveTextContent('2.71 M of 10.0 M/s');
    await expect.element(badge).toHaveAttribute('data-behind', 'true');
    await expect.element(badge).toHaveClass(/badge-warn/);
    await expect.element(badge).toHaveAttribute('title', expect.stringMatching(/3\.2 s behind/));
  });

  it('names where the kernels run in one badge instead of a toast per kernel', async () => {
    render(
      <Tooltip.Provider>
        <BackendBadge />
      </Tooltip.Provider>,
    );
    await expect.element(page.getByTestId('backend-badge')).toHaveTextContent('Engine starting');
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({ id: 'a', backend: 'webgpu' }),
          kernelRow({ id: 'b', backend: 'webgpu' }),
          kernelRow({ id: 'c', backend: 'cpu' }),
        ],
      }),
      Date.now(),
    );
    await expect.element(page.getByTestId('backend-badge')).toHaveTextContent('WebGPU 2 · CPU 1');
    expect(store.getState().notices).toHaveLength(0);
  });

  it('is amber only when a kernel runs on its twin for want of WebGPU, not when auto chose it', async () => {
    render(
      <Tooltip.Provider>
        <BackendBadge />
      </Tooltip.Provider>,
    );
    const auto = (gpuRate: number | null, reason: string) =>
      kernelRow({
        id: 'fraud',
        placement: {
          mode: 'auto',
          reason,
          cpuRate: 2e7,
          gpuRate,
          crossoverBatch: null,
          batchSize: 256,
          lastSwitchUs: null,
          switches: 0,
        },
      });
    const badge = page.getByTestId('backend-badge');
    // auto measured WebGPU (a software adapter) 1,000 times slower and stays on the twin: fine.
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          auto(2e4, 'CPU twin 20 M/s vs WebGPU 20 K/s: stays on the CPU.'),
          kernelRow({ id: 'sink' }),
        ],
      }),
      Date.now(),
    );
    await expect.element(badge).toHaveTextContent('CPU twin · 2');
    await expect.element(badge).toHaveClass(/badge-ok/);
    // No adapter: WebGPU was never measured, the twin is a fallback.
    store
      .getState()
      .ingestSnapshot(
        snapshot({ kernels: [auto(null, 'Runs on its CPU twin: no WebGPU adapter.')] }),
        Date.now(),
      );
    await expect.element(badge).toHaveClass(/badge-warn/);
  });
});
