/**
 * The engine end to end with its kernels on a real GPU, headless: the demo config through
 * `createEngine` in Node, the kernels' WebGPU runtimes driven through Dawn for Node (the `webgpu`
 * npm package), arranged as in the browser: the engine on the main thread, the GPU runtimes on a
 * worker thread of their own behind `RemoteGpu`/`GpuHost` (the same link code the engine's worker
 * uses), the seeded generator on another (`GeneratorPump`). Time is the wall clock, as in the
 * worker: 8 ms slices, a snapshot every 16 ms, yielding between slices so the GPU's replies and the
 * generator's chunks arrive.
 *
 * Per backend setting (`webgpu`: every kernel forced onto the GPU, the demo's alert_sink too;
 * `auto`: the demo as it opens; `cpu`: every kernel on its twin) and per offered rate it prints
 * messages/s injected and processed per wall second, each kernel's processed count and where it
 * ran, drops, dead letters, whether accounting balanced, the longest gap between snapshots, and
 * the engine thread's CPU time per message (Linux `/proc`; the loop never sleeps, so below
 * saturation that is the thread's whole time over the messages).
 *
 * Run: node scripts/gpu-node-bench.mjs --engine   (GPU_ENGINE_MODES=webgpu,auto,cpu,
 * GPU_ENGINE_RATES=1000000,4000000,20000000, GPU_ENGINE_SECONDS=4). Without an adapter it says so
 * and runs `cpu` only. `GPU_ENGINE_DRY=1` puts a CPU twin behind the GPU worker's link in place
 * of Dawn, to check the arrangement on a machine without a GPU before a GPU machine's time is spent.
 */
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import './dawn.ts';
import { readThreadStat } from './proc.ts';
import { fmtRate, printTable } from './stats.ts';

// Imported after the WebGPU globals exist.
const { acquireGpu, createTwin } = await import('../src/gpu/index.ts');
const { GpuHost } = await import('../src/engine/gpu-host.ts');
const { webgpuHostDeps } = await import('../src/engine/gpu-host-webgpu.ts');
const { RemoteGpu } = await import('../src/engine/gpu-remote.ts');
const { GeneratorPump } = await import('../src/engine/gen-remote.ts');
const { createEngine } = await import('../src/engine/engine.ts');
const { demoConfig } = await import('../src/core/config/index.ts');
const { TwinRuntime } = await import('../src/engine/test-util.ts');
const DRY = process.env.GPU_ENGINE_DRY === '1';
type GpuLink = import('../src/engine/gpu-remote.ts').GpuLink;
type GeneratorLink = import('../src/engine/gen-remote.ts').GeneratorLink;
type KernelImpl = import('../src/engine/engine.ts').KernelImpl;

// This bundle is also its two worker threads.
if (!isMainThread && workerData === 'gpu-host') {
  const port = parentPort!;
  const deps = webgpuHostDeps();
  const host = new GpuHost(
    DRY
      ? {
          ...deps,
          probe: () => Promise.resolve({ available: true, adapter: null }),
          create: (behavior) => Promise.resolve(new TwinRuntime(behavior)),
        }
      : deps,
    (reply, transfer) => port.postMessage(reply, transfer),
  );
  port.on('message', (m) => host.handle(m));
  await new Promise<never>(() => {});
}
if (!isMainThread && workerData === 'generator-pump') {
  const port = parentPort!;
  const pump = new GeneratorPump((reply, transfer) => port.postMessage(reply, transfer));
  port.on('message', (m) => pump.handle(m));
  await new Promise<never>(() => {});
}

type Mode = 'webgpu' | 'auto' | 'cpu';
const modes = (process.env.GPU_ENGINE_MODES ?? 'webgpu,auto,cpu').split(',') as Mode[];
const rates = (process.env.GPU_ENGINE_RATES ?? '1000000,4000000,20000000').split(',').map(Number);
const seconds = Number(process.env.GPU_ENGINE_SECONDS ?? 4);

function spawn(role: string): Worker {
  return new Worker(new URL(import.meta.url), { workerData: role });
}

