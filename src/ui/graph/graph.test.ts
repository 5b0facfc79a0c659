import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../core/config';
import { MAX_COLUMN, autoLayout, wrapTallLayers } from './layout';
import { createFlowBuilder, emitEdgeId } from './flow';
import { emissionsOf } from './emissions';
import { inFlightTitle, lossesOf, lossText } from './depth';

const inputs = (config = demoConfig()) => ({
  config,
  selection: new Set<string>(),
  selectedEdges: new Set<string>(),
  problems: new Map<string, 'error' | 'warning'>(),
  search: '',
});

describe('graph emissions (issue 13)', () => {
  it('knows that fraud_processor emits FraudAlert and pattern_detector answers with PatternResult', () => {
    expect(emissionsOf(demoConfig())).toEqual([
      { kernelId: 'fraud_processor', typeId: '1010', name: 'FraudAlert', kind: 'emits' },
      { kernelId: 'pattern_detector', typeId: '1004', name: 'PatternResult', kind: 'responds' },
    ]);
  });

  it("draws the answer the engine sends: the request's response type, else the behaviour's own, none from fraud", () => {
    const config = demoConfig();
    config.messageTypes.push(
      { typeId: 2000, name: 'Ask', requiresResponse: true, responseTypeId: 2009, fields: [] },
      { typeId: 2001, name: 'AskAgg', requiresResponse: true, fields: [] },
      { typeId: 2003, name: 'AskFraud', requiresResponse: true, responseTypeId: 2004, fields: [] },
      { typeId: 2005, name: 'AskPattern', requiresResponse: true, fields: [] },
    );
    config.routes.push(
      { typeId: 2000, kernelId: 'pattern_detector' },
      { typeId: 2001, kernelId: 'aggregator' },
      { typeId: 2003, kernelId: 'fraud_processor' },
      { typeId: 2005, kernelId: 'pattern_detector' },
    );
    const responds = emissionsOf(config)
      .filter((e) => e.kind === 'responds')
      .map((e) => `${e.kernelId} ${e.typeId} ${e.name}`);
    expect(responds).toEqual([
      'pattern_detector 1004 PatternResult',
      'pattern_detector 2009 type 2009',
      'aggregator 2002 type 2002',
    ]);
  });

  it('draws an emits edge from the kernel to the emitted type, not deletable, with a name', () => {
    const { edges, nodes } = createFlowBuilder()(inputs());
    const e = edges.find((x) => x.id === emitEdgeId('fraud_processor', 1010));
    expect(e).toMatchObject({
      source: 'kernel:fraud_processor',
      target: 'type:1010',
      deletable: false,
      ariaLabel: 'fraud_processor emits FraudAlert (1010)',
      data: { kind: 'emits' },
    });
    const fraud = nodes.find((n) => n.id === 'kernel:fraud_processor');
    expect(fraud?.type === 'kernel' && fraud.data.emits.map((x) => x.name)).toEqual(['FraudAlert']);
    // Every node is named by its hidden label.
    expect(nodes.every((n) => typeof n.domAttributes?.['aria-labelledby'] === 'string')).toBe(true);
  });

  it('lights an emits edge a traced chain went through, as it lights routes', () => {
    const id = emitEdgeId('fraud_processor', 1010);
    const lit = createFlowBuilder()({ ...inputs(), highlightedEdges: new Set([id]) });
    expect(lit.edges.find((x) => x.id === id)?.data).toMatchObject({ highlighted: true });
    const other = emitEdgeId('pattern_detector', 1004);
    expect(lit.edges.find((x) => x.id === other)?.data).toMatchObject({ highlighted: false });
  });

  it('marks a response type as a response, not as a type without a route', () => {
    const { nodes } = createFlowBuilder()(inputs());
    const result = nodes.find((n) => n.id === 'type:1004');
    const check = nodes.find((n) => n.id === 'type:1003');
    expect(result?.type === 'messageType' && result.data).toMatchObject({
      routed: false,
      responseTo: 'PatternCheck',
    });
    expect(check?.type === 'messageType' && check.data).toMatchObject({
      routed: true,
      responseTo: '',
    });
  });

  it('keeps node objects between builds while their emissions are unchanged', () => {
    const build = createFlowBuilder();
    const config = demoConfig();
    const a = build(inputs(config)).nodes;
    const b = build(inputs(config)).nodes;
    expect(b.every((n, i) => n === a[i])).toBe(true);
  });
});

