import { useEffect, useId, useRef, useState } from 'react';
import { useSecondsSince } from './useSecondsSince';
import { useKept } from '../design/useKept';
import { parseConfig, type RouteConfig } from '../../core/config';
import { browserStorage, listWorkspaces, loadWorkspace } from '../../state/persistence';
import { useWorkbench } from '../../state/store';
import type { KernelOutcome, WhatIfReport, WhatIfResult } from '../../analysis/whatif';
import type { WhatIfRequest, WhatIfResponse } from '../../analysis/whatif.worker';
import { liveCadence, type LiveCadence } from '../../analysis/liveCadence';
import { useEngine } from '../engineContext';
import { oneShot } from './oneShot';
import { outcomeWord } from './whatifWords';
import { countOf, formatCount, formatCounts } from '../design/format';
import { DiffView, typeNamer } from '../export/DiffView';
import {
  generatorSpecOf,
  mixText,
  num,
  rateNumber,
  rateProblem,
  SEED_RANGE_ERROR,
} from '../inject/generatorSpec';
import { DEFAULT_PATTERN } from '../../engine/protocol';
import { MAX_GENERATOR_RATE } from '../../engine/generators';

/** The most messages a what-if run sends (each side runs them all: about 4 s a million here). */
const MAX_WHATIF_MESSAGES = 10_000_000;

type Source = { kind: 'workspace'; name: string } | { kind: 'paste' };

/** Counts by name with separators (`formatCounts`), or a dash when none is above zero. */
function counts(o: Record<string, number>): string {
  return formatCounts(o) || '—';
}

/**
 * A side's receipts by status, and how many of the Delivered failed later (evicted from their
 * queue, or refused by their kernel), as Receipts' "failed later" says: the types above list them
 * apart ("Delivered, then DroppedOldest"), and "Delivered 576,555" alone hid 12,706 evictions (QA).
 */
function receiptCounts(r: WhatIfReport['base']): string {
  const later = r.failedLater;
  return (
    counts(r.byStatus) + (later > 0 ? ` (${formatCount(later)} of the Delivered failed later)` : '')
  );
}

/**
 * Runs `runWhatIf` in a module worker; one worker per run, terminated when done or cancelled (a
 * long comparison must not keep a core busy after its panel is gone).
 */
function runInWorker(input: WhatIfRequest['input']): {
  result: Promise<WhatIfResult>;
  cancel(): void;
} {
  const worker = new Worker(new URL('../../analysis/whatif.worker.ts', import.meta.url), {
    type: 'module',
    name: 'whatif',
  });
  const run = oneShot<WhatIfRequest, WhatIfResponse>(worker, { input }, (id, error) => ({
    id,
    result: {
      ok: false,
      code: 'InvalidInput',
      message: error === null ? 'Cancelled.' : `The what-if worker failed: ${error}`,
    },
  }));
  return { result: run.result.then((r) => r.result), cancel: run.cancel };
}

/** The overflow table's columns, as the Queues panel names them. */
const OVERFLOW_TITLE =
  'dropped: refused or evicted by the full queue / all letters: every dead letter made for the kernel, its drops among them (each drop is a letter under every policy: one event, not two losses) / the deepest the queue got, of its capacity';

/** A side's overflow figures, with separators ("102,123 / 102,123 / 64 of 64"). */
function overflowText(k: KernelOutcome | null): string {
  return k
    ? `${formatCount(k.dropped)} / ${formatCount(k.deadLettered)} / ${formatCount(k.maxDepth)} of ${formatCount(k.capacity)}`
    : 'absent';
}

