/**
 * Record and replay a session's injected traffic: hand injections and generator starts/stops with
 * their times, stored per workspace in localStorage as JSON (bigints as decimal strings, raw
 * payloads as hex), replayed deterministically into a headless engine on a simulated clock (same
 * config, same receipts) or, best effort, into the live engine after `resetMetrics`.
 */
import { readU64, U64_MAX, withLineColumn, type RouteConfig } from '../core/config';
import type { EngineClient } from '../engine/client';
import { validateSpec } from '../engine/generators';
import {
  injectProblem,
  type EngineCommand,
  type GeneratorSpec,
  type ReceiptRow,
} from '../engine/protocol';
import { runSimulation, type SimulationResult, type TimedCommand } from './sim';

export const RECORDING_VERSION = 1;
/** Events kept per recording; later ones are counted in `truncated` instead. */
export const MAX_EVENTS = 10_000;
/** Serialized size allowed per stored recording. */
export const MAX_RECORDING_BYTES = 512 * 1024;
/** Recordings kept per workspace. */
export const MAX_RECORDINGS = 20;

type Scalar = number | string | boolean;

/** A traffic command as stored: JSON-safe (u64 as decimal strings, raw bytes as hex). */
export type RecordedCommand =
  | {
      type: 'inject';
      typeId: string;
      count: number;
      payload?: Record<string, Scalar> | { hex: string };
      priority?: number;
      correlationId?: number;
      source?: string;
    }
  | { type: 'startGenerator'; spec: GeneratorSpec }
  | { type: 'stopGenerator' }
  | { type: 'resetMetrics' };

export interface RecordedEvent {
  /** Time since the recording started, µs. */
  atUs: number;
  command: RecordedCommand;
}

export interface Recording {
  version: typeof RECORDING_VERSION;
  name: string;
  workspace: string;
  /** The config the traffic was recorded against (its name; the config itself is the workspace). */
  configName: string;
  /**
   * What of that config shapes the traffic (`configKey`): a replay against another says so.
   * Absent from recordings made before it was kept.
   */
  configKey?: string;
  /** ISO date, from the injected clock of the caller. */
  createdAt: string;
  durationUs: number;
  events: RecordedEvent[];
  /** Events not kept because the recording hit `MAX_EVENTS`. */
  truncated: number;
}

export type RecordingError = {
  code: 'InvalidRecording' | 'TooLarge' | 'TooMany' | 'StorageFailed' | 'NotFound';
  message: string;
};

const TRAFFIC = new Set(['inject', 'startGenerator', 'stopGenerator', 'resetMetrics']);

