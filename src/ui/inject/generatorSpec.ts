/**
 * The generator form (as typed, see src/state/injectForm.ts) as a `GeneratorSpec`, or what is
 * wrong with it, field by field. Shared by the Inject panel's Start generator and the toolbar's
 * Start, so both start the same traffic.
 */
import { LIMITS, type RouteConfig } from '../../core/config';
import { GENERATOR_DEFAULTS, MAX_GENERATOR_RATE } from '../../engine/generators';
import { DEFAULT_PATTERN, type GeneratorSpec } from '../../engine/protocol';
import { canonicalTypeId } from '../../state/edits';
import type { GeneratorFormState } from '../../state/injectForm';
import { formatCount, formatRate, listOf } from '../design/format';

/** A rate out of range, in the Generator form and What-if alike. */
export const RATE_RANGE_ERROR = `Rate must be more than 0 and at most ${formatCount(MAX_GENERATOR_RATE)} messages/s.`;

/** A seed out of range, in the Generator form and What-if alike. */
export const SEED_RANGE_ERROR =
  'Seed must be a whole number from −9,007,199,254,740,991 to 9,007,199,254,740,991 (2^53\u00a0−\u00a01).';

/** A mix as the form writes it: `typeId:weight, …`. */
export function mixText(mix: readonly { typeId: unknown; weight: number }[]): string {
  return mix.map((m) => `${String(m.typeId)}:${m.weight}`).join(', ');
}

/** The mix the form shows until it is edited: every routed type at weight 1. */
export function routedMix(routes: RouteConfig['routes']): string {
  return mixText(routes.map((r) => ({ typeId: r.typeId, weight: 1 })));
}

/**
 * What a mix will do that its typist may not expect, in words, or null: types routed nowhere
 * (their messages get NoRoute and a dead letter each; the generator started with `999:1` or a
 * response type and said nothing, where Publish says so for a type it sends) and a type listed
 * twice (its weights add up). Entries the form refuses are left to its error.
 */
export function mixNotes(text: string, config: RouteConfig): string | null {
  const routed = new Set(config.routes.map((r) => String(r.typeId)));
  const names = new Map(config.messageTypes.map((t) => [String(t.typeId), t.name]));
  const nowhere: string[] = [];
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const part of text.split(',')) {
    const id = canonicalTypeId(part.split(':')[0]?.trim() ?? '');
    if (id === null) continue;
    const key = String(id);
    if (seen.has(key)) {
      if (!twice.includes(key)) twice.push(key);
      continue;
    }
    seen.add(key);
    if (!routed.has(key)) {
      const name = names.get(key);
      nowhere.push(name === undefined ? `${key} (not defined here)` : `${key} (${name})`);
    }
  }
  const notes: string[] = [];
  if (nowhere.length > 0)
    notes.push(
      `${listOf(nowhere)} ${nowhere.length === 1 ? 'is' : 'are'} routed nowhere: ${nowhere.length === 1 ? 'its' : 'their'} messages get NoRoute and a dead letter each.`,
    );
  if (twice.length > 0)
    notes.push(
      `${listOf(twice)} ${twice.length === 1 ? 'is' : 'are'} listed more than once: the weights of ${twice.length === 1 ? 'its entries add' : 'their entries add'} up.`,
    );
  return notes.length > 0 ? notes.join(' ') : null;
}

/** The form's fields that a value is typed into, each checked on its own. */
export type GeneratorField = Exclude<keyof GeneratorFormState, 'pattern' | 'name'>;

export interface GeneratorFieldError {
  field: GeneratorField;
  error: string;
}

/** 2^64 − 1, the largest u64, as errors say it: on one line (a wrap left "− 1" to start the next). */
export const U64_MAX_TEXT = '2^64\u00a0−\u00a01';

/** Digits in groups of three after the first, by commas or spaces ("10,000,000", "10 000"). */
const GROUPED = /^[+-]?\d{1,3}(?:([, \u00a0\u202f])\d{3})(?:\1\d{3})*(?:\.\d*)?$/;
/** Underscores between digits ("10_000_000"), as in Rust and JavaScript literals. */
const UNDERSCORED = /^[+-]?\d+(?:_\d+)+(?:\.\d*)?$/;

