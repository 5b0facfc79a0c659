import { describe, expect, it } from 'vitest';
import { GRAPH_ROOM, graphRoom } from './view';

describe("the room kept at the graph pane's edges", () => {
  it('keeps the notices band whole in a pane of 320 px or more (the demo at 1280x720: 350 px)', () => {
    expect(graphRoom(350)).toEqual(GRAPH_ROOM);
    expect(graphRoom(320).top).toBe(GRAPH_ROOM.top);
  });

  // The dock three steps up at 1280x720: a 252 px graph, fitted under a 92 px band at zoom 0.46,
  // below the level of detail, so no kernel showed its rate or queue.
  it('gives the band up px for px in a shorter pane, down to the edge margin', () => {
    expect(graphRoom(252).top).toBe(24);
    expect(graphRoom(244).top).toBe(GRAPH_ROOM.edge);
    expect(graphRoom(120).top).toBe(GRAPH_ROOM.edge);
  });
});
