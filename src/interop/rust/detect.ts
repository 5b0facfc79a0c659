/** RingKernel's own marks in Rust source: the builder, or a message type. */
const RUST_MARKERS =
  /\bDispatcherBuilder\b|\bimpl\s+\w*\s*RingMessage\b|#\[derive\([^)]*RingMessage/;

/**
 * Whether pasted or dropped text is Rust rather than a JSON or TOML config: JSON starts with
 * `{`, and a TOML config has no `fn`, `struct`, `impl` or `use` items, nor `DispatcherBuilder`.
 * WGSL (which has `fn` and `struct` too) is not Rust: see `looksLikeWgsl`.
 */
export function looksLikeRust(text: string, fileName?: string): boolean {
  if (fileName !== undefined && /\.rs$/i.test(fileName)) return true;
  if (/^[\s\uFEFF]*\{/.test(text)) return false;
  if (looksLikeWgsl(text, fileName)) return false;
  return RUST_MARKERS.test(text) || /^\s*(?:pub\s+)?(?:fn|struct|impl|mod|use)\s/m.test(text);
}

/**
 * String literals (Rust raw strings included), char literals and line comments: what the WGSL
 * test leaves out, so a config named "GPU @compute pipeline" or Rust carrying a shader in a
 * string (wgpu code does) is not taken for WGSL.
 */
const LITERALS = /r(#*)"[\s\S]*?"\1|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*/g;

/**
 * Whether the text is WGSL (a shader: the workbench's WGSL export, say) rather than a config or
 * Rust: a `.wgsl` file; else, outside string literals and comments, shader attributes and storage
 * declarations, a `switch` on `case 1001u:` or a `const X: u32 = 4u;` (no Rust literal ends in a
 * bare `u`). Never a `.json`, `.toml` or `.rs` file, a JSON document, nor text with RingKernel's
 * Rust marks. Its `fn` and `struct` lines had read as Rust, and the app's own export came back as
 * "20 problems: line 4: syntax error" (QA).
 */
export function looksLikeWgsl(text: string, fileName?: string): boolean {
  if (fileName !== undefined) {
    if (/\.wgsl$/i.test(fileName)) return true;
    if (/\.(?:json|toml|rs)$/i.test(fileName)) return false;
  }
  if (/^[\s\uFEFF]*\{/.test(text)) return false;
  const code = text.replace(LITERALS, '""');
  if (RUST_MARKERS.test(code)) return false;
  return (
    /@(?:compute|workgroup_size|group|binding)\b|\bvar<(?:storage|uniform|workgroup)\b/.test(
      code,
    ) ||
    /\bswitch\s+\w+\s*\{\s*case\s+(?:0x[0-9a-fA-F]+|\d+)u\s*:/.test(code) ||
    /\bconst\s+\w+\s*:\s*u32\s*=\s*(?:0x[0-9a-fA-F]+|\d+)u\s*;/.test(code)
  );
}
