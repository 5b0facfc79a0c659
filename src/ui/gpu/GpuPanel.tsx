import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { isSoftwareAdapter, useGpuStatus } from './adapter';
import { useGpuBench, type ThroughputRow as BenchRow } from './benchContext';
import { useLiveValue } from '../../state/live';
import {
  countOf,
  formatMicros,
  formatNumber,
  formatRate,
  measuredRate,
  withGaps,
} from '../design/format';
import { watchTheme } from '../design/theme';
import { logRange, logSplits, rateTick } from './chart';
import { crossoverWords, placementLabel, switchedAgo } from './placement';

const SIZES = [1_024, 4_096, 16_384, 65_536];

/** As every rate in the panels: `2,931/s`, `25.3 K/s` (it had read "2,930.9 /s" beside those). */
const fmt = formatRate;

/** One colour per kernel behaviour; its WebGPU line solid, its CPU twin's dashed. */
const COLORS = [
  '#2563eb',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#dc2626',
  '#0f766e',
  '#db2777',
  '#64748b',
];
const colorOf = (i: number): string => COLORS[i % COLORS.length] ?? '#888';
const CPU_DASH = [5, 3];
const CHART_HEIGHT = 180;
const AXIS_FONT = '11px system-ui, sans-serif';
/** The plot's own width (its pane's), so the axes stay inside the pane at any size. */
const chartWidth = (el: HTMLElement): number => Math.max(200, Math.floor(el.clientWidth));

/** Labels every tick it is given (uPlot's log axes label only some, passing null for the rest). */
const everyTick = (_u: uPlot, splits: number[]): number[] => splits;

/** A line of the chart's key: solid for WebGPU, dashed for the CPU twin. */
function KeyLine({ dash }: { dash?: number[] }) {
  return (
    <svg width="18" height="6" aria-hidden="true">
      <line
        x1="0"
        y1="3"
        x2="18"
        y2="3"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeDasharray={dash?.join(' ')}
      />
    </svg>
  );
}

/**
 * Throughput against batch size, one colour per kernel (WebGPU solid, CPU twin dashed), both axes
 * on log scales with a label at every tick. A small chart like the Metrics panel's: a one-line
 * title and a key of names and line styles above the plot, no legend of values (uPlot's read
 * "fraud webgpu: --" for every series until hovered; the table above has the numbers).
 */
function ThroughputChart({ rows }: { rows: BenchRow[] }) {
  const host = useRef<HTMLDivElement>(null);
  const kernels = useMemo(() => [...new Set(rows.map((r) => r.behavior))], [rows]);
  useEffect(() => {
    const el = host.current;
    if (!el || rows.length === 0) return;
    const x = Float64Array.from(SIZES);
    const series: uPlot.Series[] = [{}];
    const data: Float64Array[] = [x];
    kernels.forEach((k, i) => {
      for (const backend of ['webgpu', 'cpu'] as const) {
        series.push({
          label: `${k} ${backend === 'webgpu' ? 'WebGPU' : 'CPU twin'}`,
          stroke: colorOf(i),
          dash: backend === 'cpu' ? CPU_DASH : [],
          width: 1.5,
        });
        data.push(
          Float64Array.from(SIZES, (s) => {
            const r = rows.find((row) => row.behavior === k && row.batchSize === s);
            const v = r ? (backend === 'webgpu' ? r.webgpuMsgsPerSec : r.cpuMsgsPerSec) : NaN;
            return v > 0 ? v : NaN;
          }),
        );
      }
    });
    const [lo, hi] = logRange(rows.flatMap((r) => [r.webgpuMsgsPerSec, r.cpuMsgsPerSec]));
    const first = SIZES[0] ?? 1;
    const last = SIZES[SIZES.length - 1] ?? 10;
    let plot: uPlot | null = null;
    // A canvas cannot read the page's colour tokens (and "currentColor" drew black labels on the
    // dark theme): the plot's element resolves them (gpu.css), and a change of theme redraws.
    const build = () => {
      plot?.destroy();
      const css = getComputedStyle(el);
      const ink = css.color;
      const rule = css.borderTopColor;
      const axis = {
        stroke: ink,
        font: AXIS_FONT,
        grid: { stroke: rule, width: 1 },
        ticks: { stroke: rule, width: 1, size: 4 },
        filter: everyTick,
      };
      plot = new uPlot(
        {
          width: chartWidth(el),
          height: CHART_HEIGHT,
          legend: { show: false },
          cursor: { show: false },
          // The measured batch sizes sit a little inside the ends; the rates span whole decades.
          scales: {
            x: { time: false, distr: 3, range: () => [first / 1.4, last * 1.4] },
            y: { distr: 3, range: () => [lo, hi] },
          },
          series: series.map((x, i) =>
            i === 0 ? x : { ...x, points: { size: 5, width: 1, fill: css.backgroundColor } },
          ),
          axes: [
            {
              ...axis,
              size: 26,
              gap: 3,
              splits: () => SIZES,
              values: (_u, vals) => vals.map((v) => formatNumber(v)),
            },
            {
              ...axis,
              // Room for "100 M/s" beside its tick.
              size: 58,
              gap: 4,
              splits: () => logSplits(lo, hi),
              values: (_u, vals) => vals.map(rateTick),
            },
          ],
        },
        withGaps(data) as unknown as uPlot.AlignedData,
        el,
      );
    };
    build();
    const ro = new ResizeObserver(() =>
      plot?.setSize({ width: chartWidth(el), height: CHART_HEIGHT }),
    );
    ro.observe(el);
    const unwatch = watchTheme(build);
    return () => {
      ro.disconnect();
      unwatch();
      plot?.destroy();
    };
  }, [rows, kernels]);
  return (
    <figure className="gpu-chart" data-testid="gpu-chart">
      <figcaption>
        <span className="gpu-chart-title">Throughput against batch size</span>{' '}
        <span className="muted">messages/s, log scales</span>
      </figcaption>
      <ul className="gpu-chart-key" aria-label="Chart key">
        {kernels.map((k, i) => (
          <li key={k}>
            <span className="gpu-chart-swatch" style={{ background: colorOf(i) }} />
            {k}
          </li>
        ))}
        <li>
          <KeyLine />
          WebGPU
        </li>
        <li>
          <KeyLine dash={CPU_DASH} />
          CPU twin
        </li>
      </ul>
      <div
        ref={host}
        className="gpu-chart-plot"
        role="img"
        aria-label="Messages per second against batch size for each kernel, on WebGPU and on its CPU twin, as in the table above"
      />
    </figure>
  );
}

