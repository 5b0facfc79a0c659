/**
 * `window.workbench`: the documented automation API (also handy in devtools). Present in the
 * built app. Every method returns plain data; bad input comes back as `{ ok: false, errors }`.
 */
import {
  canonicalU64,
  parseConfig,
  serializeConfig,
  type ExportFormat,
  type RouteConfig,
} from '../core/config';
import type { EngineClient } from '../engine/client';
import type { EngineSnapshot, GeneratorSpec, PayloadValues } from '../engine/protocol';
import type { WorkbenchStore } from '../state/store';
import { pageGpuStatus } from '../ui/gpu/adapter';
import { fitGraphAfterChange } from '../ui/graph/view';

export type LoadResult = { ok: true } | { ok: false; errors: { path: string; message: string }[] };

export interface WorkbenchApi {
  /** The current route config, the same document JSON export writes. */
  getConfig(): RouteConfig;
  /** Load a config (object, JSON or TOML text) as one undoable step; changes nothing on failure. */
  loadConfig(input: unknown): LoadResult;
  /** The live dispatcher's route table as `[typeId, kernelId]` pairs (from the engine). */
  routes(): Promise<[number | string, string][]>;
  inject(opts: {
    typeId: number | string;
    count?: number;
    payload?: PayloadValues;
    priority?: number;
  }): Promise<{
    ok: boolean;
    count?: number;
    /** Receipts other than Delivered the send issued at once, by status (see the README). */
    atOnce?: Record<string, number>;
    /** The message ids the send gave its messages (null where they did not follow one another). */
    ids?: { first: number; last: number } | null;
    error?: string;
  }>;
  startGenerator(spec: GeneratorSpec): Promise<{ ok: boolean; error?: string }>;
  stopGenerator(): Promise<{ ok: boolean }>;
  /** The latest engine snapshot (injected, metrics, receipts, kernels, dead letters, accounting). */
  snapshot(): EngineSnapshot | null;
  /** The WebGPU adapter the kernels can use, or `available: false` when they run on CPU twins. */
  gpu(): Promise<{
    available: boolean;
    adapter: { vendor: string; architecture: string; isFallbackAdapter: boolean } | null;
    reason?: string;
  }>;
  /** The current config exported as `json`, `toml`, `rust` or `wgsl` text. */
  exportConfig(format: ExportFormat): string;
  undo(): void;
  redo(): void;
}

declare global {
  interface Window {
    workbench: WorkbenchApi;
  }
}

export function installTestApi({
  store,
  engine,
}: {
  store: WorkbenchStore;
  engine: EngineClient;
}): WorkbenchApi {
  const api: WorkbenchApi = {
    // Exactly what JSON export writes ($schema included), as a fresh object.
    getConfig: () => JSON.parse(serializeConfig(store.getState().config, 'json')) as RouteConfig,
    loadConfig(input) {
      const result = parseConfig(input);
      if (!result.ok) return { ok: false, errors: result.errors };
      // Fitted whole, as an import is (the view had stayed at the demo's zoom, six nodes of a
      // large config in its corner). Not laid out: the config read back is the one given.
      if (store.getState().replace(result.config, `Loaded config "${result.config.name}".`))
        fitGraphAfterChange();
      return { ok: true };
    },
    async routes() {
      // The engine's own table: what the live dispatcher routes by, not the config it was sent
      // (which had been returned, so an edit that never reached the engine still read as done).
      const reply = await engine.request({ type: 'routes' });
      if (!reply.ok || reply.command !== 'routes') return [];
      // Ids as the config document writes them (a number, or a decimal string past 2^53).
      return reply.routes.map(([typeId, kernelId]) => [canonicalU64(typeId), kernelId]);
    },
    async inject({ typeId, count, payload, priority }) {
      const reply = await engine.request({
        type: 'inject',
        typeId,
        ...(count !== undefined ? { count } : {}),
        ...(payload !== undefined ? { payload } : {}),
        ...(priority !== undefined ? { priority } : {}),
      });
      if (!reply.ok) return { ok: false, error: reply.error.message };
      return reply.command === 'inject'
        ? { ok: true, count: reply.count, atOnce: reply.atOnce, ids: reply.ids }
        : { ok: true };
    },
    async startGenerator(spec) {
      const reply = await engine.request({ type: 'startGenerator', spec });
      return reply.ok ? { ok: true } : { ok: false, error: reply.error.message };
    },
    async stopGenerator() {
      const reply = await engine.request({ type: 'stopGenerator' });
      return { ok: reply.ok };
    },
    snapshot: () => engine.latest(),
    async gpu() {
      const s = await pageGpuStatus();
      if (!s.available) return { available: false, adapter: null, reason: s.reason };
      const { vendor, architecture, isFallbackAdapter } = s.adapter;
      return { available: true, adapter: { vendor, architecture, isFallbackAdapter } };
    },
    exportConfig: (format) => serializeConfig(store.getState().config, format),
    undo: () => store.getState().undo(),
    redo: () => store.getState().redo(),
  };
  window.workbench = api;
  return api;
}
