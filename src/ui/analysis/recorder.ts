/**
 * The page's traffic recorder. The lead wraps the engine client once at start-up:
 * `const engine = recordingClient(createEngineClient(...), recorder)`, so every inject and
 * generator start/stop sent through it (inject panel, graph buttons, window.workbench) is recorded
 * while a recording runs.
 */
import { useSyncExternalStore } from 'react';
import { createRecorder } from '../../analysis/recording';

export const recorder = createRecorder(
  () => performance.now() * 1000,
  () => new Date().toISOString(),
);

/** `[isRecording, eventCount]` as a string key so React re-renders on either. */
export function useRecorderState(): { recording: boolean; events: number } {
  const key = useSyncExternalStore(
    recorder.subscribe,
    () => `${recorder.isRecording() ? 1 : 0}:${recorder.eventCount()}`,
    () => '0:0',
  );
  const [r, n] = key.split(':');
  return { recording: r === '1', events: Number(n) };
}
