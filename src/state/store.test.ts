import { describe, expect, it, vi } from 'vitest';
import { demoConfig } from '../core/config';
import { createWorkbenchStore } from './store';
import { addType } from './edits';
import { VIEW_EVERY_MS, staleSeconds } from './live';
import type { EngineSnapshot } from '../engine/protocol';

describe('workbench store', () => {
  it('mirrors the recorder in its recording slice', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const { recorder } = store.getState();
    expect(store.getState().recording).toEqual({ active: false, events: 0 });
    recorder.start('s', 'demo', 'demo');
    recorder.record({ type: 'inject', typeId: 1001 });
    recorder.record({ type: 'routes' }); // not traffic: not recorded
    expect(store.getState().recording).toEqual({ active: true, events: 1 });
    expect(recorder.stop()?.events).toHaveLength(1);
    expect(store.getState().recording).toEqual({ active: false, events: 0 });
  });

  it('refuses a change that would not load back, keeps the config and says why', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const before = store.getState().config;
    const bad = {
      ...before,
      kernels: before.kernels.map((k, i) => (i === 0 ? { ...k, id: 'x\u0007y' } : k)),
    };
    expect(store.getState().replace(bad, 'nope')).toBe(false);
    expect(store.getState().config).toBe(before);
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().notices.at(-1)?.kind).toBe('error');
  });

  it('undo and redo walk the history', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const a = store.getState().config;
    expect(store.getState().replace({ ...a, name: 'b' }, '')).toBe(true);
    store.getState().undo();
    expect(store.getState().config.name).toBe(a.name);
    store.getState().redo();
    expect(store.getState().config.name).toBe('b');
  });

  it("undo and redo quote a name with brackets whole, leaving out only the note's asides", () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    const next = { ...st().config, name: 'Fraud detection (demo) v2' };
    expect(st().replace(next, 'Imported "Fraud detection (demo) v2" (Ctrl+Z undoes it).')).toBe(
      true,
    );
    st().undo();
    expect(st().notices.at(-1)?.text).toBe('Undid: Imported "Fraud detection (demo) v2".');
    st().redo();
    expect(st().notices.at(-1)?.text).toBe('Redid: Imported "Fraud detection (demo) v2".');
    // A bracketed type id is not an aside: it stays.
    expect(
      st().replace(
        { ...st().config, name: 'c' },
        'Removed the route of AccountUpdate (1002) to "aggregator".',
      ),
    ).toBe(true);
    st().undo();
    expect(st().notices.at(-1)?.text).toBe(
      'Undid: Removed the route of AccountUpdate (1002) to "aggregator".',
    );
  });

  it('undo says what it undid and selects what was selected before the step (issue 13)', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    st().setSelection(['kernel:aggregator']);
    const r = addType(st().config, { x: 0, y: -140 });
    expect(st().apply(r)).toBe(true);
    st().setSelection(['type:1011']);
    st().undo();
    expect(st().selection).toEqual(['kernel:aggregator']);
    expect(st().notices.at(-1)?.text).toMatch(/^Undid: added message type/i);
    st().redo();
    expect(st().notices.at(-1)?.text).toMatch(/^Redid: added message type/i);
    st().undo();
    st().undo();
    expect(st().notices.at(-1)?.text).toBe('Nothing to undo.');
  });

  // + Type puts Inject on the new type (it selects it); undone, the form had stayed on a type no
  // longer there, and its sends were all dead-lettered as NoRoute (QA).
  it('undoing + Type takes Inject off the type it took away; a type the user typed stays', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    const r = addType(st().config, { x: 0, y: -140 });
    expect(st().apply(r)).toBe(true);
    const added = String(st().config.messageTypes.at(-1)!.typeId);
    expect(demoConfig().messageTypes.map((t) => String(t.typeId))).not.toContain(added);
    st().setSelection([`type:${added}`]);
    expect(st().publishForm.typeText).toBe(added);
    st().undo();
    expect(st().publishForm.typeText).toBeNull();
    // Redo brings the type back, not the form onto it; undone again, nothing to take away.
    st().redo();
    st().setPublishForm({ typeText: added });
    st().undo();
    expect(st().publishForm.typeText).toBeNull();
    // An id that neither config defines is the user's, to test NoRoute with: kept.
    st().setPublishForm({ typeText: '4242' });
    st().redo();
    st().undo();
    expect(st().publishForm.typeText).toBe('4242');
    // A type that both have stays too.
    st().setPublishForm({ typeText: '1003' });
    st().redo();
    expect(st().publishForm.typeText).toBe('1003');
  });

  it("selecting one message type makes it Inject's type; a kernel or several nodes leave it", () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    expect(st().publishForm.typeText).toBeNull();
    st().setSelection(['type:1003']);
    expect(st().publishForm.typeText).toBe('1003');
    st().setSelection(['kernel:aggregator']);
    st().setSelection(['type:1001', 'type:1002']);
    st().setSelection([]);
    expect(st().publishForm.typeText).toBe('1003');
    // The form's values for a type are kept while another type is selected.
    st().setPublishValues('1003', { id: '7' });
    st().setSelection(['type:1010']);
    st().setSelection(['type:1003']);
    expect(st().publishForm.values['1003']).toEqual({ id: '7' });
  });

  it('redo drops a selection of nodes that no longer exist', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    const before = st().config;
    st().replace(
      {
        ...before,
        kernels: before.kernels.filter((k) => k.id !== 'alert_sink'),
        routes: before.routes.filter((x) => x.kernelId !== 'alert_sink'),
      },
      'Deleted alert_sink.',
    );
    st().undo();
    st().setSelection(['kernel:alert_sink']);
    st().redo();
    expect(st().selection).toEqual([]);
  });
});

