import { expect, test } from '@playwright/test';
import { demoConfig } from '../src/core/config/demo.ts';
import { parseConfig } from '../src/core/config/parse.ts';
import { serializeConfig } from '../src/core/config/serialize.ts';
import { hostileConfig } from '../src/core/config/testkit.ts';

interface CompileReport {
  adapter: boolean;
  errors: string[];
  results: number[];
}

/** Compiles WGSL in Chromium's WebGPU and runs dispatch_handler on a few type ids. */
async function compileAndRun(
  page: import('@playwright/test').Page,
  code: string,
  ids: [lo: number, hi: number][],
): Promise<CompileReport> {
  return page.evaluate(
    async ({ code, ids }) => {
      const adapter = await navigator.gpu?.requestAdapter();
      if (!adapter) return { adapter: false, errors: [], results: [] };
      const device = await adapter.requestDevice();
      try {
        const shader = `${code}
@group(0) @binding(0) var<storage, read> ids: array<vec2<u32>>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  out[g.x] = dispatch_handler(ids[g.x].x, ids[g.x].y);
}`;
        const module = device.createShaderModule({ code: shader });
        const info = await module.getCompilationInfo();
        const errors = info.messages
          .filter((m) => m.type === 'error')
          .map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
        if (errors.length > 0) return { adapter: true, errors, results: [] };
        const n = ids.length;
        const idBuf = device.createBuffer({
          size: n * 8,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(idBuf, 0, new Uint32Array(ids.flat()));
        const outBuf = device.createBuffer({
          size: n * 4,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
        });
        const readBuf = device.createBuffer({
          size: n * 4,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        });
        const pipeline = device.createComputePipeline({
          layout: 'auto',
          compute: { module, entryPoint: 'main' },
        });
        const bind = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: idBuf } },
            { binding: 1, resource: { buffer: outBuf } },
          ],
        });
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(n);
        pass.end();
        enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, n * 4);
        device.queue.submit([enc.finish()]);
        await readBuf.mapAsync(GPUMapMode.READ);
        const results = [...new Uint32Array(readBuf.getMappedRange().slice(0))];
        readBuf.unmap();
        for (const b of [idBuf, outBuf, readBuf]) b.destroy();
        return { adapter: true, errors: [], results };
      } finally {
        device.destroy();
      }
    },
    { code, ids },
  );
}

const NO_ROUTE = 0xffffffff;

test('the demo WGSL export compiles and dispatches like the route table', async ({ page }) => {
  await page.goto('/');
  const report = await compileAndRun(page, serializeConfig(demoConfig(), 'wgsl'), [
    [1001, 0],
    [1002, 0],
    [1003, 0],
    [1010, 0],
    [1004, 0],
    [1001, 1],
  ]);
  expect(report.adapter, 'WebGPU adapter (run Chromium with --enable-unsafe-webgpu)').toBe(true);
  expect(report.errors).toEqual([]);
  // Kernel indices in demoConfig().kernels: fraud_processor 0, aggregator 1, pattern_detector 2, alert_sink 3.
  expect(report.results).toEqual([0, 1, 2, 3, NO_ROUTE, NO_ROUTE]);
});

test('a WGSL export with hostile names and ids beyond 2^32 compiles', async ({ page }) => {
  await page.goto('/');
  const parsed = parseConfig(hostileConfig());
  expect(parsed.ok).toBe(true);
  if (!parsed.ok) return;
  const config = parsed.config;
  const code = serializeConfig(config, 'wgsl');
  const kernelIndex = new Map(config.kernels.map((k, i) => [k.id, i]));
  const probes = config.routes.slice(0, 6).map((r) => {
    const id = BigInt(r.typeId);
    return {
      ids: [Number(id & 0xffffffffn), Number(id >> 32n)] as [number, number],
      want: kernelIndex.get(r.kernelId)!,
    };
  });
  const report = await compileAndRun(
    page,
    code,
    probes.map((p) => p.ids),
  );
  expect(report.adapter).toBe(true);
  expect(report.errors).toEqual([]);
  expect(report.results).toEqual(probes.map((p) => p.want));
});
