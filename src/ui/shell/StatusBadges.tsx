/**
 * Two toolbar badges that replace start-up toasts: where the kernels run (WebGPU, CPU twin or a
 * mix, with each kernel's reason on hover/focus) and the traffic control, whose Stop button is
 * there for as long as the generator runs, whichever panel is open.
 */
import { useRef, useState, type RefObject } from 'react';
import * as Tooltip from '@radix-ui/react-tooltip';
import type { EngineSnapshot } from '../../engine/protocol';
import { useLiveValue, useStale } from '../../state/live';
import { useWorkbench, workbenchStore } from '../../state/store';
import { useEngine } from '../engineContext';
import { formatCompact, formatCount, formatRate } from '../design/format';
import { describeSpec, generatorSpecOf } from '../inject/generatorSpec';
import { engineLimit, heldBySend, starting, useMeanWhenBehind } from '../live/engineLimit';
import { AT_ASKED } from '../../state/steadyRates';
import { SUSTAINED_S } from '../../state/sustained';
import { useAdapterLine } from '../gpu/adapter';
import { useFocusHandOver, type FocusHandOver } from '../design/useFocusHandOver';

/**
 * Whether a kernel on its CPU twin is there by choice: forced to `cpu`, or `auto` with WebGPU
 * ready, measuring it or having found the twin faster. Otherwise (no adapter, device lost,
 * `webgpu` not running there) the twin is a fallback, and the badge is amber; while WebGPU is
 * still starting it is neither.
 */
function onCpuByChoice(k: EngineSnapshot['kernels'][number]): boolean {
  const p = k.placement;
  return p.mode === 'cpu' || (p.mode === 'auto' && p.gpuReady);
}

/** Per kernel what the badge shows: where it runs, why, and whether the twin is a fallback. */
function backendRows(s: EngineSnapshot | null) {
  return (s?.kernels ?? []).map((k) => ({
    id: k.id,
    backend: k.backend,
    reason: k.placement?.reason ?? k.fallbackReason ?? '',
    fallback: k.backend === 'cpu' && !onCpuByChoice(k) && !k.placement?.gpuStarting,
    starting: k.backend === 'cpu' && k.placement?.gpuStarting === true,
  }));
}

