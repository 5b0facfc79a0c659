/**
 * The inject slice: what the user typed into the publish and generator forms. It lives in the
 * store, not in the panels, so moving the Inject tab to another pane, switching tabs or collapsing
 * the dock never resets a rate, a burst size or a seed. Values stay strings as typed: the forms
 * validate them when they are sent.
 */
import type { StateCreator } from 'zustand/vanilla';
import { ARRIVAL_PATTERNS, type ArrivalPattern } from '../engine/protocol';

export interface GeneratorFormState {
  ratePerSec: string;
  pattern: ArrivalPattern;
  /** `typeId:weight, …`; null until edited, meaning every routed type at weight 1. */
  mix: string | null;
  zipfS: string;
  accounts: string;
  durationMs: string;
  priority: string;
  seed: string;
  /** Name a preset is saved under. */
  name: string;
}

export interface PublishFormState {
  /** The type id box; null until edited, meaning the first routed type. */
  typeText: string | null;
  count: string;
  priority: string;
  /** Field values by type id, as typed. */
  values: Record<string, Record<string, string>>;
}

/** A send from the publish form: the type it sends, as the form names it. */
export interface PublishSend {
  /** The type id as the form keys it (`String(typeId)`). */
  typeKey: string;
  /** "Transaction (1001)", or "type 4242" for a type the config does not define. */
  typeLabel: string;
}

/** A send waiting for its answer. */
export interface PublishPending extends PublishSend {
  /**
   * The form's button bar's height (px) when it began, kept while it waits: the progress line in
   * place of the last result had moved the fields under it up and back down (QA). Here, so a form
   * built anew meanwhile (another type, the tab again) keeps it too.
   */
  barPx: number | null;
}

/** What the publish form's last send did, as its result line says it. */
export interface PublishResult extends PublishSend {
  text: string;
  /** Tells one send's line from the next (each flashes as it comes). */
  seq: number;
  atMs: number;
  /** The first message the send numbered, for its Trace button. */
  traceId?: number;
}

export interface InjectFormSlice {
  generatorForm: GeneratorFormState;
  publishForm: PublishFormState;
  /**
   * A send from the publish form waits for its answer (a burst of a million takes a second or
   * two): sending is off meanwhile. Here, not in the form, which is built anew for each type and
   * each time the tab comes back (a type clicked mid-burst had turned sending on again).
   */
  publishSending: PublishPending | null;
  setPublishSending(sending: PublishPending | null): void;
  /**
   * The last send's result line. Here too, so it is there when the form comes back: a type chosen
   * or a tab switched while a burst was sent had lost its "Sent 1,000,000 … Refused on send" (QA).
   */
  publishResult: PublishResult | null;
  /** Sets the result line (a new `seq`), or clears it with null. */
  setPublishResult(result: Omit<PublishResult, 'seq'> | null): void;
  setGeneratorForm(patch: Partial<GeneratorFormState>): void;
  setPublishForm(patch: Partial<Omit<PublishFormState, 'values'>>): void;
  setPublishValues(typeKey: string, values: Record<string, string>): void;
}

export const DEFAULT_GENERATOR_FORM: GeneratorFormState = {
  ratePerSec: '1000',
  pattern: 'poisson',
  mix: null,
  zipfS: '1.1',
  accounts: '1000',
  durationMs: '0',
  priority: '1',
  seed: '42',
  name: 'my preset',
};

/** Longest value a stored form field may hold (anything longer was not typed into the form). */
const MAX_STORED = 10_000;

/**
 * A generator form read back from storage (it is kept across reloads): each field of the right
 * kind is taken, anything else (a missing, mistyped or oversized field, a value that is not an
 * object at all) falls back to its default. Values stay as typed: the form checks them on Start.
 */
export function restoreGeneratorForm(raw: unknown): GeneratorFormState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return DEFAULT_GENERATOR_FORM;
  // Own fields only: nothing read through the prototype.
  const r = Object.fromEntries(Object.entries(raw)) as Record<string, unknown>;
  const text = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_STORED;
  const out: GeneratorFormState = { ...DEFAULT_GENERATOR_FORM };
  for (const key of [
    'ratePerSec',
    'zipfS',
    'accounts',
    'durationMs',
    'priority',
    'seed',
    'name',
  ] as const) {
    const v = r[key];
    if (text(v)) out[key] = v;
  }
  const pattern = ARRIVAL_PATTERNS.find((p) => p === r.pattern);
  if (pattern) out.pattern = pattern;
  if (r.mix === null || text(r.mix)) out.mix = r.mix;
  return out;
}

export const createInjectFormSlice: StateCreator<InjectFormSlice, [], [], InjectFormSlice> = (
  set,
  get,
) => ({
  generatorForm: DEFAULT_GENERATOR_FORM,
  publishForm: { typeText: null, count: '1', priority: '1', values: {} },
  publishSending: null,
  setPublishSending(sending) {
    set({ publishSending: sending });
  },
  publishResult: null,
  setPublishResult(result) {
    const seq = (get().publishResult?.seq ?? 0) + 1;
    set({ publishResult: result === null ? null : { ...result, seq } });
  },
  setGeneratorForm(patch) {
    set({ generatorForm: { ...get().generatorForm, ...patch } });
  },
  setPublishForm(patch) {
    set({ publishForm: { ...get().publishForm, ...patch } });
  },
  setPublishValues(typeKey, values) {
    const form = get().publishForm;
    // Type ids are user data: build the map from entries so "__proto__" stays a plain key.
    const next = Object.fromEntries([...Object.entries(form.values), [typeKey, values]]);
    set({ publishForm: { ...form, values: next } });
  },
});
