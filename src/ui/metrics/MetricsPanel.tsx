import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './metrics.css';
import { useLive, useLiveValue, useStale } from '../../state/live';
import { brokerTraffic } from './brokerTraffic';
import {
  axisTop,
  formatClock,
  formatCompact,
  formatCount,
  formatMicros,
  formatRate,
  countTicks,
  latencyTicks,
  seriesStroke,
  timeTicks,
  withGaps,
} from '../design/format';
import { watchTheme } from '../design/theme';
import { useWorkbench } from '../../state/store';
import { useEngine } from '../engineContext';
import { tipPlugin } from './chartTip';
import { chartSummary } from './chartSummary';

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

/**
 * The plot's least height: the pane scrolls where the charts do not fit at it. 100 px keeps the
 * three axis labels apart; at 150 px, the first row of charts had its 0 line and time axis below
 * the fold of the half-height pane at 1280x720.
 */
const CHART_HEIGHT = 100;
const AXIS_FONT = '11px system-ui, sans-serif';
/** The time axis's height: 4 px ticks, a gap and one line of AXIS_FONT labels. */
const X_AXIS_SIZE = 26;
/** The chart's own width (its grid cell), so axes and legend stay inside the pane at any size. */
const chartWidth = (el: HTMLElement) => Math.max(160, Math.floor(el.clientWidth));
/** A chart's title and key: what it holds besides the plot (about two lines before it is built). */
function chromeOf(chart: Element): number {
  const title = chart.querySelector<HTMLElement>('.u-title');
  const key = chart.querySelector<HTMLElement>('.u-legend');
  return title && key ? title.offsetHeight + key.offsetHeight : 40;
}
/**
 * The plot's height. The charts' grid shows as many rows whole as fit with plots of at least
 * CHART_HEIGHT, each row its share of the grid's height (a maximised pane's charts fill it: at a
 * fixed 150 px they kept to the top third of the window); rows past those scroll. Charts side by
 * side are of one height, as a dashboard's panels are: titles in line at the top, plots at the
 * foot, and a key of more lines takes its room from its own plot (they had lined up at the foot
 * only, one title a line below the other).
 */
function plotHeight(el: HTMLElement): number {
  const grid = el.parentElement;
  if (!grid) return CHART_HEIGHT;
  const css = getComputedStyle(grid);
  const columns = Math.max(1, css.gridTemplateColumns.split(' ').filter(Boolean).length);
  const rows = Math.max(1, Math.ceil(grid.childElementCount / columns));
  const gap = parseFloat(css.rowGap) || 0;
  const charts = [...grid.children];
  const chromes = charts.map(chromeOf);
  const rowChrome = (r: number) => Math.max(...chromes.slice(r * columns, (r + 1) * columns));
  const cellOf = (k: number) => (grid.clientHeight - gap * (k - 1)) / k;
  let shown = rows;
  while (shown > 1 && cellOf(shown) - Math.max(...chromes) < CHART_HEIGHT) shown--;
  const at = charts.indexOf(el);
  const most = rowChrome(Math.floor(at / columns));
  return Math.floor(Math.max(cellOf(shown), CHART_HEIGHT + most) - chromes[at]!);
}
/** A value as the pointer's box says it: rates a second, depths as counts, latencies in µs. */
const VALUE_FORMAT: Record<'rates' | 'kernels' | 'depths' | 'latency', (v: number) => string> = {
  rates: formatRate,
  kernels: formatRate,
  depths: formatCount,
  latency: formatMicros,
};
/** The animation frame (its timestamp) in which a chart was last built: at most one per frame. */
let builtInFrame = -1;

