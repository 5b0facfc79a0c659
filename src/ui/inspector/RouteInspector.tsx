/**
 * The Inspector for a selected route: what it connects, what flows on it now, where the settings
 * a newcomer looks for on it live, and Remove. Clicking a route had left the Inspector saying
 * "Select a message type or a kernel", with nothing to say a route has no settings of its own.
 */
import {
  findType,
  kernelNodeId,
  removeK2k,
  removeRoute,
  routeOf,
  typeNodeId,
} from '../../state/edits';
import { useLive } from '../../state/live';
import { useWorkbench } from '../../state/store';
import { formatCount, formatRate } from '../design/format';
import { parseEdgeId } from '../graph/flow';
import { selectNode } from '../graph/view';
import { applyRemoval, focusInspector } from './focus';

export function RouteInspector({ edgeId }: { edgeId: string }) {
  const config = useWorkbench((s) => s.config);
  const edge = parseEdgeId(edgeId);
  const route =
    edge?.kind === 'route'
      ? { typeId: edge.typeId, kernel: routeOf(config, edge.typeId) }
      : undefined;
  const k2k = edge?.kind === 'k2k' ? config.k2kRoutes.find((r) => r.dest === edge.dest) : undefined;
  // The traffic on it, as the graph's label shows it (every delivery of the type to the kernel).
  const source = route ? typeNodeId(route.typeId) : (k2k?.dest ?? '');
  const target = route?.kernel ?? k2k?.nextHop ?? '';
  const rate = useLive((s) => s?.edges.find((e) => e.source === source && e.target === target));
  const remove = () =>
    applyRemoval((config) =>
      route ? removeRoute(config, route.typeId) : k2k ? removeK2k(config, k2k.dest) : null,
    );
  const edit = (nodeId: string) => {
    selectNode(nodeId);
    focusInspector();
  };
  if (!(route?.kernel !== undefined || k2k))
    return <p className="muted">This route is no longer in the config.</p>;
  const type = route ? findType(config, route.typeId) : undefined;
  const typeName = type ? `${type.name} (${route?.typeId ?? ''})` : `type ${route?.typeId ?? ''}`;
  return (
    <section aria-label="Route" className="route-inspector">
      <h2>{route ? 'Route' : 'K2K route'}</h2>
      <p>
        {route ? (
          <>
            <strong>{typeName}</strong> → <strong>{route.kernel}</strong>: every message of the type
            goes to this kernel&apos;s queue.
          </>
        ) : (
          <>
            Messages for <strong>{k2k?.dest}</strong> travel via <strong>{k2k?.nextHop}</strong>{' '}
            (one hop more each).
          </>
        )}
      </p>
      <p data-testid="route-traffic">
        {rate
          ? `${formatRate(rate.ratePerSec)} now · ${formatCount(rate.total)} since the counters were reset`
          : 'No traffic on it yet.'}
      </p>
      <p className="muted">
        A route has no settings of its own. A message&apos;s priority is in its header
        (Inject&apos;s priority field, the generator&apos;s priority); the queue&apos;s capacity and
        what happens when it is full are its kernel&apos;s.
      </p>
      <div className="route-actions">
        {route ? (
          <button type="button" onClick={() => edit(typeNodeId(route.typeId))}>
            Edit {type?.name ?? 'type'}
          </button>
        ) : null}
        <button type="button" onClick={() => edit(kernelNodeId(target))}>
          Edit {target}
        </button>
        <button type="button" onClick={remove}>
          Remove route
        </button>
      </div>
    </section>
  );
}
