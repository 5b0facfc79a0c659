import { useEffect, useMemo, useRef, useState } from 'react';
import { useSecondsSince } from './useSecondsSince';
import { useWorkbench, workbenchStore } from '../../state/store';
import { browserStorage } from '../../state/persistence';
import { useEngine } from '../engineContext';
import {
  configDiffers,
  configKey,
  deleteRecording,
  listRecordings,
  loadRecording,
  parseRecording,
  replayLive,
  runningSpec,
  saveRecording,
  serializeRecording,
  type Recording,
} from '../../analysis/recording';
import { downloadText } from '../live/download';
import { fileStem, LIMITS } from '../../core/config';
import { countOf, formatCount, formatCounts } from '../design/format';
import type { ReplayRequest, ReplayResponse } from '../../analysis/replay.worker';
import { oneShot } from './oneShot';
import { ConfirmButton } from '../design/ConfirmButton';
import { readFileChecked, type FileKind } from '../design/readFile';
import './record.css';

/** What an imported recording must be (`readFileChecked`). */
const RECORDING_FILE: FileKind = {
  maxBytes: LIMITS.maxTextLength,
  plural: 'recording files',
  is: "a recording is JSON text, as a recording's Export writes it",
  utf8: 'recordings are UTF-8 JSON',
};

const liveScheduler = {
  after: (ms: number, fn: () => void) => window.setTimeout(fn, ms),
  cancel: (h: unknown) => window.clearTimeout(h as number),
};

/**
 * Two headless replays compared, on a module worker of their own (they held the page's thread for
 * 5–15 s for a 300,000-message recording); the worker ends with the run or when cancelled.
 */
function checkInWorker(request: Omit<ReplayRequest, 'id'>) {
  const worker = new Worker(new URL('../../analysis/replay.worker.ts', import.meta.url), {
    type: 'module',
    name: 'replay',
  });
  return oneShot<ReplayRequest, ReplayResponse>(worker, request, (id, error) => ({
    id,
    error: error === null ? 'cancelled' : `the replay worker failed: ${error}`,
  }));
}

function statusLine(byStatus: Record<string, number>): string {
  return formatCounts(byStatus) || 'no receipts';
}

/** "1 command", "2 commands": one word for what a recording holds (it had said "event(s)" too). */
const commands = (n: number) => countOf(n, 'command');

/**
 * Why a headless replay's figures need not be the live run's: "310,508 receipts … second replay
 * identical" stood beside the live run's 310,472 with nothing said.
 */
const HEADLESS_NOTE =
  'It runs from empty kernels on a simulated clock in even steps, so its figures can differ a little from the live run it recorded, whose time slices fell as the machine allowed; two replays are identical, step for step.';

