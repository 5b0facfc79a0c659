/**
 * `npm run soak`: the long variant of the issue-8 suite. Holds the generator at SOAK_RATE
 * (default 2,000,000 msgs/s) on the demo as it opens (every kernel on `auto`; SOAK_BACKEND=cpu
 * forces the CPU twins) for SOAK_MINUTES (default 10) after a SOAK_WARMUP_S (default 30 s)
 * warm-up, with the Metrics tab open, and prints: load held, page and engine-worker heap at start
 * and end (after forced GC) with growth, frame p50/p95, page errors, the accounting difference
 * after stop + drain (must be 0), hostile inputs tried / ran anything (must be 0), and faults
 * injected / survived (engine worker crash, when the test hook `window.workbench.__faults` is
 * wired). Exits 1 when a must-hold figure does not hold.
 *
 *   SOAK_MINUTES=0.5 npm run soak      # quick run
 */
import type { Page } from 'playwright-core';
import { demoConfig, type RouteConfig } from '../src/core/config/index.ts';
import type { EngineSnapshot } from '../src/engine/protocol.ts';
import {
  attachWorkerHeap,
  machineLine,
  mb,
  ms,
  newBenchContext,
  frameStats,
  peekFrameDeltas,
  startFrameSampler,
  stopFrameSampler,
  withBench,
} from './browser.ts';

const RATE = Number(process.env.SOAK_RATE ?? 2_000_000);
/** `auto` (default): the demo as a user gets it; `cpu`: every kernel forced to its CPU twin. */
const BACKEND = process.env.SOAK_BACKEND === 'cpu' ? 'cpu' : 'auto';
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WARMUP_S = Number(process.env.SOAK_WARMUP_S ?? 30);
const MAX_HEAP_GROWTH = 0.1;
const MAX_FRAME_P95_MS = 33;

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  'javascript:window.__pwned=1',
  '"><svg onload=window.__pwned=1>',
  '\u202Egnp.exe\u202C',
  '__proto__',
  'constructor',
];

function hostileConfig(): RouteConfig {
  const c = demoConfig();
  c.name = HOSTILE[0]!;
  HOSTILE.forEach((h, i) => {
    c.kernels.push({
      id: h,
      queueCapacity: 256,
      overflowPolicy: 'deadLetter',
      tenantId: 0,
      backend: 'cpu',
      behavior: 'generic',
    });
    c.messageTypes.push({ typeId: 7000 + i, name: h, fields: [{ name: h, type: 'u32' }] });
    c.routes.push({ typeId: 7000 + i, kernelId: h });
  });
  return c;
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
const snap = (page: Page) => page.evaluate(() => window.workbench.snapshot());

async function waitFor(fn: () => Promise<boolean>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await fn()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Anything a hostile name could have left behind that runs code. */
async function ranAnything(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const w = window as unknown as { __pwned?: unknown };
    if (w.__pwned !== undefined) return true;
    if (document.querySelectorAll('script:not([src])').length > 0) return true;
    for (const el of Array.from(document.querySelectorAll('*')))
      for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name)) return true;
    return false;
  });
}

function accountingDiff(s: EngineSnapshot): number {
  const a = s.accounting;
  const failed = Object.values(a.failedByStatus).reduce((x, y) => x + y, 0);
  return (
    a.injected +
    a.emitted +
    a.carriedOver -
    (a.processed + a.queued + a.inFlight + failed + a.deadLettered)
  );
}

async function pageHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const r = await cdp.send('Runtime.getHeapUsage');
    return r.usedSize;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

const pct = (a: number | null, b: number | null) =>
  a === null || b === null || a === 0 ? 'n/a' : `${(((b - a) / a) * 100).toFixed(1)} %`;

