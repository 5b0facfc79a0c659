import { Language, Parser, type Node } from 'web-tree-sitter';

/**
 * Where the two WebAssembly modules come from: web-tree-sitter's runtime and the Rust grammar
 * (tree-sitter-rust's prebuilt `tree-sitter-rust.wasm`). Node tests read the files from
 * node_modules (node.ts); the page gets URLs from Vite (browser.ts).
 */
export interface RustWasmLoader {
  /** URL or path of web-tree-sitter's `tree-sitter.wasm`; undefined lets it find its own. */
  runtimeWasm?: string;
  /** The grammar's bytes, or a URL the runtime fetches. */
  grammar: () => Promise<Uint8Array | string>;
}

/** A loaded Rust parser: text in, syntax tree root out. */
export interface RustParser {
  parse(text: string): Node;
}

let runtime: Promise<void> | undefined;

/** Loads the runtime (once per page or process) and the grammar, and returns a parser. */
export async function loadRustParser(loader: RustWasmLoader): Promise<RustParser> {
  const wasm = loader.runtimeWasm;
  runtime ??= Parser.init(wasm === undefined ? undefined : { locateFile: () => wasm });
  await runtime;
  const language = await Language.load(await loader.grammar());
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parse(text) {
      const tree = parser.parse(text);
      if (tree === null) throw new Error('tree-sitter returned no tree');
      return tree.rootNode;
    },
  };
}
