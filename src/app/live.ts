/** The page's live-data sinks, fed by every engine snapshot; panels read them on animation frames. */
import { createReceiptLog } from '../state/receiptLog';
import { createMetricsHistory } from '../state/metricsHistory';
import { liveStore } from '../state/live';
import type { EngineSnapshot } from '../engine/protocol';

export const receiptLog = createReceiptLog();
export const metricsHistory = createMetricsHistory();

export function onSnapshot(s: EngineSnapshot): void {
  receiptLog.ingest(s);
  metricsHistory.ingest(s, Date.now());
  liveStore.set(s);
}
