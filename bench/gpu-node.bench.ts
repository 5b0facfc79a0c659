/**
 * The GPU kernels on a real GPU without a browser: the same WGSL kernels, wrappers and checks
 * as `npm run bench:gpu`, driven through Dawn (Chromium's WebGPU implementation) for Node, from
 * the `webgpu` npm package. For machines that have a GPU but no Chromium (the GPU machines this
 * project is sometimes lent); `scripts/gpu-node-bench.mjs` builds it into one file and fetches
 * Dawn. It first checks every kernel byte for byte against its CPU twin on that GPU, then
 * prints messages/s per kernel and batch size: full round trip (upload, dispatch, readback),
 * kernel only (timestamp queries) and the CPU twin on the same machine.
 *
 * Run: node scripts/gpu-node-bench.mjs   (BENCH_SIZES=1000,1000000 to choose batch sizes)
 */
import os from 'node:os';
import { fmtRate, printTable } from './stats.ts';
import './dawn.ts';

// Imported after the WebGPU globals exist.
const { runBench, runCheck } = await import('../src/gpu/check/checks.ts');
const { acquireGpu } = await import('../src/gpu/device.ts');
const { uploadTuning } = await import('../src/gpu/kernels/gpu-kernel.ts');

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000,1000000,4000000')
  .split(',')
  .map(Number);
const status = await acquireGpu();
if (!status.available) {
  console.error(`WebGPU unavailable: ${status.reason}`);
  process.exit(1);
}
const a = status.adapter;
console.log(
  `machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; adapter: ${a.vendor}/${a.architecture}${a.isFallbackAdapter ? ' (fallback, software)' : ''}; description: ${a.description || '-'}; timestamp-query: ${status.timestampQuery}`,
);

// Both upload paths: writeBuffer (the default at this size) and the mapped staging buffer.
const checks = [
  ...(await runCheck({ batches: 8, batchSize: 8192 })),
  ...(await runCheck({ batches: 8, batchSize: 8192, stagedUploadMinRows: 1 })),
];
for (const c of checks) {
  console.log(
    `check ${c.behavior}: ${c.equal ? 'byte-for-byte equal to the CPU twin' : `MISMATCH ${JSON.stringify(c.firstMismatch)}`} (${c.batches} batches, ${c.inputs} inputs, ${c.outputsCompared} outputs, ${c.ringWraps} ring wraps)`,
  );
}

// BENCH_UPLOAD=write|staged|both: how batches of 64 K rows and more are uploaded.
const uploads =
  (process.env.BENCH_UPLOAD ?? 'staged') === 'both'
    ? ['write', 'staged']
    : [process.env.BENCH_UPLOAD ?? 'staged'];
const stagedDefault = uploadTuning.stagedMinRows;
for (const upload of uploads) {
  uploadTuning.stagedMinRows = upload === 'write' ? Infinity : stagedDefault;
  const rows = await runBench({
    sizes,
    reps: (s) => (s >= 10_000_000 ? 3 : s >= 1_000_000 ? 10 : s >= 100_000 ? 30 : 100),
  });
  console.log('');
  console.log(
    `upload of batches >= 64 K rows: ${upload === 'write' ? 'queue.writeBuffer' : 'mapped staging buffer'}`,
  );
  printTable([
    [
      'kernel',
      'batch',
      'reps',
      'webgpu round trip',
      'kernel only',
      'cpu twin',
      'round trip ms: upload / wait / readback / unpack',
    ],
    ...rows.map((r) => [
      r.behavior,
      String(r.batchSize),
      String(r.reps),
      `${fmtRate(r.webgpuMsgsPerSec)}/s`,
      r.gpuKernelNs && r.gpuKernelNs > 0
        ? `${fmtRate(r.batchSize / (r.gpuKernelNs / 1e9))}/s`
        : '-',
      `${fmtRate(r.cpuMsgsPerSec)}/s`,
      [r.phasesMs.upload, r.phasesMs.wait, r.phasesMs.readback, r.phasesMs.unpack]
        .map((x) => x.toFixed(2))
        .join(' / '),
    ]),
  ]);
}
status.device.destroy();
process.exit(checks.every((c) => c.equal) ? 0 : 2);
