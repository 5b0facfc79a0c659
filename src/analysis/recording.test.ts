import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import type { EngineClient } from '../engine/client';
import type { EngineCommand, EngineReply } from '../engine/protocol';
import {
  MAX_EVENTS,
  MAX_RECORDINGS,
  createRecorder,
  listRecordings,
  loadRecording,
  parseRecording,
  recordingClient,
  recordingKey,
  checkReplay,
  configDiffers,
  configKey,
  replayHeadless,
  replayLive,
  runningSpec,
  saveRecording,
  serializeRecording,
  type Recording,
  type RecordingStorage,
} from './recording';

function memoryStorage(): RecordingStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

function fakeClient(sent: EngineCommand[]): EngineClient {
  // Recording only looks at what was sent; the replies carry no results.
  const reply = (cmd: EngineCommand): EngineReply =>
    ({ ok: true, command: cmd.type }) as EngineReply;
  return {
    send: (cmd) => void sent.push(cmd),
    request: <C extends EngineCommand>(cmd: C) => {
      sent.push(cmd);
      return Promise.resolve(reply(cmd) as EngineReply<C['type']>);
    },
    latest: () => null,
    subscribe: () => () => undefined,
    restart: () => undefined,
    terminate: () => undefined,
    crashCount: () => 0,
  };
}

/** A session recorded through the wrapped client, on a manual clock. */
async function recordSession(): Promise<Recording> {
  const clock = { us: 5_000_000 };
  const rec = createRecorder(
    () => clock.us,
    () => '2025-01-01T00:00:00.000Z',
  );
  const sent: EngineCommand[] = [];
  const client = recordingClient(fakeClient(sent), rec);
  client.send({ type: 'inject', typeId: 1001 }); // before start: not recorded
  rec.start('morning', 'demo', 'Fraud detection (demo)');
  await client.request({
    type: 'inject',
    typeId: 1001,
    payload: { amount: 15_000, id: 2n ** 60n },
  });
  clock.us += 20_000;
  client.send({
    type: 'startGenerator',
    spec: {
      ratePerSec: 5000,
      pattern: 'poisson',
      seed: 42,
      mix: [
        { typeId: 1001, weight: 3 },
        { typeId: 1003, weight: 1 },
      ],
    },
  });
  client.send({ type: 'setRoute', typeId: 1002, kernelId: 'aggregator' }); // not traffic
  clock.us += 150_000;
  client.send({ type: 'inject', typeId: 1002, count: 50, priority: 3 });
  client.send({ type: 'inject', typeId: 1003, payload: new Uint8Array([1, 2, 255]) });
  clock.us += 100_000;
  client.send({ type: 'stopGenerator' });
  clock.us += 10_000;
  const r = rec.stop()!;
  expect(sent).toHaveLength(7);
  return r;
}

