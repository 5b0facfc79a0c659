import { showUnseen } from './schema.ts';

/** One step of a path into a document: an object key or an array index. */
export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path the way people read it: `routes[3].typeId`, `layout["type:1001"].x`.
 * The empty path is the document itself.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${showUnseen(JSON.stringify(String(seg)))}]`;
  }
  return out === '' ? ROOT_PATH : out;
}

/** Path reported for problems with the document as a whole (syntax, size, version). */
export const ROOT_PATH = '(document)';
