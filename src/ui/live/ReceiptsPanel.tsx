import { useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { RECEIPT_STATUSES, type ReceiptRow, type ReceiptStatus } from '../../engine/protocol';
import { receiptLog } from '../../app/live';
import { receiptsToCsv, receiptsToJson } from '../../state/receiptLog';
import { decodePayload, layoutOf, toHex } from '../../engine/payload';
import { useLive, useLiveValue } from '../../state/live';
import { useWorkbench } from '../../state/store';
import { findType } from '../../state/edits';
import { downloadText } from './download';
import { openTrace } from '../analysis';
import { engineClient } from '../../app/engineRef';

/**
 * The list follows the log at most five times a second: at full rate the log changes on every
 * snapshot, and re-filtering 20,000 rows sixty times a second would starve the page.
 */
const VIEW_INTERVAL_MS = 200;
let viewVersion = 0;
let viewTimer: ReturnType<typeof setTimeout> | undefined;
const viewListeners = new Set<() => void>();
function subscribeThrottled(fn: () => void): () => void {
  viewListeners.add(fn);
  const off = receiptLog.subscribe(() => {
    if (viewTimer !== undefined) return;
    viewTimer = setTimeout(() => {
      viewTimer = undefined;
      viewVersion = receiptLog.version();
      for (const l of viewListeners) l();
    }, VIEW_INTERVAL_MS);
  });
  return () => {
    viewListeners.delete(fn);
    off();
  };
}

function useLogVersion() {
  return useSyncExternalStore(subscribeThrottled, () => viewVersion);
}

export function ReceiptsPanel() {
  const version = useLogVersion();
  const counts = useLiveValue((s) => s?.receipts.byStatus ?? {});
  const total = useLive((s) => s?.receipts.total ?? 0);
  const sampledOut = useLive((s) => s?.receipts.sampledOut ?? 0);
  const [status, setStatus] = useState<ReceiptStatus | ''>('');
  const [type, setType] = useState('');
  const [kernel, setKernel] = useState('');
  const [selected, setSelected] = useState<ReceiptRow | null>(null);
  const paused = receiptLog.paused();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the log is read when its version moves.
  const rows = useMemo(() => receiptLog.rows(), [version, paused]);
  const filtered = useMemo(
    () =>
      rows.filter(
        (r) =>
          (!status || r.status === status) &&
          (!type || String(r.typeId) === type.trim()) &&
          (!kernel || r.source.includes(kernel) || r.destination.includes(kernel)),
      ),
    [rows, status, type, kernel],
  );
  const parentRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the list engine.
  const virtual = useVirtualizer({
    count: filtered.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => 22,
    overscan: 12,
  });

  return (
    <div className="receipts">
      <div className="panel-bar">
        <span data-testid="receipt-total">{total} receipts</span>
        {RECEIPT_STATUSES.filter((s) => counts[s]).map((s) => (
          <span key={s} className={`status-chip st-${s}`} data-testid={`count-${s}`}>
            {s} {counts[s]}
          </span>
        ))}
        {sampledOut ? <span className="muted">({sampledOut} not shown: sampled)</span> : null}
        <span className="grow" />
        <label className="inline">
          Status
          <select
            aria-label="Filter by status"
            value={status}
            onChange={(e) => setStatus(e.target.value as ReceiptStatus | '')}
          >
            <option value="">all</option>
            {RECEIPT_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <input
          aria-label="Filter by type id"
          placeholder="type id"
          value={type}
          onChange={(e) => setType(e.target.value)}
          size={8}
        />
        <input
          aria-label="Filter by kernel"
          placeholder="kernel"
          value={kernel}
          onChange={(e) => setKernel(e.target.value)}
          size={10}
        />
        <button type="button" aria-pressed={paused} onClick={() => receiptLog.setPaused(!paused)}>
          {paused ? `Resume (${receiptLog.bufferedSincePause()} buffered)` : 'Pause'}
        </button>
        <button type="button" onClick={() => receiptLog.clear()}>
          Clear
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText('receipts.json', receiptsToJson(filtered), 'application/json')
          }
        >
          Export JSON
        </button>
        <button
          type="button"
          onClick={() => downloadText('receipts.csv', receiptsToCsv(filtered), 'text/csv')}
        >
          Export CSV
        </button>
      </div>
      <div className="receipts-body">
        <div
          className="receipt-list"
          ref={parentRef}
          role="table"
          aria-label="Receipts"
          data-testid="receipt-list"
        >
          <div role="row" className="receipt-row head">
            <span role="columnheader">HLC</span>
            <span role="columnheader">msg</span>
            <span role="columnheader">type</span>
            <span role="columnheader">source → destination</span>
            <span role="columnheader">status</span>
            <span role="columnheader">hops</span>
            <span role="columnheader">latency</span>
          </div>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((v) => {
              const r = filtered[filtered.length - 1 - v.index];
              if (!r) return null;
              return (
                <div
                  key={r.seq}
                  role="row"
                  className={`receipt-row st-${r.status}${selected === r ? ' selected' : ''}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    transform: `translateY(${v.start}px)`,
                    width: '100%',
                  }}
                  onClick={() => setSelected(r)}
                  tabIndex={0}
                  aria-selected={selected === r}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      setSelected(r);
                    }
                  }}
                  data-status={r.status}
                >
                  <span role="cell" className="mono">
                    {r.hlc.physical}.{r.hlc.logical}
                  </span>
                  <span role="cell" className="mono">
                    {r.messageId}
                  </span>
                  <span role="cell">{String(r.typeId)}</span>
                  <span role="cell">
                    {r.source} → {r.destination}
                  </span>
                  <span role="cell">{r.status}</span>
                  <span role="cell">{r.hops}</span>
                  <span role="cell">{r.latencyUs === null ? '' : `${r.latencyUs} µs`}</span>
                </div>
              );
            })}
          </div>
        </div>
        {selected ? <ReceiptDetail row={selected} onClose={() => setSelected(null)} /> : null}
      </div>
    </div>
  );
}

function ReceiptDetail({ row, onClose }: { row: ReceiptRow; onClose: () => void }) {
  const config = useWorkbench((s) => s.config);
  const type = findType(
    config,
    typeof row.typeId === 'bigint' ? row.typeId.toString() : row.typeId,
  );
  const fields = type
    ? Object.entries(decodePayload(layoutOf(type.fields), row.payload)).map(([name, v]) => ({
        name,
        value: String(v),
      }))
    : null;
  return (
    <aside className="receipt-detail" aria-label="Receipt detail">
      <div className="panel-bar">
        <strong>Message {row.messageId}</strong>
        <span className="grow" />
        <button type="button" onClick={() => void openTrace(row)}>
          Trace
        </button>
        <PinButton key={row.messageId} messageId={row.messageId} />
        <button type="button" aria-label="Close detail" onClick={onClose}>
          ✕
        </button>
      </div>
      <dl>
        <dt>status</dt>
        <dd>{row.status}</dd>
        <dt>type</dt>
        <dd>
          {String(row.typeId)} {type ? `(${type.name})` : '(not defined in this workspace)'}
        </dd>
        <dt>source → dest</dt>
        <dd>
          {row.source} → {row.destination}
        </dd>
        <dt>HLC</dt>
        <dd className="mono">
          physical {row.hlc.physical}, logical {row.hlc.logical}, node {row.hlc.nodeId}
        </dd>
        <dt>priority</dt>
        <dd>{row.priority}</dd>
        <dt>hops</dt>
        <dd>{row.hops}</dd>
        <dt>correlation</dt>
        <dd>{row.correlationId || 'none'}</dd>
        <dt>parent</dt>
        <dd>{row.parentId ?? 'none (injected)'}</dd>
        <dt>latency</dt>
        <dd>{row.latencyUs === null ? 'not processed yet' : `${row.latencyUs} µs`}</dd>
      </dl>
      <h4>Payload ({row.payload.length} bytes)</h4>
      {fields ? (
        <table className="fields">
          <tbody>
            {fields.map((f) => (
              <tr key={f.name}>
                <th>{f.name}</th>
                <td className="mono">{f.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <pre className="hex mono" data-testid="payload-hex">
        {toHex(row.payload).replace(/(.{32})/g, '$1\n')}
      </pre>
    </aside>
  );
}

/** Pinned messages stay in the engine's bounded trace store, so their chains stay exact. */
function PinButton({ messageId }: { messageId: number }) {
  const [pinned, setPinned] = useState<boolean | null>(null);
  return (
    <button
      type="button"
      aria-pressed={pinned === true}
      onClick={async () => {
        const reply = await engineClient().request({ type: pinned ? 'unpin' : 'pin', messageId });
        setPinned(reply.ok ? (reply.pinned ?? !pinned) : pinned);
      }}
      title="Keep this message's trace exact even when the trace store samples under load"
    >
      {pinned ? 'Unpin' : 'Pin'}
    </button>
  );
}
