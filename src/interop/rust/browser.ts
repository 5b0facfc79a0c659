// Browser loader: Vite emits both wasm files as assets and hands back their URLs.
import runtimeWasm from 'web-tree-sitter/tree-sitter.wasm?url';
import grammarWasm from 'tree-sitter-rust/tree-sitter-rust.wasm?url';
import type { RustWasmLoader } from './parser.ts';

export const browserRustWasm: RustWasmLoader = {
  runtimeWasm,
  grammar: () => Promise.resolve(grammarWasm),
};