describe('auto-layout (issue 13)', () => {
  it('places response and emitted types after the kernels that produce them', async () => {
    const pos = await autoLayout(demoConfig());
    const x = (id: string) => pos[id]!.x;
    expect(x('type:1004')).toBeGreaterThan(x('kernel:pattern_detector'));
    expect(x('type:1004')).toBeGreaterThan(x('type:1003'));
    expect(x('type:1010')).toBeGreaterThan(x('kernel:fraud_processor'));
    expect(x('kernel:alert_sink')).toBeGreaterThan(x('type:1010'));
  });

  it('wraps a layer of sixty types into columns, overlapping nothing (QA)', async () => {
    const demo = demoConfig();
    const extra = Array.from({ length: 60 }, (_, i) => 5000 + i);
    const config = {
      ...demo,
      messageTypes: [
        ...demo.messageTypes,
        ...extra.map((typeId, i) => ({
          typeId,
          name: `Extra${i}`,
          handlerId: 100 + i,
          fields: [{ name: 'id', type: 'u64' as const }],
        })),
      ],
      routes: [...demo.routes, ...extra.map((typeId) => ({ typeId, kernelId: 'aggregator' }))],
    };
    const pos = await autoLayout(config);
    const ids = Object.keys(pos);
    expect(ids).toHaveLength(config.messageTypes.length + config.kernels.length);
    // No column longer than MAX_COLUMN nodes: one column of 63 had been 6,700 px tall.
    const columns = new Map<number, number>();
    for (const id of ids) columns.set(pos[id]!.x, (columns.get(pos[id]!.x) ?? 0) + 1);
    expect(Math.max(...columns.values())).toBeLessThanOrEqual(MAX_COLUMN);
    const ys = ids.map((id) => pos[id]!.y);
    expect(Math.max(...ys) - Math.min(...ys)).toBeLessThan(1_500);
    // Nothing overlaps (nodes 220 wide, at most 110 high).
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const a = pos[ids[i]!]!;
        const b = pos[ids[j]!]!;
        const apart = Math.abs(a.x - b.x) >= 220 || Math.abs(a.y - b.y) >= 84;
        expect(apart, `${ids[i]} and ${ids[j]}`).toBe(true);
      }
    // The kernel still sits to the right of every type routed to it.
    for (const t of extra) expect(pos['kernel:aggregator']!.x).toBeGreaterThan(pos[`type:${t}`]!.x);
  });

  it('leaves a layout with no tall layer as ELK made it', () => {
    const nodes = [
      { id: 'a', x: 0, y: 0, h: 84 },
      { id: 'b', x: 360, y: 40, h: 110 },
    ];
    expect(wrapTallLayers(nodes, [['a', 'b']])).toEqual(nodes);
    // Eleven unconnected types in one of ELK's columns: eleven parts, no tall layer (review).
    const singles = Array.from({ length: 11 }, (_, i) => ({
      id: `t${i}`,
      x: 0,
      y: i * 112,
      h: 84,
    }));
    expect(wrapTallLayers(singles, [])).toEqual(singles);
  });
});

// By what the queue did, not by the policy it has now: changed under load, "258 K evicted" had
// stood for 182 K refusals and 76 K evictions (QA).
describe('a queue’s losses in words', () => {
  const n = (x: number) => x.toLocaleString('en-US');
  it('names refusals and evictions apart, from the letters each made', () => {
    expect(lossesOf(10, 0)).toEqual({ refused: 10, evicted: 0 });
    expect(lossesOf(10, 10)).toEqual({ refused: 0, evicted: 10 });
    expect(lossesOf(349, 87)).toEqual({
      refused: 262,
      evicted: 87,
    });
    // Never more evicted than dropped.
    expect(lossesOf(5, 9)).toEqual({ refused: 0, evicted: 5 });
    expect(lossText(1_200, 0, n)).toBe('1,200 refused');
    expect(lossText(1_200, 1_200, n)).toBe('1,200 evicted');
    expect(lossText(349, 87, n)).toBe('262 refused · 87 evicted');
    // The graph card's half has room for one word: the split is on hover.
    expect(lossText(349, 87, n, true)).toBe('349 lost');
    expect(lossText(349, 0, n, true)).toBe('349 refused');
  });
});

// QA: "in up to two batches of up to 4,096 rows" beside a queue of 64, whose batches hold 64 at
// most.
describe('rows in flight in words', () => {
  it('gives a batch as a queueful at most, and 4,096 rows at most', () => {
    expect(inFlightTitle(128, 64)).toMatch(
      /^128 in flight: .* in up to two batches of up to 64 rows$/,
    );
    expect(inFlightTitle(4_801, 8_192)).toMatch(/of up to 4,096 rows$/);
  });
});
