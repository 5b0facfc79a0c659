// Node loader (tests and scripts): both wasm files from node_modules.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { RustWasmLoader } from './parser.ts';

const require = createRequire(import.meta.url);

export const nodeRustWasm: RustWasmLoader = {
  grammar: async () =>
    new Uint8Array(await readFile(require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'))),
};
