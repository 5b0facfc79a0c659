import * as Dialog from '@radix-ui/react-dialog';
import { useLive, useLiveValue } from '../../state/live';
import { countOf, formatCount, formatRate } from '../design/format';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  EXPORT_FORMATS,
  diffConfigs,
  encodeShareFragment,
  exportFileName,
  exportMimeType,
  parseConfig,
  serializeConfig,
  type ConfigDiff,
  type ExportFormat,
  type GeneratorPreset,
  type RouteConfig,
  u64Key,
} from '../../core/config';
import './dialogs.css';
import { DiffView, typeNamer } from './DiffView';
import { sameValue } from '../../state/sameValue';
import { looksLikeRust, looksLikeWgsl } from '../../interop/rust/detect';
import type { RustReadResult, Unread } from '../../interop/rust/read';
import { useWorkbench, workbenchStore } from '../../state/store';
import { downloadText } from '../live/download';
import { fitGraphAfterChange } from '../graph/view';
import { layOutIfUnplaced } from '../graph/placeOnLoad';
import { readFileChecked } from '../design/readFile';

/** A format as the dialog names it: JSON, TOML, Rust, WGSL (its text box "json export" had not). */
const formatName = (f: ExportFormat): string => (f === 'rust' ? 'Rust' : f.toUpperCase());

/** Problems an import lists at most; how many more there are is said under them. */
const SHOWN_ERRORS = 50;

/** What a WGSL file gets: the export is one way, and says so rather than a list of Rust errors. */
const WGSL_REFUSED: ImportResult = {
  ok: false,
  errors: [
    {
      path: '(document)',
      message:
        "this is WGSL, a shader: the workbench exports its dispatch table as WGSL but cannot read one back (it holds no kernels, fields or layout). Import the workspace's JSON, TOML or RingKernel Rust instead.",
    },
  ],
};

type ImportResult = ReturnType<typeof parseConfig> | RustReadResult;

/**
 * Parses import text: JSON or TOML at once, Rust through the tree-sitter reader (loaded on first
 * use, so the parser's WebAssembly is fetched only when someone imports Rust).
 */
function useImportResult(text: string, fileName: string | undefined) {
  const rust = text.trim() !== '' && looksLikeRust(text, fileName);
  const wgsl = text.trim() !== '' && !rust && looksLikeWgsl(text, fileName);
  const plain = useMemo(
    (): ImportResult | null =>
      wgsl ? WGSL_REFUSED : text.trim() && !rust ? parseConfig(text) : null,
    [text, rust, wgsl],
  );
  const [read, setRead] = useState<{ text: string; result: ImportResult } | null>(null);
  useEffect(() => {
    if (!rust) return;
    let live = true;
    import('../../interop/rust/browser')
      .then(({ readRustInPage }) => readRustInPage(text))
      .catch((e: unknown): ImportResult => ({
        ok: false,
        errors: [
          {
            path: '(document)',
            message: `could not load the Rust parser: ${e instanceof Error ? e.message : String(e)}`,
          },
        ],
      }))
      .then((result) => {
        if (live) setRead({ text, result });
      });
    return () => {
      live = false;
    };
  }, [text, rust]);
  if (!rust) return { rust, pending: false, result: plain };
  const current = read?.text === text ? read.result : null;
  return { rust, pending: current === null, result: current };
}

/**
 * The Rust lines not read that the problems above do not list already: a syntax error is both,
 * and a file with two had listed them twice, under "2 problems" and again under "Not read".
 */
function unreadApart(result: RustReadResult): readonly Unread[] {
  const unread = result.unread ?? [];
  if (result.ok) return unread;
  const listed = new Set(result.errors.map((e) => `${e.path}|${e.message}`));
  return unread.filter((u) => !listed.has(`line ${u.line}|${u.reason}: ${u.text}`));
}