function Chart({
  kind,
  title,
  hint,
  windowSec,
}: {
  kind: 'rates' | 'kernels' | 'depths' | 'latency';
  title: string;
  /** What the title means, on hover over it. */
  hint?: string;
  /** Seconds of history on screen; the x axis slides every frame so the chart scrolls smoothly. */
  windowSec: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const said = useRef<HTMLParagraphElement>(null);
  const metricsHistory = useWorkbench((s) => s.metricsHistory);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let plot: uPlot | null = null;
    let names = '';
    let raf = 0;
    let lastData = 0;
    let slidAt = 0;
    let saidAt = 0;
    let refocus: string | null = null;
    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      // One chart is built per frame: building all four in the frame the tab opens held the page
      // for 50-80 ms under load (each one lays out and draws its axes).
      if (!plot) {
        if (builtInFrame === now) return;
        builtInFrame = now;
      }
      // Samples arrive at 10 Hz: new data at most that often. Between samples the x axis slides,
      // but only once it has a pixel to move (a minute across 1,000 px is 60 ms a pixel): redrawing
      // four charts every frame for a fraction of a pixel was most of this tab's frame time.
      if (plot && now - lastData < 100) {
        const t = Date.now() / 1000;
        // The plot's own width: reading the element's would force a layout every frame.
        if (t - slidAt < windowSec / Math.max(1, plot.width)) return;
        slidAt = t;
        plot.setScale('x', { min: t - windowSec, max: t });
        return;
      }
      lastData = now;
      const v = metricsHistory.view(kind, windowSec);
      const key = v.names.join('|');
      if (!plot || key !== names) {
        // A key's switch that had the focus gets it back in the new plot (a kernel added, a
        // theme changed): destroyed with its plot, it had dropped the focus to the page.
        const again = focusedSwitch(el) ?? refocus;
        refocus = null;
        plot?.destroy();
        names = key;
        // A canvas cannot read the page's colour tokens ("currentColor" drew black axis labels on
        // the dark theme): the chart's element resolves them (styles.css), and a change of theme
        // builds the plot again (`rebuild` below).
        const css = getComputedStyle(el);
        const ink = css.color;
        const rule = css.borderTopColor;
        plot = new uPlot(
          {
            title,
            width: chartWidth(el),
            height: plotHeight(el),
            // From 0 to a round top that the axis labels, with its half between: the line never
            // runs above the highest label.
            scales: {
              x: { time: true },
              y: { range: (_u, _min, max) => [0, axisTop(max, kind === 'depths')] },
            },
            series: [
              {},
              ...v.names.map((n, i) => ({
                label: n,
                stroke: COLORS[i % COLORS.length] ?? '#888',
                ...seriesStroke(i, v.names.length),
              })),
            ],
            // Compact y labels (12.3 K) keep the axis narrow and inside the chart at any value.
            axes: [
              {
                stroke: ink,
                grid: { stroke: rule, width: 1 },
                ticks: { stroke: rule, width: 1, size: 4 },
                font: AXIS_FONT,
                // One line of 11 px labels under short ticks: uPlot's 50 px took a third of a
                // 100 px plot, and the kernels' chart under its two-line key kept 35 px of data.
                size: X_AXIS_SIZE,
                values: (_u, splits) => timeTicks(splits),
              },
              {
                stroke: ink,
                grid: { stroke: rule, width: 1 },
                ticks: { stroke: rule, width: 1 },
                font: AXIS_FONT,
                // Wide enough for "250 ms" whole (52 px cut its first digit).
                size: kind === 'latency' ? 62 : 52,
                splits: (u) => {
                  const top = u.scales.y?.max ?? 1;
                  return [0, top / 2, top];
                },
                values: (_u, vals) => (kind === 'latency' ? latencyTicks(vals) : countTicks(vals)),
              },
            ],
            legend: { live: false },
            // Every switch says its line's state: a Ctrl+click isolates one line, hiding the rest.
            hooks: { setSeries: [syncKey] },
            plugins: [tipPlugin(VALUE_FORMAT[kind])],
          },
          withGaps(v.data) as unknown as uPlot.AlignedData,
          el,
        );
        if (hint) plot.root.querySelector('.u-title')?.setAttribute('title', hint);
        keyboardKey(plot);
        if (again !== null)
          [...plot.root.querySelectorAll<HTMLElement>('.u-legend th[role="switch"]')]
            .find((th) => th.textContent === again)
            ?.focus();
        saidAt = 0;
      } else plot.setData(withGaps(v.data) as unknown as uPlot.AlignedData, false);
      const t = Date.now() / 1000;
      slidAt = t;
      // The chart in words, once a second (not live: read when the reader comes to it).
      if (said.current && t - saidAt >= 1) {
        saidAt = t;
        said.current.textContent = chartSummary(
          title,
          v.names,
          v.data,
          windowSec,
          t,
          VALUE_FORMAT[kind],
        );
      }
      plot.setScale('x', { min: t - windowSec, max: t });
    };
    raf = requestAnimationFrame(draw);
    // The chart's own size, and the grid's (a pane maximised or resized gives it more height);
    // in the next frame: a change of the observed element's size inside the observer's callback
    // is a resize loop.
    let resize = 0;
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(resize);
      resize = requestAnimationFrame(() => {
        if (!plot) return;
        const width = chartWidth(el);
        const height = plotHeight(el);
        if (width !== plot.width || height !== plot.height) plot.setSize({ width, height });
      });
    });
    ro.observe(el);
    // The grid, and the charts beside this one: a key wrapping to more lines there changes the
    // height this plot keeps to.
    if (el.parentElement)
      for (const e of [el.parentElement, ...el.parentElement.children]) ro.observe(e);
    // A change of theme: the next frame builds the plot with the new colours.
    const unwatch = watchTheme(() => {
      refocus = focusedSwitch(el);
      plot?.destroy();
      plot = null;
    });
    return () => {
      cancelAnimationFrame(raf);
      cancelAnimationFrame(resize);
      ro.disconnect();
      unwatch();
      plot?.destroy();
    };
  }, [kind, title, hint, windowSec, metricsHistory]);
  return (
    <div className="chart" ref={host} data-testid={`chart-${kind}`}>
      <p className="sr-only" ref={said} data-testid={`chart-words-${kind}`} />
    </div>
  );
}

