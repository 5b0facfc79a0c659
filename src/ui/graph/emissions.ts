/**
 * What kernels send besides what they are routed: the demo behaviours' alerts (the fraud
 * processor emits FraudAlert, 1010) and the responses of request types (a kernel routed a type
 * that requires a response answers with the response type it names, e.g. PatternCheck →
 * PatternResult, else with its behaviour's own answer, `BEHAVIOR_ANSWER`; the fraud processor
 * never answers).
 * The graph draws these as `emits`/`responds` edges and auto-layout places those types after
 * their producers.
 */
import type { RouteConfig } from '../../core/config';
import { BEHAVIOR_ANSWER, BEHAVIOR_EMITS, type KernelBehavior } from '../../gpu/kernels/types';

export interface Emission {
  kernelId: string;
  /** Decimal type id. */
  typeId: string;
  name: string;
  kind: 'emits' | 'responds';
}

export function emissionsOf(config: RouteConfig): Emission[] {
  const names = new Map(config.messageTypes.map((t) => [String(t.typeId), t.name]));
  const out: Emission[] = [];
  const seen = new Set<string>();
  const add = (e: Emission) => {
    const key = `${e.kernelId}\u0000${e.typeId}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const k of config.kernels)
    for (const e of BEHAVIOR_EMITS[k.behavior as KernelBehavior] ?? []) {
      const typeId = String(e.typeId);
      add({ kernelId: k.id, typeId, name: names.get(typeId) ?? e.name, kind: 'emits' });
    }
  const handler = new Map(config.routes.map((r) => [String(r.typeId), r.kernelId]));
  const behaviors = new Map(config.kernels.map((k) => [k.id, k.behavior as KernelBehavior]));
  for (const t of config.messageTypes) {
    if (!t.requiresResponse) continue;
    const kernelId = handler.get(String(t.typeId));
    const behavior = kernelId === undefined ? undefined : behaviors.get(kernelId);
    if (kernelId === undefined || behavior === undefined) continue;
    // What the engine sends back: the type the request names, else the behaviour's own answer;
    // nothing from a behaviour that never answers (a "responds" edge from the fraud processor
    // had promised answers that never came).
    const own = BEHAVIOR_ANSWER[behavior];
    if (own === null || own === undefined) continue;
    const typeId =
      t.responseTypeId !== undefined
        ? String(t.responseTypeId)
        : own === 'next'
          ? (BigInt(String(t.typeId)) + 1n).toString()
          : String(own);
    add({ kernelId, typeId, name: names.get(typeId) ?? `type ${typeId}`, kind: 'responds' });
  }
  return out;
}
