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

/** Comment-safe text: printable ASCII only, so no line break or comment delimiter slips in. */
export function commentText(text: string, max = 120): string {
  const flat = text.replace(/[^\x20-\x7e]/g, '?').replace(/\/\*|\*\//g, '??');
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}