export function BackendBadge() {
  // A structure compared by content: the badge re-renders only when a row changes.
  const kernels = useLiveValue(backendRows);
  const adapter = useAdapterLine();
  const gpu = kernels.filter((k) => k.backend === 'webgpu').length;
  const cpu = kernels.length - gpu;
  const label =
    kernels.length === 0
      ? 'Engine starting'
      : cpu === 0
        ? `WebGPU · ${gpu}`
        : gpu === 0
          ? `CPU twin · ${cpu}`
          : `WebGPU ${gpu} · CPU ${cpu}`;
  // Amber only when a kernel runs on its twin for want of WebGPU, not when `auto` chose the twin;
  // neutral while WebGPU starts (amber for the page's first half second said a fallback).
  const tone =
    kernels.length === 0
      ? 'neutral'
      : kernels.some((k) => k.fallback)
        ? 'warn'
        : kernels.some((k) => k.starting)
          ? 'neutral'
          : 'ok';
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <button
          type="button"
          className={`badge badge-${tone} badge-button`}
          data-testid="backend-badge"
          aria-label={`Kernel backends: ${label}`}
        >
          <span className="dot" aria-hidden="true" />
          {label}
        </button>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="tooltip" side="bottom" align="end" sideOffset={6}>
          {adapter ? <p className="tooltip-lead">{adapter}</p> : null}
          {kernels.length === 0 ? (
            'Waiting for the engine’s first snapshot.'
          ) : (
            <table className="tooltip-table">
              <tbody>
                {kernels.map((k) => (
                  <tr key={k.id}>
                    <th scope="row">{k.id}</th>
                    <td>{k.backend === 'webgpu' ? 'WebGPU' : 'CPU twin'}</td>
                    <td className="muted">{k.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

/**
 * No traffic: says so, with Start beside it, which starts the generator as the Inject panel's
 * Generator form describes it (the same spec its Start generator sends; by default the routed
 * types at 1,000 messages/s, Poisson, until stopped), so the live panels are one click away.
 */
function IdleTraffic({
  hand,
  startRef,
}: {
  hand: FocusHandOver;
  startRef: RefObject<HTMLButtonElement | null>;
}) {
  const engine = useEngine();
  const form = useWorkbench((s) => s.generatorForm);
  const routes = useWorkbench((s) => s.config.routes);
  const spec = generatorSpecOf(form, routes);
  const ok = typeof spec !== 'string';
  const start = async (): Promise<void> => {
    const reply = ok ? await engine.request({ type: 'startGenerator', spec }) : null;
    const problem = !ok ? spec : reply && !reply.ok ? reply.error.message : null;
    if (problem) {
      hand.drop();
      workbenchStore().getState().notify('error', `Traffic not started: ${problem}`);
    }
  };
  // A run that went its whole duration says so: back to "generator idle" with nothing else, the
  // traffic that stopped by itself 10 s after Start looked like a crash.
  const finished = useLiveValue((s) =>
    s?.generator.finished && s.generator.spec
      ? { emitted: s.generator.emitted, ms: s.generator.spec.durationMs ?? 0 }
      : null,
  );
  // A paced redrive sends while the generator is idle: "generator idle" beside 1,025/s on the graph
  // and in Queues read as traffic from nowhere.
  const redrive = useLiveValue((s) => {
    const r = s?.deadLetters.redrive;
    return r?.state === 'running' ? { rate: r.ratePerSec, sent: r.sent, total: r.total } : null;
  });
  const sending = useLiveValue((s) => s?.sending ?? null);
  return (
    <span className="traffic idle" data-testid="traffic-status">
      {sending ? (
        <span className="muted" data-testid="traffic-sending" title={sendingTitle(sending)}>
          {sendingText(sending)}
        </span>
      ) : redrive ? (
        <span
          className="muted"
          data-testid="traffic-redrive"
          title={`Dead letters → redrive, paced at ${formatRate(redrive.rate)}: ${formatCount(redrive.sent)} of ${formatCount(redrive.total)} sent. The generator is idle.`}
        >
          redriving · {formatRate(redrive.rate)}
        </span>
      ) : finished ? (
        <span
          className="muted"
          data-testid="traffic-finished"
          title={`The generator ran the ${formatCount(finished.ms)} ms set in Inject → Generator (Duration; 0 runs until Stop): ${formatCount(finished.emitted)} messages sent.`}
        >
          finished · {formatCompact(finished.emitted)} sent
        </span>
      ) : (
        <span className="muted">generator idle</span>
      )}
      <button
        type="button"
        className="btn-sm"
        ref={startRef}
        onClick={(e) => {
          hand.note(e.currentTarget);
          void start();
        }}
        data-testid="toolbar-start"
        aria-label="Start traffic"
        title={
          ok
            ? `Start the generator as set in Inject → Generator: ${describeSpec(spec)}`
            : `The Inject → Generator settings cannot start: ${spec}`
        }
      >
        ▶ Start
      </button>
    </span>
  );
}

/** A burst being sent (`snapshot.sending`), how far, on the toolbar. */
function sendingText(s: { count: number; sent: number }): string {
  return `sending burst · ${Math.floor((100 * s.sent) / Math.max(1, s.count))} %`;
}

/**
 * What a burst being sent holds back: a send holds the engine's thread, so the kernels read 0/s
 * and the generator falls behind until it is all in (QA: a full queue's kernel at "0/s" beside
 * "bottleneck" read as a slow kernel).
 */
function sendingTitle(s: { count: number; sent: number }): string {
  return (
    `A burst of ${formatCount(s.count)} is being sent: ${formatCount(s.sent)} so far. ` +
    'It goes in whole before the kernels run again: they take from their queues once it is ' +
    'all in, so their rates read 0/s until then, and a running generator falls behind.'
  );
}

/**
 * Entering this much above the asked rate while this late (ms) reads as catching up: the band the
 * rates on screen refresh at once on entering or leaving (`steadyRates`).
 */
const CATCH_UP_RATIO = 1 + AT_ASKED;
const CATCH_UP_MIN_MS = 20;
/** The generator this late (ms), short of the engine's limit, is said on the badge. */
const SHOWN_LAG_MS = 100;
/**
 * From this rate up, steady traffic never measures a tenth above the rate asked by chance (half a
 * second of Poisson arrivals at 10 K/s varies by about 1.4 %): more is a catch-up still in the
 * rate's window after the lag itself is gone. Below it, or in bursts, it may be chance.
 */
const STEADY_RATE = 10_000;

/** The figures a state of the running generator's badge is worded from. */
interface BadgeFigures {
  actual: number;
  mean: number | null;
  asked: number;
  lagMs: number;
  lateBy: string;
  fullest: number;
  sending: { count: number; sent: number } | null;
  /** The last burst sent by hand, once it is all in. */
  sent: { count: number } | null;
}

/** What the running generator's badge reads in each state (`data-behind`), and its hover. */
const BADGE_STATES: Record<
  'true' | 'starting' | 'catching-up' | 'lagging' | 'false' | 'sending' | 'resuming',
  (r: BadgeFigures) => {
    text: string;
    title: string;
  }
> = {
  // A burst being sent holds the generator back too: said so rather than "0/s · 0.6 s behind"
  // beside a hover of 806 K/s entering (QA).
  sending: ({ sending }) => {
    const s = sending ?? { count: 0, sent: 0 };
    return {
      text: sendingText(s),
      title: `${sendingTitle(s)} The generator's run goes on once it is in.`,
    };
  },
  // The mean of the last 3 s, not the half-second rate: at the engine's limit that swung by more
  // than a quarter several times a second, and each swing was shown at once.
  true: ({ actual, mean, asked, lateBy, fullest }) => ({
    text: `${formatCompact(mean ?? actual)} of ${formatRate(asked)}`,
    title:
      `Messages enter at ${formatRate(mean ?? actual)}` +
      (mean === null
        ? ''
        : ` (its mean over the last ${SUSTAINED_S} s, or since the run's first half second, or over the last second where that is under half of it; ${formatRate(actual)} over the last half second)`) +
      ` of the ${formatRate(asked)} asked for: the engine ` +
      `does not keep up, and the generator is ${lateBy} behind its schedule.` +
      (fullest < 0.5
        ? ' Every kernel queue is less than half full: the limit is the engine itself (drawing ' +
          'and routing messages on its thread), not a kernel.'
        : ' A kernel queue is filling: see the graph and the Queues panel for which.'),
  }),
  // Above the asked rate in the first half second, the figure is the first burst (or the first
  // few Poisson arrivals) over a few ms, not a rate: bursts at 1,000/s had read "11.4 K/s ·
  // starting" (QA). The rate asked is said then, as asked.
  starting: ({ actual, asked }) =>
    actual > asked * CATCH_UP_RATIO
      ? {
          text: `starting at ${formatRate(asked)}`,
          title:
            `The run started under half a second ago, at the ${formatRate(asked)} asked for: its ` +
            `first messages, all in within a few ms, would read as ${formatRate(actual)}, a figure ` +
            `that is not yet a rate.`,
        }
      : {
          text: `${formatRate(actual)} · starting`,
          title:
            `Messages enter at ${formatRate(actual)} since the run started, under half a second ago: ` +
            `the engine is warming up to the ${formatRate(asked)} asked for.`,
        },
  // Just after a burst sent by hand: the send held the generator back, and the rate's half-second
  // window still holds the pause. It had read an amber "1,000 of 100 K/s", "the engine does not
  // keep up", for a second before the engine caught up at 335 K/s (QA).
  resuming: ({ actual, asked, lateBy, sent }) => ({
    text: `${formatRate(actual)} · resuming`,
    title:
      `A burst${sent ? ` of ${formatCount(sent.count)}` : ''} sent by hand held the generator back: ` +
      `it is ${lateBy} behind its schedule and resumes, ${formatRate(actual)} entering over the ` +
      `last half second (the pause still in it) of the ${formatRate(asked)} asked for.`,
  }),
  'catching-up': ({ actual, asked, lagMs, lateBy }) => ({
    text: `${formatRate(actual)} · catching up`,
    title:
      `Messages enter at ${formatRate(actual)}, ${actual >= asked ? 'faster than' : 'about'} the ${formatRate(asked)} asked for: ` +
      (lagMs >= SHOWN_LAG_MS
        ? `the engine is catching up with the generator's schedule (${lateBy} behind).`
        : // Not "(0.0 s behind)": the lag is gone, the rate's window still holds the catch-up.
          "the engine has caught up with the generator's schedule, and the rate, measured over " +
          'the last half second, still holds the catch-up.'),
  }),
  lagging: ({ actual, asked, lateBy }) => ({
    text: `${formatRate(actual)} · ${lateBy} behind`,
    title:
      `Messages enter at ${formatRate(actual)}, ${actual < asked ? 'under' : 'over'} the ${formatRate(asked)} asked for, ` +
      `and the generator is ${lateBy} behind its schedule (the engine's thread or the ` +
      `machine was busy). It turns amber if that lasts: half a second behind, or 0.1 s ` +
      `entering under half the asked rate.`,
  }),
  false: ({ actual, asked }) => ({
    text: formatRate(actual),
    title: `Messages the generator sends per second (it was asked for ${formatRate(asked)}).`,
  }),
};

/** How long the traffic badge keeps a state it changed to, µs of engine time. */
const STATE_HOLD_US = 1_000_000;

/**
 * Whether what state `state` says still holds for the figures now: a state the badge keeps for a
 * second (`useHeldState`) gives way at once when it no longer does. Held, it had read an amber
 * "335 K of 100 K/s" with "0.0 s behind its schedule" on hover, and "114 K/s · 0.0 s behind" (QA).
 */
function stillTrue(state: keyof typeof BADGE_STATES, f: BadgeFigures): boolean {
  switch (state) {
    case 'true':
      return f.lagMs >= SHOWN_LAG_MS && (f.mean ?? f.actual) < f.asked;
    // Behind holds while the lag lasts, and catching up, with a lag, within a band of the asked
    // rate: each is the other's end, and they let go of each other at every snapshot while the
    // rate swung around the asked one.
    case 'lagging':
      return f.lagMs >= SHOWN_LAG_MS;
    case 'resuming':
      return f.lagMs >= SHOWN_LAG_MS && f.actual < f.asked;
    case 'catching-up':
      // With no lag left, only while still more than a tenth over the asked rate (within it the
      // generator runs at it, `AT_ASKED`): "1,000/s · catching up" had stood at the asked rate,
      // and "1.03 M/s · catching up" for a second 1 ms behind (QA).
      return f.lagMs >= SHOWN_LAG_MS
        ? f.actual * CATCH_UP_RATIO >= f.asked
        : f.actual > f.asked * CATCH_UP_RATIO;
    default:
      return true;
  }
}

/**
 * `raw`, except that a state shown stays at least `holdUs` (by `atUs`) once it changed, unless
 * `free(from, to)`; a clock going back lets it change at once.
 */
function useHeldState<T extends string>(
  raw: T,
  atUs: number,
  holdUs: number,
  free: (from: T, to: T) => boolean,
): T {
  const [held, setHeld] = useState<{ state: T; since: number }>({ state: raw, since: atUs });
  if (raw === held.state) return raw;
  if (atUs < held.since || atUs - held.since >= holdUs || free(held.state, raw)) {
    setHeld({ state: raw, since: atUs });
    return raw;
  }
  return held.state;
}

/**
 * Generator status and Stop, always in the toolbar. The badge shows the rate messages really
 * enter at (the engine's measured injected rate), not the rate asked for: when the engine cannot
 * keep up, it reads "2.71 M of 10.0 M/s" in amber and says how far behind schedule it is.
 */
export function TrafficControl() {
  const engine = useEngine();
  const running = useWorkbench((s) => s.snapshot?.generator.running ?? false);
  // Start and Stop replace each other: the one that appears takes the focus the other had.
  const startRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const hand = useFocusHandOver(running, () => (running ? stopRef : startRef).current);
  const emitted = useWorkbench((s) => s.snapshot?.generator.emitted ?? 0);
  const asked = useWorkbench((s) => s.snapshot?.generator.spec?.ratePerSec ?? 0);
  const inBursts = useWorkbench((s) => s.snapshot?.generator.spec?.pattern === 'bursts');
  // The generator's own rate: a burst sent by hand meanwhile read as the generator's ("16.5 K/s"
  // beside 1,000/s asked). All that enters is said on hover when it differs.
  const actual = useWorkbench((s) =>
    Math.round(s.snapshot?.generator.ratePerSec ?? s.snapshot?.rates.injectedPerSec ?? 0),
  );
  const entering = useWorkbench((s) => Math.round(s.snapshot?.rates.injectedPerSec ?? 0));
  const lagMs = useWorkbench((s) => Math.round(s.snapshot?.generator.lagMs ?? 0));
  // The engine does not keep up: the same test Predict and Problems make, so all three agree.
  const behind = useWorkbench((s) => engineLimit(s.snapshot, null, s.sendEnded) !== null);
  // The rate the amber reading gives, as Inject, Predict and Problems read it: the 3 s mean where
  // under the asked rate (the raw mean had read an amber "3.59 M of 3.00 M/s" beside their 1.78 M,
  // a catch-up's burst still in it: QA), null where that is the half-second rate.
  const mean = useMeanWhenBehind();
  // Its first half second: the engine warms up, and its rate is not yet the run's.
  const startingUp = useWorkbench((s) => starting(s.snapshot));
  // The fullest queue, as a fraction of its capacity: behind schedule with every queue near
  // empty, the limit is the engine's own thread (drawing and routing), not a kernel.
  const fullest = useWorkbench((s) =>
    (s.snapshot?.kernels ?? []).reduce(
      (m, k) => Math.max(m, k.capacity > 0 ? k.queued / k.capacity : 0),
      0,
    ),
  );
  // Dimmed with its age once no snapshot came for a second (the engine's worker stalled; a burst
  // of a million did it before its sends posted snapshots): "269 K of 1.00 M/s" had read on for
  // 4.4 s while nothing entered (QA).
  const stale = useStale();
  const sending = useLiveValue((s) => s?.sending ?? null);
  // Behind schedule and entering slower than asked: the engine does not keep up (amber). Behind
  // but entering at the asked rate or faster: it is catching up after a stall, and "643 K of
  // 300 K/s" in amber would read as nonsense (green, "catching up").
  // Entering more than a tenth above the asked rate is catching up, whatever the lag
  // (the first seconds after Start): shown bare, "2.79 M/s" beside 2 M/s asked read as wrong. At
  // a steady rate it still is once the lag is gone, while the surge is in the rate's half-second
  // window: a bare "3.25 M/s" beside 2 M/s asked showed for 0.4 s with the lag at 1 ms.
  const surge =
    actual > asked * CATCH_UP_RATIO &&
    (lagMs > CATCH_UP_MIN_MS || (asked >= STEADY_RATE && !inBursts));
  // A lag worth saying, short of the engine's limit: at or above the asked rate it is catching
  // up, under it it is behind by so much. Only a tenth over counted as catching up and the rest
  // read bare: 350 ms behind, "2.29 M/s · catching up" and "2.18 M/s" by turns, and "1.27 M/s"
  // in green, 36 % under the 2 M/s asked, with nothing said.
  const lagging = lagMs >= SHOWN_LAG_MS;
  const lateBy = `${(lagMs / 1000).toFixed(1)} s`;
  const nowUs = useWorkbench((s) => s.snapshot?.timeUs ?? 0);
  // The last burst sent by hand while the generator ran, once it is all in.
  const sent = useWorkbench((s) => s.sendEnded);
  // Within 3 s (the mean's window) after a burst sent by hand (`heldBySend`), while the generator
  // is still behind: the send held it back, not the engine's limit. The catch-up after it too, at
  // any rate: below 10 K/s the surge had read bare ("3,529/s" beside 1,000/s asked), as chance
  // might.
  // (While one is being sent the badge reads 'sending', first.)
  const afterSend = useWorkbench(
    (s) => s.snapshot !== null && heldBySend(s.snapshot, s.sendEnded) !== null,
  );
  const resuming = afterSend && (lagMs >= SHOWN_LAG_MS || actual > asked * CATCH_UP_RATIO);
  // One state, derived once, the first that holds: what the badge reads, its hover and
  // `data-behind` follow from it.
  const state: keyof typeof BADGE_STATES = sending
    ? 'sending'
    : startingUp
      ? 'starting'
      : resuming
        ? actual >= asked
          ? 'catching-up'
          : 'resuming'
        : behind
          ? 'true'
          : surge || (lagging && actual >= asked)
            ? 'catching-up'
            : lagging
              ? 'lagging'
              : 'false';
  // Held a second once changed (engine time), but for the run's start: at the engine's limit
  // the rate swung around the asked one several times a second, and the badge turned from amber
  // "561 K of 1.00 M/s" to green "1.16 M/s · catching up" and back as often (QA). At the limit
  // the amber figure is the 3 s mean, under the asked rate through the swings, so it holds.
  const figures: BadgeFigures = {
    actual,
    mean,
    asked,
    lagMs,
    lateBy,
    fullest,
    sending,
    sent,
  };
  const free = (a: keyof typeof BADGE_STATES, b: keyof typeof BADGE_STATES): boolean =>
    // Into and out of a send, and what follows one, at once: a state the send's stall made was
    // held a second after it.
    [a, b].some((x) => x === 'starting' || x === 'sending' || x === 'resuming') ||
    !stillTrue(a, figures);
  const shown = useHeldState(state, nowUs, STATE_HOLD_US, free);
  if (!running) return <IdleTraffic hand={hand} startRef={startRef} />;
  const badge = BADGE_STATES[shown](figures);
  return (
    <span className="traffic" data-testid="traffic-status">
      <span
        className={`badge ${shown === 'true' ? 'badge-warn' : 'badge-ok'} ${stale.className}`}
        // The count sent is in Inject's generator line; here, on hover (beside the badge it left
        // the search box 60 px wide at 1280x720).
        title={
          (stale.title ? `${stale.title}. ` : '') +
          `${badge.title} ${formatCount(emitted)} sent so far.` +
          (!sending && entering > actual * CATCH_UP_RATIO + 1
            ? ` With messages sent by hand, ${formatRate(entering)} enter in all.`
            : '')
        }
        data-testid="traffic-rate"
        data-behind={shown}
      >
        <span className="dot" aria-hidden="true" />
        {badge.text}
      </span>
      <button
        type="button"
        className="btn-danger btn-sm"
        ref={stopRef}
        onClick={(e) => {
          hand.note(e.currentTarget);
          engine.send({ type: 'stopGenerator' });
        }}
        data-testid="toolbar-stop"
        aria-label="Stop traffic"
        title="Stop the generator (messages already queued are still processed)"
      >
        ■ Stop
      </button>
    </span>
  );
}