/**
 * The chart's key from the keyboard: each series' name a switch (Enter or Space shows or hides
 * it, as a click does), in the tab order, its state said. The key had been a table of names that
 * looked clickable and could not be reached (QA).
 */
function keyboardKey(plot: uPlot): void {
  plot.root.querySelector('.u-legend')?.setAttribute('role', 'presentation');
  const rows = plot.root.querySelectorAll<HTMLTableRowElement>('.u-legend tr.u-series');
  // A row for the time axis too, where uPlot lists it: nothing to switch there.
  const first = rows.length === plot.series.length ? 1 : 0;
  rows.forEach((row, i) => {
    const name = row.querySelector('th');
    if (i < first || !name) return;
    name.setAttribute('role', 'switch');
    name.tabIndex = 0;
    name.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      name.click();
    });
  });
  syncKey(plot);
}

/** Each switch of the key checked while its line shows (uPlot's `setSeries` hook). */
function syncKey(plot: uPlot): void {
  for (const row of plot.root.querySelectorAll('.u-legend tr.u-series'))
    row
      .querySelector('th[role="switch"]')
      ?.setAttribute('aria-checked', String(!row.classList.contains('u-off')));
}

/** The name of the key's switch that has the focus in this chart, if one has. */
function focusedSwitch(chart: HTMLElement): string | null {
  const active = document.activeElement;
  return active instanceof HTMLElement &&
    chart.contains(active) &&
    active.getAttribute('role') === 'switch'
    ? active.textContent
    : null;
}

/** What "failed later" counts, after "delivered" and its count. */
const FAILED_LATER =
  'lost before any kernel ran them: evicted by dropOldest, their kernel unregistered, failed or refused the payload. Each is a dead letter; Receipts counts them as Delivered · failed later.';

