/**
 * What a reload threw away, said after it. The engine's state (counts, queues, held dead letters,
 * a running generator) lives in the page; the workspace and its settings live in the browser.
 * A reload mid-run brought back a fresh engine with nothing said: 1,976 "held" dead letters,
 * which a RabbitMQ or Kafka user reads as durable, were gone. The page notes what it held as it
 * goes (`pagehide`, in this tab's session storage) and the next page says so once.
 */
import type { WorkbenchStore } from '../state/store';
import { countOf } from '../ui/design/format';

const KEY = 'rdw:v1:last-session';

interface LastSession {
  injected: number;
  held: number;
  running: boolean;
}

/** The words for what the last page held, or null when it held nothing worth a word. */
export function lostWords(last: LastSession): string | null {
  if (last.injected <= 0 && last.held <= 0 && !last.running) return null;
  const held = last.held > 0 ? `, ${countOf(last.held, 'dead letter')} held` : '';
  const running = last.running ? '; its generator was running' : '';
  return (
    `The page was reloaded, and the engine started afresh: the last page's traffic ` +
    `(${countOf(last.injected, 'message')} injected${held}${running}) was not kept. The ` +
    `engine's state lives in the page; the workspace, its layout and settings were kept.`
  );
}

export function installLastSession(store: WorkbenchStore): void {
  try {
    const saved = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (saved !== null) {
      const words = lostWords(JSON.parse(saved) as LastSession);
      if (words) store.getState().notify('info', words);
    }
  } catch {
    // Unreadable or refused: nothing to say.
  }
  window.addEventListener('pagehide', () => {
    const s = store.getState().snapshot;
    if (!s) return;
    const last: LastSession = {
      injected: s.injected,
      held: s.deadLetters.count,
      running: s.generator.running,
    };
    try {
      sessionStorage.setItem(KEY, JSON.stringify(last));
    } catch {
      // Refused: the next page says nothing.
    }
  });
}
