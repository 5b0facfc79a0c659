/** Makes identifiers for generated code out of untrusted names: sanitised, non-reserved, unique. */
export class IdentAllocator {
  private readonly used = new Set<string>();
  constructor(private readonly reserved: ReadonlySet<string>) {}

  /** Returns `base`, or `base2`, `base3`, ... (with `sep`) when taken or reserved. */
  take(base: string, sep = ''): string {
    let name = base;
    const stem = sep !== '' && base.endsWith(sep) ? base.slice(0, -sep.length) : base;
    for (let n = 2; this.used.has(name) || this.reserved.has(name); n++) name = `${stem}${sep}${n}`;
    this.used.add(name);
    return name;
  }
}

/** ASCII words of a name: `timestampUs` -> [timestamp, Us]; `<img src=x>` -> [img, src, x]. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

export function snakeCase(name: string): string {
  return words(name)
    .map((w) => w.toLowerCase())
    .join('_');
}

export function pascalCase(name: string): string {
  return words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export function screamingCase(name: string): string {
  return words(name)
    .map((w) => w.toUpperCase())
    .join('_');
}

/**
 * Comment-safe text (WGSL source is Unicode): no control, format (bidi, zero-width), line or
 * paragraph separator character, nor a lone surrogate, so no line break, reordering or hidden
 * text slips in; no comment delimiter. Letters of any script stay: a kernel "Ünïcødé" had read
 * "??n??c??d??" in the export (QA).
 */
export function commentText(text: string, max = 120): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, '?').replace(/\/\*|\*\//g, '??');
  // By code points: a cut through an emoji's surrogate pair would leave half of it.
  const points = Array.from(flat);
  return points.length > max ? `${points.slice(0, max).join('')}...` : flat;
}
