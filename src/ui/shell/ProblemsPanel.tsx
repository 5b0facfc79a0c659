import { useMemo } from 'react';
import { validateWorkspace } from '../../core/config';
import { useWorkbench, workbenchStore } from '../../state/store';
import { problemElementId } from './problems';

/** Validation as you edit; clicking a problem selects its culprit on the graph. */
export function ProblemsPanel() {
  const config = useWorkbench((s) => s.config);
  const problems = useMemo(() => validateWorkspace(config), [config]);
  if (problems.length === 0)
    return (
      <p className="muted" data-testid="problems-empty">
        No problems found.
      </p>
    );
  return (
    <ul className="problems" aria-label="Problems">
      {problems.map((p, i) => (
        <li key={i} className={`problem ${p.severity}`} data-code={p.code}>
          <button
            type="button"
            onClick={() => {
              const id = problemElementId(p);
              const s = workbenchStore().getState();
              if (id.startsWith('type:') || id.startsWith('kernel:')) s.setSelection([id], []);
              else s.setSelection([], [id]);
            }}
          >
            <span className="sev">{p.severity === 'error' ? '⛔' : '⚠'}</span>{' '}
            <span className="code">{p.code}</span> {p.message}
          </button>
        </li>
      ))}
    </ul>
  );
}
