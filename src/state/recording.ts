/**
 * The recording slice: the traffic recorder (`analysis/recording`) lives in the store, and the
 * store mirrors whether it records and how many events it holds, so the Record panel reads them
 * with a selector like everything else. Time comes from the recorder's injected clock.
 */
import type { StateCreator } from 'zustand/vanilla';
import { createRecorder, type Recorder } from '../analysis/recording';

export interface RecordingSlice {
  /** Wrap the engine client with `recordingClient(client, recorder)` so traffic is recorded. */
  recorder: Recorder;
  recording: { active: boolean; events: number };
}

export const createRecordingSlice: StateCreator<RecordingSlice, [], [], RecordingSlice> = (set) => {
  const recorder: Recorder = createRecorder(
    () => performance.now() * 1000,
    () => new Date().toISOString(),
    () => set({ recording: { active: recorder.isRecording(), events: recorder.eventCount() } }),
  );
  return { recorder, recording: { active: false, events: 0 } };
};
