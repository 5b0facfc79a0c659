import { useLiveValue, useStale } from '../../state/live';
import { depthLevel } from '../graph/depth';
import { formatCount } from './labels';

/** Rounded to what the table shows, so a row re-renders only when a shown number changes. */
const rate = (r: number) => Math.round(r);

/**
 * Every kernel's queue, like NiFi's connection view: messages waiting (queued, never above the
 * capacity) apart from those a backend is processing (in flight), high-water mark, drops, dead
 * letters. Colours follow the real capacity, as on the graph.
 */
export function QueuesPanel() {
  const stale = useStale();
  const rows = useLiveValue((s) =>
    (s?.kernels ?? []).map((k) => ({
      id: k.id,
      backend: k.backend,
      backpressure: k.backpressure,
      queued: k.queued,
      inFlight: k.inFlight,
      capacity: k.capacity,
      maxDepth: k.maxDepth,
      processed: k.processed,
      rate: rate(k.ratePerSec),
      dropped: k.dropped,
      deadLettered: k.deadLettered,
      emitted: k.emitted,
    })),
  );
  if (rows.length === 0) return <p className="muted">Waiting for the engine…</p>;
  return (
    <table
      className={`grid-table ${stale.className}`}
      title={stale.title}
      aria-label="Queues"
      data-stale={stale.className === 'stale'}
    >
      <thead>
        <tr>
          <th>kernel</th>
          <th>backend</th>
          <th title="messages waiting in the queue, against its real (power-of-two) capacity">
            queued / capacity
          </th>
          <th title="taken from the queue and being processed (a GPU batch)">in flight</th>
          <th title="most messages ever waiting at once">max queued</th>
          <th>processed</th>
          <th title="processed per second over the last second">rate</th>
          <th title="refused or evicted at this queue">dropped</th>
          <th title="dead letters whose destination is this kernel">dead-lettered</th>
          <th title="alerts and responses this kernel emitted">emitted</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr
            key={k.id}
            data-testid={`queue-row-${k.id}`}
            className={`depth-${depthLevel(k.queued, k.capacity)}`}
          >
            <td>{k.id}</td>
            <td data-testid={`queues-backend-${k.id}`}>
              {k.backend === 'webgpu' ? 'WebGPU' : 'CPU twin'}{' '}
              {k.backpressure ? (
                <span
                  className="badge badge-warn"
                  title={`Back-pressure: the kernel on ${k.backend === 'webgpu' ? 'WebGPU' : 'its CPU twin'} does not keep up (its queue is 75 % full or it refused or evicted messages since the last update); its overflow policy applies.`}
                >
                  bottleneck
                </span>
              ) : null}
            </td>
            <td className="num" data-testid={`queued-${k.id}`}>
              {formatCount(k.queued)} / {formatCount(k.capacity)}
            </td>
            <td className="num" data-testid={`inflight-${k.id}`}>
              {formatCount(k.inFlight)}
            </td>
            <td className="num">{formatCount(k.maxDepth)}</td>
            <td className="num">{formatCount(k.processed)}</td>
            <td className="num" data-testid={`rate-${k.id}`}>
              {formatCount(k.rate)}/s
            </td>
            <td className="num">{formatCount(k.dropped)}</td>
            <td className="num">{formatCount(k.deadLettered)}</td>
            <td className="num">{formatCount(k.emitted)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Words for the accounting's "failed" reasons: what became of those messages. */
const FAILED_WORDS: Record<string, string> = {
  Evicted: 'evicted from the dead-letter queue',
  Purged: 'purged from the dead-letter queue',
  DroppedOldest: 'dropped as oldest',
  KernelRemoved: 'lost with a removed kernel',
};

/** injected + emitted = processed + queued + in flight + lost + held as dead letters, live. */
export function AccountingBar() {
  const acc = useLiveValue((s) => s?.accounting ?? null);
  const stale = useStale();
  if (!acc) return null;
  const lost = Object.values(acc.failedByStatus).reduce((x, y) => x + y, 0);
  const lostWhy = Object.entries(acc.failedByStatus)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${FAILED_WORDS[why] ?? why}: ${formatCount(n)}`)
    .join('; ');
  return (
    <div
      className={`accounting ${stale.className}`}
      title={stale.title}
      data-testid="accounting"
      data-balanced={acc.balanced}
    >
      <span title="messages injected from outside">injected {formatCount(acc.injected)}</span>
      <span title="alerts and responses emitted by kernels">
        + emitted {formatCount(acc.emitted)}
      </span>
      {acc.carriedOver ? (
        <span title="queued or dead-lettered when the counters were last reset">
          + carried over {formatCount(acc.carriedOver)}
        </span>
      ) : null}
      <span>= processed {formatCount(acc.processed)}</span>
      <span title="waiting in kernel queues">+ queued {formatCount(acc.queued)}</span>
      <span title="taken from a queue, being processed on a backend">
        + in flight {formatCount(acc.inFlight)}
      </span>
      <span title={lostWhy || 'failed messages no longer held anywhere'}>
        + failed, not kept {formatCount(lost)}
        {lostWhy ? ` (${lostWhy})` : ''}
      </span>
      <span title="failed messages held in the dead-letter queue now (redrivable)">
        + held as dead letters {formatCount(acc.deadLettered)}
      </span>
      <strong className={acc.balanced ? 'ok' : 'bad'}>
        {acc.balanced ? '✔ balanced' : '✘ unbalanced'}
      </strong>
    </div>
  );
}
