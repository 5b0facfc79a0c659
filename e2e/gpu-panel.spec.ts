import { test, expect } from './workbench';

test('the GPU panel names the adapter honestly and measures both backends', async ({
  wb,
  page,
}) => {
  await wb.open();
  const gpu = await page.evaluate(() => window.workbench.gpu());
  expect(gpu.available).toBe(true);
  expect(gpu.adapter?.isFallbackAdapter).toBe(true); // SwiftShader on this machine kind
  expect(gpu.adapter?.architecture).toMatch(/swiftshader/i);
  await page.getByRole('tab', { name: 'GPU' }).click();
  await expect(page.getByTestId('gpu-adapter')).toContainText('software fallback');
  await page.getByRole('button', { name: 'Measure GPU vs CPU throughput' }).click();
  const table = page.getByTestId('gpu-bench');
  await expect(table).toBeVisible({ timeout: 60_000 });
  // Every kernel at every batch size, on both backends.
  await expect(table.locator('tbody tr')).toHaveCount(16);
  await expect(page.getByTestId('gpu-chart')).toBeVisible();
  // Finished, it says so beside the button and brings the results into the pane's view (they
  // opened below its fold, and the button seemed to have done nothing).
  await expect(
    page.getByRole('status').filter({ hasText: 'Measured 4 kernel behaviours' }),
  ).toBeVisible();
  await expect(table).toBeInViewport();
});

test('the GPU panel says where each kernel runs and why, from live measurements', async ({
  wb,
  page,
}) => {
  test.setTimeout(90_000);
  await wb.open();
  await wb.openPanel('GPU');
  const row = page.getByTestId('placement-fraud_processor');
  await expect(row).toBeVisible();
  await page.evaluate(() => window.workbench.startGenerator({ ratePerSec: 200_000, seed: 3 }));
  // auto measures the WebGPU runtime on copies of live batches: SwiftShader loses to the twin.
  await expect(row).toContainText(/stays on the CPU|CPU twin measured/, { timeout: 60_000 });
  await expect(page.getByTestId('backend-fraud_processor')).toHaveText('auto → CPU twin');
  const k = await page.evaluate(
    () => window.workbench.snapshot()!.kernels.find((x) => x.id === 'fraud_processor')!.placement,
  );
  expect(k.gpuRate).not.toBeNull();
  expect(k.cpuRate!).toBeGreaterThan(k.gpuRate!);
  // The graph's kernel node says the same, with the why on hover.
  const badge = page.getByTestId('backend-badge-fraud_processor');
  await expect(badge).toHaveText('auto → cpu');
  await expect(badge).toHaveAttribute('title', /CPU twin .* WebGPU .* rows? per batch/);
  await page.evaluate(() => window.workbench.stopGenerator());
});
