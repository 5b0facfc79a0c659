import { expect, test, type Page } from '@playwright/test';
import type { GpuCheckApi } from '../src/gpu/check/main.ts';

// SwiftShader runs compute shaders on two shared CPU cores: give the checks room.
test.setTimeout(180_000);

async function openCheck(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text()))
      errors.push(m.text());
  });
  await page.goto('/gpu-check.html');
  await expect(page.locator('#gpu-check[data-ready="true"]')).toBeVisible({ timeout: 30_000 });
  expect(errors).toEqual([]);
}

const api = (page: Page) => ({
  status: () =>
    page.evaluate(() => (window as unknown as { gpuCheck: GpuCheckApi }).gpuCheck.status()),
  run: (o: Parameters<GpuCheckApi['run']>[0]) =>
    page.evaluate((opts) => (window as unknown as { gpuCheck: GpuCheckApi }).gpuCheck.run(opts), o),
  loss: (o: Parameters<GpuCheckApi['deviceLossTest']>[0]) =>
    page.evaluate(
      (opts) => (window as unknown as { gpuCheck: GpuCheckApi }).gpuCheck.deviceLossTest(opts),
      o,
    ),
  resources: () =>
    page.evaluate(() => (window as unknown as { gpuCheck: GpuCheckApi }).gpuCheck.resources()),
});

test('the page loads under the CSP and names the adapter honestly', async ({ page }) => {
  await openCheck(page);
  const s = await api(page).status();
  expect(s.available).toBe(true);
  if (!s.available) return;
  expect(s.adapter.vendor.length + s.adapter.architecture.length).toBeGreaterThan(0);
  // On this machine the adapter is SwiftShader, which must be reported as a fallback adapter.
  if (/swiftshader/i.test(s.adapter.architecture + s.adapter.description))
    expect(s.adapter.isFallbackAdapter).toBe(true);
  await expect(page.getByRole('heading', { name: 'Adapter' })).toBeVisible();
});

test('every kernel on WebGPU equals its CPU twin across batches and ring wrap-arounds, and frees its buffers', async ({
  page,
}) => {
  await openCheck(page);
  const before = await api(page).resources();
  // The last case uploads every batch through the mapped staging buffer (large batches' path).
  for (const [seed, batchSize, stagedUploadMinRows] of [
    [1, 1024, undefined],
    [99, 1024, undefined],
    [7, 16_384, undefined],
    [5, 1024, 1],
  ] as const) {
    const results = await api(page).run({
      seed,
      batches: 7,
      batchSize,
      ...(stagedUploadMinRows === undefined ? {} : { stagedUploadMinRows }),
    });
    expect(results.map((r) => r.behavior).sort()).toEqual([
      'aggregator',
      'fraud',
      'generic',
      'pattern',
    ]);
    for (const r of results) {
      expect(r.firstMismatch, `${r.behavior} seed ${seed}`).toBeUndefined();
      expect(r.equal).toBe(true);
      expect(r.ringWraps).toBeGreaterThan(0);
      expect(r.outputsCompared).toBeGreaterThan(0);
    }
    // The traffic must exercise every rule, or equality would prove little.
    expect(results.find((r) => r.behavior === 'fraud')?.coverage).toBe(7);
    expect(results.find((r) => r.behavior === 'pattern')?.coverage).toBe(3);
  }
  const after = await api(page).resources();
  expect(after.created).toBeGreaterThan(before.created);
  expect(after.live).toBe(before.live);
});

test('device loss between and during batches moves kernels to their twins with nothing lost', async ({
  page,
}) => {
  await openCheck(page);
  const results = await api(page).loss({ seed: 5, batches: 8, batchSize: 1024, lossAt: 5 });
  expect(results).toHaveLength(8);
  for (const r of results) {
    const label = `${r.behavior} ${r.mode}`;
    expect(r.backendBefore, label).toBe('webgpu');
    expect(r.backendAfter, label).toBe('cpu');
    expect(r.firstMismatch, label).toBeUndefined();
    expect(r.outputs, label).toBe(r.expectedOutputs);
    expect(r.fallback?.rerunInFlight, label).toBe(true);
  }
  expect((await api(page).resources()).live).toBe(0);
});
