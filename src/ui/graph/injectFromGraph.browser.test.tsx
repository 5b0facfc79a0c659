import { beforeEach, describe, expect, it } from 'vitest';
import { injectFromGraph } from './injectFromGraph';
import { fakeEngine, freshStore } from '../testing/browser';
import type { EngineReply } from '../../engine/protocol';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});

/** An engine whose inject answers with these counts at once, for message 41. */
const answering = (atOnce: Record<string, number>) =>
  fakeEngine(
    (cmd) =>
      ({
        ok: true,
        command: cmd.type,
        count: 1,
        atOnce,
        ids: { first: 41, last: 41 },
        lettersLost: 0,
      }) as unknown as EngineReply,
  );

describe("a type's ▶ on the graph", () => {
  it('names the message sent, with a Trace action', async () => {
    await injectFromGraph(answering({}), 1001);
    const n = store.getState().notices.at(-1)!;
    expect(n).toMatchObject({ kind: 'info', text: 'Sent 1 Transaction: message 41.' });
    expect(n.action?.label).toBe('Trace');
  });

  it('says a refusal of the message sent, and not the older messages a dropOldest queue evicted', async () => {
    await injectFromGraph(answering({ QueueFull: 1 }), 1003);
    expect(store.getState().notices.at(-1)).toMatchObject({
      kind: 'warning',
      text: 'Sent 1 PatternCheck: message 41, refused at once (QueueFull).',
    });
    // Its queue took it and evicted the oldest: sent, not refused.
    await injectFromGraph(answering({ DroppedOldest: 1 }), 1002);
    expect(store.getState().notices.at(-1)).toMatchObject({
      kind: 'info',
      text: 'Sent 1 AccountUpdate: message 41.',
    });
  });
});