function UnreadList({ unread }: { unread: readonly Unread[] }) {
  if (unread.length === 0) return null;
  return (
    <div className="import-errors" data-testid="import-unread">
      <strong>Not read from the Rust source ({unread.length}):</strong>
      <ul>
        {unread.slice(0, 100).map((u, i) => (
          <li key={i}>
            <span className="mono">line {u.line}</span>: {u.reason} — <code>{u.text}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A modal (Radix Dialog): focus moves into it when it opens and stays there (Tab from its last
 * control had gone on to the toolbar behind the overlay), Escape closes it, and focus goes back
 * to where it was. A click outside closes it unless `keepOnOutside` (text typed in it would go).
 */
function Modal({
  label,
  onClose,
  keepOnOutside = false,
  focusFirst,
  children,
}: {
  label: string;
  onClose: () => void;
  keepOnOutside?: boolean;
  /** What takes focus when it opens (by default the dialog itself). */
  focusFirst?: React.RefObject<HTMLElement | null>;
  children: React.ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Closed by unmounting (the store's dialog goes null), so focus is given back here, after the
  // focus scope has let go.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    return () => {
      setTimeout(() => before?.focus(), 0);
    };
  }, []);
  return (
    <Dialog.Root
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="modal-backdrop">
          <Dialog.Content
            ref={ref}
            tabIndex={-1}
            className="modal"
            // Named by `label` ("Import config"), not by its heading ("Import").
            aria-label={label}
            aria-labelledby={undefined}
            aria-describedby={undefined}
            // The dialog itself takes focus, where its first control is a format or a file;
            // Import's text box, so that a paste right after Import… lands in it (it had gone
            // nowhere).
            onOpenAutoFocus={(e) => {
              e.preventDefault();
              (focusFirst?.current ?? ref.current)?.focus();
            }}
            onInteractOutside={(e) => {
              if (keepOnOutside) e.preventDefault();
            }}
          >
            {children}
          </Dialog.Content>
        </Dialog.Overlay>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/**
 * Text left in the Import box when it was closed with Escape or ✕ (not applied, not cancelled),
 * and where it came from: the next Import… opened without text of its own starts with it.
 * Escape had thrown pasted text away without a word, where a click outside keeps the dialog open.
 */
let importDraft: { text: string; origin: string } | null = null;

export function ConfigDialogs() {
  const dialog = useWorkbench((s) => s.dialog);
  const close = () => workbenchStore().getState().openDialog(null);
  if (!dialog) return null;
  const draft = dialog.kind === 'import' && dialog.text === undefined ? importDraft : null;
  return dialog.kind === 'export' ? (
    <ExportDialog onClose={close} />
  ) : (
    <ImportDialog
      key={dialog.text ?? draft?.text ?? ''}
      initialText={dialog.text ?? draft?.text ?? ''}
      source={draft?.origin ?? dialog.source ?? 'paste'}
      restored={draft !== null}
      draftable={dialog.text === undefined}
      preset={dialog.preset ?? null}
      onClose={close}
    />
  );
}

function ExportDialog({ onClose }: { onClose: () => void }) {
  const config = useWorkbench((s) => s.config);
  const [format, setFormat] = useState<ExportFormat>('json');
  const tabsId = useId();
  const [note, setNote] = useState<string | null>(null);
  const [sharePreset, setSharePreset] = useState('');
  const text = useMemo(() => serializeConfig(config, format), [config, format]);
  const copy = async (value: string, what: string) => {
    try {
      await navigator.clipboard.writeText(value);
      setNote(`Copied ${what} to the clipboard.`);
    } catch {
      setNote('The browser refused clipboard access; select the text and copy it by hand.');
    }
  };
  return (
    <Modal label="Export config" onClose={onClose}>
      <div className="panel-bar">
        <Dialog.Title asChild>
          <h2>Export</h2>
        </Dialog.Title>
        {/* Tabs as the ARIA pattern has them: one tab stop, the arrows (and Home, End) move
            between formats; the arrows had done nothing. */}
        <div
          role="tablist"
          aria-label="Export format"
          onKeyDown={(e) => {
            const at = EXPORT_FORMATS.indexOf(format);
            const n = EXPORT_FORMATS.length;
            const next = (
              {
                ArrowRight: (at + 1) % n,
                ArrowLeft: (at + n - 1) % n,
                Home: 0,
                End: n - 1,
              } as Record<string, number | undefined>
            )[e.key];
            if (next === undefined) return;
            e.preventDefault();
            const f = EXPORT_FORMATS[next]!;
            setFormat(f);
            e.currentTarget.querySelector<HTMLElement>(`#${CSS.escape(`${tabsId}-${f}`)}`)?.focus();
          }}
        >
          {EXPORT_FORMATS.map((f) => (
            <button
              key={f}
              id={`${tabsId}-${f}`}
              type="button"
              role="tab"
              aria-selected={format === f}
              aria-controls={`${tabsId}-panel`}
              tabIndex={format === f ? 0 : -1}
              onClick={() => setFormat(f)}
            >
              {formatName(f)}
            </button>
          ))}
        </div>
        <span className="grow" />
        <button type="button" onClick={onClose} aria-label="Close export">
          ✕
        </button>
      </div>
      <textarea
        className="code"
        readOnly
        value={text}
        id={`${tabsId}-panel`}
        aria-label={`${formatName(format)} export`}
        spellCheck={false}
      />
      <div className="panel-bar">
        <button
          type="button"
          onClick={() => downloadText(exportFileName(config, format), text, exportMimeType(format))}
        >
          Download {exportFileName(config, format)}
        </button>
        <button type="button" onClick={() => void copy(text, format.toUpperCase())}>
          Copy
        </button>
        <button
          type="button"
          onClick={() =>
            void copy(
              `${location.origin}${location.pathname}#${encodeShareFragment(
                config,
                config.generatorPresets?.find((p) => p.name === sharePreset),
              )}`,
              'a share link',
            )
          }
        >
          Copy share link
        </button>
        <label className="inline">
          with preset
          <select
            aria-label="Share link generator preset"
            value={sharePreset}
            onChange={(e) => setSharePreset(e.target.value)}
          >
            <option value="">none</option>
            {(config.generatorPresets ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {note ? <span role="status">{note}</span> : null}
      </div>
    </Modal>
  );
}

/**
 * What an import does to the traffic of the kernels it removes, from the latest snapshot: their
 * queued messages become dead letters, and letters held for them fail as NotFound if redriven to
 * them (a redrive after such an import had failed all 1,904 letters with no word before); and to
 * the live traffic of the types it leaves without a route, which then fails as NoRoute. A kernel
 * removed under 50 K/s of its type's traffic had filled the 10,000-letter queue within 0.2 s, its
 * held letters pushed out for good, with only "− PatternCheck (1003) → pattern_detector" said (QA).
 */
function RemovedKernelsNote({
  diff,
  next,
  typeName,
}: {
  diff: ConfigDiff;
  next: RouteConfig | null;
  typeName: (key: string) => string | undefined;
}) {
  const removed = new Set(diff.kernels.filter((c) => c.kind === 'removed').map((c) => c.key));
  const kernels = useLive((s) => s?.kernels ?? null);
  const letterCapacity = useLive((s) => s?.deadLetters.capacity ?? 0);
  const lettersHeld = useLive((s) => s?.deadLetters.count ?? 0);
  // The types whose traffic reaches a kernel now and finds no route after the import, by rate.
  const unrouted = useLiveValue((s) => {
    if (!s || !next) return [];
    const routed = new Set(next.routes.map((r) => u64Key(r.typeId)));
    const byType = new Map<string, number>();
    for (const e of s.edges) {
      if (!e.source.startsWith('type:')) continue;
      const key = e.source.slice('type:'.length);
      if (!routed.has(key)) byType.set(key, (byType.get(key) ?? 0) + e.ratePerSec);
    }
    // Whole messages a second: a meter decaying after the last message (0.3/s) is not traffic.
    return [...byType]
      .map(([key, rate]) => [key, Math.round(rate)] as const)
      .filter(([, rate]) => rate > 0)
      .sort((a, b) => b[1] - a[1]);
  });
  const hit = (kernels ?? []).filter(
    (k) => removed.has(k.id) && (k.lettersHeld > 0 || k.queued + k.inFlight > 0),
  );
  if (hit.length === 0 && unrouted.length === 0) return null;
  const lost = unrouted.reduce((sum, [, rate]) => sum + rate, 0);
  // The removed kernels' queued messages become letters at once, at the import.
  const room = letterCapacity - lettersHeld - hit.reduce((sum, k) => sum + k.queued, 0);
  const fillS = lost > 0 ? Math.max(0, room) / lost : 0;
  const full =
    fillS === 0
      ? 'is full, and'
      : `is full in ${fillS < 0.1 ? 'under 0.1' : fillS < 10 ? fillS.toFixed(1) : formatCount(Math.round(fillS))} s, then`;
  const fills =
    letterCapacity === 0
      ? ''
      : `: the ${formatCount(letterCapacity)}-letter queue ${full} each new letter pushes the oldest out for good`;
  return (
    <ul className="import-warnings" data-testid="import-removed-traffic">
      {unrouted.length > 0 ? (
        <li data-testid="import-unrouted-traffic">
          ⚠ Traffic that will find no route:{' '}
          {unrouted
            .map(([key, rate]) => `${typeName(key) ?? key} (${key}) at ${formatRate(rate)} now`)
            .join(', ')}
          . Each of those messages gets a NoRoute receipt and a dead letter{fills}. Route the type
          to another kernel in this config, or stop the traffic first.
        </li>
      ) : null}
      {hit.map((k) => (
        <li key={k.id}>
          ⚠ Removing {k.id}:{' '}
          {[
            k.queued > 0
              ? `its ${formatCount(k.queued)} queued messages become dead letters (Unregistered)`
              : '',
            k.inFlight > 0
              ? `the ${formatCount(k.inFlight)} out on its GPU count as processed when they land (what they would emit is not sent)`
              : '',
            k.lettersHeld > 0
              ? `the ${formatCount(k.lettersHeld)} dead letters held for it will fail as NotFound if redriven to it: redrive them first, or to another kernel`
              : '',
          ]
            .filter(Boolean)
            .join('; ')}
          .
        </li>
      ))}
    </ul>
  );
}

function ImportDialog({
  initialText,
  source,
  restored = false,
  draftable = false,
  preset,
  onClose,
}: {
  initialText: string;
  source: string;
  /** The text is the draft an earlier Import left (closed with Escape or ✕). */
  restored?: boolean;
  /** Opened without text of its own (Import…): what it holds when closed is the draft. */
  draftable?: boolean;
  /** A generator preset that came with a share link; it joins the imported config's presets. */
  preset: GeneratorPreset | null;
  onClose: () => void;
}) {
  const current = useWorkbench((s) => s.config);
  const box = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(initialText);
  const [fileName, setFileName] = useState<string | undefined>(
    /\.rs$/i.test(source) ? source : undefined,
  );
  const [fileError, setFileError] = useState<string | null>(null);
  // Where the text came from: the dialog's source, then a chosen file (and whether it was edited).
  const [origin, setOrigin] = useState(source);
  /** A file was opened over the text it opened with (a kept draft is no longer what it shows). */
  const [replaced, setReplaced] = useState(false);
  const { rust, pending, result } = useImportResult(text, fileName);
  const diff = useMemo(
    () => (result?.ok ? diffConfigs(current, result.config) : null),
    [result, current],
  );
  // The config the import would give, and the names of types in it or in the current one.
  const next = result?.ok ? result.config : null;
  const typeName = typeNamer(current, next);
  // Escape and ✕ keep what the box holds for the next Import…; Cancel and Apply let it go. Only
  // in a dialog opened without text of its own: a dropped file's or a share link's preview had
  // dropped, or overwritten, a draft it never showed.
  const dismiss = () => {
    if (draftable) importDraft = text.trim() !== '' ? { text, origin } : null;
    onClose();
  };
  const discard = () => {
    if (draftable) importDraft = null;
    onClose();
  };
  return (
    <Modal
      label="Import config"
      onClose={dismiss}
      keepOnOutside={text.trim() !== ''}
      focusFirst={box}
    >
      <div className="panel-bar">
        <Dialog.Title asChild>
          <h2>Import</h2>
        </Dialog.Title>
        {/* Said of the text in the box: with none, a refused file had left "from paste" here
            beside its own error. */}
        {text.trim() !== '' ? (
          <span className="muted" data-testid="import-origin">
            from {origin}
            {/* Only while the text is still the draft's own: a file with the same text had
                read "from file same.json (kept from when Import was last closed…)". */}
            {restored && text === initialText && !replaced
              ? ' (kept from when Import was last closed; Cancel drops it)'
              : ''}
          </span>
        ) : null}
        <span className="grow" />
        <button type="button" onClick={dismiss} aria-label="Close import">
          ✕
        </button>
      </div>
      <div className="panel-bar">
        <label className="inline">
          {/* The label's words are its name's (WCAG 2.5.3): "Open file" had read beside a
              control named "Config file". */}
          Config file
          <input
            type="file"
            aria-label="Config file"
            accept=".json,.toml,.rs,application/json,text/x-rust"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              const r = await readFileChecked(file);
              if (r.ok) {
                setFileError(null);
                setFileName(file.name);
                setOrigin(`file ${file.name}`);
                setReplaced(true);
                setText(r.text);
              } else {
                setFileError(r.error);
                // The box names no file the dialog did not take: it had kept "binary.json"
                // beside text from elsewhere.
                e.target.value = '';
              }
            }}
          />
        </label>
      </div>
      <textarea
        ref={box}
        className="code small"
        aria-label="Config text"
        placeholder="Paste a route config (JSON or TOML) or RingKernel Rust code, or drop a file here."
        value={text}
        onChange={(e) => {
          // A refused file's error is about the file, not this text: it had stayed, "Nothing was
          // changed", over a valid diff and an enabled Apply import once text was pasted.
          setFileError(null);
          setFileName(undefined);
          setOrigin((o) => (o.startsWith('file ') && !o.endsWith(', edited') ? `${o}, edited` : o));
          setText(e.target.value);
        }}
        spellCheck={false}
      />
      {fileError ? (
        <p role="alert" className="error">
          {fileError} Nothing was changed
          {text.trim() ? `; the text below, and what it says, is still from ${origin}.` : '.'}
        </p>
      ) : null}
      {result && !result.ok ? (
        <div role="alert" className="import-errors" data-testid="import-errors">
          <strong>
            Nothing was changed. {result.errors.length}{' '}
            {result.errors.length === 1 ? 'problem' : 'problems'}:
          </strong>
          <ul>
            {result.errors.slice(0, SHOWN_ERRORS).map((e, i) => (
              <li key={i}>
                <span className="mono">{e.path || '(document)'}</span>: {e.message}
              </li>
            ))}
          </ul>
          {/* The rest were left off without a word (QA: 163 problems, 50 listed). */}
          {result.errors.length > SHOWN_ERRORS ? (
            <p data-testid="import-errors-more">
              … and {countOf(result.errors.length - SHOWN_ERRORS, 'more problem')} (the first{' '}
              {SHOWN_ERRORS} are listed).
            </p>
          ) : null}
        </div>
      ) : null}
      {rust ? (
        <p className="muted" data-testid="import-rust" role="status">
          {pending
            ? 'Reading Rust source…'
            : result && !result.ok
              ? 'Read as RingKernel Rust source: it cannot be imported as it is (the problems above).'
              : 'Read as RingKernel Rust source (message structs, DispatcherBuilder chain, K2K routes).'}
        </p>
      ) : null}
      {rust && result ? <UnreadList unread={unreadApart(result as RustReadResult)} /> : null}
      {diff ? <DiffView diff={diff} typeName={typeName} /> : null}
      {diff ? <RemovedKernelsNote diff={diff} next={next} typeName={typeName} /> : null}
      {preset ? (
        <p data-testid="import-preset">
          The link carries generator preset <strong>{preset.name}</strong> ({preset.ratePerSec}{' '}
          messages/s, {preset.pattern}, seed {preset.seed}); it is added to the presets, and runs
          only when you start it.
        </p>
      ) : null}
      {/* In view at the dialog's foot however long the diff above: after 120 changes, Apply
          import had been 2,500 px down the dialog. */}
      <div className="panel-bar modal-actions">
        <button
          type="button"
          disabled={!result?.ok}
          onClick={() => {
            if (!result?.ok) return;
            const presets = (result.config.generatorPresets ?? []).filter(
              (p) => p.name !== preset?.name,
            );
            const config = preset
              ? { ...result.config, generatorPresets: [...presets, preset] }
              : result.config;
            // The config exported a moment ago, imported back: said, with no undo step that
            // undoes nothing (QA).
            if (sameValue(config, current)) {
              workbenchStore()
                .getState()
                .notify('info', 'Nothing imported: the config is identical to the current one.');
              discard();
              return;
            }
            const done = workbenchStore()
              .getState()
              .replace(
                config,
                `Imported "${config.name}"${preset ? ` with generator preset "${preset.name}"` : ''} (Ctrl+Z undoes it).`,
              );
            // Asked before the graph renders the new config: that render comes after this handler.
            if (done) {
              fitGraphAfterChange();
              // A config with no positions for most nodes: laid out as it loads, in its step.
              void layOutIfUnplaced(workbenchStore().getState().config);
            }
            discard();
          }}
        >
          Apply import
        </button>
        <button type="button" onClick={discard}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