/** Rates, per-kernel throughput, queue depths and latency percentiles; the last ten minutes. */
export function MetricsPanel() {
  const engine = useEngine();
  const [windowSec, setWindowSec] = useState(60);
  const m = useLiveValue((s) => s?.metrics ?? null);
  const broker = useLiveValue((s) => (s ? brokerTraffic(s) : null));
  const failedLater = useLive((s) => s?.receipts.failedLater ?? 0);
  const sinceUs = useLive((s) => s?.accounting.sinceUs ?? null);
  const stale = useStale();
  return (
    <div className="metrics">
      {/* The controls first, on a line of their own: after the counters, Reset counters moved
          whenever a count grew a digit or the broker's line appeared with the first response. */}
      <div className="panel-bar" data-testid="metrics-controls">
        <button
          type="button"
          onClick={() => {
            // The counters only: the charts keep their ten minutes (the history sees the
            // counters go back and measures its rates afresh from there).
            engine.send({ type: 'resetMetrics' });
          }}
        >
          Reset counters
        </button>
        {sinceUs !== null ? (
          <span className="muted" data-testid="metrics-since">
            counting since {formatClock(sinceUs)}
          </span>
        ) : null}
        <span className="grow" />
        <label className="inline" title="dispatcher rates over the last second, 10 minutes kept">
          {/* The label's words are its name's (WCAG 2.5.3): "Show" had read beside a list named
              "Chart window". */}
          Chart window
          <select
            aria-label="Chart window"
            value={windowSec}
            onChange={(e) => setWindowSec(Number(e.target.value))}
          >
            <option value={60}>last minute</option>
            <option value={300}>last 5 minutes</option>
            <option value={600}>last 10 minutes</option>
          </select>
        </label>
        {/* In a narrow pane on Show's hover only: on a line of its own it took the room the
            charts' first row needed (metrics.css). */}
        <span className="muted metrics-hint">
          dispatcher rates over the last second, 10 minutes kept
        </span>
      </div>
      {/* Dimmed with their age once no snapshot came for a second, as the other panels. */}
      <div className={`panel-bar metrics-counters ${stale.className}`} title={stale.title}>
        {m ? (
          <span
            data-testid="dispatcher-counters"
            title="The dispatcher's own counters (RingKernel's DispatcherMetrics): what went through dispatch (messages injected or generated, and the alerts kernels emit). Responses sent back to their requester, K2K forwards and dead letters redriven to a destination go through the broker without it, so Receipts and Dead letters can count more than these."
          >
            <span className="counters-full">
              dispatcher: dispatched <strong>{formatCount(m.messagesDispatched)}</strong>, delivered{' '}
              <strong>{formatCount(m.messagesDelivered)}</strong>
              {/* With what it qualifies: after the broker's "failed 0" it had read as the
                  broker's (QA). "delivered" is RingKernel's word for a queue that took the
                  message; some of those were evicted after (dropOldest), which Receipts said
                  ("failed later") and this did not. */}
              {failedLater > 0 ? (
                <span
                  data-testid="failed-later"
                  title={`Delivered (their queue took them), the dispatcher's and the broker's (responses, forwards, redrives), then ${FAILED_LATER}`}
                >
                  {' '}
                  (<strong>{formatCount(failedLater)}</strong> failed later, the broker&apos;s
                  included)
                </span>
              ) : null}
              , unknown type <strong>{formatCount(m.unknownTypeErrors)}</strong>, delivery errors{' '}
              <strong>{formatCount(m.deliveryErrors)}</strong>
            </span>
            {/* A half-width pane (1280x720): compact, so the broker's line fits beside it and
                the charts get the line the counters took (exact figures in the titles). */}
            <span className="counters-short">
              dispatched{' '}
              <strong title={formatCount(m.messagesDispatched)}>
                {formatCompact(m.messagesDispatched)}
              </strong>
              , delivered{' '}
              <strong title={formatCount(m.messagesDelivered)}>
                {formatCompact(m.messagesDelivered)}
              </strong>
              {/* Those that failed later, marked here: in words ("of the delivered, failed later
                  155,168") the line wrapped onto a second at 1280x720 (QA). */}
              {failedLater > 0 ? (
                <span
                  className="failed-later-mark"
                  data-testid="failed-later-mark"
                  role="img"
                  aria-label={`${formatCount(failedLater)} failed later, the broker's included`}
                  title={`${formatCount(failedLater)} delivered, the dispatcher's and the broker's (responses, forwards, redrives), failed later: ${FAILED_LATER}`}
                >
                  {' '}
                  ⚠
                </span>
              ) : null}
              {/* Unknown types only when there are some: "unknown 0" took the room the mark
                  above needed, and the full form (and its title) says it. */}
              {m.unknownTypeErrors > 0 ? (
                <>
                  , unknown <strong>{formatCompact(m.unknownTypeErrors)}</strong>
                </>
              ) : null}
              , errors <strong>{formatCompact(m.deliveryErrors)}</strong>
            </span>
          </span>
        ) : null}
        {broker && broker.sent > 0 ? (
          // Visible, not only in the title above: after a redrive the dispatcher's counters and
          // Receipts' differed by thousands with nothing on screen saying why.
          <span
            className="broker-counters"
            data-testid="broker-counters"
            title="Sends the dispatcher never saw: responses to their requester, K2K forwards and redriven dead letters go through the broker. Dispatcher and broker together make Receipts' totals."
          >
            <span className="counters-full">
              broker (responses, forwards, redrives): sent{' '}
              <strong>{formatCount(broker.sent)}</strong>, failed{' '}
              <strong>{formatCount(broker.failed)}</strong>
            </span>
            {/* Says what the broker's sends are even here: "broker sent 10.0 K" beside "delivered
                1,024" and Queues' 11.0 K processed after a redrive read as a contradiction (QA).
                Its failures only when there are some: the words took that room. */}
            <span className="counters-short">
              responses, forwards, redrives{' '}
              <strong title={formatCount(broker.sent)}>{formatCompact(broker.sent)}</strong>
              {broker.failed > 0 ? (
                <>
                  , failed <strong>{formatCompact(broker.failed)}</strong>
                </>
              ) : null}
            </span>
          </span>
        ) : null}
      </div>
      {/* Dimmed only: a title here showed over the charts' own pointer box. */}
      <div className={`charts ${stale.className}`}>
        {/* Titles of one line in a 300 px column: two charts side by side in a half-width pane,
            where one a pane was all a 1280x720 screen showed. */}
        <Chart
          kind="rates"
          windowSec={windowSec}
          title="Dispatched, delivered, failed, dead-lettered /s"
          hint="Dispatched counts what went through the dispatcher: messages injected and the alerts kernels emit. Failed: the dispatcher's delivery errors (a full queue refusing, no route). Dead-lettered: letters of every reason, also those the dispatcher counts as delivered (evicted by a dropOldest queue, failed by their kernel) and the broker's refusals."
        />
        <Chart
          kind="kernels"
          windowSec={windowSec}
          title="Kernel throughput (processed/s in ½ s)"
        />
        <Chart kind="depths" windowSec={windowSec} title="Queue depth (most queued in ½ s)" />
        <Chart kind="latency" windowSec={windowSec} title="Latency injection → processing" />
      </div>
    </div>
  );
}
