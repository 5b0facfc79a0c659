/**
 * Whether pasted or dropped text is Rust rather than a JSON or TOML config: JSON starts with
 * `{`, and a TOML config has no `fn`, `struct`, `impl` or `use` items, nor `DispatcherBuilder`.
 */
export function looksLikeRust(text: string, fileName?: string): boolean {
  if (fileName !== undefined && /\.rs$/i.test(fileName)) return true;
  if (/^[\s\uFEFF]*\{/.test(text)) return false;
  return (
    /\bDispatcherBuilder\b|\bimpl\s+\w*\s*RingMessage\b|#\[derive\([^)]*RingMessage/.test(text) ||
    /^\s*(?:pub\s+)?(?:fn|struct|impl|mod|use)\s/m.test(text)
  );
}
