/**
 * `npm run bench:gpu`: per kernel and batch size, messages/s on WebGPU (full round trip: upload,
 * dispatch, readback of outputs) and on the CPU twin in the same page, with the adapter named.
 * Serves the built app (dist, or BENCH_OUT_DIR) with `vite preview` on a free port and drives
 * Debian's Chromium. On SwiftShader the CPU is expected to win: the adapter column says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import type { GpuCheckApi } from '../src/gpu/check/main.ts';

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
// Fewer repetitions at large batches keep the whole run within about three minutes on SwiftShader.
const REPS: Record<number, number> = { 1_000: 50, 10_000: 20, 100_000: 6, 1_000_000: 2 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within 30 s`);
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return n.toFixed(0);
}

async function main(): Promise<void> {
  const port = await freePort();
  const outDir = process.env.BENCH_OUT_DIR;
  const args = [
    'vite',
    'preview',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--strictPort',
    ...(outDir ? ['--outDir', outDir] : []),
  ];
  const preview = spawn('npx', args, { stdio: 'ignore', detached: true });
  const stop = (): void => {
    if (preview.pid !== undefined && preview.exitCode === null) {
      try {
        process.kill(-preview.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', stop);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/gpu-check.html`, preview);
    const page = await browser.newPage();
    await page.goto(`${base}/gpu-check.html`);
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
    const header = [
      'kernel',
      'batch',
      'reps',
      'webgpu msgs/s',
      'webgpu kernel-only msgs/s',
      'cpu msgs/s',
      'adapter',
    ];
    const lines = rows.map((r) => [
      r.behavior,
      String(r.batchSize),
      String(r.reps),
      fmt(r.webgpuMsgsPerSec),
      r.gpuKernelNs && r.gpuKernelNs > 0 ? fmt(r.batchSize / (r.gpuKernelNs / 1e9)) : '-',
      fmt(r.cpuMsgsPerSec),
      adapter,
    ]);
    const widths = header.map((h, i) =>
      Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)),
    );
    const row = (cells: string[]): string =>
      cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
    console.log(row(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const l of lines) console.log(row(l));
    console.log(
      `bench took ${((Date.now() - t0) / 1000).toFixed(1)} s (webgpu = upload + dispatch + output readback; kernel-only from timestamp queries)`,
    );
  } finally {
    await browser.close();
    stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