describe('recording', () => {
  it('keeps traffic commands with their offsets, JSON-safe', async () => {
    const r = await recordSession();
    expect(r.events.map((e) => [e.atUs, e.command.type])).toEqual([
      [0, 'inject'],
      [20_000, 'startGenerator'],
      [170_000, 'inject'],
      [170_000, 'inject'],
      [270_000, 'stopGenerator'],
    ]);
    expect(r.durationUs).toBe(280_000);
    expect(r.events[0]!.command).toMatchObject({ payload: { id: String(2n ** 60n) } });
    expect(r.events[3]!.command).toMatchObject({ payload: { hex: '0102ff' } });
    const parsed = parseRecording(serializeRecording(r));
    expect(parsed).toEqual({ ok: true, recording: r });
  });

  it('says where a recording that is not JSON goes wrong, and that one cut short ends early', async () => {
    const text = serializeRecording(await recordSession());
    const cut = parseRecording(text.slice(0, text.indexOf(':') + 1));
    expect(cut.ok === false && cut.error.message).toMatch(
      /^The recording is not JSON \(.*\(the text ends at line \d+, column \d+: it may be cut short\)\)\.$/,
    );
    const broken = parseRecording('{\n  "version": 1,\n  x\n}');
    expect(broken.ok === false && broken.error.message).toMatch(/line 3, column 3/);
    // A route config is named as one, and where it goes said.
    const config = parseRecording(JSON.stringify(demoConfig()));
    expect(config.ok === false && config.error.message).toBe(
      'This is a route config, not a recording: open it with Import… in the toolbar.',
    );
    // Text that is not JSON at all says what it begins with, not the parser's words.
    const prose = parseRecording('hello, there: a note to self');
    expect(prose.ok === false && prose.error.message).toBe(
      'Not a recording: a recording is JSON, and this text begins “hello, there: a note to…”.',
    );
    const toml = parseRecording('#:schema ./x.json\nname = "demo"\n\n[[kernels]]\nid = "a"\n');
    expect(toml.ok === false && toml.error.message).toBe(
      'This is a route config (TOML), not a recording: open it with Import… in the toolbar.',
    );
  });

  it('checks a replay in constant memory: the same totals as the full replay, identical twice', async () => {
    const parsed = parseRecording(serializeRecording(await recordSession()));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const full = replayHeadless(demoConfig(), parsed.recording);
    const check = checkReplay(demoConfig(), parsed.recording);
    expect(check.identical).toBe(true);
    expect(check.total).toBe(full.final.receipts.total);
    expect(check.total).toBe(full.rows.length);
    expect(check.byStatus).toEqual(full.final.receipts.byStatus);
    expect(check.errors).toEqual([]);
  });

  it('replays deterministically: two replays give the same receipt sequence', async () => {
    const parsed = parseRecording(serializeRecording(await recordSession()));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const seqOf = (rows: ReturnType<typeof replayHeadless>['rows']) =>
      rows.map(
        (x) =>
          `${x.messageId}|${String(x.typeId)}|${x.status}|${x.destination}|${x.hlc.physical}.${x.hlc.logical}`,
      );
    const a = replayHeadless(demoConfig(), parsed.recording);
    const b = replayHeadless(demoConfig(), parsed.recording);
    expect(a.errors).toEqual([]);
    expect(a.rows.length).toBeGreaterThan(500);
    expect(seqOf(b.rows)).toEqual(seqOf(a.rows));
    // The hand-injected 15,000 transaction raised its alert in both.
    expect(a.rows.some((x) => x.typeId === 1010 && x.parentId === 1)).toBe(true);
    expect(a.final.accounting.balanced).toBe(true);
    // A different config gives a different sequence (the comparison can fail).
    const other = demoConfig();
    other.routes = other.routes.map((x) =>
      x.typeId === 1002 ? { ...x, kernelId: 'alert_sink' } : x,
    );
    expect(seqOf(replayHeadless(other, parsed.recording).rows)).not.toEqual(seqOf(a.rows));
  });

  it('bounds the events kept', () => {
    let t = 0;
    const rec = createRecorder(
      () => t++,
      () => '',
    );
    rec.start('n', 'w', 'c');
    for (let i = 0; i < MAX_EVENTS + 5; i++) rec.record({ type: 'inject', typeId: 1001 });
    const r = rec.stop()!;
    expect(r.events).toHaveLength(MAX_EVENTS);
    expect(r.truncated).toBe(5);
  });

  it('refuses malformed recordings with a message naming the problem', () => {
    expect(parseRecording('{')).toMatchObject({ ok: false, error: { code: 'InvalidRecording' } });
    const bad = parseRecording(
      JSON.stringify({
        version: 1,
        name: 'x',
        workspace: 'w',
        events: [{ atUs: 0, command: { type: 'loadConfig' } }],
      }),
    );
    expect(bad.ok === false && bad.error.message).toMatch(/events\[0\]\.command/);
  });

  // Checked by their structure only, a rate of 1e15 a second and a seed "abc" had imported (the
  // headless replay then never ended), and a count of 1e12 was refused only when replayed.
  it('refuses commands the engine would refuse, and an empty name, saying which and why', () => {
    const text = (command: unknown, name = 'x') =>
      JSON.stringify({ version: 1, name, workspace: 'w', events: [{ atUs: 0, command }] });
    const problem = (command: unknown, name = 'x') => {
      const r = parseRecording(text(command, name), { imported: true });
      return r.ok ? null : r.error.message;
    };
    // Stored here, a command the engine refused when it was sent still loads (its replay says
    // so): an inject of count 0 sent while recording had made the recording unreadable.
    expect(parseRecording(text({ type: 'inject', typeId: '1001', count: 0 })).ok).toBe(true);
    expect(problem({ type: 'startGenerator', spec: { ratePerSec: 1e15, seed: 1 } })).toMatch(
      /^events\[0\]\.command \(startGenerator\): ratePerSec must be a number above 0 and at most 50,000,000 \(got 1000000000000000\)/,
    );
    expect(problem({ type: 'startGenerator', spec: { ratePerSec: 1000, seed: 'abc' } })).toMatch(
      /startGenerator\): seed must be a whole number .*\(got "abc"\)/,
    );
    expect(problem({ type: 'startGenerator', spec: null })).toMatch(/spec must be an object/);
    expect(problem({ type: 'inject', typeId: '1001', count: 1e12 })).toMatch(
      /^events\[0\]\.command \(inject\): count must be an integer in 1\.\.10,000,000 \(got 1000000000000\)/,
    );
    for (const typeId of ['abc', -1, '18446744073709551616', 1.5, null])
      expect(problem({ type: 'inject', typeId, count: 1 })).toMatch(
        /^events\[0\]\.command \(inject\): typeId must be a u64 type id, a whole number from 0 to 18446744073709551615 \(got /,
      );
    expect(problem({ type: 'inject', typeId: '18446744073709551615', count: 1 })).toBeNull();
    expect(problem({ type: 'inject', typeId: '1001', count: 1, priority: 300 })).toMatch(
      /priority must be an integer in 0\.\.255/,
    );
    expect(problem({ type: 'inject', typeId: '1001', count: 5 }, '  ')).toBe(
      'A recording needs a name that is not empty.',
    );
    // What the engine takes imports.
    expect(problem({ type: 'inject', typeId: '1001', count: 5, priority: 7 })).toBeNull();
    expect(
      problem({ type: 'startGenerator', spec: { ratePerSec: 50_000_000, seed: -3 } }),
    ).toBeNull();
  });
});