function gpuLink(w: Worker): GpuLink {
  const link: GpuLink = {
    post: (m, transfer) => w.postMessage(m, transfer ?? []),
    onReply: null,
    onBroken: null,
    close: () => void w.terminate(),
  };
  w.on('message', (r) => link.onReply?.(r));
  w.on('error', (e) => link.onBroken?.(e instanceof Error ? e.message : String(e)));
  return link;
}

function genLink(w: Worker): GeneratorLink {
  const link: GeneratorLink = {
    post: (m, transfer) => w.postMessage(m, transfer),
    onReply: null,
    onBroken: null,
    close: () => void w.terminate(),
  };
  w.on('message', (r) => link.onReply?.(r));
  return link;
}

/** CPU ms of this process's main thread (the engine's), Linux only (NaN elsewhere). */
function mainThreadCpuMs(): number {
  try {
    return readThreadStat(`/proc/self/task/${process.pid}/stat`).cpuSeconds * 1000;
  } catch {
    return Number.NaN;
  }
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Row {
  mode: Mode;
  offered: number;
  injectedPerSec: number;
  processedPerSec: number;
  kernels: string;
  dropped: number;
  deadLetters: number;
  balanced: boolean;
  maxGapMs: number;
  engineNs: number;
}

async function runOne(mode: Mode, ratePerSec: number, gpuAvailable: boolean): Promise<Row> {
  const config = demoConfig();
  if (mode !== 'auto') for (const k of config.kernels) k.backend = mode;
  const gpuWorker = mode !== 'cpu' && gpuAvailable ? spawn('gpu-host') : null;
  const remote = gpuWorker ? new RemoteGpu(gpuLink(gpuWorker)) : null;
  const info = remote ? await remote.probe() : { available: false as const, adapter: null };
  const genWorker = spawn('generator-pump');
  const trips = new Map<string, { batches: number; rows: number; ms: number }>();
  let measuring = false;
  const engine = createEngine({
    config,
    now: () => performance.now() * 1000,
    makeKernel: (cfg, ctx): KernelImpl | Promise<KernelImpl | null> => {
      if (!remote || cfg.backend === 'cpu') return createTwin(cfg.behavior);
      const backend = cfg.backend;
      return remote
        .create(cfg.behavior, backend, (m) => ctx.notice(m))
        .then((rt) => {
          if (rt.backend === 'webgpu') {
            // Each live batch's rows and round trip, for the per-kernel figures.
            const process = rt.process.bind(rt);
            const st = { batches: 0, rows: 0, ms: 0 };
            trips.set(cfg.id, st);
            rt.process = (b) => {
              const t0 = performance.now();
              const rows = b.count;
              return process(b).then((out) => {
                if (measuring) {
                  st.batches++;
                  st.rows += rows;
                  st.ms += performance.now() - t0;
                }
                return out;
              });
            };
            return rt;
          }
          rt.destroy();
          return null;
        });
    },
    gpu: () => info,
    spawnGenerator: () => genLink(genWorker),
  });
  engine.command({ type: 'setSampling', perSnapshotCap: 2000 });
  let lastSnap = performance.now();
  let maxGapMs = 0;
  /** The worker's loop: 8 ms slices, a snapshot every 16 ms, yielding between slices. */
  const runFor = async (ms: number): Promise<void> => {
    for (const end = performance.now() + ms; performance.now() < end;) {
      engine.tick(8);
      const now = performance.now();
      if (now - lastSnap >= 16) {
        engine.snapshot();
        maxGapMs = Math.max(maxGapMs, now - lastSnap);
        lastSnap = now;
      }
      await yieldNow();
    }
  };
  // Let the GPU runtimes be created and placed (webgpu: at once once ready; auto: measured).
  await runFor(300);
  // The demo's "Steady card traffic" preset (Poisson, Zipf 1.1 over 10,000 accounts, seed 42),
  // at the rate asked and without its end.
  const { name: _name, durationMs: _end, ...steady } = demoConfig().generatorPresets![0]!;
  engine.command({ type: 'startGenerator', spec: { ...steady, ratePerSec } });
  // Warm-up: JIT, the first GPU batches, auto's first samples.
  await runFor(1500);
  const s0 = engine.snapshot();
  const cpu0 = mainThreadCpuMs();
  maxGapMs = 0;
  measuring = true;
  const t0 = performance.now();
  await runFor(seconds * 1000);
  measuring = false;
  const wallSec = (performance.now() - t0) / 1000;
  const cpuMs = mainThreadCpuMs() - cpu0;
  const s1 = engine.snapshot();
  engine.command({ type: 'stopGenerator' });
  // Let what is in flight land so accounting can balance.
  await runFor(500);
  const s2 = engine.snapshot();
  const injected = s1.injected - s0.injected;
  const processed = s1.accounting.processed - s0.accounting.processed;
  const kernels = s1.kernels
    .map((k) => {
      const k0 = s0.kernels.find((x) => x.id === k.id);
      const t = trips.get(k.id);
      const gpu =
        t && t.batches > 0
          ? ` (${t.batches} GPU batches, ${(t.rows / t.batches).toFixed(0)} rows and ${(t.ms / t.batches).toFixed(1)} ms each)`
          : '';
      const lost = k.dropped - (k0?.dropped ?? 0);
      return `${k.id} ${k.backend} ${fmtRate((k.processed - (k0?.processed ?? 0)) / wallSec)}/s${lost > 0 ? `, ${fmtRate(lost / wallSec)}/s dropped` : ''}${gpu}`;
    })
    .join('; ');
  engine.destroy();
  await genWorker.terminate();
  if (gpuWorker) await gpuWorker.terminate();
  return {
    mode,
    offered: ratePerSec,
    injectedPerSec: injected / wallSec,
    processedPerSec: processed / wallSec,
    kernels,
    dropped: s2.kernels.reduce((a, k) => a + k.dropped, 0),
    deadLetters: s2.deadLetters.count,
    balanced: s2.accounting.balanced,
    maxGapMs,
    engineNs: (cpuMs * 1e6) / injected,
  };
}

const status = await acquireGpu();
const gpuAvailable = status.available || DRY;
if (DRY) console.log("dry run: a CPU twin behind the GPU worker's link, not a GPU");
console.log(
  `machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; adapter: ${
    status.available
      ? `${status.adapter.vendor}/${status.adapter.architecture}${status.adapter.isFallbackAdapter ? ' (fallback, software)' : ''}; ${status.adapter.description || '-'}`
      : `none (${status.reason})`
  }`,
);
if (status.available) status.device.destroy();

const rows: Row[] = [];
for (const mode of modes) {
  if (mode !== 'cpu' && !gpuAvailable) {
    console.log(`${mode}: skipped, no WebGPU adapter`);
    continue;
  }
  for (const rate of rates) {
    const r = await runOne(mode, rate, gpuAvailable);
    rows.push(r);
    console.log(
      `${mode} @ ${fmtRate(rate)}/s offered: injected ${fmtRate(r.injectedPerSec)}/s, processed ${fmtRate(r.processedPerSec)}/s [${r.kernels}]; dropped ${r.dropped}, dead letters ${r.deadLetters}, balanced ${r.balanced}, longest snapshot gap ${r.maxGapMs.toFixed(0)} ms, engine thread ${r.engineNs.toFixed(0)} ns CPU/msg`,
    );
  }
}
console.log('');
printTable([
  ['backends', 'offered', 'injected', 'processed', 'dropped', 'balanced', 'gap', 'engine ns/msg'],
  ...rows.map((r) => [
    r.mode,
    `${fmtRate(r.offered)}/s`,
    `${fmtRate(r.injectedPerSec)}/s`,
    `${fmtRate(r.processedPerSec)}/s`,
    String(r.dropped),
    String(r.balanced),
    `${r.maxGapMs.toFixed(0)} ms`,
    r.engineNs.toFixed(0),
  ]),
]);
process.exit(0);