/** Whether a command is traffic a recording keeps. */
export function isTrafficCommand(cmd: EngineCommand): boolean {
  return TRAFFIC.has(cmd.type);
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Converts a live command to its stored form; null for commands that are not traffic. */
export function toRecorded(cmd: EngineCommand): RecordedCommand | null {
  switch (cmd.type) {
    case 'inject': {
      const out: RecordedCommand = {
        type: 'inject',
        typeId: String(cmd.typeId),
        count: cmd.count ?? 1,
      };
      if (cmd.payload instanceof Uint8Array) out.payload = { hex: hex(cmd.payload) };
      else if (cmd.payload) {
        const p: Record<string, Scalar> = {};
        for (const [k, v] of Object.entries(cmd.payload))
          p[k] = typeof v === 'bigint' ? String(v) : v;
        out.payload = p;
      }
      if (cmd.priority !== undefined) out.priority = cmd.priority;
      if (cmd.correlationId !== undefined) out.correlationId = cmd.correlationId;
      if (cmd.source !== undefined) out.source = cmd.source;
      return out;
    }
    case 'startGenerator': {
      const spec: GeneratorSpec = { ...cmd.spec };
      if (cmd.spec.mix)
        spec.mix = cmd.spec.mix.map((m) => ({ typeId: String(m.typeId), weight: m.weight }));
      return { type: 'startGenerator', spec };
    }
    case 'stopGenerator':
    case 'resetMetrics':
      return { type: cmd.type };
    default:
      return null;
  }
}

/** The engine command a stored one replays as. */
export function toEngineCommand(c: RecordedCommand): EngineCommand {
  switch (c.type) {
    case 'inject': {
      const cmd: EngineCommand = { type: 'inject', typeId: c.typeId, count: c.count };
      if (c.payload) {
        const p = c.payload as Record<string, unknown>;
        cmd.payload =
          typeof p['hex'] === 'string' && Object.keys(p).length === 1
            ? unhex(p['hex'])
            : (c.payload as Record<string, Scalar>);
      }
      if (c.priority !== undefined) cmd.priority = c.priority;
      if (c.correlationId !== undefined) cmd.correlationId = c.correlationId;
      if (c.source !== undefined) cmd.source = c.source;
      return cmd;
    }
    case 'startGenerator':
      return { type: 'startGenerator', spec: c.spec };
    case 'stopGenerator':
      return { type: 'stopGenerator' };
    case 'resetMetrics':
      return { type: 'resetMetrics' };
  }
}

/** 32-bit FNV-1a offset basis: where a hash (`fnv1a`) starts. */
const FNV_OFFSET = 0x811c9dc5;

/** `hash` (an FNV-1a state, `FNV_OFFSET` to start) with `text`'s UTF-16 code units folded in. */
function fnv1a(text: string, hash = FNV_OFFSET): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * A fingerprint of what in a config shapes its traffic: broker, types, kernels and routes, not the
 * layout or the generator presets (32-bit FNV-1a of their JSON, bigints as decimal strings, hex).
 */
export function configKey(config: RouteConfig): string {
  const { broker, messageTypes, kernels, routes, k2kRoutes } = config;
  const text = JSON.stringify(
    { broker, messageTypes, kernels, routes, k2kRoutes },
    (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
  );
  return (fnv1a(text) >>> 0).toString(16).padStart(8, '0');
}

/**
 * What a replay against `config` should say when `r` was recorded against another config (or
 * another version of it); null when it is the same, or the recording predates `configKey`.
 */
export function configDiffers(r: Recording, config: RouteConfig): string | null {
  if (r.configKey === undefined || r.configKey === configKey(config)) return null;
  const what =
    r.configName && r.configName !== config.name
      ? `“${r.configName}”, not the “${config.name}” loaded now`
      : `an earlier version of “${config.name}”, since edited`;
  return `It was recorded against ${what}: the replay runs the config as it is now, so its figures are not the recorded run's.`;
}

/**
 * The spec a generator already running at engine time `nowUs` is recorded as, started at the
 * recording's 0: what is left of its duration, when it has one (at least 1 ms).
 */
export function runningSpec(
  g: { spec?: GeneratorSpec; startedUs?: number },
  nowUs: number,
): GeneratorSpec | undefined {
  if (!g.spec) return undefined;
  const { durationMs } = g.spec;
  if (!durationMs || g.startedUs === undefined) return { ...g.spec };
  const left = Math.max(1, Math.round(durationMs - (nowUs - g.startedUs) / 1000));
  return { ...g.spec, durationMs: left };
}

export interface RecorderStartOptions {
  /** `configKey` of the config recorded against. */
  configKey?: string;
  /**
   * The generator's spec when it is already running as the recording starts: kept as started at
   * 0 (with what is left of its duration), or a recording made under running traffic held
   * nothing of it and was not saved.
   */
  running?: GeneratorSpec;
}

export interface Recorder {
  start(name: string, workspace: string, configName: string, options?: RecorderStartOptions): void;
  /** Ends the recording and returns it; null when none was running. */
  stop(): Recording | null;
  /** Keeps a command if recording and it is traffic; anything else is ignored. */
  record(cmd: EngineCommand): void;
  isRecording(): boolean;
  /** Events so far (0 when idle). */
  eventCount(): number;
}

/**
 * A recorder on an injected clock.
 *
 * @param now microseconds, any origin (only differences are stored)
 * @param isoNow the creation date to stamp on recordings
 * @param onChange called after every change (the store's recording slice mirrors the state)
 */
export function createRecorder(
  now: () => number,
  isoNow: () => string,
  onChange: () => void = () => undefined,
): Recorder {
  let current: Recording | null = null;
  let startedUs = 0;
  // Whether the generator runs, as far as the recording goes: a start not yet stopped.
  let generatorOn = false;
  const notify = onChange;
  return {
    start(name, workspace, configName, options = {}) {
      startedUs = now();
      current = {
        version: RECORDING_VERSION,
        name,
        workspace,
        configName,
        ...(options.configKey === undefined ? {} : { configKey: options.configKey }),
        createdAt: isoNow(),
        durationUs: 0,
        events: [],
        truncated: 0,
      };
      generatorOn = false;
      if (options.running) {
        current.events.push({
          atUs: 0,
          command: toRecorded({ type: 'startGenerator', spec: options.running })!,
        });
        generatorOn = true;
      }
      notify();
    },
    stop() {
      const r = current;
      current = null;
      if (r) {
        r.durationUs = Math.max(0, Math.round(now() - startedUs));
        // The traffic recorded ends where the recording does: a generator still running is
        // stopped there on replay (a live replay had left it running for good). Kept beyond
        // MAX_EVENTS too: without it the replay would not end.
        if (generatorOn) r.events.push({ atUs: r.durationUs, command: { type: 'stopGenerator' } });
      }
      generatorOn = false;
      notify();
      return r;
    },
    record(cmd) {
      if (!current) return;
      const c = toRecorded(cmd);
      if (!c) return;
      if (c.type === 'startGenerator') generatorOn = true;
      else if (c.type === 'stopGenerator') generatorOn = false;
      if (current.events.length >= MAX_EVENTS) current.truncated++;
      else current.events.push({ atUs: Math.max(0, Math.round(now() - startedUs)), command: c });
      notify();
    },
    isRecording: () => current !== null,
    eventCount: () => current?.events.length ?? 0,
  };
}

/**
 * Wraps an engine client so every traffic command sent through it is also given to `recorder`.
 * Everything else passes through unchanged.
 */
export function recordingClient(client: EngineClient, recorder: Recorder): EngineClient {
  return {
    ...client,
    send(cmd) {
      recorder.record(cmd);
      client.send(cmd);
    },
    request(cmd) {
      recorder.record(cmd);
      return client.request(cmd);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Storage

/** The part of `localStorage` recordings use (key enumeration included). */
export interface RecordingStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

export const recordingKey = (workspace: string, name: string): string =>
  `rdw:v1:rec:${workspace}:${name}`;

export function serializeRecording(r: Recording): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

/**
 * Parses stored or imported text; errors are values naming what is wrong. `imported` also checks
 * each command's values by the engine's rules: a file from elsewhere is refused for a command the
 * engine would refuse, while one stored here (which may hold a command the engine refused when it
 * was sent, a refusal its replay reports too) still loads.
 */
export function parseRecording(
  text: string,
  { imported = false }: { imported?: boolean } = {},
): { ok: true; recording: Recording } | { ok: false; error: RecordingError } {
  const bad = (message: string) =>
    ({ ok: false, error: { code: 'InvalidRecording', message } }) as const;
  // Not JSON at all (a first character no JSON value starts with): say what the text is, not
  // the parser's "Unexpected token 'h', "hello, the"... is not valid JSON" (QA).
  const first = /\S/.exec(text)?.[0];
  if (first !== undefined && !'{["-0123456789tfn'.includes(first)) {
    if (/^\s*\[\[(messageTypes|kernels|routes)\]\]/m.test(text))
      return bad(
        'This is a route config (TOML), not a recording: open it with Import… in the toolbar.',
      );
    // On one line, and cut between code points, not inside one.
    const start = Array.from(text.trim().replace(/\s+/g, ' ')).slice(0, 24).join('').trimEnd();
    return bad(
      `Not a recording: a recording is JSON, and this text begins “${start}${text.trim().length > 24 ? '…' : ''}”.`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    // Where, as a config's import says it: "(Unexpected end of JSON input)" alone said nothing
    // of a file cut short (QA).
    const why = withLineColumn(e instanceof Error ? e.message : String(e), text);
    return bad(`The recording is not JSON (${why}).`);
  }
  const r = v as Partial<Recording>;
  // A route config (Export's file) read here: "A recording needs a name and a workspace" beside
  // the Recording name box read as if about that box (QA).
  if (
    typeof v === 'object' &&
    v !== null &&
    !('events' in v) &&
    ('messageTypes' in v || 'kernels' in v || 'routes' in v)
  )
    return bad('This is a route config, not a recording: open it with Import… in the toolbar.');
  if (typeof v !== 'object' || v === null || r.version !== RECORDING_VERSION)
    return bad('Not a version 1 recording.');
  if (typeof r.name !== 'string' || typeof r.workspace !== 'string')
    return bad('A recording needs a name and a workspace.');
  if (!Array.isArray(r.events)) return bad('A recording needs an events list.');
  for (const [i, e] of r.events.entries()) {
    const ev = e as Partial<RecordedEvent> | null;
    if (!ev || typeof ev.atUs !== 'number' || ev.atUs < 0 || !Number.isFinite(ev.atUs))
      return bad(`events[${i}].atUs must be a non-negative number of microseconds.`);
    if (!ev.command || !TRAFFIC.has((ev.command as { type?: string }).type ?? ''))
      return bad(
        `events[${i}].command must be inject, startGenerator, stopGenerator or resetMetrics.`,
      );
    // Its values too, by the engine's own rules: a rate of 1e15 a second had been taken, and its
    // headless replay never ended; a count of 1e12 was refused only when replayed.
    const wrong = imported ? commandProblem(ev.command) : null;
    if (wrong) return bad(`events[${i}].command (${ev.command.type}): ${wrong}`);
  }
  if (!r.name.trim()) return bad('A recording needs a name that is not empty.');
  return {
    ok: true,
    recording: {
      version: RECORDING_VERSION,
      name: r.name,
      workspace: r.workspace,
      configName: typeof r.configName === 'string' ? r.configName : '',
      ...(typeof r.configKey === 'string' ? { configKey: r.configKey } : {}),
      createdAt: typeof r.createdAt === 'string' ? r.createdAt : '',
      durationUs: typeof r.durationUs === 'number' ? r.durationUs : 0,
      events: r.events,
      truncated: typeof r.truncated === 'number' ? r.truncated : 0,
    },
  };
}

/** What the engine would refuse in a stored command, or null. */
function commandProblem(c: RecordedCommand): string | null {
  if (c.type === 'startGenerator') {
    if (typeof c.spec !== 'object' || c.spec === null) return 'spec must be an object.';
    return validateSpec(c.spec);
  }
  if (c.type !== 'inject') return null;
  // The engine's own reading (normU64): "abc" or -1 had imported and failed only when replayed.
  if (readU64(c.typeId) === undefined)
    return `typeId must be a u64 type id, a whole number from 0 to ${U64_MAX} (got ${JSON.stringify(c.typeId) ?? String(c.typeId)}).`;
  // Without a priority the engine's default applies, which it always takes.
  return injectProblem(c.count, c.priority ?? 0);
}

export function listRecordings(storage: RecordingStorage, workspace: string): string[] {
  const prefix = recordingKey(workspace, '');
  const out: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(prefix)) out.push(k.slice(prefix.length));
  }
  return out.sort();
}

/** Stores a recording under its workspace and name (replacing one of the same name). */
export function saveRecording(storage: RecordingStorage, r: Recording): RecordingError | null {
  const text = serializeRecording(r);
  if (text.length > MAX_RECORDING_BYTES)
    return {
      code: 'TooLarge',
      message: `The recording is ${Math.ceil(text.length / 1024)} KB; at most ${MAX_RECORDING_BYTES / 1024} KB can be stored. Record a shorter session or use a generator instead of many hand injections.`,
    };
  const names = listRecordings(storage, r.workspace);
  if (!names.includes(r.name) && names.length >= MAX_RECORDINGS)
    return {
      code: 'TooMany',
      message: `Workspace "${r.workspace}" already holds ${MAX_RECORDINGS} recordings; delete one first.`,
    };
  try {
    storage.setItem(recordingKey(r.workspace, r.name), text);
    return null;
  } catch (e) {
    return {
      code: 'StorageFailed',
      message: `The browser refused to store the recording (${e instanceof Error ? e.message : String(e)}); export it to a file instead.`,
    };
  }
}

export function loadRecording(
  storage: RecordingStorage,
  workspace: string,
  name: string,
): { ok: true; recording: Recording } | { ok: false; error: RecordingError } {
  const text = storage.getItem(recordingKey(workspace, name));
  if (text === null)
    return {
      ok: false,
      error: { code: 'NotFound', message: `No recording "${name}" in workspace "${workspace}".` },
    };
  return parseRecording(text);
}

export function deleteRecording(storage: RecordingStorage, workspace: string, name: string): void {
  storage.removeItem(recordingKey(workspace, name));
}

// ---------------------------------------------------------------------------------------------
// Replay

export interface HeadlessReplay extends SimulationResult {
  rows: ReceiptRow[];
}

/** The recording's events as timed engine commands. */
export function timedCommands(r: Recording): TimedCommand[] {
  return r.events.map((e) => ({ atUs: e.atUs, cmd: toEngineCommand(e.command) }));
}

interface ReplayOptions {
  stepUs?: number;
  /** Simulated time after the last event before the final drain, µs. Default 100 ms. */
  extraUs?: number;
}

/** Replays `r` into a fresh headless engine on a simulated clock, each batch of receipts to `onRows`. */
function replay(
  config: RouteConfig,
  r: Recording,
  onRows: (batch: readonly ReceiptRow[]) => void,
  options: ReplayOptions = {},
): SimulationResult {
  const lastAt = r.events.reduce((m, e) => Math.max(m, e.atUs), 0);
  return runSimulation({
    config,
    commands: timedCommands(r),
    durationUs: Math.max(r.durationUs, lastAt) + (options.extraUs ?? 100_000),
    ...(options.stepUs !== undefined ? { stepUs: options.stepUs } : {}),
    onRows,
  });
}

/**
 * Replays into a fresh headless engine on a simulated clock and returns every receipt. Identical
 * config and recording give identical receipts.
 */
export function replayHeadless(
  config: RouteConfig,
  r: Recording,
  options: ReplayOptions = {},
): HeadlessReplay {
  const rows: ReceiptRow[] = [];
  const result = replay(
    config,
    r,
    (batch) => {
      for (const row of batch) rows.push(row);
    },
    options,
  );
  return { ...result, rows };
}

/** What "Replay headless" reports: two replays compared, without keeping their receipts. */
export interface ReplayCheck {
  total: number;
  byStatus: Record<string, number>;
  /** The two replays issued the same receipts in the same order. */
  identical: boolean;
  errors: SimulationResult['errors'];
}

/**
 * The receipt sequence as a count and a 32-bit FNV-1a hash of each receipt's message id, type,
 * status and destination, in order: what `identical` compares, in constant memory (two replays
 * of a 300,000-message recording kept 600,000 rows on the page's thread).
 */
function fingerprint(
  config: RouteConfig,
  r: Recording,
): SimulationResult & { count: number; hash: number } {
  let hash = FNV_OFFSET;
  let count = 0;
  const result = replay(config, r, (batch) => {
    for (const row of batch) {
      hash = fnv1a(
        `${String(row.messageId)}|${String(row.typeId)}|${row.status}|${row.destination};`,
        hash,
      );
      count++;
    }
  });
  return { ...result, count, hash: hash >>> 0 };
}

/** Two headless replays of `r` compared: deterministic when `identical`. */
export function checkReplay(config: RouteConfig, r: Recording): ReplayCheck {
  const a = fingerprint(config, r);
  const b = fingerprint(config, r);
  return {
    total: a.final.receipts.total,
    byStatus: a.final.receipts.byStatus,
    identical: a.count === b.count && a.hash === b.hash,
    errors: a.errors,
  };
}

/** A scheduler for live replay (the page passes `setTimeout`; tests a manual one). */
export interface Scheduler {
  after(ms: number, fn: () => void): unknown;
  cancel(handle: unknown): void;
}

/**
 * Replays into the live engine: `resetMetrics`, then each command at its recorded offset. Real
 * time makes this approximate (tick boundaries differ); use `replayHeadless` for exact replays.
 * Returns a function that cancels what has not been sent yet.
 */
export function replayLive(
  client: Pick<EngineClient, 'send'>,
  r: Recording,
  scheduler: Scheduler,
): () => void {
  client.send({ type: 'resetMetrics' });
  const handles = r.events.map((e) =>
    scheduler.after(e.atUs / 1000, () => client.send(toEngineCommand(e.command))),
  );
  return () => {
    for (const h of handles) scheduler.cancel(h);
  };
}