/** Record the session's injected traffic into the workspace and replay it. */
export function RecordPanel() {
  const engine = useEngine();
  const workspace = useWorkbench((s) => s.workspaceName);
  const config = useWorkbench((s) => s.config);
  const recorder = useWorkbench((s) => s.recorder);
  const recording = useWorkbench((s) => s.recording.active);
  const events = useWorkbench((s) => s.recording.events);
  const [name, setName] = useState('session 1');
  const [version, setVersion] = useState(0);
  // Re-read when the workspace changes (another workspace has other recordings) or after a save.
  const list = useMemo(
    // `version` moves after every save, import or delete: storage is read again.
    () => (version >= 0 ? listRecordings(browserStorage().storage, workspace) : []),
    [workspace, version],
  );
  const [message, setMessage] = useState<string | null>(null);
  const [cancelLive, setCancelLive] = useState<(() => void) | null>(null);
  const cancelRef = useRef<(() => void) | null>(null);
  // A live replay schedules its injections ahead: stop them when the panel goes away.
  useEffect(() => () => cancelRef.current?.(), []);
  const refresh = () => setVersion((v) => v + 1);

  function stop() {
    const r = recorder.stop();
    if (!r) return;
    // An empty recording replays nothing: not kept (it showed in the list as "0 event(s)").
    if (r.events.length === 0) {
      setMessage(
        `Nothing was recorded: no message was injected or generated while recording, so “${r.name}” was not saved.`,
      );
      return;
    }
    const err = saveRecording(browserStorage().storage, r);
    setMessage(
      err
        ? err.message
        : `Saved “${r.name}”: ${commands(r.events.length)}${r.truncated ? `, ${formatCount(r.truncated)} beyond the limit not kept` : ''}.`,
    );
    // The next recording gets a name of its own: "session 1" again replaced the first, unasked.
    if (!err) setName(nextName([...list, r.name]));
    refresh();
  }

  // What each recording holds, for its row: its commands, its length and when it was made.
  const about = useMemo(
    () =>
      new Map(
        list.map((n) => {
          const r = loadRecording(browserStorage().storage, workspace, n);
          return [
            n,
            r.ok
              ? `${commands(r.recording.events.length)} · ${(r.recording.durationUs / 1e6).toFixed(1)} s · ${r.recording.createdAt.slice(0, 16).replace('T', ' ')}`
              : 'unreadable',
          ] as const;
        }),
      ),
    [list, workspace],
  );

  function load(n: string): Recording | null {
    const r = loadRecording(browserStorage().storage, workspace, n);
    if (!r.ok) {
      setMessage(r.error.message);
      return null;
    }
    return r.recording;
  }

  /** The recording a headless replay is checking, and since when (ms, `Date.now()`). */
  const [check, setCheck] = useState<{ name: string; since: number } | null>(null);
  const checking = check?.name ?? null;
  const cancelCheck = useRef<(() => void) | null>(null);
  // A headless check still running when the panel goes away ends with it.
  useEffect(() => () => cancelCheck.current?.(), []);
  // Its seconds so far, as What-if counts its own: a replay of 10 M receipts, twice, read
  // "Replaying…" for two minutes with nothing moving and no way to stop it.
  const seconds = useSecondsSince(check?.since ?? null);

  function cancelReplay() {
    const n = checking;
    cancelCheck.current?.();
    cancelCheck.current = null;
    setCheck(null);
    if (n !== null) setMessage(`Headless replay of “${n}” cancelled.`);
  }

  function replayHere(n: string) {
    const r = load(n);
    if (!r) return;
    // Two replays on a simulated clock, on a worker: equal sequences show the replay is
    // deterministic.
    const run = checkInWorker({ config, recording: r });
    cancelCheck.current = run.cancel;
    setCheck({ name: n, since: Date.now() });
    setMessage(`Replaying “${n}” headless, twice (${commands(r.events.length)})…`);
    void run.result.then((reply) => {
      // Cancelled (by its button or the panel going away): said there, if at all.
      if (cancelCheck.current !== run.cancel) return;
      cancelCheck.current = null;
      setCheck(null);
      if ('error' in reply) {
        if (reply.error !== 'cancelled')
          setMessage(`Headless replay of “${n}” failed: ${reply.error}`);
        return;
      }
      const a = reply.check;
      const other = configDiffers(r, config);
      setMessage(
        `Headless replay of “${n}”: ${formatCount(a.total)} receipts (${statusLine(a.byStatus)}); second replay ${a.identical ? 'identical' : 'DIFFERENT'}.${a.errors.length ? ` ${commands(a.errors.length)} refused: ${a.errors[0]!.message}` : ''} ${other ?? HEADLESS_NOTE}`,
      );
    });
  }

  function replayOnLive(n: string) {
    const r = load(n);
    if (!r) return;
    cancelRef.current?.();
    const stopReplay = replayLive(engine, r, liveScheduler);
    const finished = setTimeout(
      () => {
        cancelRef.current = null;
        setCancelLive(null);
        setMessage(
          `Replayed “${n}” into the live engine: ${commands(r.events.length)} sent at their recorded times. ${configDiffers(r, config) ?? 'Its kernels kept their state from before, so the figures can differ from a headless replay, which starts from empty kernels and is exact.'}`,
        );
      },
      r.durationUs / 1000 + 50,
    );
    const cancel = () => {
      stopReplay();
      clearTimeout(finished);
      cancelRef.current = null;
      setMessage(`Replay of “${n}” stopped: what was not sent yet is not sent.`);
    };
    cancelRef.current = cancel;
    setCancelLive(() => cancel);
    setMessage(`Replaying “${n}” into the live engine (metrics reset).`);
  }

  async function importFile(file: File) {
    // Read as the config dialog reads a file: an image, an empty file or UTF-16 said so, where
    // a PNG's bytes had been shown in the JSON parser's message (QA).
    const read = await readFileChecked(file, RECORDING_FILE);
    if (!read.ok) return setMessage(`Not imported: ${read.error}`);
    const parsed = parseRecording(read.text, { imported: true });
    // The file named: the message sits beside the Recording name box, and was read as about it.
    if (!parsed.ok) return setMessage(`Not imported: “${file.name}”: ${parsed.error.message}`);
    // Under a name of its own: a file named as a recording held here had replaced it without a
    // word, and Undo does not bring a recording back (QA).
    const held = new Set(listRecordings(browserStorage().storage, workspace));
    const wanted = parsed.recording.name;
    let as = wanted;
    for (let n = 2; held.has(as); n++) as = `${wanted} (${n})`;
    const err = saveRecording(browserStorage().storage, {
      ...parsed.recording,
      name: as,
      workspace,
    });
    setMessage(
      err
        ? // At the cap an import under a new name is refused: say why it is a new one.
          `${err.message}${err.code === 'TooMany' && as !== wanted ? ` (A recording named “${wanted}” is held, so this one would be added as “${as}”.)` : ''}`
        : as === wanted
          ? `Imported “${as}”.`
          : `Imported as “${as}”: a recording named “${wanted}” is kept as it was.`,
    );
    refresh();
  }

  const replaces = !recording && list.includes(name.trim());

  return (
    <section className="record-panel" aria-label="Record and replay" data-testid="record-panel">
      <div className="panel-bar">
        <label className="inline">
          Recording name
          <input
            aria-label="Recording name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            size={14}
          />
        </label>
        {recording ? (
          <button type="button" onClick={stop}>
            Stop recording ({commands(events)})
          </button>
        ) : (
          <button
            type="button"
            disabled={!name.trim()}
            title={
              replaces
                ? `A recording named “${name.trim()}” exists: this one replaces it when stopped. Rename to keep both.`
                : undefined
            }
            onClick={() => {
              // A generator already running is recorded as started at 0: recorded under
              // running traffic, the recording had held nothing and was not saved.
              const live = workbenchStore().getState().snapshot;
              const running = live?.generator.running
                ? runningSpec(live.generator, live.timeUs)
                : undefined;
              recorder.start(name.trim(), workspace, config.name, {
                configKey: configKey(config),
                ...(running ? { running } : {}),
              });
              setMessage(
                `Recording: injections and generator starts/stops are captured${running ? ', the generator running now as started at 0' : ''}${replaces ? `; it replaces “${name.trim()}” when stopped` : ''}.`,
              );
            }}
          >
            {replaces ? `Start recording (replaces “${name.trim()}”)` : 'Start recording'}
          </button>
        )}
        {checking !== null ? (
          <button type="button" onClick={cancelReplay}>
            Cancel headless replay
          </button>
        ) : null}
        {cancelLive ? (
          <button
            type="button"
            onClick={() => {
              cancelLive();
              setCancelLive(null);
            }}
          >
            Stop live replay
          </button>
        ) : null}
        <label className="inline">
          Import
          <input
            type="file"
            accept="application/json,.json"
            aria-label="Import recording"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void importFile(f);
            }}
          />
        </label>
      </div>
      {/* The live region is there before its first message, so that one is announced too. */}
      <div role="status">{message ? <p data-testid="record-message">{message}</p> : null}</div>
      <div className="table-scroll">
        {/* In a narrow pane a recording is two lines, its name then its actions on a line of
            their own: beside the name they wrapped onto three lines at 1280x720. */}
        <table className="grid-table stacks recordings" aria-label="Recordings">
          <tbody>
            {list.map((n) => (
              <tr key={n} data-testid={`recording-${n}`}>
                <td>
                  {n} <span className="muted">{about.get(n)}</span>
                </td>
                <td>
                  {/* Wrapping in a narrow pane: in a row they ran past the pane's edge, Export
                      and Delete… out of sight at 1280x720. */}
                  <div className="record-actions">
                    <button
                      type="button"
                      onClick={() => replayHere(n)}
                      disabled={checking !== null}
                      aria-busy={checking === n}
                    >
                      {checking === n ? `Replaying… ${seconds} s` : 'Replay headless'}
                    </button>
                    <ConfirmButton
                      title="Resets the live counters, then sends the recorded commands at their recorded times"
                      heading={`Replay “${n}” live`}
                      description={
                        <>
                          Resets the live counters, then sends the recorded commands at their
                          recorded times. The kernels keep their state (fraud history, sums) and the
                          queues what they hold, so the result can differ from the headless replay,
                          which starts from empty kernels and is exact.
                        </>
                      }
                      confirm="Reset and replay"
                      onConfirm={() => replayOnLive(n)}
                    >
                      Replay live…
                    </ConfirmButton>
                    <button
                      type="button"
                      onClick={() => {
                        const r = load(n);
                        if (r)
                          downloadText(
                            `${fileStem(n, 'recording')}.recording.json`,
                            serializeRecording(r),
                            'application/json',
                          );
                      }}
                    >
                      Export
                    </button>
                    <ConfirmButton
                      heading={`Delete “${n}”`}
                      description="The recording is deleted from this workspace for good (export it first to keep a copy)."
                      confirm="Delete"
                      cancel="Keep"
                      danger
                      onConfirm={() => {
                        deleteRecording(browserStorage().storage, workspace, n);
                        setMessage(`Deleted “${n}”.`);
                        refresh();
                      }}
                    >
                      Delete…
                    </ConfirmButton>
                  </div>
                </td>
              </tr>
            ))}
            {list.length === 0 ? (
              <tr>
                <td className="muted">No recordings in workspace “{workspace}” yet.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The first "session N" no recording of the workspace is named yet. */
function nextName(taken: readonly string[]): string {
  const used = new Set(taken);
  let i = 1;
  while (used.has(`session ${i}`)) i++;
  return `session ${i}`;
}
