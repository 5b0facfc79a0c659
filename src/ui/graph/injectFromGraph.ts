import type { EngineClient } from '../../engine/client';
import { findType, type U64Json } from '../../state/edits';
import { workbenchStore } from '../../state/store';
import { openTrace } from '../analysis/traceHighlight';
import { splitAtOnce } from '../inject/atOnce';

/**
 * A type's ▶ on the graph: one message, and a notice naming it with a Trace button, as Node-RED
 * says "Successfully injected" at an inject node's button. The send had said nothing: finding the
 * message took Receipts, its row, then Trace.
 */
export async function injectFromGraph(engine: EngineClient, typeId: U64Json): Promise<void> {
  const reply = await engine.request({ type: 'inject', typeId, count: 1 });
  const s = workbenchStore().getState();
  const name = findType(s.config, typeId)?.name ?? String(typeId);
  if (!reply.ok) return s.notify('error', `${name} not sent: ${reply.error.message}`);
  const id = reply.ids?.first;
  // Older messages a dropOldest queue evicted to make room are no refusal of this one.
  const refused = Object.entries(splitAtOnce(reply.atOnce).refused).find(([, n]) => n > 0)?.[0];
  s.notify(
    refused ? 'warning' : 'info',
    `Sent 1 ${name}${id === undefined ? '' : `: message ${id}`}${refused ? `, refused at once (${refused})` : ''}.`,
    {
      key: 'graph-inject',
      ...(id === undefined
        ? {}
        : {
            action: {
              label: 'Trace',
              altText: `Trace message ${id} in the Trace panel`,
              run: () => void openTrace(engine, id),
            },
          }),
    },
  );
}