/** Compare the current config with a saved or pasted one on the same seeded traffic. */
export function WhatIfPanel() {
  const current = useWorkbench((s) => s.config);
  const workspaceName = useWorkbench((s) => s.workspaceName);
  const saved = listWorkspaces(localStorage).filter((n) => n !== workspaceName);
  // The form and the last report are kept while the panel is away (a tab switch unmounts it).
  const first: Source = saved[0] ? { kind: 'workspace', name: saved[0] } : { kind: 'paste' };
  const [keptSource, setSource] = useKept<Source>('whatif.source', first);
  // A kept workspace that is now the open one, or deleted since, is no choice any more: the list
  // would show another while a run compared with it.
  const source =
    keptSource.kind === 'workspace' && !saved.includes(keptSource.name) ? first : keptSource;
  const [pasted, setPasted] = useKept('whatif.pasted', '');
  // The traffic the toolbar's Start sends (Inject → Generator): its pattern and mix, its rate and
  // seed to start from. The workspace's first preset had differed from it (another mix).
  const form = useWorkbench((s) => s.generatorForm);
  const live = generatorSpecOf(form, current.routes);
  const traffic = typeof live === 'string' ? current.generatorPresets?.[0] : live;
  const [rate, setRate] = useKept('whatif.rate', String(traffic?.ratePerSec ?? 2000));
  const [duration, setDuration] = useKept('whatif.duration', '2000');
  const [seed, setSeed] = useKept('whatif.seed', String(traffic?.seed ?? 42));
  const [running, setRunning] = useState<number | null>(null);
  const seconds = useSecondsSince(running);
  /** What the run itself answered with (the worker failed, was cancelled). */
  const [error, setError] = useKept<string | null>('whatif.error', null);
  /** The form's wrong values, by box. */
  const [errors, setErrors] = useState<WhatIfErrors>({});
  const errorId = useId();
  const marked = (key: keyof WhatIfErrors) =>
    errors[key] !== undefined ? { 'aria-invalid': true, 'aria-describedby': errorId } : {};
  const said = [errors.other, errors.rate, errors.duration, errors.seed, error].filter(
    (e): e is string => e !== undefined && e !== null,
  );
  const engine = useEngine();
  const [report, setReport] = useKept<{
    report: WhatIfReport;
    labels: [string, string];
    cadence: LiveCadence | null;
    /** A type's name by id, from either side's config (a route's type need not carry traffic). */
    typeName: (key: string) => string | undefined;
  } | null>('whatif.report', null);
  const job = useRef<(() => void) | null>(null);
  /**
   * The run going on, from its start: before its worker exists it waits for the engine's
   * cadence, and a cancel (or unmount, or a new run) meanwhile must keep that worker from
   * starting. Without it a cancelled run started anyway and its report came in under "Cancelled.".
   */
  const runToken = useRef<object | null>(null);
  const stop = () => {
    runToken.current = null;
    const cancel = job.current;
    job.current = null;
    cancel?.();
  };
  useEffect(
    () => () => {
      // A run stops with the panel: said when it is back, where the report would have been.
      if (runToken.current !== null)
        setError('The last run stopped when What-if was closed; run it again.');
      stop();
    },
    [setError],
  );

  function otherConfig(): { ok: true; config: RouteConfig } | { ok: false; error: string } {
    if (source.kind === 'workspace') {
      const r = loadWorkspace(browserStorage().storage, source.name);
      return r.kind === 'loaded'
        ? { ok: true, config: r.config }
        : { ok: false, error: `Workspace "${source.name}" could not be loaded (${r.kind}).` };
    }
    if (!pasted.trim())
      return { ok: false, error: 'Paste a config (JSON or TOML) to compare with.' };
    const r = parseConfig(pasted);
    return r.ok
      ? { ok: true, config: r.config }
      : {
          ok: false,
          error: `The pasted config is invalid: ${r.errors
            .slice(0, 3)
            .map((e) => `${e.path || '(root)'}: ${e.message}`)
            .join('; ')}`,
        };
  }

  async function run() {
    // A report stays only beside the run it came from: an error above the last one read as if
    // it were this run's.
    setReport(null);
    setError(null);
    const other = otherConfig();
    // Every wrong value at once, each box marked (one error at a time, no box marked, had left the
    // rest to be found run by run); digit groups as the app writes them ("10,000") are numbers.
    const r = rateNumber(rate);
    const d = num(duration);
    const s = num(seed);
    const wrong: WhatIfErrors = {};
    if (!other.ok) wrong.other = other.error;
    // The generator's limit ("1e12" had been taken, and the duration's error then suggested
    // "1,000,000,000,000/s for 0 ms").
    const rateWrong = rateProblem(rate, r);
    if (rateWrong) wrong.rate = rateWrong;
    if (!(d > 0 && d <= 600_000))
      wrong.duration = 'Duration must be more than 0 ms and at most 10 minutes.';
    // What a run costs is its messages, not its rate (the live generator ran 3 M/s, which this
    // form refused): both sides run each one.
    else if (r > 0 && r <= MAX_GENERATOR_RATE && (r * d) / 1000 > MAX_WHATIF_MESSAGES)
      wrong.duration = `${formatCount(Math.round((r * d) / 1000))} messages (rate × duration) is more than a run takes: at most ${formatCount(MAX_WHATIF_MESSAGES)}, e.g. ${formatCount(r)}/s for ${formatCount(Math.floor((MAX_WHATIF_MESSAGES / r) * 1000))} ms.`;
    // The generator's rule: 1e20 had passed here, the engine refused it, and both sides ran
    // nothing without a word.
    if (!Number.isSafeInteger(s)) wrong.seed = SEED_RANGE_ERROR;
    setErrors(wrong);
    if (!other.ok || Object.keys(wrong).length > 0) return;
    setRunning(Date.now());
    const token = {};
    runToken.current = token;
    const spec = {
      ratePerSec: r,
      pattern: traffic?.pattern ?? ('poisson' as const),
      seed: s,
      ...(traffic?.mix ? { mix: traffic.mix } : {}),
      ...(traffic?.zipfS !== undefined ? { zipfS: traffic.zipfS } : {}),
      ...(traffic?.accounts !== undefined ? { accounts: traffic.accounts } : {}),
      ...(traffic?.priority !== undefined ? { priority: traffic.priority } : {}),
    };
    const previous = job.current;
    job.current = null;
    previous?.();
    // Each side named by where it came from, and by its config's name when that tells them apart
    // ("“Fraud detection (demo)” and “Fraud detection (demo)”" did not).
    const names = [current.name, other.config.name];
    const sameName = names[0] === names[1];
    const labels: [string, string] = [
      `this workspace (“${workspaceName}”${sameName ? '' : `, config “${names[0]}”`})`,
      `${source.kind === 'workspace' ? `workspace “${source.name}”` : 'the pasted config'}${sameName ? '' : ` (config “${names[1]}”)`}`,
    ];
    // The live engine's own cadence, where a generator has run long enough to measure it: queues
    // then fill between drains as they do live (a fixed 8 ms said 68 % refused where the live
    // engine refused 17-22 %).
    const measured = await engine.request({ type: 'drainCadence' }).catch(() => null);
    if (runToken.current !== token) return; // cancelled, unmounted or superseded meanwhile
    const cadence = liveCadence(
      measured?.ok && measured.command === 'drainCadence' ? measured.gapsUs : undefined,
    );
    const run = runInWorker({
      base: current,
      other: other.config,
      spec,
      durationMs: d,
      ...(cadence ? { stepsUs: cadence.stepsUs } : {}),
    });
    job.current = run.cancel;
    const result = await run.result;
    if (job.current !== run.cancel) return; // cancelled: unmounted or superseded
    job.current = null;
    runToken.current = null;
    setRunning(null);
    if (result.ok)
      setReport({
        report: result.report,
        labels,
        cadence,
        typeName: typeNamer(current, other.config),
      });
    else setError(result.message);
  }

  return (
    <div className="whatif-panel" data-testid="whatif-panel">
      {/* A form: Enter in Rate, Duration or Seed runs it. */}
      <form
        className="panel-bar"
        aria-label="What-if"
        onSubmit={(e) => {
          e.preventDefault();
          if (running === null) void run();
        }}
      >
        <label className="inline">
          Compare with
          <select
            aria-label="Config to compare with"
            value={source.kind === 'workspace' ? `ws:${source.name}` : 'paste'}
            onChange={(e) =>
              setSource(
                e.target.value === 'paste'
                  ? { kind: 'paste' }
                  : { kind: 'workspace', name: e.target.value.slice(3) },
              )
            }
          >
            {saved.map((n) => (
              <option key={n} value={`ws:${n}`}>
                workspace {n}
              </option>
            ))}
            <option value="paste">a pasted config</option>
          </select>
        </label>
        <label className="inline">
          Rate/s
          <input
            aria-label="What-if rate"
            {...marked('rate')}
            value={rate}
            onChange={(e) => setRate(e.target.value)}
            size={7}
          />
        </label>
        <label className="inline">
          Duration ms
          <input
            aria-label="What-if duration"
            {...marked('duration')}
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
            size={7}
          />
        </label>
        <label className="inline">
          Seed
          <input
            aria-label="What-if seed"
            {...marked('seed')}
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            size={5}
          />
        </label>
        <button type="submit" disabled={running !== null}>
          {running !== null ? `Running… ${seconds} s` : 'Run what-if'}
        </button>
        {/* A long run (a minute of traffic at millions a second) can be stopped, as a headless
            replay can: its worker ends (or never starts), and it leaves no report. */}
        {running !== null ? (
          <button
            type="button"
            onClick={() => {
              stop();
              setRunning(null);
              setError('Cancelled.');
            }}
          >
            Cancel what-if
          </button>
        ) : null}
        {said.length > 0 ? (
          <span role="alert" id={errorId}>
            {said.join(' ')}
          </span>
        ) : null}
      </form>
      <p className="muted" data-testid="whatif-traffic">
        Traffic:{' '}
        {typeof live === 'string'
          ? `${traffic ? "the workspace's first generator preset" : 'Poisson over every routed type, weight 1'} (Inject → Generator cannot start: ${live})`
          : `as Inject → Generator sends it (${live.pattern ?? DEFAULT_PATTERN}, mix ${
              mixText(live.mix ?? []) || 'every routed type, weight 1'
            })`}
        , at the rate and seed above, the same messages through both configs.
      </p>
      {saved.length === 0 ? (
        // The way to "try an edit" was nowhere on screen: What-if compares with saved workspaces.
        <p className="muted" data-testid="whatif-hint">
          To try an edit: ⋯ More actions → Save workspace as… keeps a copy; edit one of the two,
          then compare it with the other here. Or paste a config exported as JSON or TOML.
        </p>
      ) : null}
      {source.kind === 'paste' ? (
        <textarea
          aria-label="Other config (JSON or TOML)"
          {...marked('other')}
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
          rows={4}
          style={{ width: '100%' }}
          placeholder="Paste a route config exported as JSON or TOML"
        />
      ) : null}
      {report ? (
        <WhatIfReportView
          report={report.report}
          labels={report.labels}
          cadence={report.cadence}
          typeName={report.typeName}
        />
      ) : null}
    </div>
  );
}

