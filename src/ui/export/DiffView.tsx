/**
 * A config change as the user reads it: the counts, the config's name, the broker's fields, and
 * each entity added, removed or changed, types and routes by name. The import preview and
 * What-if's structural diff show the same list (What-if's had left out the name and the
 * generator presets while its count included them: "2 changed" above one bullet).
 */
import { u64Key, type ConfigDiff, type RouteConfig } from '../../core/config';
import { describeFieldChange } from '../design/diffText';

/** A type's name by its id, from the config imported or, failing that, the current one. */
export function typeNamer(
  current: RouteConfig,
  next: RouteConfig | null,
): (key: string) => string | undefined {
  const names = new Map<string, string>();
  for (const c of [current, next])
    for (const t of c?.messageTypes ?? []) names.set(u64Key(t.typeId), t.name);
  return (key) => names.get(key);
}

/** The change's counts and its list; `typeName` names a type (and a route) by its id. */
export function DiffView({
  diff,
  typeName,
}: {
  diff: ConfigDiff;
  typeName: (key: string) => string | undefined;
}) {
  const sections = [
    ['Message types', diff.types],
    ['Kernels', diff.kernels],
    ['Routes', diff.routes],
    ['K2K routes', diff.k2kRoutes],
    ['Generator presets', diff.generatorPresets],
  ] as const;
  return (
    <div className="diff" data-testid="import-diff">
      <p>
        <strong>
          {diff.summary.identical
            ? 'Identical to the current config.'
            : `${diff.summary.added} added, ${diff.summary.removed} removed, ${diff.summary.changed} changed.`}
        </strong>
        {diff.layoutChanged ? ' Layout changes too.' : ''}
      </p>
      {/* The config's own name: counted in "changed", and had not been listed. */}
      {diff.name ? <p>Config {describeFieldChange(diff.name)}</p> : null}
      {diff.broker.length ? <p>Broker: {diff.broker.map(describeFieldChange).join(', ')}</p> : null}
      {sections.map(([title, changes]) =>
        changes.length ? (
          <div key={title}>
            <h4>{title}</h4>
            <ul>
              {changes.map((c) => (
                <li key={`${c.kind}:${c.key}`} className={`diff-${c.kind}`}>
                  {c.kind === 'added' ? '+ ' : c.kind === 'removed' ? '− ' : '~ '}
                  <span className="mono">{entityLabel(c, typeName)}</span>
                  {c.kind === 'changed' ? `: ${c.fields.map(describeFieldChange).join(', ')}` : ''}
                </li>
              ))}
            </ul>
          </div>
        ) : null,
      )}
    </div>
  );
}

/**
 * An entity of the diff as the preview names it: a type by its name and id ("Payment (2001)"; by
 * its id alone, "~ 2001" had left the reader to look it up), a route by its type and kernel
 * ("PatternCheck (1003) → pattern_detector", where "− 1003" named neither), a K2K route by both
 * kernels ("aggregator via alert_sink"), anything else by its key.
 */
function entityLabel(
  c: { kind: string; key: string; before?: unknown; after?: unknown },
  typeName: (key: string) => string | undefined,
): string {
  const item = (c.kind === 'removed' ? c.before : c.after) as
    | { name?: unknown; typeId?: unknown; kernelId?: unknown; dest?: unknown; nextHop?: unknown }
    | undefined;
  // A K2K route by both kernels: "+ aggregator" had not said which kernel it goes via.
  if (item && typeof item.dest === 'string' && typeof item.nextHop === 'string')
    return `${item.dest} via ${item.nextHop}`;
  if (item && typeof item.kernelId === 'string' && item.typeId !== undefined) {
    const name = typeName(c.key);
    return `${name ? `${name} (${c.key})` : c.key} → ${item.kernelId}`;
  }
  const name = item?.name;
  return typeof name === 'string' && name !== c.key ? `${name} (${c.key})` : c.key;
}
