/**
 * Shared harness for the browser benchmarks (`bench:ui`, `bench:live`): serves the built app
 * (`dist/`) with `vite preview` on a free port, drives Debian's Chromium headless through
 * playwright-core, samples frame times inside the page, and prints what machine the figures come
 * from. Everything is torn down at the end, also when the benchmark throws.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { readThreadStat } from './proc.ts';
import { percentile } from './stats.ts';

export { median, percentile, printTable } from './stats.ts';

/** Summary of a series of frame deltas, in milliseconds. */
export interface FrameStats {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface BenchEnv {
  browser: Browser;
  /** `http://127.0.0.1:<port>`, serving the built app. */
  baseUrl: string;
}

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
  throw new Error(
    `vite preview did not answer at ${url} within 30 s; run \`npx vite build\` first`,
  );
}

/**
 * Run `fn` with a served app and a headless Chromium; both are stopped afterwards, whether `fn`
 * returns or throws (and on process exit, in case of a hard interrupt).
 */
export async function withBench<T>(fn: (env: BenchEnv) => Promise<T>): Promise<T> {
  const port = await freePort();
  // Detached so the whole `npx` -> node process group can be signalled at once.
  const preview = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { stdio: 'ignore', detached: true },
  );
  const stopPreview = (): void => {
    if (preview.pid !== undefined && preview.exitCode === null) {
      try {
        process.kill(-preview.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', stopPreview);
  let browser: Browser | undefined;
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForServer(`${baseUrl}/`, preview);
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    return await fn({ browser, baseUrl });
  } finally {
    await browser?.close().catch(() => undefined);
    stopPreview();
    process.off('exit', stopPreview);
  }
}

/**
 * A fresh browser context ready for `page.evaluate` of bench code. tsx compiles with esbuild's
 * keepNames, which wraps inner functions in a `__name(...)` helper that exists only in Node; the
 * init script gives pages an identity stand-in so evaluated functions run unchanged.
 */
export async function newBenchContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await ctx.addInitScript('globalThis.__name = (f) => f;');
  return ctx;
}

export function frameStats(deltas: readonly number[]): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
  };
}

interface SamplerWindow {
  __benchFrames?: { deltas: number[]; running: boolean };
}

/**
 * Start collecting requestAnimationFrame deltas in the page. The loop lives in the page so the
 * figures are the page's own frame pacing, not Playwright's polling.
 */
export async function startFrameSampler(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as SamplerWindow;
    if (w.__benchFrames) w.__benchFrames.running = false;
    const state = { deltas: [] as number[], running: true };
    w.__benchFrames = state;
    let last = -1;
    const tick = (t: number): void => {
      if (!state.running) return;
      if (last >= 0) state.deltas.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Frame deltas the running sampler has collected from index `from` on (it keeps running). */
export async function peekFrameDeltas(page: Page, from: number): Promise<number[]> {
  return page.evaluate((i) => {
    const w = window as unknown as SamplerWindow;
    return w.__benchFrames ? w.__benchFrames.deltas.slice(i) : [];
  }, from);
}

/** Stop the sampler started by {@link startFrameSampler} and summarise what it collected. */
export async function stopFrameSampler(page: Page): Promise<FrameStats> {
  const deltas = await page.evaluate(() => {
    const w = window as unknown as SamplerWindow;
    const s = w.__benchFrames;
    if (!s) return [];
    s.running = false;
    return s.deltas;
  });
  return frameStats(deltas);
}

/**
 * What renders WebGPU in this browser: the app's own report when it offers one
 * (`window.workbench.gpu()`), else the adapter info straight from `navigator.gpu`.
 */
async function gpuDescription(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const wb = (window as unknown as { workbench?: { gpu?: () => unknown } }).workbench;
    if (wb && typeof wb.gpu === 'function') {
      try {
        const r: unknown = await wb.gpu();
        const text = JSON.stringify(r);
        const swift = /swiftshader/i.test(text) ? ' (SwiftShader, software: no real GPU)' : '';
        return `WebGPU per window.workbench.gpu(): ${text}${swift}`;
      } catch {
        // fall through to navigator.gpu
      }
    }
    const gpu = (
      navigator as unknown as {
        gpu?: {
          requestAdapter(): Promise<{
            info?: { vendor?: string; architecture?: string; description?: string };
          } | null>;
        };
      }
    ).gpu;
    if (!gpu) return 'WebGPU unavailable';
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'WebGPU: no adapter';
    const info = adapter.info ?? {};
    const text = [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ');
    const swift = /swiftshader/i.test(text) ? ' (SwiftShader, software: no real GPU)' : '';
    return `WebGPU adapter ${text || 'unnamed'}${swift}`;
  });
}

/** One line naming the machine, Node, Chromium and the WebGPU adapter the figures come from. */
export async function machineLine(browser: Browser, page: Page): Promise<string> {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const gpu = await gpuDescription(page).catch(
    (e: unknown) => `WebGPU check failed (${String(e)})`,
  );
  return `Machine: ${model}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, Chromium ${browser.version()} headless; ${gpu}`;
}

/**
 * CPU seconds used so far by every thread of every Chromium process, keyed `pid/tid/name` (Linux
 * `/proc`, user + system, at the usual 100 ticks a second); null where there is no `/proc`.
 * Thread names are the kernel's 15 characters: `DedicatedWorker` (the engine's, the generator's
 * and the GPU's workers), `chromium` (the page's and the browser's main threads), `Compositor`,
 * `ThreadPoolForeg` (raster, GC), `VizCompositorTh` (drawing the screen).
 */
export function chromiumThreadCpu(): Map<string, number> | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const out = new Map<string, number>();
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const { name, cpuSeconds } = readThreadStat(`/proc/${pid}/task/${tid}/stat`);
        out.set(`${pid}/${tid}/${name}`, cpuSeconds);
      }
    } catch {
      // A process or thread that ended while being read.
    }
  }
  return out;
}

