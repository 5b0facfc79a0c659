import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../core/config';
import { autoLayout } from './layout';
import { createFlowBuilder, emitEdgeId } from './flow';
import { emissionsOf } from './emissions';

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
});
