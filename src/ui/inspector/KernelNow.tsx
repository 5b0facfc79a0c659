/**
 * What a selected kernel is doing now, above its settings: where it runs and why, its rate, its
 * queue, what it processed and lost, its letters held. NiFi shows a component's status where it is
 * edited; here the form had only settings, and a user tuning a queue's capacity read the effect
 * off the graph's 9 px labels at 1280x720.
 */
import { kernelOf, useLiveValue, useStale } from '../../state/live';
import { countOf, formatCompact, formatCount, formatRate } from '../design/format';
import { depthText, depthTitle, inFlightTitle, lossText } from '../graph/depth';
import { switchedAgo } from '../gpu/placement';

function nowOf(id: string) {
  return (s: Parameters<typeof kernelOf>[0]) => {
    const k = kernelOf(s, id);
    return k
      ? {
          backend: k.backend,
          reason: k.placement?.reason ?? k.fallbackReason ?? '',
          switched: k.placement && s ? switchedAgo(k.placement.lastSwitchUs, s.timeUs) : '',
          rate: k.ratePerSec,
          queued: k.queued,
          peak: k.peakQueued,
          capacity: k.capacity,
          inFlight: k.inFlight,
          processed: k.processed,
          dropped: k.dropped,
          // The count alone: the object is a copy in every snapshot (see useLiveValue).
          evicted: k.lettersByReason.DroppedOldest ?? 0,
          held: k.lettersHeld,
          backpressure: k.backpressure,
        }
      : null;
  };
}

export function KernelNow({ id }: { id: string }) {
  const k = useLiveValue(nowOf(id));
  const stale = useStale();
  if (!k) return null;
  return (
    <section
      aria-label={`${id} now`}
      className={`kernel-now ${stale.className}`}
      title={stale.title}
      data-testid="kernel-now"
    >
      <dl>
        {/* The whole row: in half of it, the bottleneck badge wrapped under "CPU twin" as it came
            and went, and the form below moved 26 px each time. */}
        <div className="kernel-now-runs">
          <dt>Runs on</dt>
          <dd title={k.reason}>
            {k.backend === 'webgpu' ? 'WebGPU' : 'CPU twin'}
            {k.backpressure ? <span className="badge badge-warn">bottleneck</span> : null}
          </dd>
        </div>
        {/* Why, and since when, in words where it is read: only on hover, the Inspector had
            never said why a kernel ran where it did (the GPU tab and the node's hover did). */}
        {k.reason ? (
          <div className="kernel-now-why" data-testid="kernel-now-why">
            <dt className="sr-only">Why</dt>
            <dd>
              {k.reason}
              {k.switched ? ` (${k.switched})` : ''}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Rate</dt>
          <dd>{formatRate(k.rate)}</dd>
        </div>
        <div>
          <dt>Queue</dt>
          <dd
            title={`${depthTitle(k.queued, k.peak, k.capacity)}${k.inFlight > 0 ? `; ${inFlightTitle(k.inFlight, k.capacity)}` : ''}`}
          >
            {depthText(k.queued, k.peak, k.capacity)}
            {k.inFlight > 0 ? ` + ${formatCount(k.inFlight)} in flight` : ''}
          </dd>
        </div>
        <div>
          <dt>Processed</dt>
          <dd>{formatCount(k.processed)}</dd>
        </div>
        <div>
          <dt>Refused or evicted</dt>
          <dd
            className={k.dropped > 0 ? (k.held > 0 ? 'lost' : 'lost settled') : undefined}
            title={k.dropped > 0 ? lossText(k.dropped, k.evicted, formatCount) : undefined}
          >
            {formatCount(k.dropped)}
          </dd>
        </div>
        <div>
          <dt>Dead letters held</dt>
          <dd title={`${countOf(k.held, 'letter')} of this kernel's in Dead letters now`}>
            {formatCount(k.held)}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/**
 * A kernel's line in the Inspector's outline: its rate, its queue, and what it refused or evicted
 * (`1.10 M/s · ≤300 / 4,096 · 392 K refused`); nothing before the first snapshot.
 */
export function KernelLine({ id }: { id: string }) {
  const k = useLiveValue(nowOf(id));
  const stale = useStale();
  if (!k) return null;
  return (
    <span
      className={`kernel-line ${stale.className}`}
      title={stale.title}
      data-testid={`kernel-line-${id}`}
    >
      {formatRate(k.rate)} ·{' '}
      <span title={depthTitle(k.queued, k.peak, k.capacity)}>
        {depthText(k.queued, k.peak, k.capacity)}
      </span>
      {k.dropped > 0 ? (
        // Grey once none of its letters is held (redriven, purged), as the graph's mark is.
        <span className={k.held > 0 ? 'lost' : 'lost settled'}>
          {' '}
          · {lossText(k.dropped, k.evicted, formatCompact)}
        </span>
      ) : null}
    </span>
  );
}