/**
 * Per cent of a core each thread name used between two `chromiumThreadCpu` readings `seconds`
 * apart, busiest first, and the total.
 */
export function cpuShare(
  before: Map<string, number>,
  after: Map<string, number>,
  seconds: number,
): { total: number; byName: [string, number][] } {
  const byName = new Map<string, number>();
  let total = 0;
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? v);
    total += d;
    const name = k.split('/')[2] ?? k;
    byName.set(name, (byName.get(name) ?? 0) + d);
  }
  const pct = (x: number): number => (100 * x) / seconds;
  return {
    total: pct(total),
    byName: [...byName].map(([n, d]): [string, number] => [n, pct(d)]).sort((a, b) => b[1] - a[1]),
  };
}

/** `12.3` style milliseconds for tables. */
export function ms(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : 'n/a';
}

/** Heap of a dedicated worker, read over the browser's CDP connection. */
/** A CDP session on one worker: its URL, a command call, and detach. */
export interface WorkerSession {
  /** The worker script's URL. */
  url: string;
  call(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Playwright gives no CDP session for a worker, so attach to its target from a browser session in
 * the (older, non-flattened) mode where commands travel as `Target.sendMessageToTarget` text and
 * replies come back as `Target.receivedMessageFromTarget` events. Returns null when no worker
 * target whose URL contains `urlPart` exists.
 */
export async function attachWorker(
  browser: Browser,
  urlPart: string,
): Promise<WorkerSession | null> {
  const session = await browser.newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes(urlPart));
  if (!target) {
    await session.detach().catch(() => undefined);
    return null;
  }
  const { sessionId } = await session.send('Target.attachToTarget', {
    targetId: target.targetId,
    flatten: false,
  });
  let nextId = 1;
  const pending = new Map<number, (msg: { result?: unknown; error?: unknown }) => void>();
  session.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const msg = JSON.parse(e.message) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id === undefined) return;
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  return {
    url: target.url,
    async call(method, params = {}, timeoutMs = 15_000) {
      const id = nextId++;
      const reply = new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
        pending.set(id, resolve);
      });
      await session.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params }),
      });
      const timeout = new Promise<{ result?: unknown; error?: unknown }>((resolve) =>
        setTimeout(() => resolve({ error: 'timeout' }), timeoutMs),
      );
      const msg = await Promise.race([reply, timeout]);
      if (msg.error !== undefined) throw new Error(`${method}: ${JSON.stringify(msg.error)}`);
      return msg.result;
    },
    async close() {
      await session.detach().catch(() => undefined);
    },
  };
}

export interface WorkerHeap {
  /** The worker script's URL. */
  url: string;
  /** Used JS heap in bytes after an optional full GC; null when the worker is gone. */
  read(gc: boolean): Promise<number | null>;
  close(): Promise<void>;
}

/** A worker's JS heap, read through {@link attachWorker}. */
export async function attachWorkerHeap(
  browser: Browser,
  urlPart: string,
): Promise<WorkerHeap | null> {
  const w = await attachWorker(browser, urlPart);
  if (!w) return null;
  return {
    url: w.url,
    async read(gc) {
      try {
        if (gc) await w.call('HeapProfiler.collectGarbage');
        const r = (await w.call('Runtime.getHeapUsage')) as { usedSize?: number };
        return typeof r.usedSize === 'number' ? r.usedSize : null;
      } catch {
        return null;
      }
    },
    close: () => w.close(),
  };
}

/** `12.3 MB` style bytes. */
export function mb(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 1e6).toFixed(1)} MB`;
}
