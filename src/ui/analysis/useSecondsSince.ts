import { useEffect, useState } from 'react';

/**
 * Whole seconds since `since` (ms, `Date.now()`), ticking twice a second while it is set; 0 while
 * it is null and until the first tick. What a long run's button counts ("Running… 12 s"): the
 * What-if run and the headless replay.
 */
export function useSecondsSince(since: number | null): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (since === null) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
}
