import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { metricsHistory } from '../../app/live';
import { engineClient } from '../../app/engineRef';

const COLORS = [
  '#2563eb',
  '#16a34a',
  '#dc2626',
  '#d97706',
  '#7c3aed',
  '#0f766e',
  '#db2777',
  '#64748b',
];

function Chart({
  kind,
  title,
}: {
  kind: 'rates' | 'kernels' | 'depths' | 'latency';
  title: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let plot: uPlot | null = null;
    let names = '';
    let raf = 0;
    let lastDraw = 0;
    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      if (now - lastDraw < 100) return; // samples arrive at 10 Hz; redraw when they can have changed
      lastDraw = now;
      const v = metricsHistory.view(kind);
      const key = v.names.join('|');
      if (!plot || key !== names) {
        plot?.destroy();
        names = key;
        plot = new uPlot(
          {
            title,
            width: Math.max(200, el.clientWidth),
            height: 150,
            scales: { x: { time: true } },
            series: [
              {},
              ...v.names.map((n, i) => ({
                label: n,
                stroke: COLORS[i % COLORS.length] ?? '#888',
                width: 1.5,
              })),
            ],
            axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', size: 60 }],
            legend: { live: false },
          },
          v.data as unknown as uPlot.AlignedData,
          el,
        );
      } else plot.setData(v.data as unknown as uPlot.AlignedData);
    };
    raf = requestAnimationFrame(draw);
    const ro = new ResizeObserver(() =>
      plot?.setSize({ width: Math.max(200, el.clientWidth), height: 150 }),
    );
    ro.observe(el);
    return () => {
      cancelAnimationFrame(raf);
      ro.disconnect();
      plot?.destroy();
    };
  }, [kind, title]);
  return <div className="chart" ref={host} data-testid={`chart-${kind}`} />;
}

/** Rates, per-kernel throughput, queue depths and latency percentiles; the last ten minutes. */
export function MetricsPanel() {
  const [, force] = useState(0);
  return (
    <div className="metrics">
      <div className="panel-bar">
        <span className="muted">Last 10 minutes, sampled 10 times a second.</span>
        <button
          type="button"
          onClick={() => {
            engineClient().send({ type: 'resetMetrics' });
            metricsHistory.reset();
            force((x) => x + 1);
          }}
        >
          Reset counters
        </button>
      </div>
      <div className="charts">
        <Chart kind="rates" title="Dispatcher: dispatched, delivered, failed per second" />
        <Chart kind="kernels" title="Kernel throughput (processed/s)" />
        <Chart kind="depths" title="Queue depth" />
        <Chart kind="latency" title="Latency injection → processing (µs)" />
      </div>
    </div>
  );
}
