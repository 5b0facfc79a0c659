/**
 * The generator form (as typed, see src/state/injectForm.ts) as a `GeneratorSpec`, or what is
 * wrong with it. Shared by the Inject panel's Start generator and the toolbar's Start, so both
 * start the same traffic.
 */
import type { RouteConfig } from '../../core/config';
import type { GeneratorSpec } from '../../engine/protocol';
import { canonicalTypeId } from '../../state/edits';
import type { GeneratorFormState } from '../../state/injectForm';
import { formatRate } from '../design/format';

/** The mix the form shows until it is edited: every routed type at weight 1. */
export function routedMix(routes: RouteConfig['routes']): string {
  return routes.map((r) => `${String(r.typeId)}:1`).join(', ');
}

/** The spec the form describes, or a message saying which value is wrong. */
export function generatorSpecOf(
  stored: GeneratorFormState,
  routes: RouteConfig['routes'],
): GeneratorSpec | string {
  const form = { ...stored, mix: stored.mix ?? routedMix(routes) };
  const rate = Number(form.ratePerSec);
  if (!(rate > 0 && rate <= 50_000_000))
    return 'Rate must be more than 0 and at most 50,000,000 messages/s.';
  const mix: { typeId: number | string; weight: number }[] = [];
  for (const part of form.mix
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [id, w] = part.split(':');
    const typeId = canonicalTypeId(id ?? '');
    const weight = Number(w ?? '1');
    if (typeId === null || !(weight > 0)) return `Mix entry "${part}" must be typeId:weight.`;
    mix.push({ typeId, weight });
  }
  const seed = Number(form.seed);
  if (!Number.isInteger(seed)) return 'Seed must be a whole number.';
  return {
    ratePerSec: rate,
    pattern: form.pattern,
    ...(mix.length ? { mix } : {}),
    zipfS: Number(form.zipfS) || 0,
    accounts: Math.max(1, Number(form.accounts) || 1),
    durationMs: Math.max(0, Number(form.durationMs) || 0),
    priority: Math.min(255, Math.max(0, Number(form.priority) || 0)),
    seed,
  };
}

/** "1,000/s Poisson for 10 s", "2.00 M/s constant until stopped". */
export function describeSpec(spec: GeneratorSpec): string {
  const ms = spec.durationMs ?? 0;
  const seconds = ms / 1000;
  const span =
    ms > 0 ? `for ${seconds % 1 === 0 ? seconds : seconds.toFixed(1)} s` : 'until stopped';
  return `${formatRate(spec.ratePerSec)} ${spec.pattern ?? 'constant'} ${span}`;
}
