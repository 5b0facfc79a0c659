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
});