describe('recording storage', () => {
  it('stores under rdw:v1:rec:<workspace>:<name>, lists per workspace, and bounds the count', async () => {
    const s = memoryStorage();
    const r = await recordSession();
    expect(saveRecording(s, r)).toBeNull();
    expect(s.map.has(recordingKey('demo', 'morning'))).toBe(true);
    expect(saveRecording(s, { ...r, workspace: 'other' })).toBeNull();
    expect(listRecordings(s, 'demo')).toEqual(['morning']);
    const loaded = loadRecording(s, 'demo', 'morning');
    expect(loaded.ok && loaded.recording.events).toEqual(r.events);
    for (let i = 1; i < MAX_RECORDINGS; i++)
      expect(saveRecording(s, { ...r, name: `r${i}` })).toBeNull();
    expect(saveRecording(s, { ...r, name: 'one too many' })).toMatchObject({ code: 'TooMany' });
    expect(saveRecording(s, { ...r })).toBeNull(); // replacing one is fine
    expect(loadRecording(s, 'demo', 'nope')).toMatchObject({
      ok: false,
      error: { code: 'NotFound' },
    });
  });

  it('replays live in order after resetting the metrics', async () => {
    const r = await recordSession();
    const sent: EngineCommand[] = [];
    const timers: { ms: number; fn: () => void }[] = [];
    replayLive(fakeClient(sent), r, {
      after: (ms, fn) => timers.push({ ms, fn }),
      cancel: () => undefined,
    });
    expect(sent.map((c) => c.type)).toEqual(['resetMetrics']);
    expect(timers.map((t) => t.ms)).toEqual([0, 20, 170, 170, 270]);
    for (const t of timers) t.fn();
    expect(sent.map((c) => c.type)).toEqual([
      'resetMetrics',
      'inject',
      'startGenerator',
      'inject',
      'inject',
      'stopGenerator',
    ]);
  });
});

