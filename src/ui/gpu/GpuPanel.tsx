import { Fragment, useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { acquireGpu, type GpuStatus } from '../../gpu';
import { useGpuBench, type ThroughputRow as BenchRow } from './benchContext';
import { useLiveValue } from '../../state/live';
import {
  formatCompact,
  formatMicros,
  formatNumber,
  formatRate,
  measuredRate,
} from '../design/format';
import { crossoverWords, placementLabel, switchedAgo } from './placement';

let statusPromise: Promise<GpuStatus> | null = null;
/** The page asks for the adapter once; the engine worker makes its own device on the same adapter. */
export function pageGpuStatus(): Promise<GpuStatus> {
  statusPromise ??= acquireGpu();
  return statusPromise;
}

export function isSoftwareAdapter(a: {
  architecture: string;
  isFallbackAdapter: boolean;
  vendor: string;
}): boolean {
  return (
    a.isFallbackAdapter || /swiftshader/i.test(a.architecture) || /swiftshader/i.test(a.vendor)
  );
}

const SIZES = [1_024, 4_096, 16_384, 65_536];

const fmt = (n: number): string => formatCompact(n, '/s');

function ThroughputChart({ rows }: { rows: BenchRow[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el || rows.length === 0) return;
    const kernels = [...new Set(rows.map((r) => r.behavior))];
    const x = Float64Array.from(SIZES);
    const series: uPlot.Series[] = [{ label: 'batch size' }];
    const data: Float64Array[] = [x];
    const colors = ['#2563eb', '#16a34a', '#d97706', '#7c3aed'];
    kernels.forEach((k, i) => {
      for (const backend of ['webgpu', 'cpu'] as const) {
        series.push({
          label: `${k} ${backend}`,
          stroke: colors[i % 4] ?? '#888',
          dash: backend === 'cpu' ? [6, 4] : [],
          width: 1.5,
        });
        data.push(
          Float64Array.from(SIZES, (s) => {
            const r = rows.find((row) => row.behavior === k && row.batchSize === s);
            return r ? (backend === 'webgpu' ? r.webgpuMsgsPerSec : r.cpuMsgsPerSec) : NaN;
          }),
        );
      }
    });
    const plot = new uPlot(
      {
        title: 'Throughput against batch size (messages/s; solid WebGPU, dashed CPU twin)',
        width: Math.max(300, el.clientWidth),
        height: 220,
        scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
        series,
        axes: [
          { stroke: 'currentColor' },
          { stroke: 'currentColor', size: 70, values: (_u, vals) => vals.map((v) => fmt(v)) },
        ],
      },
      data as unknown as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [rows]);
  return <div ref={host} data-testid="gpu-chart" />;
}

/** Which adapter runs the kernels, honestly; each kernel's backend; GPU vs CPU throughput. */
export function GpuPanel() {
  const [status, setStatus] = useState<GpuStatus | null>(null);
  const runBench = useGpuBench();
  const [rows, setRows] = useState<BenchRow[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kernels = useLiveValue(
    (s) =>
      s?.kernels.map((k) => ({
        id: k.id,
        backend: k.backend,
        rate: k.ratePerSec,
        where: placementLabel(k),
        reason: k.placement.reason,
        cpu: measuredRate(k.placement.cpuRate),
        gpu: measuredRate(k.placement.gpuRate),
        crossover: crossoverWords(k.placement),
        switched: switchedAgo(k.placement.lastSwitchUs, s.timeUs),
      })) ?? [],
  );
  useEffect(() => {
    let alive = true;
    void pageGpuStatus().then((s) => alive && setStatus(s));
    return () => {
      alive = false;
    };
  }, []);

  return (
    <div className="gpu-panel">
      {status === null ? (
        <p className="muted">Looking for a WebGPU adapter…</p>
      ) : status.available ? (
        <p data-testid="gpu-adapter">
          <strong>WebGPU adapter:</strong> {status.adapter.vendor || 'unknown vendor'} /{' '}
          {status.adapter.architecture || 'unknown architecture'}
          {status.adapter.description ? ` (${status.adapter.description})` : ''}.{' '}
          {isSoftwareAdapter(status.adapter) ? (
            <strong className="warn-text">
              This is a software fallback (SwiftShader on the CPU): GPU figures here prove
              correctness, not speed.
            </strong>
          ) : (
            'Hardware adapter.'
          )}{' '}
          Timestamp queries: {status.timestampQuery ? 'on' : 'not offered'}.
        </p>
      ) : (
        <p data-testid="gpu-adapter" className="warn-text">
          <strong>No WebGPU here</strong> ({status.reason}). Every kernel runs on its CPU twin.
        </p>
      )}
      <p className="muted" data-testid="gpu-measured-note">
        Measured: each kernel&apos;s own compute rate on each backend (messages per second of kernel
        time), which decides where it runs. Processed now: what the kernel handles per second in the
        running engine, with routing and receipts around it.
      </p>
      <table className="grid-table stacks gpu-table" aria-label="Kernel backends">
        <thead>
          <tr>
            <th className="g-kernel">kernel</th>
            <th className="g-where">running on</th>
            <th
              className="num g-cpu"
              aria-label="CPU twin measured"
              title="the kernel's own compute on the CPU twin: messages per second of kernel time, at the batch sizes live traffic produces (not the engine's throughput; see processed now)"
            >
              <span className="label-full">CPU twin measured</span>
              <span className="label-short">CPU twin</span>
            </th>
            <th
              className="num g-gpu"
              aria-label="WebGPU measured"
              title="the kernel's own compute on WebGPU, upload and read-back included: messages per second of kernel time, at the batch sizes live traffic produces (not the engine's throughput)"
            >
              <span className="label-full">WebGPU measured</span>
              <span className="label-short">WebGPU</span>
            </th>
            <th className="g-faster" title="the batch size from which WebGPU was measured faster">
              WebGPU faster
            </th>
            <th className="g-switched line-2">last switch</th>
            <th className="num g-rate" title="messages this kernel processes per second now">
              processed now
            </th>
          </tr>
        </thead>
        <tbody>
          {kernels.map((k) => (
            <Fragment key={k.id}>
              <tr>
                <td className="g-kernel">{k.id}</td>
                <td className="g-where" data-testid={`backend-${k.id}`} title={k.reason}>
                  {k.where.replace('cpu', 'CPU twin').replace('webgpu', 'WebGPU')}
                </td>
                <td className="num g-cpu">{k.cpu}</td>
                <td className="num g-gpu">{k.gpu}</td>
                <td className="g-faster">{k.crossover}</td>
                <td className="g-switched line-2">{k.switched}</td>
                <td className="num g-rate">{formatRate(k.rate)}</td>
              </tr>
              <tr className="placement-why">
                <td colSpan={7} className="muted" data-testid={`placement-${k.id}`}>
                  {k.reason}
                </td>
              </tr>
            </Fragment>
          ))}
        </tbody>
      </table>
      <div className="panel-bar">
        <button
          type="button"
          disabled={running || !status?.available || !runBench}
          onClick={async () => {
            setRunning(true);
            setError(null);
            try {
              if (!runBench) return;
              setRows(await runBench({ sizes: SIZES, reps: (s) => (s >= 65_536 ? 2 : 4) }));
            } catch (e) {
              setError(e instanceof Error ? e.message : String(e));
            } finally {
              setRunning(false);
            }
          }}
        >
          {running ? 'Measuring…' : 'Measure GPU vs CPU throughput'}
        </button>
        <span className="muted">
          Runs every kernel on both backends in this page, batch sizes 1 K to 64 K.
        </span>
        {error ? (
          <span role="alert" className="error">
            {error}
          </span>
        ) : null}
      </div>
      {rows.length ? (
        <>
          <table className="grid-table" aria-label="Throughput by backend" data-testid="gpu-bench">
            <thead>
              <tr>
                <th>kernel</th>
                <th className="num">batch</th>
                <th className="num">WebGPU</th>
                <th className="num">CPU twin</th>
                <th className="num">GPU kernel time</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.behavior}-${r.batchSize}`}>
                  <td>{r.behavior}</td>
                  <td className="num">{formatNumber(r.batchSize)}</td>
                  <td className="num">{fmt(r.webgpuMsgsPerSec)}</td>
                  <td className="num">{fmt(r.cpuMsgsPerSec)}</td>
                  <td className="num">
                    {r.gpuKernelNs === null ? 'n/a' : formatMicros(r.gpuKernelNs / 1e3)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ThroughputChart rows={rows} />
        </>
      ) : null}
    </div>
  );
}
