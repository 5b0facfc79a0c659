/**
 * `npm run bench:gpu`: per kernel and batch size, messages/s on WebGPU (full round trip: upload,
 * dispatch, readback of outputs) and on the CPU twin in the same page, with the adapter named.
 * Serves the built app (dist, or BENCH_OUT_DIR) with `vite preview` on a free port and drives
 * Debian's Chromium. On SwiftShader the CPU is expected to win: the adapter column says so.
 */
import type { GpuCheckApi } from '../src/gpu/check/main.ts';
import { printTable, withBench } from './browser.ts';
import { fmtRate } from './stats.ts';

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
// Fewer repetitions at large batches keep the whole run within about three minutes on SwiftShader.
const REPS: Record<number, number> = { 1_000: 50, 10_000: 20, 100_000: 6, 1_000_000: 2 };

async function main(): Promise<void> {
  await withBench(async ({ browser, baseUrl }) => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/gpu-check.html`);
    await page.waitForSelector('#gpu-check[data-ready="true"]', { timeout: 60_000 });
    const status = await page.evaluate(() =>
      (window as unknown as { gpuCheck: GpuCheckApi }).gpuCheck.status(),
    );
    if (!status.available) throw new Error(`WebGPU unavailable: ${status.reason}`);
    const a = status.adapter;
    const adapter = `${a.vendor}/${a.architecture}${a.isFallbackAdapter ? ' (fallback, software)' : ''}`;
    console.log(
      `adapter: ${adapter}; description: ${a.description || '-'}; timestamp-query: ${status.timestampQuery}`,
    );
    const t0 = Date.now();
    const rows = await page.evaluate(
      ({ sizes, reps }) =>
        (window as unknown as { gpuCheck: GpuCheckApi }).gpuCheck.bench({ sizes, reps }),
      { sizes: SIZES, reps: REPS },
    );
    printTable([
      [
        'kernel',
        'batch',
        'reps',
        'webgpu msgs/s',
        'webgpu kernel-only msgs/s',
        'cpu msgs/s',
        'adapter',
      ],
      ...rows.map((r) => [
        r.behavior,
        String(r.batchSize),
        String(r.reps),
        fmtRate(r.webgpuMsgsPerSec),
        r.gpuKernelNs && r.gpuKernelNs > 0 ? fmtRate(r.batchSize / (r.gpuKernelNs / 1e9)) : '-',
        fmtRate(r.cpuMsgsPerSec),
        adapter,
      ]),
    ]);
    console.log(
      `bench took ${((Date.now() - t0) / 1000).toFixed(1)} s (webgpu = upload + dispatch + output readback; kernel-only from timestamp queries)`,
    );
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
