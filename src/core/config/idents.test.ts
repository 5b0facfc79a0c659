import { describe, expect, it } from 'vitest';
import { commentText } from './idents.ts';

describe('commentText', () => {
  it('keeps letters of any script, and nothing that breaks, reorders or hides the line', () => {
    expect(commentText('Ünïcødé “quoted” 🚀 עברית')).toBe('Ünïcødé “quoted” 🚀 עברית');
    for (const ch of ['\n', '\r', '\u0085', '\u2028', '\u2029', '\u202e', '\u200b', '\ud800'])
      expect(commentText(`a${ch}b`), JSON.stringify(ch)).toBe('a?b');
    expect(commentText('a */ b /* c')).toBe('a ?? b ?? c');
    expect(commentText('x'.repeat(130))).toBe(`${'x'.repeat(120)}...`);
    expect(commentText(`${'x'.repeat(119)}🚀🚀`)).toBe(`${'x'.repeat(119)}🚀...`);
  });
});