describe('a recording bounds the generator runs it holds', () => {
  const spec = { ratePerSec: 1000, pattern: 'poisson' as const, seed: 7 };
  const recorder = (clock: { us: number }) =>
    createRecorder(
      () => clock.us,
      () => '2026-12-05T00:00:00.000Z',
    );

  it('keeps a generator already running as started at 0, with what is left of its duration', () => {
    const clock = { us: 1_000_000 };
    const rec = recorder(clock);
    const running = runningSpec(
      { spec: { ...spec, durationMs: 10_000 }, startedUs: 2_000_000 },
      5_000_000,
    );
    expect(running).toEqual({ ...spec, durationMs: 7000 });
    rec.start('under load', 'demo', 'demo', { running: running! });
    clock.us += 2_500_000;
    const r = rec.stop()!;
    // Recorded under running traffic it had held nothing, and was not saved.
    expect(r.events.map((e) => [e.atUs, e.command.type])).toEqual([
      [0, 'startGenerator'],
      [2_500_000, 'stopGenerator'],
    ]);
    expect(r.events[0]!.command).toEqual({ type: 'startGenerator', spec: running });
    expect(runningSpec({ spec }, 5_000_000)).toEqual(spec);
  });

  it('stops a generator left running at the end, so a live replay ends with the recording', () => {
    const clock = { us: 0 };
    const rec = recorder(clock);
    const sent: EngineCommand[] = [];
    const client = recordingClient(fakeClient(sent), rec);
    rec.start('left running', 'demo', 'demo');
    clock.us += 100_000;
    client.send({ type: 'startGenerator', spec });
    clock.us += 3_500_000;
    const r = rec.stop()!;
    expect(r.durationUs).toBe(3_600_000);
    expect(r.events.map((e) => [e.atUs, e.command.type])).toEqual([
      [100_000, 'startGenerator'],
      [3_600_000, 'stopGenerator'],
    ]);
    // Replayed live, the generator is stopped at the recording's end (it had run for good).
    const timers: { ms: number; fn: () => void }[] = [];
    const replayed: EngineCommand[] = [];
    replayLive(fakeClient(replayed), r, {
      after: (ms, fn) => timers.push({ ms, fn }),
      cancel: () => undefined,
    });
    for (const t of timers) t.fn();
    expect(timers.map((t) => t.ms)).toEqual([100, 3600]);
    expect(replayed.map((c) => c.type)).toEqual([
      'resetMetrics',
      'startGenerator',
      'stopGenerator',
    ]);
    // A run stopped within the recording gets no second stop.
    rec.start('stopped', 'demo', 'demo');
    client.send({ type: 'startGenerator', spec });
    client.send({ type: 'stopGenerator' });
    expect(rec.stop()!.events.map((e) => e.command.type)).toEqual([
      'startGenerator',
      'stopGenerator',
    ]);
  });

  it('says when a replay runs another config than the one recorded against', () => {
    const config = demoConfig();
    const rec = recorder({ us: 0 });
    rec.start('r', 'demo', config.name, { configKey: configKey(config) });
    const r = rec.stop()!;
    expect(configDiffers(r, config)).toBeNull();
    // The layout does not shape traffic: moving a node is no other config.
    expect(configDiffers(r, { ...config, layout: { 'kernel:x': { x: 1, y: 2 } } })).toBeNull();
    const edited = {
      ...config,
      kernels: config.kernels.map((k, i) => (i === 0 ? { ...k, queueCapacity: 16 } : k)),
    };
    expect(configDiffers(r, edited)).toMatch(/an earlier version of “.+”, since edited/);
    expect(configDiffers(r, { ...edited, name: 'other' })).toContain(
      `“${config.name}”, not the “other”`,
    );
    // Kept through storage; a recording from before the key says nothing.
    const parsed = parseRecording(serializeRecording(r));
    expect(parsed.ok && configDiffers(parsed.recording, edited)).toBeTruthy();
    const { configKey: _dropped, ...old } = r;
    expect(configDiffers(old, edited)).toBeNull();
  });
});