async function main(): Promise<number> {
  return withBench(async ({ browser, baseUrl }) => {
    const ctx = await newBenchContext(browser);
    await ctx.addInitScript(() => localStorage.setItem('rdw:test:faults', '1'));
    const page = await ctx.newPage();
    const pageErrors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss().catch(() => undefined);
    });
    await page.goto(`${baseUrl}/`);
    await page.waitForFunction(() => typeof window.workbench?.getConfig === 'function');
    console.log(await machineLine(browser, page));

    // Hostile inputs first: a config full of hostile names, a round of injections into them.
    let hostileTried = 0;
    const hc = hostileConfig();
    const loaded = await page.evaluate((c) => window.workbench.loadConfig(c), hc);
    hostileTried += HOSTILE.length * 4 + 1;
    if (!loaded.ok) throw new Error(`hostile config refused: ${JSON.stringify(loaded.errors)}`);
    await waitFor(
      async () => ((await snap(page))?.kernels.length ?? 0) >= hc.kernels.length,
      15_000,
      'the engine to load the hostile config',
    );
    for (let i = 0; i < HOSTILE.length; i++) {
      await page.evaluate((typeId) => window.workbench.inject({ typeId, count: 1 }), 7000 + i);
      hostileTried++;
    }
    await page.getByRole('tab', { name: 'Receipts' }).click();
    await sleep(500);
    const hostileRan = ((await ranAnything(page)) ? 1 : 0) + dialogs.length;
    const demo = demoConfig();
    const soakDemo =
      BACKEND === 'cpu'
        ? { ...demo, kernels: demo.kernels.map((k) => ({ ...k, backend: 'cpu' as const })) }
        : demo;
    const back = await page.evaluate((c) => window.workbench.loadConfig(c), soakDemo);
    if (!back.ok) throw new Error('demo config refused');
    await waitFor(
      async () => {
        const ks = (await snap(page))?.kernels ?? [];
        return (
          ks.length === demo.kernels.length &&
          ks.every((k) => soakDemo.kernels.find((x) => x.id === k.id)?.backend === k.placement.mode)
        );
      },
      15_000,
      `the demo config with backends ${BACKEND}`,
    );
    console.log(
      BACKEND === 'cpu'
        ? 'Kernels: the demo with every kernel on backend cpu (the CPU twins).'
        : 'Kernels: the demo as it opens (auto: WebGPU measured against the twins, each kernel where it is faster).',
    );

    // Load, with the Metrics tab open.
    await page.getByRole('tab', { name: 'Metrics' }).click();
    const started = await page.evaluate(
      (rate) => window.workbench.startGenerator({ ratePerSec: rate, pattern: 'constant', seed: 1 }),
      RATE,
    );
    if (!started.ok) throw new Error(`generator refused: ${started.error}`);
    console.log(
      `Load: target ${RATE.toLocaleString('en-US')} msgs/s, warm-up ${WARMUP_S} s, then ${MINUTES} min measured`,
    );
    await sleep(WARMUP_S * 1000);

    const workerHeap = await attachWorkerHeap(browser, '/assets/worker-');
    const heapStart = await pageHeap(page);
    const workerStart = (await workerHeap?.read(true)) ?? null;
    const s0 = (await snap(page))!;
    const t0 = Date.now();
    await startFrameSampler(page);
    const measureMs = MINUTES * 60_000;
    let lowest = Number.POSITIVE_INFINITY;
    let prev = { t: t0, injected: s0.injected };
    // Frames minute by minute, so a slow stretch shows where it fell.
    const byMinute: string[] = [];
    let framesSeen = 0;
    let minuteAt = t0;
    while (Date.now() - t0 < measureMs) {
      await sleep(Math.min(10_000, Math.max(0, measureMs - (Date.now() - t0))));
      const s = await snap(page);
      const t = Date.now();
      if (s && t > prev.t) {
        lowest = Math.min(lowest, ((s.injected - prev.injected) * 1000) / (t - prev.t));
        prev = { t, injected: s.injected };
      }
      if (t - minuteAt >= 60_000 || t - t0 >= measureMs) {
        const d = await peekFrameDeltas(page, framesSeen);
        framesSeen += d.length;
        minuteAt = t;
        const slow = d.filter((x) => x > 20).length;
        byMinute.push(
          `${ms(frameStats(d).p95)} (${d.length ? ((100 * slow) / d.length).toFixed(1) : '0.0'} %)`,
        );
      }
    }
    const frames = await stopFrameSampler(page);
    const s1 = (await snap(page))!;
    const seconds = (Date.now() - t0) / 1000;
    const held = (s1.injected - s0.injected) / seconds;

    await page.evaluate(() => window.workbench.stopGenerator());
    await waitFor(
      async () => {
        const s = await snap(page);
        return !!s && !s.generator.running && s.accounting.queued + s.accounting.inFlight === 0;
      },
      120_000,
      'the queues to drain',
    );
    await sleep(300);
    const drained = (await snap(page))!;
    const diff = accountingDiff(drained);

    const heapEnd = await pageHeap(page);
    const workerEnd = (await workerHeap?.read(true)) ?? null;
    await workerHeap?.close();

    // Faults, after the figures so a restart cannot disturb them.
    let faultsInjected = 0;
    let faultsSurvived = 0;
    const hasCrashHook = await page.evaluate(
      () => typeof window.workbench.__faults?.crashEngine === 'function',
    );
    if (hasCrashHook) {
      faultsInjected++;
      await page.evaluate(() => window.workbench.__faults?.crashEngine());
      try {
        await waitFor(
          async () =>
            (await page.getByTestId('notices').textContent())?.match(/restart/i) !== null &&
            ((await snap(page))?.injected ?? -1) === 0,
          20_000,
          'the engine to restart',
        );
        const r = await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 10 }));
        await waitFor(
          async () => ((await snap(page))?.injected ?? 0) === 10,
          10_000,
          'an inject after the restart',
        );
        if (r.ok) faultsSurvived++;
      } catch (e) {
        console.log(`Fault: engine crash not survived: ${String(e)}`);
      }
    }

    const growth = heapStart > 0 ? (heapEnd - heapStart) / heapStart : Number.NaN;
    console.log(
      `Load held: ${Math.round(held).toLocaleString('en-US')} msgs/s average (lowest 10 s window ${Number.isFinite(lowest) ? Math.round(lowest).toLocaleString('en-US') : 'n/a'}) for ${seconds.toFixed(0)} s; ${(s1.injected - s0.injected).toLocaleString('en-US')} messages`,
    );
    console.log(
      `Page heap: ${mb(heapStart)} at start (after ${WARMUP_S} s warm-up), ${mb(heapEnd)} at end, growth ${pct(heapStart, heapEnd)} (limit ${MAX_HEAP_GROWTH * 100} %)`,
    );
    console.log(
      `Engine worker heap: ${mb(workerStart)} at start, ${mb(workerEnd)} at end, growth ${pct(workerStart, workerEnd)}`,
    );
    console.log(
      `Frames: ${frames.count} sampled, p50 ${ms(frames.p50)} ms, p95 ${ms(frames.p95)} ms, max ${ms(frames.max)} ms (limit p95 ${MAX_FRAME_P95_MS} ms)`,
    );
    console.log(`Frames minute by minute, p95 ms (share over 20 ms): ${byMinute.join(', ')}`);
    console.log(
      `Page errors: ${pageErrors.length}${pageErrors.length ? ` (${pageErrors.slice(0, 3).join(' | ')})` : ''}`,
    );
    console.log(
      `Accounting after stop + drain: injected ${drained.accounting.injected}, emitted ${drained.accounting.emitted}, processed ${drained.accounting.processed}, dead-lettered ${drained.accounting.deadLettered}, difference ${diff} (must be 0)`,
    );
    console.log(`Hostile inputs: ${hostileTried} tried, ${hostileRan} ran anything (must be 0)`);
    console.log(
      `Faults: ${faultsInjected} injected, ${faultsSurvived} survived${hasCrashHook ? '' : ' (window.workbench.__faults not wired: no crash injected)'}`,
    );

    const failures: string[] = [];
    if (pageErrors.length) failures.push('page errors');
    if (diff !== 0) failures.push('accounting difference');
    if (hostileRan) failures.push('hostile input ran');
    if (!(growth < MAX_HEAP_GROWTH)) failures.push('heap growth');
    if (!(frames.p95 <= MAX_FRAME_P95_MS)) failures.push('frame p95');
    if (faultsSurvived < faultsInjected) failures.push('fault not survived');
    console.log(failures.length ? `SOAK FAILED: ${failures.join(', ')}` : 'SOAK OK');
    await ctx.close();
    return failures.length ? 1 : 0;
  });
}

process.exitCode = await main();