/**
 * A number as people type it, with its digit separators taken out: the app writes every count
 * with commas, and "10,000,000" typed back into Rate was refused. Text that is not grouped that
 * way comes back as it was (trimmed): "1,5" is not guessed to be 1.5.
 */
export function plainNumber(text: string): string {
  const t = text.trim();
  if (GROUPED.test(t)) return t.replace(/[, \u00a0\u202f]/g, '');
  if (UNDERSCORED.test(t)) return t.replace(/_/g, '');
  return t;
}

/** A number as typed: empty and blank text are not 0 (`Number('')` is). */
export function num(text: string): number {
  return text.trim() === '' ? NaN : Number(plainNumber(text));
}

/**
 * What is wrong with a rate as typed, or null: none typed, not a number as the app reads one
 * ("1,5" is refused rather than guessed, and its error had quoted the range, which 1.5 is in), or
 * out of the generator's range. `rate` is the text as `rateNumber` reads it, where already read.
 */
export function rateProblem(text: string, rate = rateNumber(text)): string | null {
  if (text.trim() === '') return 'Enter a rate: messages/s, as 2000, 2,000, 2 K or 2 M.';
  if (Number.isNaN(rate))
    return `Rate "${text.trim()}" is not a number the generator reads: write messages/s as 1500, 1,500 (a comma groups thousands), 1.5 K or 1.5 M.`;
  return rate > 0 && rate <= MAX_GENERATOR_RATE ? null : RATE_RANGE_ERROR;
}

/**
 * A rate as typed: a number, or one with K or M for thousands and millions, and "/s" after it,
 * as the app writes rates ("5M", "2.5 K", "5.00 M/s"): "5M" was refused. NaN when it is none.
 */
export function rateNumber(text: string): number {
  // K or k for thousands, M for millions (a lower-case m reads as milli, and the app writes M).
  const m = /^(.*?)\s*([kKM])?\s*(?:\/\s*s)?\s*$/.exec(text.trim());
  if (!m) return NaN;
  const n = num(m[1]!);
  const exp = m[2] === undefined ? 0 : m[2] === 'M' ? 6 : 3;
  // Scaled in decimal, not by a multiplication: 1.005 × 1e6 is 1,004,999.9999999999.
  return exp === 0 || !Number.isFinite(n) ? n : Number(`${n}e${exp}`);
}

/** A whole number in `[lo, hi]` as typed, or NaN (shared by the Inject panel's checks). */
export function whole(text: string, lo: number, hi: number): number {
  const n = num(text);
  return Number.isInteger(n) && n >= lo && n <= hi ? n : NaN;
}

/**
 * Every value checked, each wrong one named at its field. Nothing is clamped or read as a
 * default: a Duration of -1 used to become 0, a run "until stopped" that nobody asked for, and a
 * priority of 900 quietly ran at 255.
 */
export function checkGeneratorForm(
  stored: GeneratorFormState,
  routes: RouteConfig['routes'],
): { ok: true; spec: GeneratorSpec } | { ok: false; errors: GeneratorFieldError[] } {
  const form = { ...stored, mix: stored.mix ?? routedMix(routes) };
  const errors: GeneratorFieldError[] = [];
  const bad = (field: GeneratorField, error: string) => errors.push({ field, error });
  const rate = rateNumber(form.ratePerSec);
  const rateWrong = rateProblem(form.ratePerSec, rate);
  if (rateWrong) bad('ratePerSec', rateWrong);
  const mix: { typeId: number | string; weight: number }[] = [];
  for (const part of form.mix
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    // Each entry says what is wrong with it: "must be typeId:weight" blamed the format for a
    // weight of -1.
    const [id = '', w, ...rest] = part.split(':');
    const typeId = canonicalTypeId(id);
    const weight = w === undefined ? 1 : num(w);
    const wrong =
      rest.length > 0
        ? 'write it as typeId:weight'
        : typeId === null
          ? `the type id must be a whole number from 0 to ${U64_MAX_TEXT}`
          : !(weight > 0 && Number.isFinite(weight))
            ? 'the weight must be a number above 0'
            : null;
    if (wrong !== null || typeId === null) {
      bad('mix', `Mix entry "${part}": ${wrong}.`);
      break;
    }
    mix.push({ typeId, weight });
  }
  const zipfS = num(form.zipfS);
  if (!(zipfS >= 0 && Number.isFinite(zipfS)))
    bad('zipfS', 'Zipf skew s must be a number, 0 or more.');
  const accounts = whole(form.accounts, 1, LIMITS.maxGeneratorAccounts);
  if (Number.isNaN(accounts))
    bad(
      'accounts',
      `Accounts must be a whole number from 1 to ${formatCount(LIMITS.maxGeneratorAccounts)}.`,
    );
  const durationMs = num(form.durationMs);
  if (!(durationMs >= 0 && Number.isFinite(durationMs)))
    bad('durationMs', 'Duration must be 0 (until stopped) or more milliseconds.');
  const priority = whole(form.priority, 0, 255);
  if (Number.isNaN(priority)) bad('priority', 'Generator priority is a u8 (0 to 255).');
  const seed = num(form.seed);
  // The range said: "Seed must be a whole number." for 18446744073709551616, a whole number.
  if (!Number.isSafeInteger(seed)) bad('seed', SEED_RANGE_ERROR);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    spec: {
      ratePerSec: rate,
      pattern: form.pattern,
      ...(mix.length ? { mix } : {}),
      zipfS,
      accounts,
      durationMs,
      priority,
      seed,
    },
  };
}

