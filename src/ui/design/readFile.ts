import { LIMITS } from '../../core/config';

/** What a file read for a purpose must be: its limit, and what to say it should be. */
export interface FileKind {
  /** Bytes at most. */
  maxBytes: number;
  /** Plural noun for the limit's sentence: "configs are limited to …". */
  plural: string;
  /** What such a file is, after "; ": "a config is JSON, TOML or Rust source text". */
  is: string;
  /** Why UTF-16 will not do: "JSON, TOML and Rust files are UTF-8". */
  utf8: string;
}

/** A route config: JSON, TOML or Rust source, up to the parser's limit. */
export const CONFIG_FILE: FileKind = {
  maxBytes: LIMITS.maxTextLength,
  plural: 'configs',
  is: 'a config is JSON, TOML or Rust source text',
  utf8: 'JSON, TOML and Rust files are UTF-8',
};

/**
 * Files over the limit are refused before being read into memory, and files that are not text
 * (not UTF-8, or holding NUL bytes: an image, an archive, a binary) are refused with where:
 * decoded leniently they had filled the text box and the error with replacement characters. The
 * config dialog's and the Record panel's import both read this way (a PNG given to Record had
 * shown its bytes in the message, QA).
 */
export async function readFileChecked(
  file: File,
  kind: FileKind = CONFIG_FILE,
): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  if (file.size > kind.maxBytes)
    return {
      ok: false,
      error: `${file.name} is ${file.size.toLocaleString('en-US')} bytes; ${kind.plural} are limited to ${kind.maxBytes.toLocaleString('en-US')} bytes.`,
    };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const notText = (why: string) => ({
    ok: false as const,
    error: `${file.name} is not a text file (${why}); ${kind.is}.`,
  });
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff))
    return {
      ok: false,
      error: `${file.name} is UTF-16 text; save it as UTF-8 (${kind.utf8}).`,
    };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return notText(`a NUL byte at offset ${nul.toLocaleString('en-US')}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return notText('not valid UTF-8');
  }
  // An empty file had left the dialog silent, with Apply off and no word why.
  if (text.trim() === '') return { ok: false, error: `${file.name} is empty; ${kind.is}.` };
  return { ok: true, text };
}