describe('live slice (issue 13)', () => {
  const snap = (seq: number) =>
    ({
      seq,
      timeUs: seq * 100_000,
      idle: true,
      rates: { injectedPerSec: 0, processedPerSec: 0, deadLetteredPerSec: 0 },
      generator: { running: false, emitted: 0, lagMs: 0, onWorker: false, ratePerSec: 0 },
      receipts: { total: 0, byStatus: {}, sampledOut: 0, recent: [] },
      kernels: [],
      edges: [],
      deadLetters: { count: 0, added: 0 },
      metrics: {
        messagesDispatched: 0,
        messagesDelivered: 0,
        unknownTypeErrors: 0,
        deliveryErrors: 0,
      },
      latency: { p50Us: 0, p99Us: 0, samples: 0 },
    }) as unknown as EngineSnapshot;

  it('remembers the last burst sent by hand while the generator ran, once it is all in', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    const at = (seq: number, running: boolean, sent?: number) => {
      const s = snap(seq);
      return {
        ...s,
        generator: { ...s.generator, running },
        ...(sent !== undefined ? { sending: { count: 50_000, sent } } : {}),
      };
    };
    // A send before any run held no run back.
    st().ingestSnapshot(at(1, false, 10), 10_000);
    st().ingestSnapshot(at(2, false), 10_010);
    expect(st().sendEnded).toBeNull();
    // Under a run: nothing while it is sent, its size and end once it is in (each edge shown at
    // once, though snapshots come faster than the view shows them).
    st().ingestSnapshot(at(3, true), 10_300);
    st().ingestSnapshot(at(4, true, 20_000), 10_310);
    expect(st().sendEnded).toBeNull();
    st().ingestSnapshot(at(5, true), 10_320);
    expect(st().sendEnded).toEqual({ count: 50_000, endedUs: 500_000 });
    // Kept through the snapshots after it, and after Stop; a new run, or a fresh engine, forgets it.
    st().ingestSnapshot(at(6, true), 10_500);
    st().ingestSnapshot(at(7, false), 10_700);
    expect(st().sendEnded).toEqual({ count: 50_000, endedUs: 500_000 });
    const next = at(8, true);
    st().ingestSnapshot({ ...next, generator: { ...next.generator, startedUs: 800_000 } }, 10_900);
    expect(st().sendEnded).toBeNull();
    st().ingestSnapshot(at(9, true, 10), 11_100);
    st().ingestSnapshot(at(10, true), 11_110);
    expect(st().sendEnded).not.toBeNull();
    st().resetLive();
    expect(st().sendEnded).toBeNull();
  });

  it('shows rates that move once a second at a steady rate, and a stop at once', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    const at = (seq: number, rate: number) => {
      const s = snap(seq);
      return { ...s, idle: false, rates: { ...s.rates, processedPerSec: rate } };
    };
    st().ingestSnapshot(at(1, 1000), 10_000);
    st().ingestSnapshot(at(2, 1069), 10_200);
    expect(st().snapshot?.seq).toBe(2);
    expect(st().snapshot?.rates.processedPerSec).toBe(1000);
    st().ingestSnapshot(at(3, 0), 10_400);
    expect(st().snapshot?.rates.processedPerSec).toBe(0);
  });

  // The status bar and Receipts side by side under traffic read "6,968" and "6,836 receipts": the
  // log took every snapshot as it came and the panel read it at times of its own.
  it("keeps the receipt log at the snapshot on screen: its counts are the status bar's", () => {
    vi.useFakeTimers();
    try {
      const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
      const st = () => store.getState();
      const at = (seq: number) => {
        const s = snap(seq);
        const total = seq * 1000;
        return { ...s, receipts: { ...s.receipts, total, sampledOut: total } };
      };
      const t0 = Date.now();
      const shownTotals = () => [
        st().snapshot?.receipts.total,
        st().receiptLog.engineCounts().total,
      ];
      st().ingestSnapshot(at(1), t0);
      expect(shownTotals()).toEqual([1000, 1000]);
      const version = st().receiptsVersion;
      for (const [seq, dt] of [
        [2, 20],
        [3, 40],
      ] as const) {
        vi.setSystemTime(t0 + dt);
        st().ingestSnapshot(at(seq), t0 + dt);
        expect(shownTotals()).toEqual([1000, 1000]);
      }
      vi.advanceTimersByTime(VIEW_EVERY_MS);
      expect(shownTotals()).toEqual([3000, 3000]);
      expect(st().receiptsVersion).not.toBe(version);
      // A pause takes the rows that came before it, not after.
      st().ingestSnapshot(at(4), t0 + 120);
      st().setReceiptsPaused(true);
      expect(st().receiptLog.engineCounts().total).toBe(4000);
      // A reset forgets what waits.
      st().ingestSnapshot(at(5), t0 + 130);
      st().resetLive();
      vi.advanceTimersByTime(VIEW_EVERY_MS * 2);
      expect(st().receiptLog.engineCounts().total).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts a value as stale a second after the last snapshot arrived, by wall clock', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    expect(staleSeconds(st())).toBeNull();
    st().ingestSnapshot(snap(1), 10_000);
    st().tickClock(10_900);
    expect(staleSeconds(st())).toBeNull();
    st().tickClock(13_100);
    expect(staleSeconds(st())).toBe(3);
    st().ingestSnapshot(snap(2), 13_200);
    expect(staleSeconds(st())).toBeNull();
  });

  it("forgets the publish form's last result with the workspace it was sent in", () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const st = () => store.getState();
    st().setPublishResult({
      typeKey: '1001',
      typeLabel: 'Transaction (1001)',
      text: 'Sent 1.',
      atMs: 0,
    });
    expect(st().publishResult?.seq).toBe(1);
    st().openWorkspace('other', demoConfig());
    expect(st().publishResult).toBeNull();
  });

  it("shows a send's first and last snapshot at once, between the 100 ms shows", () => {
    vi.useFakeTimers();
    try {
      const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
      const st = () => store.getState();
      const t0 = Date.now();
      const sending = (sent: number) => ({ count: 1_000_000, sent });
      st().ingestSnapshot(snap(1), t0);
      // The send's first: at once (Inject's progress and the toolbar say so from the start).
      st().ingestSnapshot({ ...snap(2), sending: sending(1024) }, t0 + 10);
      expect(st().snapshot?.sending).toEqual(sending(1024));
      // Within it, the interval holds as ever.
      st().ingestSnapshot({ ...snap(3), sending: sending(40_960) }, t0 + 30);
      expect(st().snapshot?.seq).toBe(2);
      // Its end, at once too: "sending burst · 73 %" had stood beside "Sent 1,000,000".
      st().ingestSnapshot(snap(4), t0 + 50);
      expect(st().snapshot?.seq).toBe(4);
      expect(st().snapshot?.sending).toBeUndefined();
      // The one held back within the send never comes after it.
      vi.advanceTimersByTime(200);
      expect(st().snapshot?.seq).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a snapshot at most every 100 ms, the newest always within that, the predictor the one shown', () => {
    vi.useFakeTimers();
    try {
      const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
      const st = () => store.getState();
      let renders = 0;
      store.subscribe((next, prev) => {
        if (next.snapshot !== prev.snapshot) renders++;
      });
      const observe = vi.spyOn(st().predictor, 'observe');
      const t0 = Date.now();
      st().ingestSnapshot(snap(1), t0);
      expect(st().snapshot?.seq).toBe(1);
      // Three more within the interval: none shown yet, nor predicted from (a node's ρ line and
      // its queue bar read the same snapshot).
      for (const [seq, dt] of [
        [2, 20],
        [3, 40],
        [4, 60],
      ] as const) {
        vi.setSystemTime(t0 + dt);
        st().ingestSnapshot(snap(seq), t0 + dt);
      }
      expect(st().snapshot?.seq).toBe(1);
      expect(renders).toBe(1);
      expect(observe).toHaveBeenCalledTimes(1);
      // The trailing update shows the newest, once, when the interval is up.
      vi.advanceTimersByTime(VIEW_EVERY_MS);
      expect(st().snapshot?.seq).toBe(4);
      expect(st().snapshotAt).toBe(t0 + 60);
      expect(renders).toBe(2);
      expect(observe).toHaveBeenCalledTimes(2);
      expect(observe.mock.calls[1]?.[0]).toBe(st().snapshot);
      // The interval counts from that show (due at t0 + 100), not from when seq 4 arrived: a
      // snapshot 60 ms after the show waits; after a quiet interval the next is shown at once.
      st().ingestSnapshot(snap(5), t0 + 160);
      expect(st().snapshot?.seq).toBe(4);
      st().ingestSnapshot(snap(5), t0 + 100 + VIEW_EVERY_MS);
      expect(st().snapshot?.seq).toBe(5);
      // A reset forgets a waiting snapshot.
      st().ingestSnapshot(snap(6), t0 + 101 + VIEW_EVERY_MS);
      st().resetLive();
      vi.advanceTimersByTime(VIEW_EVERY_MS * 2);
      expect(st().snapshot).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
