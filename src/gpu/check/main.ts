/**
 * The GPU self-check page (gpu-check.html): runs every kernel on WebGPU and on its CPU twin and
 * compares them, benchmarks both, and survives device loss. Results are shown on the page and
 * exposed on `window.gpuCheck` for Playwright and `npm run bench:gpu`.
 */
import { acquireGpu, type GpuStatus } from '../device.ts';
import {
  gpuResourceStats,
  runBench,
  runCheck,
  runDeviceLossTest,
  type BenchOptions,
  type RunOptions,
} from './checks.ts';

/** The test API this page puts on `window`. */
export interface GpuCheckApi {
  /** The adapter, features and limits; no device handle. */
  status(): Promise<
    | Omit<Extract<GpuStatus, { available: true }>, 'device'>
    | Extract<GpuStatus, { available: false }>
  >;
  run(opts?: RunOptions): ReturnType<typeof runCheck>;
  bench(
    opts?: Omit<BenchOptions, 'reps'> & { reps?: Record<number, number> },
  ): ReturnType<typeof runBench>;
  deviceLossTest(
    opts?: Parameters<typeof runDeviceLossTest>[0],
  ): ReturnType<typeof runDeviceLossTest>;
  resources(): ReturnType<typeof gpuResourceStats>;
}

declare global {
  interface Window {
    gpuCheck?: GpuCheckApi;
  }
}

const root = document.getElementById('gpu-check');

function show(title: string, value: unknown): void {
  if (!root) return;
  const section = document.createElement('section');
  const h = document.createElement('h2');
  h.textContent = title;
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(value, null, 2);
  section.append(h, pre);
  root.append(section);
}

async function status(): ReturnType<GpuCheckApi['status']> {
  const s = await acquireGpu();
  if (!s.available) return s;
  const { device: _device, ...rest } = s;
  return rest;
}

const api: GpuCheckApi = {
  status,
  async run(opts) {
    const r = await runCheck(opts);
    show('GPU == CPU', r);
    return r;
  },
  async bench(opts = {}) {
    const { reps, ...rest } = opts;
    const r = await runBench(reps ? { ...rest, reps: (s) => reps[s] ?? 1 } : rest);
    show('Throughput', r);
    return r;
  },
  async deviceLossTest(opts) {
    const r = await runDeviceLossTest(opts);
    show('Device loss', r);
    return r;
  },
  resources: gpuResourceStats,
};
window.gpuCheck = api;

async function boot(): Promise<void> {
  if (!root) return;
  root.textContent = '';
  const h = document.createElement('h1');
  h.textContent = 'GPU self-check';
  root.append(h);
  const s = await status();
  show(
    'Adapter',
    s.available
      ? {
          ...s,
          note: s.adapter.isFallbackAdapter
            ? 'software fallback adapter (e.g. SwiftShader): correctness only, not GPU speed'
            : 'hardware adapter',
        }
      : s,
  );
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Run GPU == CPU check';
  button.addEventListener('click', () => void api.run());
  root.append(button);
  root.dataset.ready = 'true';
}

void boot();
