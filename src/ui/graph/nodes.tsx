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
import { edgeRate, kernelOf, useLive, useLump, useStale } from '../../state/live';
import { edgeKey } from '../../state/steadyRates';
import { LUMP_MS } from '../../state/lumps';
import { placementDetail, placementLabel } from '../gpu/placement';
import { nodeLabelId, type FlowEdge, type KernelFlowNode, type TypeFlowNode } from './flow';
import { useGraphActions } from './actions';
import { usePrediction, useQueueLoss } from '../analysis/predictions';
import { depthLevel, depthText, depthTitle, inFlightTitle, lossText } from './depth';
import { countOf, formatCompact, formatCount, formatRate } from '../design/format';
import './graph.css';

export { depthLevel } from './depth';

const TypeNode = memo(function TypeNode({ id, data, selected }: NodeProps<TypeFlowNode>) {
  const { type, routed, problem, dimmed, emittedBy, responseTo } = data;
  const actions = useGraphActions();
  return (
    <div
      className={`node node-type${selected ? ' selected' : ''}${problem ? ` problem-${problem}` : ''}${dimmed ? ' dimmed' : ''}`}
      data-testid={`node-type-${String(type.typeId)}`}
    >
      <span id={nodeLabelId(id)} className="sr-only">
        {`Message type ${type.name} (${String(type.typeId)})${routed ? '' : responseTo ? `, response to ${responseTo}` : ', no route'}${emittedBy ? `, emitted by ${emittedBy}` : ''}`}
      </span>
      <Handle
        type="target"
        position={Position.Left}
        id="emitted"
        // Shown, not dragged: a press here had started a drag of the whole node.
        className="emit nodrag"
        isConnectable={false}
        title={emittedBy ? `Emitted by ${emittedBy}` : 'Emitted by no kernel'}
        aria-description={emittedBy ? `${type.name} is emitted by ${emittedBy}` : undefined}
      />
      <div className="node-head">
        <span className="node-kind">type</span>
        <span className="node-title">{type.name}</span>
      </div>
      <div className="node-meta">
        <span className="mono">{String(type.typeId)}</span>
        <span>{countOf(type.fields.length, 'field')}</span>
        {type.requiresResponse ? (
          <span title="requires a response">↩ {String(type.responseTypeId ?? '')}</span>
        ) : null}
        {routed ? null : responseTo ? (
          <span
            className="tag"
            title={`The response to ${responseTo}: it goes back to whoever sent the request, so it needs no route`}
          >
            response
          </span>
        ) : (
          <span className="tag warn">no route</span>
        )}
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
        title="Drag to a kernel's left handle to route this type there"
        aria-description={`Route from ${type.name}`}
      />
    </div>
  );
});

/** "FraudAlert (1010)" lines under a kernel: what it emits or answers with. */
function EmitsLine({ emits }: { emits: KernelFlowNode['data']['emits'] }) {
  if (emits.length === 0) return null;
  return (
    <div className="node-emits" data-testid="node-emits">
      {emits.map((e) => `${e.kind} ${e.name} (${e.typeId})`).join(' · ')}
    </div>
  );
}

