import { useLiveValue } from '../../state/live';
import { depthLevel } from '../graph/nodes';

/** Every kernel's queue, like NiFi's connection view: depth, high-water mark, drops, dead letters. */
export function QueuesPanel() {
  const rows = useLiveValue((s) => s?.kernels ?? []);
  if (rows.length === 0) return <p className="muted">Waiting for the engine…</p>;
  return (
    <table className="grid-table" aria-label="Queues">
      <thead>
        <tr>
          <th>kernel</th>
          <th>backend</th>
          <th>depth / capacity</th>
          <th>max depth</th>
          <th>processed</th>
          <th>rate</th>
          <th>dropped</th>
          <th>dead-lettered</th>
          <th>emitted</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr
            key={k.id}
            data-testid={`queue-row-${k.id}`}
            className={`depth-${depthLevel(k.queueDepth, k.capacity)}`}
          >
            <td>{k.id}</td>
            <td>{k.backend}</td>
            <td>
              {k.queueDepth} / {k.capacity}
            </td>
            <td>{k.maxDepth}</td>
            <td>{k.processed}</td>
            <td>{Math.round(k.ratePerSec)}/s</td>
            <td>{k.dropped}</td>
            <td>{k.deadLettered}</td>
            <td>{k.emitted}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** injected + emitted = processed + queued + failed + dead-lettered, live. */
export function AccountingBar() {
  const acc = useLiveValue((s) => s?.accounting ?? null);
  if (!acc) return null;
  const failed = Object.values(acc.failedByStatus).reduce((x, y) => x + y, 0);
  return (
    <div className="accounting" data-testid="accounting" data-balanced={acc.balanced}>
      <span title="messages injected from outside">injected {acc.injected}</span>
      <span title="alerts and responses emitted by kernels">+ emitted {acc.emitted}</span>
      {acc.carriedOver ? (
        <span title="queued or dead-lettered when the counters were last reset">
          + carried over {acc.carriedOver}
        </span>
      ) : null}
      <span>= processed {acc.processed}</span>
      <span>+ queued {acc.queued}</span>
      <span title={JSON.stringify(acc.failedByStatus)}>+ failed {failed}</span>
      <span>+ dead-lettered {acc.deadLettered}</span>
      <strong className={acc.balanced ? 'ok' : 'bad'}>
        {acc.balanced ? '✔ balanced' : '✘ unbalanced'}
      </strong>
    </div>
  );
}
