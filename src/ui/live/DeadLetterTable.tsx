/**
 * The dead letters listed, and how the list follows the engine without costing it: the table is
 * its own memoised component, re-rendered when its rows, picks or the age's whole second change,
 * not with every snapshot; and the list is fetched again as letters come and go at most once a
 * second, and not at all while the user is picking from it.
 *
 * With the dead-letter queue full and 175 K letters a second pushing the oldest out, the panel
 * fetched 500 rows and drew them for every snapshot shown: in 10 s, 8 long tasks (615 ms) and a
 * tab click of 887 ms on this machine alone (7.3 s of the 10 s, the generator 0.9 s behind, in a
 * review sharing it with another browser), and each checkbox picked a letter that vanished at once.
 */
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { DeadLetterFilter, DeadLetterList, DeadLetterRow } from '../../engine/protocol';
import type { EngineClient } from '../../engine/client';
import type { RouteConfig } from '../../core/config';
import { detailText, typeLabel } from './labels';
import { routeText } from '../design/format';
import { rowForKey } from './rowKeys';

/** The least time between two fetches of the list that letters coming and going cause (ms). */
export const CHURN_REFRESH_MS = 1000;

/** Rows fetched: the oldest first, as the queue holds them. */
export const LIST_LIMIT = 500;

const EMPTY: DeadLetterList = { total: 0, rows: [], byDestination: {}, byDestinationType: {} };

/** How the queue changed since a held list was fetched; both 0 while it follows. */
export interface LettersSince {
  /** Letters that came: pushing the oldest out of a full queue, or more held than then. */
  newer: number;
  /** Fewer held than then: redriven or purged (net of those that came meanwhile). */
  fewer: number;
}

export interface LetterList extends DeadLetterList {
  behind: LettersSince;
  /** The letters held when the list shown was made (the engine's count, or the page's when asked). */
  listedCount: number;
}

const NOTHING_SINCE: LettersSince = { newer: 0, fewer: 0 };

/**
 * The letters matching `filter`, fetched now when the filter or `reload` changes, and as the
 * queue's letters held and evicted move (with every letter in or out), at most once per
 * {@link CHURN_REFRESH_MS}, unless `held`.
 */
export function useLetterList(
  engine: EngineClient,
  filter: DeadLetterFilter,
  queue: { count: number; evicted: number },
  reload: number,
  held: boolean,
): LetterList {
  const churn = queue.count + queue.evicted;
  const [list, setList] = useState<DeadLetterList>(EMPTY);
  const [due, setDue] = useState(0);
  /** The queue when the shown list was asked for. */
  const [listedAt, setListedAt] = useState(queue);
  const listedChurn = listedAt.count + listedAt.evicted;
  /** When the last list was asked for (performance.now()). */
  const askedAt = useRef(-Infinity);
  const queueNow = useRef(queue);
  useEffect(() => {
    queueNow.current = queue;
  });
  const key = JSON.stringify(filter);

  useEffect(() => {
    let alive = true;
    askedAt.current = performance.now();
    const asked = queueNow.current;
    void engine
      .request({
        type: 'listDeadLetters',
        filter: JSON.parse(key) as DeadLetterFilter,
        limit: LIST_LIMIT,
      })
      .then((reply) => {
        if (alive && reply.ok && reply.command === 'listDeadLetters') {
          setList(reply.deadLetters);
          setListedAt(asked);
        }
      });
    return () => {
      alive = false;
    };
  }, [engine, key, reload, due]);

  useEffect(() => {
    if (held || churn === listedChurn) return;
    const wait = Math.max(0, askedAt.current + CHURN_REFRESH_MS - performance.now());
    const timer = setTimeout(() => setDue((d) => d + 1), wait);
    return () => clearTimeout(timer);
  }, [churn, listedChurn, held]);

  // Letters redriven or purged while the list is held too: a held list that said only "newer
  // letters" said nothing of them (QA: "0 held" over rows still listed).
  const more = queue.count - listedAt.count;
  const behind = held
    ? {
        newer: Math.max(0, queue.evicted - listedAt.evicted) + Math.max(0, more),
        fewer: Math.max(0, -more),
      }
    : NOTHING_SINCE;
  // The count the engine made the list at, where it says (older engines: the page's when asked).
  return { ...list, behind, listedCount: list.held ?? listedAt.count };
}

interface TableProps {
  rows: readonly DeadLetterRow[];
  picked: ReadonlySet<number>;
  onPick: (next: Set<number>) => void;
  /** Engine time, whole seconds: ages are shown to the second. */
  nowS: number;
  types: RouteConfig['messageTypes'];
  reasonTitles: Record<DeadLetterRow['reason'], string>;
  openTrace: (messageId: number) => void;
}

