import { memo } from 'react';
import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  Handle,
  Position,
  type EdgeProps,
  type NodeProps,
} from '@xyflow/react';
import { edgeRate, kernelOf, useLive } from '../../state/live';
import type { FlowEdge, KernelFlowNode, TypeFlowNode } from './flow';
import { useGraphActions } from './actions';
import { usePrediction } from '../analysis/predictions';

export function depthLevel(depth: number, capacity: number): 'ok' | 'warning' | 'critical' {
  const fill = capacity > 0 ? depth / capacity : 0;
  return fill >= 0.9 ? 'critical' : fill >= 0.75 ? 'warning' : 'ok';
}

const TypeNode = memo(function TypeNode({ data, selected }: NodeProps<TypeFlowNode>) {
  const { type, routed, problem, dimmed } = data;
  const actions = useGraphActions();
  return (
    <div
      className={`node node-type${selected ? ' selected' : ''}${problem ? ` problem-${problem}` : ''}${dimmed ? ' dimmed' : ''}`}
      data-testid={`node-type-${String(type.typeId)}`}
    >
      <div className="node-head">
        <span className="node-kind">type</span>
        <span className="node-title">{type.name}</span>
      </div>
      <div className="node-meta">
        <span className="mono">{String(type.typeId)}</span>
        <span>{type.fields.length} fields</span>
        {type.requiresResponse ? (
          <span title="requires a response">↩ {String(type.responseTypeId ?? '')}</span>
        ) : null}
        {!routed ? <span className="tag warn">no route</span> : null}
      </div>
      <button
        type="button"
        className="node-inject nodrag"
        aria-label={`Inject one ${type.name} message`}
        title="Inject one message of this type"
        onClick={(e) => {
          e.stopPropagation();
          actions.inject(type.typeId);
        }}
      >
        ▶
      </button>
      <Handle
        type="source"
        position={Position.Right}
        id="out"
        aria-label={`Route from ${type.name}`}
      />
    </div>
  );
});

const KernelNode = memo(function KernelNode({ data, selected }: NodeProps<KernelFlowNode>) {
  const { kernel, problem, dimmed } = data;
  const depth = useLive((s) => kernelOf(s, kernel.id)?.queueDepth ?? 0);
  const backend = useLive((s) => kernelOf(s, kernel.id)?.backend ?? null);
  const level = depthLevel(depth, kernel.queueCapacity);
  const prediction = usePrediction(kernel.id);
  const pct = Math.min(100, (depth / kernel.queueCapacity) * 100);
  return (
    <div
      className={`node node-kernel${selected ? ' selected' : ''}${problem ? ` problem-${problem}` : ''}${dimmed ? ' dimmed' : ''} depth-${level}`}
      data-testid={`node-kernel-${kernel.id}`}
      data-depth-level={level}
    >
      <Handle
        type="target"
        position={Position.Left}
        id="in"
        aria-label={`Route into ${kernel.id}`}
      />
      <Handle
        type="target"
        position={Position.Top}
        id="k2k-in"
        className="k2k"
        aria-label={`K2K next hop into ${kernel.id}`}
      />
      <div className="node-head">
        <span className="node-kind">kernel</span>
        <span className="node-title">{kernel.id}</span>
      </div>
      <div className="node-meta">
        <span>{kernel.behavior}</span>
        <span title="overflow policy">{kernel.overflowPolicy}</span>
        {kernel.tenantId ? <span title="tenant">tenant {kernel.tenantId}</span> : null}
        <span title="backend running this kernel">{backend ?? kernel.backend}</span>
      </div>
      {prediction.rho !== null ? (
        <div
          className={`prediction${prediction.warning ? ' predict-warn' : ''}`}
          data-testid={`prediction-${kernel.id}`}
          title="Utilisation (arrival / service rate) and predicted time until the queue is full"
        >
          ρ {prediction.rho.toFixed(2)}
          {prediction.secondsToFull !== null
            ? ` · full in ${prediction.secondsToFull.toFixed(1)} s`
            : ''}
          {prediction.warning ? ' ⚠' : ''}
        </div>
      ) : null}
      <div
        className="queue-bar"
        role="meter"
        aria-label={`Queue of ${kernel.id}`}
        aria-valuemin={0}
        aria-valuemax={kernel.queueCapacity}
        aria-valuenow={depth}
      >
        <div className="queue-fill" style={{ width: `${pct}%` }} />
        <span className="queue-text" data-testid={`queue-${kernel.id}`}>
          {depth} / {kernel.queueCapacity}
        </span>
      </div>
      <Handle
        type="source"
        position={Position.Bottom}
        id="k2k-out"
        className="k2k"
        aria-label={`K2K route from ${kernel.id}`}
      />
    </div>
  );
});

function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)}M/s`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k/s`;
  return `${Math.round(r)}/s`;
}

const RouteEdge = memo(function RouteEdge(props: EdgeProps<FlowEdge>) {
  const { id, data, selected, source, target } = props;
  // The edge's end points and sides are exactly getBezierPath's parameters.
  const [path, labelX, labelY] = getBezierPath(props);
  // Dispatch edges are reported from `type:<id>`, kernel-to-kernel traffic from the kernel id.
  const from = data?.kind === 'k2k' ? source.slice('kernel:'.length) : source;
  const to = target.slice('kernel:'.length);
  const rate = useLive((s) => Math.round(edgeRate(s, from, to)));
  const width = rate > 0 ? Math.min(8, 1.5 + Math.log10(1 + rate)) : 1.5;
  const cls = `edge-${data?.kind ?? 'route'}${data?.problem ? ' edge-problem' : ''}${data?.highlighted ? ' edge-highlight' : ''}${selected ? ' edge-selected' : ''}`;
  return (
    <>
      <BaseEdge id={id} path={path} className={cls} style={{ strokeWidth: width }} />
      {rate > 0 || data?.kind === 'k2k' ? (
        <EdgeLabelRenderer>
          <div
            className="edge-label"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {data?.kind === 'k2k' ? 'via ' : ''}
            {rate > 0 ? formatRate(rate) : ''}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});

export const nodeTypes = { messageType: TypeNode, kernel: KernelNode };
export const edgeTypes = { route: RouteEdge };
