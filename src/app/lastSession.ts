/**
 * What a reload threw away, said after it. The engine's state (counts, queues, held dead letters,
 * a running generator) lives in the page; the workspace and its settings live in the browser.
 * A reload mid-run brought back a fresh engine with nothing said: 1,976 "held" dead letters,
 * which a RabbitMQ or Kafka user reads as durable, were gone. The page notes what it held as it
 * goes (`pagehide`, in this tab's session storage) and the next page says so once.
 */
import type { WorkbenchStore } from '../state/store';
import { countOf, formatCount } from '../ui/design/format';

const KEY = 'rdw:v1:last-session';

interface LastSession {
  injected: number;
  held: number;
  running: boolean;
}

/**
 * What to say of what the last page held: null when it held nothing worth a word. A warning when
 * it held dead letters or ran a generator (work a RabbitMQ or Kafka user reads as durable, now
 * gone), and short enough to be read whole in a notice: the first words were cut at three lines
 * ("…1,986 dead letters held; its generator…", the "not kept" out of view) and it went in 5 s.
 * (The workspace, its layout and settings live in the browser and are kept: said in the README.)
 */
export function lostWords(last: LastSession): { kind: 'info' | 'warning'; text: string } | null {
  if (last.injected <= 0 && last.held <= 0 && !last.running) return null;
  const held = last.held > 0 ? `, ${countOf(last.held, 'dead letter')} held` : '';
  const running = last.running ? ', generator running' : '';
  return {
    kind: last.held > 0 || last.running ? 'warning' : 'info',
    text:
      `Reloaded: the last page's traffic was not kept (${formatCount(last.injected)} injected` +
      `${held}${running}).`,
  };
}

export function installLastSession(store: WorkbenchStore): void {
  try {
    const saved = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (saved !== null) {
      const words = lostWords(JSON.parse(saved) as LastSession);
      if (words) store.getState().notify(words.kind, words.text);
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
