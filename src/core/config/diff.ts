import type {
  GeneratorPreset,
  K2kRouteDef,
  KernelDef,
  MessageTypeDef,
  RouteConfig,
  RouteDef,
} from './schema.ts';
import { u64Key } from './u64.ts';

/** One property that differs, with its value on each side (`undefined` = absent). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** How one type, kernel, route, K2K route or preset differs between two configs. */
export type EntityChange<T> =
  | { kind: 'added'; key: string; after: T }
  | { kind: 'removed'; key: string; before: T }
  | { kind: 'changed'; key: string; before: T; after: T; fields: FieldChange[] };

/** Everything an import would change, for the preview the user confirms. */
export interface ConfigDiff {
  /** The workspace name, when it changes. */
  name?: FieldChange;
  broker: FieldChange[];
  types: EntityChange<MessageTypeDef>[];
  kernels: EntityChange<KernelDef>[];
  routes: EntityChange<RouteDef>[];
  k2kRoutes: EntityChange<K2kRouteDef>[];
  generatorPresets: EntityChange<GeneratorPreset>[];
  layoutChanged: boolean;
  summary: { added: number; removed: number; changed: number; identical: boolean };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(before: object, after: object): FieldChange[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => !same(b[k], a[k]))
    .map((field) => ({ field, before: b[field], after: a[field] }));
}

/** Keys entities; a repeated key gets `#2`, `#3`, ... so nothing is lost. */
function keyed<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const base = keyOf(item);
    let key = base;
    for (let n = 2; out.has(key); n++) key = `${base}#${n}`;
    out.set(key, item);
  }
  return out;
}

function diffEntities<T extends object>(
  before: readonly T[],
  after: readonly T[],
  keyOf: (t: T) => string,
): EntityChange<T>[] {
  const b = keyed(before, keyOf);
  const a = keyed(after, keyOf);
  const changes: EntityChange<T>[] = [];
  for (const [key, old] of b) {
    const next = a.get(key);
    if (next === undefined) changes.push({ kind: 'removed', key, before: old });
    else {
      const fields = fieldChanges(old, next);
      if (fields.length > 0)
        changes.push({ kind: 'changed', key, before: old, after: next, fields });
    }
  }
  for (const [key, next] of a) {
    if (!b.has(key)) changes.push({ kind: 'added', key, after: next });
  }
  return changes;
}

/**
 * Compares two configs entity by entity: types by type id, kernels by id, routes by type id,
 * K2K routes by destination, presets by name; plus the name, broker settings and layout.
 */
export function diffConfigs(before: RouteConfig, after: RouteConfig): ConfigDiff {
  const diff: ConfigDiff = {
    broker: fieldChanges(before.broker, after.broker),
    types: diffEntities(before.messageTypes, after.messageTypes, (t) => u64Key(t.typeId)),
    kernels: diffEntities(before.kernels, after.kernels, (k) => k.id),
    routes: diffEntities(before.routes, after.routes, (r) => u64Key(r.typeId)),
    k2kRoutes: diffEntities(before.k2kRoutes, after.k2kRoutes, (r) => r.dest),
    generatorPresets: diffEntities(
      before.generatorPresets ?? [],
      after.generatorPresets ?? [],
      (p) => p.name,
    ),
    layoutChanged: !same(before.layout ?? {}, after.layout ?? {}),
    summary: { added: 0, removed: 0, changed: 0, identical: true },
  };
  if (before.name !== after.name) {
    diff.name = { field: 'name', before: before.name, after: after.name };
  }
  const all = [
    ...diff.types,
    ...diff.kernels,
    ...diff.routes,
    ...diff.k2kRoutes,
    ...diff.generatorPresets,
  ];
  const count = (kind: EntityChange<unknown>['kind']): number =>
    all.filter((c) => c.kind === kind).length;
  const settings = (diff.broker.length > 0 ? 1 : 0) + (diff.name !== undefined ? 1 : 0);
  diff.summary = {
    added: count('added'),
    removed: count('removed'),
    changed: count('changed') + settings,
    identical: all.length === 0 && settings === 0 && !diff.layoutChanged,
  };
  return diff;
}
