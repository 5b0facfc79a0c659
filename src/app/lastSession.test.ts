import { describe, expect, it } from 'vitest';
import { lostWords } from './lastSession';

describe('what a reload threw away', () => {
  it('says what the last page held: its traffic, its held letters, its running generator', () => {
    expect(lostWords({ injected: 1_594_379, held: 1_976, running: true })).toEqual({
      kind: 'warning',
      text: "Reloaded: the last page's traffic was not kept (1,594,379 injected, 1,976 dead letters held, generator running).",
    });
    // Short enough for the notice's three lines (about 160 characters at 360 px).
    expect(lostWords({ injected: 1e9, held: 10_000, running: true })!.text.length).toBeLessThan(
      160,
    );
    // Traffic alone, nothing held and nothing running: information.
    expect(lostWords({ injected: 5, held: 0, running: false })).toEqual({
      kind: 'info',
      text: "Reloaded: the last page's traffic was not kept (5 injected).",
    });
  });

  it('says nothing after a page that held nothing', () => {
    expect(lostWords({ injected: 0, held: 0, running: false })).toBeNull();
  });
});