const KernelNode = memo(function KernelNode({ id, data, selected }: NodeProps<KernelFlowNode>) {
  const { kernel, problem, dimmed, emits } = data;
  const queued = useLive((s) => kernelOf(s, kernel.id)?.queued ?? 0);
  const backpressure = useLive((s) => kernelOf(s, kernel.id)?.backpressure ?? false);
  const inFlight = useLive((s) => kernelOf(s, kernel.id)?.inFlight ?? 0);
  // The most queued at once over the last half second: under steady load the queue is drained
  // every engine slice, so `queued` reads 0 at each snapshot while it fills to hundreds between.
  const peak = useLive((s) => kernelOf(s, kernel.id)?.peakQueued ?? 0);
  // The real capacity (rounded up to a power of two by the queue); the configured one only until
  // the engine has reported this kernel.
  const capacity = useLive((s) => kernelOf(s, kernel.id)?.capacity ?? kernel.queueCapacity);
  const where = useLive((s) => {
    const k = kernelOf(s, kernel.id);
    return k ? placementLabel(k, true) : null;
  });
  const why = useLive((s) => {
    const k = kernelOf(s, kernel.id);
    return k && s ? placementDetail(k, s.timeUs) : null;
  });
  // Messages processed per second over the last half second (0 once traffic stops).
  const rate = useLive((s) => Math.round(kernelOf(s, kernel.id)?.ratePerSec ?? 0));
  const lump = useLump(`k:${kernel.id}`);
  const stale = useStale();
  const level = depthLevel(queued, capacity);
  const prediction = usePrediction(kernel.id);
  const pct = capacity > 0 ? Math.min(100, (queued / capacity) * 100) : 0;
  const peakPct = capacity > 0 && peak > queued ? Math.min(100, (peak / capacity) * 100) : 0;
  const barText = `${depthTitle(queued, peak, capacity)}, ${formatCount(inFlight)} in flight`;
  const busy = prediction.rho !== null && (prediction.rho > 0 || prediction.warning);
  // Messages its queue refused or evicted since the counters were reset: a loss stays marked on
  // the graph after the burst that caused it (the queue bar reads 0 / 8 again at once).
  const dropped = useLive((s) => kernelOf(s, kernel.id)?.dropped ?? 0);
  // A number, not the letters-by-reason object (a copy in every snapshot, which redrew the node
  // at each one).
  const evicted = useLive((s) => kernelOf(s, kernel.id)?.lettersByReason.DroppedOldest ?? 0);
  const held = useLive((s) => kernelOf(s, kernel.id)?.deadLettered ?? 0);
  // Its letters still held: none, and the loss mark is history (grey), not a loss to act on.
  const heldNow = useLive((s) => kernelOf(s, kernel.id)?.lettersHeld ?? 0);
  const fullText =
    prediction.secondsToFull === 0
      ? 'full now'
      : prediction.secondsToFull !== null
        ? `full in ${prediction.secondsToFull.toFixed(1)} s`
        : '';
  return (
    <div
      className={`node node-kernel${selected ? ' selected' : ''}${problem ? ` problem-${problem}` : ''}${dimmed ? ' dimmed' : ''} depth-${level}`}
      data-testid={`node-kernel-${kernel.id}`}
      data-depth-level={level}
    >
      {/* What the node shows, in words: it had read "queue 0 of 4096" beside a bar at
          "≤302 / 4,096", with no rate and no separators. */}
      <span id={nodeLabelId(id)} className="sr-only">
        {`Kernel ${kernel.id}, ${depthTitle(queued, peak, capacity)}${inFlight ? `, ${formatCount(inFlight)} in flight` : ''}, ${formatCount(rate)} processed a second`}
      </span>
      <Handle
        type="target"
        position={Position.Left}
        id="in"
        title="Drop a type's route here"
        aria-description={`Route into ${kernel.id}`}
      />
      <Handle
        type="target"
        position={Position.Top}
        id="k2k-in"
        className="k2k"
        title={`K2K next hop into ${kernel.id}: drop another kernel's bottom handle here`}
        aria-description={`K2K next hop into ${kernel.id}`}
      />
      <div className="node-head">
        <span className="node-kind">kernel</span>
        <span className="node-title">{kernel.id}</span>
        {/* In the title's line, at its end: in the meta line it wrapped it, and the node grew a
            line under back-pressure, its ρ line then covering the kernel below. */}
        {backpressure ? (
          <span
            className="node-backpressure"
            data-testid={`backpressure-${kernel.id}`}
            title={`Back-pressure on ${where?.endsWith('gpu') ? 'WebGPU' : 'the CPU twin'}: this kernel does not keep up (its queue is 75 % full or it refused or evicted messages since the last update), and its overflow policy applies.`}
          >
            ⚠<span className="sr-only"> bottleneck</span>
          </span>
        ) : null}
      </div>
      <div className="node-meta">
        <span>{kernel.behavior}</span>
        <span title="overflow policy">{kernel.overflowPolicy}</span>
        {kernel.tenantId ? <span title="tenant">tenant {kernel.tenantId}</span> : null}
        <span
          className="node-backend"
          title={why ?? `backend ${kernel.backend}: the engine has not reported this kernel yet`}
          data-testid={`backend-badge-${kernel.id}`}
        >
          {/* Until the engine reports, the label keeps the width it will have ("auto → cpu"), so
          the node does not grow and move its handles when the first snapshot lands. */}
          {where ?? (kernel.backend === 'auto' ? 'auto → …' : kernel.backend)}
        </span>
      </div>
      <EmitsLine emits={emits} />
      {/* Hung under the node, in the gap to the next row, either side of its bottom handle: a
          line inside would make the node taller under load and push it over its neighbour. */}
      {busy || dropped > 0 || prediction.warning ? (
        <div
          className={`prediction${prediction.warning ? ' predict-warn' : ''} ${stale.className}`}
          data-testid={`prediction-${kernel.id}`}
        >
          <span
            title={
              stale.title ??
              `Utilisation (arrival / service rate) and predicted time until the queue is full${dropped > 0 && fullText ? ` (${fullText})` : ''}`
            }
          >
            {/* ρ unknown (the kernel not seen busy long enough), a queue losing or filling still
                warns. */}
            {busy
              ? `ρ ${prediction.rho?.toFixed(2)}${prediction.warning ? ' ⚠' : ''}`
              : prediction.warning
                ? '⚠'
                : ''}
          </span>
          {/* The loss, a fact that stays until Reset counters, keeps its place before the forecast
              (with both, the slot took turns with every snapshot: "45.4 K refused", "full in
              0.5 s"); the ⚠ beside ρ still warns, and its title says when. */}
          {dropped > 0 ? (
            <span
              className={`node-dropped${heldNow === 0 ? ' settled' : ''}`}
              data-testid={`dropped-node-${kernel.id}`}
              data-settled={heldNow === 0}
              title={`${lossText(dropped, evicted, formatCount)} at this queue since the counters were reset (a redriven letter refused again counts again); ${formatCount(held)} dead-lettered, ${heldNow === 0 ? 'none of its letters held now (redriven, purged or pushed out)' : `${formatCount(heldNow)} of its letters held now (see Dead letters)`}. Reset counters clears the mark.${fullText ? ` Predicted: ${fullText}.` : ''}`}
            >
              {lossText(dropped, evicted, formatCompact, true)}
            </span>
          ) : fullText ? (
            <span title="Predicted time until the queue is full">{fullText}</span>
          ) : null}
        </div>
      ) : null}
      <div className={`node-live${inFlight ? ' with-inflight' : ''}`}>
        <div
          className={`queue-bar ${stale.className}`}
          title={stale.title ?? barText}
          role="meter"
          aria-label={`Queue of ${kernel.id}`}
          aria-valuemin={0}
          aria-valuemax={capacity}
          aria-valuenow={queued}
          aria-valuetext={barText}
        >
          {/* Peak hold, as on a level meter: how full the queue got lately, behind what it holds now. */}
          {peakPct > 0 ? (
            <div
              className={`queue-peak peak-${depthLevel(peak, capacity)}`}
              data-testid={`queue-peak-${kernel.id}`}
              style={{ width: `${peakPct}%` }}
            />
          ) : null}
          <div className="queue-fill" style={{ width: `${pct}%` }} />
          <span className="queue-text" data-testid={`queue-${kernel.id}`}>
            {/* Compact (131 K) above 10,000: the bar is about 86 px wide. Under load the engine
                drains every queue each slice, so the depth at a snapshot's instant reads 0 while
                the queue fills to hundreds between drains: "0 / 4,096" at 2 M/s read as a frozen
                counter. Then the number is the recent peak, marked "≤" (the title has both). */}
            {depthText(queued, peak, capacity, formatCompact)}
          </span>
        </div>
        {/* Beside the bar, not in it: the bar has room for its own two numbers only, and a count
            cut short would read as a smaller one. */}
        {inFlight ? (
          <span
            className="node-inflight"
            data-testid={`inflight-node-${kernel.id}`}
            title={inFlightTitle(inFlight, capacity)}
          >
            +{formatCompact(inFlight)}
          </span>
        ) : null}
        <span
          className={`node-rate ${rate > 0 ? stale.className : lump > 0 ? 'lump' : 'idle'}`}
          data-testid={`kernel-rate-${kernel.id}`}
          title={
            stale.title ??
            (lump > 0
              ? lumpTitle(lump, 'this kernel processed')
              : 'Messages this kernel processed per second (last half second)')
          }
        >
          {lump > 0 ? lumpText(lump) : formatRate(rate)}
        </span>
      </div>
      <Handle
        type="source"
        position={Position.Right}
        id="emits"
        className="emit nodrag"
        isConnectable={false}
        title={
          emits.length
            ? emits.map((e) => `${e.kind} ${e.name} (${e.typeId})`).join(', ')
            : 'Emits nothing'
        }
      />
      <Handle
        type="source"
        position={Position.Bottom}
        id="k2k-out"
        className="k2k"
        title={`K2K route from ${kernel.id}: drag to another kernel's top handle to make it the next hop for ${kernel.id}'s messages wherever ${kernel.id} is not registered with the broker (RingKernel consults next hops only then)`}
        aria-description={`K2K route from ${kernel.id}`}
      />
    </div>
  );
});

