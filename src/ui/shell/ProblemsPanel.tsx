import { useLiveValue } from '../../state/live';
import { useMeanWhenBehind } from '../live/engineLimit';
import { useWorkbench, workbenchStore } from '../../state/store';
import { configProblems, liveProblems, problemElementId } from './problems';
import { selectNode } from '../graph/view';

/** Selects a graph element (a node, or an edge when `id` is no node's). */
function select(id: string): void {
  if (id.startsWith('type:') || id.startsWith('kernel:')) selectNode(id);
  else workbenchStore().getState().setSelection([], [id]);
}

/** The config's problems, then the running system's, as the panel and its tab's badge show them. */
export function useProblems() {
  const config = useWorkbench((s) => s.config);
  const problems = configProblems(config);
  // By value: the snapshot changes 10 times a second, the problems seldom.
  const mean = useMeanWhenBehind();
  const sendEnded = useWorkbench((s) => s.sendEnded);
  const live = useLiveValue((s) => liveProblems(s, config, mean, sendEnded));
  return { problems, live };
}

/**
 * Validation as you edit, then what the running system lost or cannot keep up with; clicking a
 * problem selects its culprit on the graph.
 */
export function ProblemsPanel() {
  const { problems, live } = useProblems();
  if (problems.length === 0 && live.length === 0)
    return (
      <p className="muted" data-testid="problems-empty">
        No problems in the config or in the running system.
      </p>
    );
  // Two headed parts: "No problems in the config." straight above a ⚠ read as a contradiction.
  return (
    <>
      <h3 className="problems-heading">Config</h3>
      {problems.length === 0 ? (
        <p className="muted" data-testid="problems-config-empty">
          No problems in the config.
        </p>
      ) : (
        <ul className="problems" aria-label="Problems">
          {problems.map((p, i) => (
            <li key={i} className={`problem ${p.severity}`} data-code={p.code}>
              <button type="button" onClick={() => select(problemElementId(p))}>
                {/* ✖, not ⛔: Debian's fonts (DejaVu) have no ⛔, which showed as an empty box. */}
                <span className="sev" role="img" aria-label={p.severity}>
                  {p.severity === 'error' ? '✖' : '⚠'}
                </span>{' '}
                <span className="code">{p.code}</span> {p.message}
              </button>
            </li>
          ))}
        </ul>
      )}
      {live.length > 0 ? <h3 className="problems-heading">Running system</h3> : null}
      {live.length > 0 ? (
        <ul
          className="problems"
          aria-label="Running system problems"
          title="Losses since the counters were last reset (Metrics: Reset counters), and what holds the engine back now"
        >
          {live.map((p) => (
            <li
              key={`${p.code}:${p.nodeId ?? ''}`}
              className="problem warning"
              data-code={p.code}
              title={
                p.until
                  ? `Now: listed while it lasts, gone ${p.until}`
                  : 'Since the counters were last reset (Metrics: Reset counters)'
              }
            >
              <button
                type="button"
                onClick={() => {
                  if (p.nodeId) select(p.nodeId);
                  else if (p.tab) workbenchStore().getState().setBottomTab(p.tab);
                }}
              >
                <span className="sev">⚠</span> <span className="code">{p.code}</span> {p.message}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
