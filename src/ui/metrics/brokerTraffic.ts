import type { EngineSnapshot } from '../../engine/protocol';

/**
 * What the receipts count beyond the dispatcher's own counters: sends that go through the
 * broker without the dispatcher (responses back to their requester, K2K forwards, dead letters
 * redriven to a destination), and how many of those failed. Receipts and the dispatcher's
 * counters restart together (Reset counters), so the differences are exact.
 *
 * Shown beside the dispatcher's counters: after a redrive, "dispatched 28,182, delivery errors
 * 15,904" sat beside "38,182 receipts, QueueFull 21,808" in Receipts with nothing saying why.
 */
export function brokerTraffic(s: Pick<EngineSnapshot, 'metrics' | 'receipts'>): {
  sent: number;
  failed: number;
} {
  const r = s.receipts;
  const m = s.metrics;
  const notFailed = (r.byStatus.Delivered ?? 0) + (r.byStatus.Pending ?? 0);
  const failedReceipts = r.total - notFailed;
  return {
    sent: Math.max(0, r.total - m.messagesDispatched),
    failed: Math.max(0, failedReceipts - m.deliveryErrors - m.unknownTypeErrors),
  };
}