/**
 * A lump's count as the graph shows it, "+3,000" (`lumps.ts`: only ever where the rate shown is 0,
 * so it stands in the rate's place).
 */
const lumpText = (n: number) => `+${formatCompact(n)}`;

/** What a "+N" on the graph means, on hover. */
function lumpTitle(n: number, what: string): string {
  return `${formatCount(n)} messages ${what} just now, too few or too quick to show as a rate (the engine is idle again); shown until ${LUMP_MS / 1000} s pass with no more`;
}

/** The least run rightwards, in flow px, that has an emits/responds label mid-edge. */
const DERIVED_LABEL_ROOM = 120;
/** The least stroke of an edge on a trace's path (px). */
const TRACED_WIDTH = 3.5;

const RouteEdge = memo(function RouteEdge(props: EdgeProps<FlowEdge>) {
  const { id, data, selected, source, target } = props;
  // The edge's end points and sides are exactly getBezierPath's parameters.
  const [path, midX, midY] = getBezierPath(props);
  const kind = data?.kind ?? 'route';
  const derived = kind === 'emits' || kind === 'responds';
  // Dispatch edges are reported from `type:<id>`, kernel-to-kernel traffic and a kernel's
  // emissions (to `type:<id>`) from the kernel id.
  const from = kind === 'route' ? source : source.slice('kernel:'.length);
  const to = derived ? target : target.slice('kernel:'.length);
  const rate = useLive((s) => Math.round(edgeRate(s, from, to)));
  const lump = useLump(`e:${edgeKey(from, to)}`);
  const stale = useStale();
  // A route's rate is what its kernel's queue took: while the queue refuses, more was sent than
  // the label says, and it says so (QA: 44.9 K/s on the route into a queue of 64 beside 75 K/s
  // on the others, the difference shown nowhere on the edge). A dropOldest queue takes every
  // message, the rate is all that was sent, but each one taken evicts an older one: the route
  // carries a loss all the same, and says which.
  const loss = useQueueLoss(to, kind === 'route' && rate > 0);
  // Derived edges (emits, responds) stay thin and dashed: they say what a kernel sends, and the
  // route edge it feeds carries the weight.
  const width = rate > 0 ? Math.min(derived ? 3 : 8, 1.5 + Math.log10(1 + rate)) : 1.5;
  // A route's label sits mid-edge, and so does an emits/responds label on an edge that runs
  // rightwards with room for it (the demo's). One that loops back, to a type left of its kernel,
  // has its label beside the kernel's emit handle, where it cannot land on the route labels
  // between the type and kernel columns.
  const beside = derived && props.targetX - props.sourceX < DERIVED_LABEL_ROOM;
  const at = beside
    ? `translate(0, -100%) translate(${props.sourceX + 8}px, ${props.sourceY - 2}px)`
    : `translate(-50%, -50%) translate(${midX}px, ${midY}px)`;
  const cls = `edge-${kind}${data?.problem ? ' edge-problem' : ''}${data?.highlighted ? ' edge-highlight' : ''}${selected ? ' edge-selected' : ''}`;
  // Traffic that no rate showed (a burst done within a slice): its count, for a while.
  const flow = lump > 0 ? lumpText(lump) : rate > 0 ? formatRate(rate) : '';
  const text = derived
    ? `${kind}${flow ? ` ${flow}` : ''}`
    : `${kind === 'k2k' ? 'via ' : ''}${flow}${loss ? ' ⚠' : ''}`;
  const lossTitle =
    loss === 'refusing'
      ? `${formatRate(rate)} taken into ${to}'s queue: it is refusing messages now, so more than this was sent on the route (see the node's count and the Queues panel).`
      : loss === 'evicting'
        ? `${formatRate(rate)} taken into ${to}'s queue, all that was sent: the queue is full and drops its oldest message for each one it takes (each victim a dead letter, reason DroppedOldest; see the node's count and the Queues panel).`
        : undefined;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        className={cls}
        // A trace's path stands out at any rate: at a quiet route's width it was hard to pick out.
        // So does a selected one: at 1.5 px a route clicked was hard to tell from the rest (QA).
        style={{
          strokeWidth: data?.highlighted || selected ? Math.max(width, TRACED_WIDTH) : width,
        }}
      />
      {text ? (
        <EdgeLabelRenderer>
          <div
            className={`edge-label ${rate > 0 || lump > 0 || !derived ? stale.className : ''}${lump > 0 ? ' lump' : ''}${loss ? ' edge-label-losing nodrag nopan' : ''}`}
            title={
              lump > 0
                ? (stale.title ?? lumpTitle(lump, 'this edge carried'))
                : rate > 0 || !derived
                  ? (stale.title ?? lossTitle)
                  : undefined
            }
            data-testid={`edge-label-${id}`}
            style={{ transform: at }}
          >
            {text}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});

export const nodeTypes = { messageType: TypeNode, kernel: KernelNode };
export const edgeTypes = { route: RouteEdge };
