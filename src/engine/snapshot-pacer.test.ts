import { describe, expect, it } from 'vitest';
import { SnapshotPacer } from './snapshot-pacer';

describe('snapshot pacer', () => {
  it('lets sixteen snapshots out ahead of the page and the next once one is acknowledged', () => {
    const p = new SnapshotPacer();
    let seq = 0;
    for (let t = 0; p.mayPost(t); t += 16) p.posted(++seq, t);
    expect(seq).toBe(16);
    expect(p.mayPost(500)).toBe(false);
    p.acked(1);
    expect(p.outstanding).toBe(15);
    expect(p.mayPost(510)).toBe(true);
    p.posted(++seq, 510);
    // An acknowledgement covers every snapshot before it.
    p.acked(seq);
    expect(p.outstanding).toBe(0);
  });

  it('keeps what is out on an older acknowledgement, and lets all go on a newer one', () => {
    const p = new SnapshotPacer(2);
    p.posted(10, 0);
    p.posted(11, 0);
    // An acknowledgement older than any out (one delayed past the timeout): nothing changes.
    p.acked(9);
    expect(p.outstanding).toBe(2);
    expect(p.mayPost(1)).toBe(false);
    // A snapshot a command asked for goes out after them with a higher seq: once the page has
    // taken it, it has taken those before it too.
    p.acked(12);
    expect(p.outstanding).toBe(0);
    expect(p.mayPost(2)).toBe(true);
  });

  it('goes on after a second without a word from the page, so snapshots never stop', () => {
    const p = new SnapshotPacer(2, 1000);
    p.posted(1, 0);
    p.posted(2, 10);
    expect(p.mayPost(999)).toBe(false);
    expect(p.mayPost(1000)).toBe(true);
    expect(p.outstanding).toBe(0);
  });
});