/** The form's wrong values, by box (the other config, rate, duration, seed). */
interface WhatIfErrors {
  other?: string;
  rate?: string;
  duration?: string;
  seed?: string;
}

/**
 * Scrolls a report that just arrived to its pane's top: it came below the fold of the pane, at
 * 1280x720 wholly, and the run seemed to do nothing. A stable function: called when it mounts.
 */
function revealReport(el: HTMLElement | null) {
  el?.scrollIntoView({ block: 'start', inline: 'nearest' });
}

/** A time in ms as the note says it ("1.2 ms", "16 ms"). */
const formatMs = (ms: number): string => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

function WhatIfReportView({
  report,
  labels,
  cadence,
  typeName,
}: {
  report: WhatIfReport;
  /** What to call each side: where it came from. */
  labels: [string, string];
  /** The live cadence the run replayed, or null for the fixed 8 ms step. */
  cadence: LiveCadence | null;
  typeName: (key: string) => string | undefined;
}) {
  const d = report.diff.summary;
  return (
    <section aria-label="What-if report" data-testid="whatif-report" ref={revealReport}>
      <p>
        {formatCount(report.durationMs)} ms of seeded traffic (
        {countOf(report.base.injected, 'message')}) through {labels[0]} and {labels[1]}:{' '}
        <strong data-testid="whatif-changed-count">
          {report.changed.length === 0
            ? 'no type behaves differently'
            : `${report.changed.length} ${report.changed.length === 1 ? 'type behaves' : 'types behave'} differently`}
        </strong>
        . Structure:{' '}
        {d.identical ? 'identical' : `${d.added} added, ${d.removed} removed, ${d.changed} changed`}
        .
      </p>
      <table className="grid-table stacks whatif-types" aria-label="Behaviour by message type">
        <thead>
          <tr>
            <th className="w-type">type</th>
            <th className="w-dcur">destinations (current)</th>
            <th className="w-doth">destinations (other)</th>
            <th className="w-ocur">outcome (current)</th>
            <th className="w-ooth">outcome (other)</th>
          </tr>
        </thead>
        <tbody>
          {report.types.map((t) => (
            <tr
              key={t.typeId}
              data-testid={`whatif-type-${t.typeId}`}
              data-changed={t.destinationChanged || t.outcomeChanged}
              className={t.destinationChanged || t.outcomeChanged ? 'changed' : undefined}
            >
              <td className="w-type">
                {t.name} ({t.typeId}){t.destinationChanged ? ' — destination changes' : ''}
                {t.outcomeChanged ? ` — ${outcomeWord(t)}` : ''}
              </td>
              <td className="w-dcur">{counts(t.base.destinations)}</td>
              <td className="w-doth">{counts(t.other.destinations)}</td>
              <td className="w-ocur">{counts(t.base.statuses)}</td>
              <td className="w-ooth">{counts(t.other.statuses)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="whatif-receipts">
        Receipts by status — current: {receiptCounts(report.base)}; other:{' '}
        {receiptCounts(report.other)}.
      </p>
      {report.overflowed.length > 0 ? (
        <table className="grid-table" aria-label="Kernels that overflow">
          <thead>
            <tr>
              <th>kernel</th>
              <th title={OVERFLOW_TITLE}>current: dropped / all letters / max depth</th>
              <th title={OVERFLOW_TITLE}>other: dropped / all letters / max depth</th>
            </tr>
          </thead>
          <tbody>
            {report.overflowed.map((k) => (
              <tr key={k.id} data-testid={`whatif-overflow-${k.id}`}>
                <td>{k.id}</td>
                <td>{overflowText(k.base)}</td>
                <td>{overflowText(k.other)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No kernel overflows on either side.</p>
      )}
      {/* Letters past the dead-letter queue's bound are lost for good: "84,847 / 84,847" alone
          read as 84,847 letters to redrive, where live the queue kept 10,000 (QA). */}
      {[report.base, report.other].some((r) => r.lettersPushedOut > 0) ? (
        <p className="warn-text" data-testid="whatif-letters-lost">
          Past its {formatCount(report.other.letterCapacity)} letters the dead-letter queue pushes
          the oldest out, lost for good (no redrive reaches them):{' '}
          {[report.base, report.other]
            .map((r, i) => `${formatCount(r.lettersPushedOut)} in ${labels[i]!}`)
            .join(', ')}
          .
        </p>
      ) : null}
      {report.overflowed.length > 0 ? (
        // Which pace its queues were drained at, said where its losses are read: at a fixed
        // 8 ms a review found 68,135 refused where the live engine refused 47,413. With the live
        // cadence it had said a queue "loses about what it would live", and a QA run lost 2.5 to
        // 5.5 times as many live (the two live runs 2 times apart): no closer than that is claimed.
        <p className="muted" data-testid="whatif-drain-note">
          {cadence ? (
            <>
              Queues here take traffic in and drain as the live engine did over its last{' '}
              {formatCount(cadence.stepsUs.length)} ticks while its generator ran (
              {formatMs(cadence.medianMs)} apart at the median, {formatMs(cadence.longestMs)} at the
              longest), replayed in turn. A queue near its limit loses what arrives between two of
              its drains beyond its room, so its losses hang on the longest gaps: read them as an
              order of magnitude, not a count. Live, the same seeded traffic can lose several times
              as many, and two live runs differ from each other (a pause of the page or the machine
              is a long gap that no replay repeats). Run it with the live traffic at this rate for
              the closest pace.
            </>
          ) : (
            <>
              Queues here are drained every 8 ms of simulated time, the live engine&apos;s longest
              slice: no live cadence was measured yet (run the generator for a moment first). Live,
              a busy engine drains as often as the machine lets it (every 1–3 ms at 200 K/s on a
              2-core machine), so a queue near its limit loses less there, often much less.
            </>
          )}
        </p>
      ) : null}
      <details>
        <summary>
          Structural diff ({labels[0]} → {labels[1]})
        </summary>
        {/* The import preview's list: this one had left out the name and the generator
            presets while "Structure: … 2 changed" above counted them. */}
        <DiffView diff={report.diff} typeName={typeName} />
      </details>
    </section>
  );
}
