import { useLiveValue, useStale } from '../../state/live';
import { useWorkbench } from '../../state/store';
import { pathBottlenecks } from '../../analysis/predict';
import { usePredictions } from './predictions';
import { engineLimit, useMeanWhenBehind } from '../live/engineLimit';
import { depthText, depthTitle } from '../graph/depth';
import { formatCompact, formatCount, formatNumber, listOf } from '../design/format';

/** Messages a second (the header says "/s"), as the graph and Queues write them: 482 K, 1,234. */
const fmtRate = (x: number | null): string =>
  x === null
    ? '—'
    : x === 0
      ? '0'
      : x < 10
        ? formatNumber(x, 1)
        : Math.abs(x) >= 1e4
          ? formatCompact(x)
          : formatNumber(x);
const fmtSec = (x: number | null): string =>
  x === null
    ? '—'
    : x === 0
      ? 'now'
      : x < 1
        ? `${(x * 1000).toFixed(0)} ms`
        : x < 600
          ? `${x.toFixed(1)} s`
          : `${(x / 60).toFixed(0)} min`;

/**
 * Said on the rate columns' heads. "(5 s avg)" claimed more than is true: the average is an
 * exponential one over about 5 s, it reads 0 within a second of the last arrival (no rate stays
 * after traffic stops), and right after an idle spell it is what arrived over the time since.
 * The heads' hover says all that.
 */
const AVG_NOTE = '(avg)';

/** Why a kernel has no time to full or to drained while its μ is unknown (on hover). */
const MU_UNMEASURED =
  'Not predicted: its service rate is not measured yet (it has not been seen busy)';

