import { useEffect } from 'react';
import { useWorkbench, workbenchStore } from '../../state/store';

/** The status line: what the last action did, or why it was refused. */
export function Notices() {
  const notices = useWorkbench((s) => s.notices);
  // Info and warnings leave after a while; errors stay until dismissed.
  useEffect(() => {
    const timers = notices
      .filter((n) => n.kind !== 'error')
      .map((n) =>
        setTimeout(
          () => workbenchStore().getState().dismiss(n.id),
          n.kind === 'info' ? 6000 : 12000,
        ),
      );
    return () => timers.forEach(clearTimeout);
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
