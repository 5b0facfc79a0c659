// Browser loader: Vite emits both wasm files as assets and hands back their URLs.
import runtimeWasm from 'web-tree-sitter/tree-sitter.wasm?url';
import grammarWasm from 'tree-sitter-rust/tree-sitter-rust.wasm?url';
import { loadRustParser, type RustParser, type RustWasmLoader } from './parser.ts';
import { readRust, type RustReadResult } from './read.ts';

export const browserRustWasm: RustWasmLoader = {
  runtimeWasm,
  grammar: () => Promise.resolve(grammarWasm),
};

let parser: Promise<RustParser> | undefined;

/** Reads Rust text in the page, loading the parser on first use (and again after a failure). */
export async function readRustInPage(text: string): Promise<RustReadResult> {
  parser ??= loadRustParser(browserRustWasm);
  try {
    return readRust(await parser, text);
  } catch (e) {
    parser = undefined;
    throw e;
  }
}