/** Per-kernel utilisation and time to full/drain, and the bottleneck of each path, live. */
export function PredictPanel() {
  const all = usePredictions();
  const stale = useStale();
  const config = useWorkbench((s) => s.config);
  const edges = useLiveValue((s) =>
    (s?.edges ?? []).map((e) => ({
      source: e.source,
      target: e.target,
      total: e.total > 0 ? 1 : 0,
    })),
  );
  // In the config's order, as Queues, GPU, the graph and the Inspector list them: side by side,
  // an alphabetical list here read against theirs row by row put every kernel beside another.
  const order = new Map(config.kernels.map((k, i) => [k.id, i]));
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  const rows = [...all].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  // Losing messages at its queue now (refused or evicted in the last second).
  const losing = rows.filter((p) => p.losing);
  // Losing with no backlog ever caught: lumps of traffic larger than the queue.
  const lumpy = rows.filter((p) => p.losing && p.servicePerSec === null);
  const byId = new Map(all.map((p) => [p.id, p]));
  // The most each queue held at once lately: shown as the graph shows it ("≤310 / 4,096").
  const peaks = useLiveValue((s) =>
    Object.fromEntries((s?.kernels ?? []).map((k) => [k.id, k.peakQueued])),
  );
  const paths = pathBottlenecks(config, byId, edges);
  // Saturated, every kernel keeps up with what reaches it: the engine's thread (drawing and
  // routing) is the limit. "none: keeps up" on every path, beside an amber "1.54 M of 4.00 M/s"
  // in the toolbar, read as a tool that cannot see the bottleneck.
  const mean = useMeanWhenBehind();
  const sendEnded = useWorkbench((s) => s.sendEnded);
  const limit = useLiveValue((s) => {
    const l = engineLimit(s, mean, sendEnded);
    return l
      ? { asked: l.asked, actual: Math.round(l.sustained), lagS: (l.lagMs / 1000).toFixed(1) }
      : null;
  });
  if (rows.length === 0) return <p className="muted">Waiting for engine snapshots…</p>;
  return (
    <div
      className={`predict-panel ${stale.className}`}
      title={stale.title}
      data-testid="predict-panel"
    >
      <div className="table-scroll">
        <table className="grid-table tight" aria-label="Queue predictions">
          <thead>
            <tr>
              <th>kernel</th>
              <th aria-label="queued / capacity">
                queued / <span className="label-full">capacity</span>
                <span className="label-short">cap.</span>
              </th>
              <th
                className="num"
                title="λ: messages arriving per second, an exponential average over about 5 s (predictions must not swing with every burst), so after a change in traffic it takes a few seconds to catch up with the Queues panel's half-second rates; 0 within a second of the last arrival, and right after an idle spell what arrived over the time since"
              >
                <span className="sym">λ</span> arrivals/s{' '}
                {/* Said on the table, not only on hover: beside the graph's half-second rates
                    the averages read as a contradiction under changing load. */}
                <span className="muted">{AVG_NOTE}</span>
              </th>
              <th
                className="num"
                title="μ: messages the kernel serves per second while it has a queue, averaged like λ; not measured until it has had one for 0.3 s in all"
              >
                <span className="sym">μ</span> service/s <span className="muted">{AVG_NOTE}</span>
              </th>
              <th className="num" title="ρ = λ / μ: utilisation">
                <span className="sym">ρ</span>
              </th>
              {/* On two lines where the pane is narrow, as the other headers: whole on one,
                  "drained in" was cut to "DRAINED I…" at 1280x720 beside "≤301 / 4,096". */}
              <th className="num" title="predicted time until the queue is full">
                full in
              </th>
              <th className="num" title="predicted time until the queue is empty">
                drained in
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr
                key={p.id}
                data-testid={`predict-row-${p.id}`}
                data-warning={p.warning}
                className={p.warning ? 'warning' : undefined}
              >
                <td>{p.id}</td>
                <td
                  title={depthTitle(p.queued, peaks[p.id] ?? 0, p.capacity)}
                  data-testid={`predict-depth-${p.id}`}
                >
                  {depthText(p.queued, peaks[p.id] ?? 0, p.capacity)}
                </td>
                <td className="num">{fmtRate(p.arrivalPerSec)}</td>
                {/* Losing messages with μ unmeasured: traffic in lumps larger than the queue
                  overflows it between snapshots that each find it drained. "keeps up · < 1"
                  beside "⚠ now" said nothing was wrong. */}
                {/* May wrap: "not measured" beside "⚠ now" had pushed the table past a
                    half-width pane at 1280x720 and cut "drained in" to "DRAINE". */}
                <td
                  className="num wraps"
                  title={
                    p.servicePerSec === null
                      ? p.losing
                        ? `Not measured: no snapshot caught a backlog, yet the queue refused or evicted messages in the last second (traffic arrives in lumps larger than the queue). It serves at least what it processes${p.throughputPerSec > 0 ? `, ${fmtRate(p.throughputPerSec)}/s` : ''}.`
                        : 'Not seen busy yet: keeps up with its arrivals'
                      : undefined
                  }
                >
                  {p.servicePerSec === null
                    ? p.losing
                      ? // A floor, not "not measured" alone beside a kernel processing 22 K/s
                        // that the graph badges a bottleneck (QA).
                        p.throughputPerSec > 0
                        ? `≥ ${fmtRate(p.throughputPerSec)}`
                        : 'not measured'
                      : 'keeps up'
                    : fmtRate(p.servicePerSec)}
                </td>
                <td
                  className="num"
                  title={
                    p.rho === null
                      ? p.losing
                        ? 'Unknown: its service rate is not measured, and it is losing messages'
                        : 'Below 1: the kernel has not been seen busy, so its service rate is not measured'
                      : undefined
                  }
                >
                  {p.rho === null ? (p.losing ? '—' : '< 1') : p.rho.toFixed(2)}
                </td>
                {/* A dash says why on hover, as the μ and ρ cells do: "—" alone, under heads
                    that only named the column, left the reader to guess. */}
                <td
                  className="num"
                  title={
                    p.secondsToFull !== null
                      ? undefined
                      : p.servicePerSec === null
                        ? MU_UNMEASURED
                        : p.arrivalPerSec > p.servicePerSec
                          ? 'Not predicted while its queue is under half full: it is served in batches, which take in more as the queue deepens than the service rate measured at small ones'
                          : 'Not filling: it serves at least as fast as messages arrive'
                  }
                >
                  {p.warning ? (
                    <strong role="alert">⚠ {fmtSec(p.secondsToFull)}</strong>
                  ) : (
                    fmtSec(p.secondsToFull)
                  )}
                </td>
                <td
                  className="num"
                  title={
                    p.secondsToDrain !== null
                      ? undefined
                      : p.losing || p.queued >= p.capacity
                        ? 'Not draining: its queue is full, or refused or evicted messages in the last second'
                        : p.queued === 0
                          ? 'Nothing queued to drain'
                          : p.servicePerSec === null
                            ? MU_UNMEASURED
                            : 'Not draining: messages arrive at least as fast as it serves them'
                  }
                >
                  {fmtSec(p.secondsToDrain)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {/* Said in words, not only in the μ cell's title: "not measured · — · ⚠ now" for seconds
          on end told a user nothing of why, or what helps. */}
      {lumpy.length > 0 ? (
        <p className="predict-engine" data-testid="predict-lumps">
          ⚠ {lumpy.map((p) => p.id).join(', ')} {lumpy.length === 1 ? 'loses' : 'lose'} messages
          while keeping up between snapshots: traffic arrives in lumps larger than{' '}
          {lumpy.length === 1 ? 'its queue' : 'their queues'} (
          {lumpy.map((p) => formatCount(p.capacity)).join(', ')}), and the excess is refused or
          evicted before the kernel runs. A larger queue, or steadier arrivals, stops the loss.
        </p>
      ) : null}
      {limit ? (
        <p className="predict-engine" role="status" data-testid="predict-engine-limit">
          ⚠ The engine is the bottleneck: messages enter at {fmtRate(limit.actual)}/s of the{' '}
          {fmtRate(limit.asked)}/s asked, and the generator is {limit.lagS} s behind its schedule.
          {/* "…not a kernel" had stood above paths whose bottleneck was a kernel losing messages
              (small queues under bursts): both hold, and it says so. */}
          {losing.length === 0
            ? ' Its thread (drawing and routing messages) is the limit, not a kernel.'
            : ` Its thread (drawing and routing messages) limits the rate; besides, ${listOf(losing.map((p) => p.id))} ${losing.length === 1 ? 'loses' : 'lose'} messages at ${losing.length === 1 ? 'its queue' : 'their queues'} (the paths below).`}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="grid-table" aria-label="Bottleneck per path">
          <thead>
            <tr>
              <th>type</th>
              <th>path</th>
              <th>bottleneck</th>
              <th className="num" title="ρ = λ / μ: the bottleneck's utilisation">
                <span className="sym">ρ</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {paths.map((p) => (
              <tr key={p.typeId} data-testid={`bottleneck-${p.typeId}`}>
                <td>
                  {p.typeName} ({p.typeId})
                </td>
                <td>{p.kernels.join(' → ') || '(no kernel)'}</td>
                <td
                  title={
                    p.bottleneck === null && p.kernels.length > 0
                      ? 'No kernel on this path has been seen busy (or nothing arrives): each keeps up with its arrivals'
                      : undefined
                  }
                >
                  {p.bottleneck ??
                    (p.kernels.length === 0
                      ? '—'
                      : limit
                        ? 'the engine (above)'
                        : 'none: keeps up')}
                </td>
                <td
                  className="num"
                  title={
                    p.losing && p.rho === null
                      ? 'Losing messages: its queue refused or evicted some in the last second'
                      : undefined
                  }
                >
                  {p.rho === null ? (p.losing ? 'losing' : '—') : p.rho.toFixed(2)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
