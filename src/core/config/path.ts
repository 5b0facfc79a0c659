import { UNSEEN_CHAR } from './schema.ts';

/** One step of a path into a document: an object key or an array index. */
export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `\u200b` for a zero-width space: a key's unseen characters written so they show. */
const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Formats a path the way people read it: `routes[3].typeId`, `layout["type:1001"].x`.
 * The empty path is the document itself.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg)).replace(UNSEEN_CHAR, escapeChar)}]`;
  }
  return out === '' ? ROOT_PATH : out;
}

/** Path reported for problems with the document as a whole (syntax, size, version). */
export const ROOT_PATH = '(document)';
