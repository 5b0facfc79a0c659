import { useEffect } from 'react';
import { useWorkbench, workbenchStore } from '../../state/store';

/** The status line: what the last action did, or why it was refused. */
export function Notices() {
  const notices = useWorkbench((s) => s.notices);
  useEffect(() => {
    const last = notices.at(-1);
    if (!last || last.kind === 'error') return;
    const t = setTimeout(() => workbenchStore().getState().dismiss(last.id), 6000);
    return () => clearTimeout(t);
  }, [notices]);
  return (
    <div className="notices" role="status" aria-live="polite" data-testid="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`}>
          <span>{n.text}</span>
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => workbenchStore().getState().dismiss(n.id)}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