/** Which adapter runs the kernels, honestly; each kernel's backend; GPU vs CPU throughput. */
export function GpuPanel() {
  const status = useGpuStatus();
  const runBench = useGpuBench();
  const [rows, setRows] = useState<BenchRow[]>([]);
  const results = useRef<HTMLTableElement>(null);
  // The results open below the pane's fold (at 1440x900 none of them showed): each finished
  // measurement brings their start into view once they are drawn.
  const [measured, setMeasured] = useState(0);
  useEffect(() => {
    if (measured > 0) results.current?.scrollIntoView({ block: 'nearest' });
  }, [measured]);
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
        batch: k.placement.batchSize,
        crossover: crossoverWords(k.placement),
        switched: switchedAgo(k.placement.lastSwitchUs, s.timeUs),
      })) ?? [],
  );

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
      <table className="grid-table stacks gpu-table" aria-label="Kernel backends">
        <thead>
          <tr>
            <th className="g-kernel">kernel</th>
            <th className="g-where">running on</th>
            <th
              className="num g-cpu"
              aria-label="CPU twin measured"
              title="the CPU twin's own compute: messages per second of the time it spent on the kernel's batches, at about the “measured at” batch size (or the nearest it was measured at), over recent batches"
            >
              <span className="label-full">CPU twin measured</span>
              <span className="label-short">CPU twin</span>
            </th>
            <th
              className="num g-gpu"
              aria-label="WebGPU measured"
              title="WebGPU's whole round trip (upload, compute, read-back, to the GPU's worker and back): messages per second of the time the kernel's batches were out, at about the “measured at” batch size (or the nearest it was measured at), over recent batches"
            >
              <span className="label-full">WebGPU measured</span>
              <span className="label-short">WebGPU</span>
            </th>
            <th
              className="num g-batch"
              aria-label="measured at batch size"
              title="the batch size the measured rates are for: the mean rows per batch the kernel takes now (each rate is of batches about this size, or the nearest size that backend was measured at)"
            >
              <span className="label-full">measured at</span>
              <span className="label-short">measured at</span>
            </th>
            <th className="g-faster" title="the batch size from which WebGPU was measured faster">
              WebGPU faster
            </th>
            <th className="g-switched line-2">last switch</th>
            <th
              className="num g-rate"
              title="messages this kernel processed per second over the last half second, in batches of every size (beside the measured rates, which are for one batch size)"
            >
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
                <td className="num g-batch">
                  {k.batch > 0 ? `~${countOf(k.batch, 'row')}` : 'no batch yet'}
                </td>
                <td className="g-faster">{k.crossover}</td>
                <td className="g-switched line-2">{k.switched}</td>
                <td className="num g-rate">{formatRate(k.rate)}</td>
              </tr>
              <tr className="placement-why">
                <td colSpan={8} className="muted" data-testid={`placement-${k.id}`}>
                  {k.reason}
                </td>
              </tr>
            </Fragment>
          ))}
        </tbody>
      </table>
      {/* Under the table: above it, the note took the default pane's room and left one kernel's
          first line in view. */}
      <p className="muted" data-testid="gpu-measured-note">
        Measured: messages per second of the time a backend spent on the kernel&apos;s batches of
        about the size shown; it decides where the kernel runs. On the CPU twin that is its compute
        alone, well above what the engine around it processes. On WebGPU it is the whole round trip,
        so a kernel that cannot keep up processes about that rate, and more when it also took
        batches larger than the size measured.
      </p>
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
              setMeasured((n) => n + 1);
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
        <span role="status" className="muted">
          {!running && rows.length
            ? `Measured ${new Set(rows.map((r) => r.behavior)).size} kernel behaviours at ${new Set(rows.map((r) => r.batchSize)).size} batch sizes: below.`
            : ''}
        </span>
      </div>
      {rows.length ? (
        <>
          <table
            ref={results}
            className="grid-table"
            aria-label="Throughput by backend"
            data-testid="gpu-bench"
          >
            <thead>
              <tr>
                {/* The behaviour (a kernel's handler), which the table above names per kernel. */}
                <th>behaviour</th>
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
          {/* A review read the aggregator's twin at 113–122 M/s above and 12–18 M/s here, with
              nothing to say why. */}
          <p className="muted" data-testid="gpu-bench-note">
            Measured on this page&apos;s thread, on batches made for the test, while the
            engine&apos;s and the generator&apos;s workers go on beside it: compare the two backends
            within a row. The rates in the table above are the engine&apos;s own, on its live
            batches in its worker, and are the ones that decide where a kernel runs.
          </p>
          <ThroughputChart rows={rows} />
        </>
      ) : null}
    </div>
  );
}
