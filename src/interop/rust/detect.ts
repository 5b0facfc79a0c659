/**
 * Whether pasted or dropped text is Rust rather than a JSON or TOML config: JSON starts with
 * `{`, and a TOML config has no `fn`, `struct`, `impl` or `use` items, nor `DispatcherBuilder`.
 */
export function looksLikeRust(text: string, fileName?: string): boolean {
  if (fileName !== undefined && /\.rs$/i.test(fileName)) return true;
  if (/^[\s\uFEFF]*\{/.test(text)) return false;
  if (looksLikeWgsl(text, fileName)) return false;
  return (
    /\bDispatcherBuilder\b|\bimpl\s+\w*\s*RingMessage\b|#\[derive\([^)]*RingMessage/.test(text) ||
    /^\s*(?:pub\s+)?(?:fn|struct|impl|mod|use)\s/m.test(text)
  );
}

/**
 * Whether the text is WGSL (a shader: the workbench's WGSL export, say) rather than a config or
 * Rust: a `.wgsl` file, shader attributes and storage declarations, a `switch` on `case 1001u:`
 * or a `const X: u32 = 4u;` (no Rust literal ends in a bare `u`). Its `fn` and `struct` lines had
 * read as Rust, and the app's own export came back as "20 problems: line 4: syntax error" (QA).
 */
export function looksLikeWgsl(text: string, fileName?: string): boolean {
  if (fileName !== undefined && /\.wgsl$/i.test(fileName)) return true;
  return (
    /@(?:compute|workgroup_size|group|binding)\b|\bvar<(?:storage|uniform|workgroup)\b/.test(
      text,
    ) ||
    /\bswitch\s+\w+\s*\{\s*case\s+(?:0x[0-9a-fA-F]+|\d+)u\s*:/.test(text) ||
    /\bconst\s+\w+\s*:\s*u32\s*=\s*(?:0x[0-9a-fA-F]+|\d+)u\s*;/.test(text)
  );
}
