/**
 * Where the engine's worker spends its time in Chromium (`npm run bench:profile`): the demo as it
 * opens, every kernel on its CPU twin (`PROFILE_MODE=auto` keeps the demo's backends), the
 * generator asked for `PROFILE_RATE` messages/s (10 M by default: saturated), and V8's sampling
 * profiler on the engine's worker for `PROFILE_SECONDS` (5) through a CDP session attached to
 * it. Prints the rate achieved while profiling and the functions by self time; writes the
 * profile (open it in Chrome DevTools' Performance panel) to
 * `node_modules/.cache/bench/engine-worker.cpuprofile` (`gen-worker.cpuprofile` for the
 * generator's worker).
 *
 * `PROFILE_WORKER=gen` profiles the generator's worker instead (the rows it draws ahead).
 *
 * `PROFILE_QUEUE=pattern_detector:64` sets a kernel's queue capacity first (the overflow path: a
 * small `reject` queue refusing part of the traffic, each refusal a receipt and a dead letter).
 *
 * Names are the built bundle's: class methods keep theirs (`take`, `convertRows`, `laneRun`),
 * module functions may be minified (`Pf`). The twins' `process` are all named `process`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { attachWorker, machineLine, newBenchContext, printTable, withBench } from './browser.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const RATE = Number(process.env.PROFILE_RATE ?? 10_000_000);
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 5);
const MODE = process.env.PROFILE_MODE === 'auto' ? 'auto' : 'cpu';
const TOP = Number(process.env.PROFILE_TOP ?? 25);
/** `kernel:capacity`, or none. */
const QUEUE = /^([^:]+):(\d+)$/.exec(process.env.PROFILE_QUEUE ?? '');
/** Whose thread: the engine's worker, or (`PROFILE_WORKER=gen`) the generator's. */
const WORKER = process.env.PROFILE_WORKER === 'gen' ? 'gen-worker' : 'worker';
const OUT = `node_modules/.cache/bench/${WORKER === 'worker' ? 'engine-worker' : WORKER}.cpuprofile`;

/** Self time per function (name, file and line), as shares of all samples. */
function selfTimes(p: Profile): { name: string; share: number }[] {
  const byNode = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    byNode.set(id, (byNode.get(id) ?? 0) + dt);
    total += dt;
  });
  const byName = new Map<string, number>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const file = f.url.split('/').pop() ?? '';
    const name = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    byName.set(name, (byName.get(name) ?? 0) + (byNode.get(n.id) ?? 0));
  }
  return [...byName]
    .map(([name, t]) => ({ name, share: total > 0 ? t / total : 0 }))
    .sort((a, b) => b.share - a.share);
}

await withBench(async ({ browser, baseUrl }) => {
  const ctx = await newBenchContext(browser);
  const page = await ctx.newPage();
  await page.goto(`${baseUrl}/`);
  await page.waitForFunction(() => window.workbench?.snapshot() != null, undefined, {
    timeout: 30_000,
  });
  console.log(await machineLine(browser, page));
  if (MODE === 'cpu' || QUEUE) {
    const queue = QUEUE ? { id: QUEUE[1]!, capacity: Number(QUEUE[2]) } : null;
    const r = await page.evaluate(
      ({ cpu, queue }) => {
        const c = window.workbench.getConfig();
        return window.workbench.loadConfig({
          ...c,
          kernels: c.kernels.map((k) => ({
            ...k,
            ...(cpu ? { backend: 'cpu' as const } : {}),
            ...(queue && k.id === queue.id ? { queueCapacity: queue.capacity } : {}),
          })),
        });
      },
      { cpu: MODE === 'cpu', queue },
    );
    if (!r.ok) throw new Error(`loadConfig failed: ${JSON.stringify(r.errors)}`);
  }
  await page.waitForTimeout(3_000);
  const worker = await attachWorker(browser, `/assets/${WORKER}-`);
  if (!worker) throw new Error(`no worker target (/assets/${WORKER}-*.js)`);
  await page.evaluate(
    (rate) => window.workbench.startGenerator({ ratePerSec: rate, seed: 7 }),
    RATE,
  );
  // Past the start (V8 has optimised the hot path) before the profile starts.
  await page.waitForTimeout(3_000);
  await worker.call('Profiler.enable');
  await worker.call('Profiler.setSamplingInterval', { interval: 200 });
  const at = () =>
    page.evaluate(() => {
      const s = window.workbench.snapshot()!;
      return { injected: s.injected, timeUs: s.timeUs };
    });
  const s0 = await at();
  await worker.call('Profiler.start');
  await page.waitForTimeout(SECONDS * 1_000);
  const { profile } = (await worker.call('Profiler.stop', {}, 60_000)) as { profile: Profile };
  const s1 = await at();
  await page.evaluate(() => window.workbench.stopGenerator());
  await worker.close();
  const achieved = (s1.injected - s0.injected) / ((s1.timeUs - s0.timeUs) / 1e6);
  mkdirSync('node_modules/.cache/bench', { recursive: true });
  writeFileSync(OUT, JSON.stringify(profile));
  console.log(
    `kernels on ${MODE === 'cpu' ? 'their CPU twins' : 'the demo backends (auto)'}${QUEUE ? `, ${QUEUE[1]}'s queue ${QUEUE[2]}` : ''}, ${(RATE / 1e6).toFixed(2)} M/s asked: ` +
      `${(achieved / 1e6).toFixed(2)} M/s injected while profiling (${SECONDS} s by the engine clock)`,
  );
  printTable([
    ['self time', 'function'],
    ...selfTimes(profile)
      .slice(0, TOP)
      .map((r) => [`${(r.share * 100).toFixed(1)} %`, r.name]),
  ]);
  console.log(`profile written to ${OUT}`);
  await ctx.close();
});