export const DeadLetterTable = memo(function DeadLetterTable({
  rows,
  picked,
  onPick,
  nowS,
  types,
  reasonTitles,
  openTrace,
}: TableProps) {
  // One tab stop in the rows (a roving tabindex): the active row's checkbox and trace button.
  // Every row's two had been in the tab order: 20,000 stops with the queue full, no way past the
  // table. The arrow keys move between rows (left and right within one), Home and End to the
  // first and last.
  const [active, setActive] = useState<number | null>(null);
  const activeId = rows.some((r) => r.id === active) ? active : (rows[0]?.id ?? null);
  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const from = (e.target as HTMLElement).closest('tr');
    const kind = (e.target as HTMLElement).matches('input') ? 'input' : 'button';
    if (!from) return;
    // Left and right between the row's checkbox and its trace button.
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const to = from.querySelector<HTMLElement>(e.key === 'ArrowRight' ? 'button' : 'input');
      if (to && to !== e.target) {
        e.preventDefault();
        to.focus();
      }
      return;
    }
    const at = rows.findIndex((r) => String(r.id) === from.dataset.letter);
    // Up from the first row's checkbox goes to "Select all", above it in the same column.
    if (e.key === 'ArrowUp' && at === 0 && kind === 'input') {
      const all = e.currentTarget.closest('table')?.querySelector<HTMLElement>('thead input');
      if (all) {
        e.preventDefault();
        all.focus();
      }
      return;
    }
    // The rows' keys as Receipts takes them, but a page: the table is not virtual, and the pane
    // scrolls by its own.
    const to = at < 0 || e.key.startsWith('Page') ? null : rowForKey(e.key, at, rows.length, 0);
    const next = to === null || to === at ? undefined : rows[to];
    if (!next) return;
    e.preventDefault();
    setActive(next.id);
    const body = e.currentTarget;
    body.querySelector<HTMLElement>(`tr[data-letter="${next.id}"] ${kind}`)?.focus();
  };
  return (
    <table className="grid-table stacks dead-letters-table" aria-label="Dead letters">
      <thead>
        <tr>
          <th className="d-pick">
            <input
              type="checkbox"
              aria-label="Select all dead letters shown"
              checked={rows.length > 0 && picked.size === rows.length}
              // Down into the rows, at the row whose stop it is: from "Select all", ↓ did nothing
              // and the rows were reached by Tab alone.
              onKeyDown={(e) => {
                if (e.key !== 'ArrowDown' || activeId === null) return;
                const to = e.currentTarget
                  .closest('table')
                  ?.querySelector<HTMLElement>(`tr[data-letter="${activeId}"] input`);
                if (!to) return;
                e.preventDefault();
                to.focus();
              }}
              onChange={(e) =>
                onPick(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())
              }
            />
          </th>
          <th className="d-reason">reason</th>
          <th className="d-detail line-2">detail</th>
          <th className="d-message line-2">message</th>
          <th className="d-type">type</th>
          <th className="d-route" aria-label="source → original destination">
            <span className="label-full">source → original destination</span>
            <span className="label-short">source → destination</span>
          </th>
          <th className="num d-attempts">attempts</th>
          <th className="num d-age line-2">age</th>
        </tr>
      </thead>
      <tbody onKeyDown={onKeyDown}>
        {rows.map((r) => (
          <tr key={r.id} data-letter={r.id} onFocus={() => setActive(r.id)}>
            <td className="d-pick">
              <input
                type="checkbox"
                tabIndex={r.id === activeId ? 0 : -1}
                // What the row is, not only its place: "Select dead letter 3" told a screen
                // reader nothing of the message.
                aria-label={`Select dead letter ${r.id}: message ${r.messageId}, ${typeLabel(types, r.typeId)}, ${r.reason}`}
                checked={picked.has(r.id)}
                onChange={(e) => {
                  const next = new Set(picked);
                  if (e.target.checked) next.add(r.id);
                  else next.delete(r.id);
                  onPick(next);
                }}
              />
            </td>
            <td className="d-reason" title={reasonTitles[r.reason]}>
              {r.reason}
            </td>
            <td className="d-detail line-2" title={r.detail}>
              {detailText(r)}
            </td>
            <td className="d-message line-2 mono">
              {/* Its trace one click away: the id had to be copied into Trace by hand. */}
              <button
                type="button"
                className="btn-link mono"
                tabIndex={r.id === activeId ? 0 : -1}
                aria-label={`Trace message ${r.messageId}`}
                title="Open this message's causal chain in the Trace panel"
                onClick={() => openTrace(r.messageId)}
              >
                {r.messageId}
              </button>
            </td>
            <td className="d-type">{typeLabel(types, r.typeId)}</td>
            <td className="d-route">{routeText(r.source, r.destination)}</td>
            <td className="num d-attempts">{r.attempts}</td>
            <td className="num d-age line-2">{Math.max(0, Math.round(nowS - r.atUs / 1e6))} s</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