/** The spec the form describes, or a message saying which value is wrong (and how many more). */
export function generatorSpecOf(
  stored: GeneratorFormState,
  routes: RouteConfig['routes'],
): GeneratorSpec | string {
  const r = checkGeneratorForm(stored, routes);
  return r.ok ? r.spec : describeErrors(r.errors);
}

/** The first error, and how many more there are: one line for a form refused as a whole. */
export function describeErrors(errors: readonly GeneratorFieldError[]): string {
  const more = errors.length - 1;
  const first = errors[0]?.error ?? '';
  return more > 0
    ? `${first.replace(/\.$/, '')} (and ${more} more ${more === 1 ? 'value' : 'values'} in the form).`
    : first;
}

/** How long a run lasts: `for 10 s`, `for 1,500 s`, `until stopped`. */
export function runSpan(spec: Pick<GeneratorSpec, 'durationMs'>): string {
  const ms = spec.durationMs ?? 0;
  return ms > 0
    ? `for ${Number((ms / 1000).toFixed(1)).toLocaleString('en-US')} s`
    : 'until stopped';
}

/** "1,000/s Poisson for 10 s", "2.00 M/s constant until stopped". */
export function describeSpec(spec: GeneratorSpec): string {
  return `${formatRate(spec.ratePerSec)} ${spec.pattern ?? DEFAULT_PATTERN} ${runSpan(spec)}`;
}

/**
 * The form that starts `spec` (the engine's defaults written out): what the form shows once a run
 * starts that it did not describe (the API's `startGenerator`). Its mix stays "the routed types"
 * (null) where the run's mix is just that.
 */
export function formOfSpec(
  spec: GeneratorSpec,
  config: Pick<RouteConfig, 'routes' | 'broker'>,
): Omit<GeneratorFormState, 'name'> {
  const mix = spec.mix && spec.mix.length > 0 ? mixText(spec.mix) : null;
  return {
    ratePerSec: String(spec.ratePerSec),
    pattern: spec.pattern ?? DEFAULT_PATTERN,
    mix: mix === null || mix === routedMix(config.routes) ? null : mix,
    zipfS: String(spec.zipfS ?? GENERATOR_DEFAULTS.zipfS),
    accounts: String(spec.accounts ?? GENERATOR_DEFAULTS.accounts),
    durationMs: String(spec.durationMs ?? 0),
    priority: String(spec.priority ?? config.broker.defaultPriority),
    seed: String(spec.seed ?? GENERATOR_DEFAULTS.seed),
  };
}

/** Whether two specs start the same run (the engine's defaults written out, as the form has them). */
export function sameRun(
  a: GeneratorSpec,
  b: GeneratorSpec,
  config: Pick<RouteConfig, 'routes' | 'broker'>,
): boolean {
  const x = formOfSpec(a, config);
  const y = formOfSpec(b, config);
  return (Object.keys(x) as (keyof typeof x)[]).every((k) => x[k] === y[k]);
}
