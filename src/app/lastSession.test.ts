import { describe, expect, it } from 'vitest';
import { lostWords } from './lastSession';

describe('what a reload threw away', () => {
  it('says what the last page held: its traffic, its held letters, its running generator', () => {
    expect(lostWords({ injected: 1_594_379, held: 1_976, running: true })).toBe(
      "The page was reloaded, and the engine started afresh: the last page's traffic (1,594,379 messages injected, 1,976 dead letters held; its generator was running) was not kept. The engine's state lives in the page; the workspace, its layout and settings were kept.",
    );
  });

  it('says nothing after a page that held nothing', () => {
    expect(lostWords({ injected: 0, held: 0, running: false })).toBeNull();
  });
});
