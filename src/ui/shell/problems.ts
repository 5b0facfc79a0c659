import { validateWorkspace, type RouteConfig } from '../../core/config';
import type { EngineSnapshot } from '../../engine/protocol';
import type { LiveSlice } from '../../state/live';
import { countOf, formatCount, formatRate } from '../design/format';
import { lossesOf } from '../graph/depth';
import { behindSchedule } from '../live/engineLimit';
import { kernelNodeId, typeNodeId } from '../../state/edits';

export type Problem = ReturnType<typeof validateWorkspace>[number];

const validated = new WeakMap<RouteConfig, Problem[]>();

/**
 * The config's problems, validated once per config (an edit makes a new config object): the graph's
 * rings, the Problems panel and its tab's count each asked for them at every edit.
 */
export function configProblems(config: RouteConfig): Problem[] {
  let problems = validated.get(config);
  if (!problems) {
    problems = validateWorkspace(config);
    validated.set(config, problems);
  }
  return problems;
}

/** The graph element a problem points at: a node id or an edge id. */
export function problemElementId(p: Problem): string {
  switch (p.target.kind) {
    case 'type':
      return typeNodeId(p.target.id);
    case 'kernel':
      return kernelNodeId(p.target.id);
    case 'route':
      return `route:${p.target.id}`;
    case 'k2k':
      return `k2k:${p.target.id}`;
  }
}

/** Worst severity per graph element, for rings on nodes and red edges. */
export function problemNodeIds(problems: readonly Problem[]): Map<string, 'error' | 'warning'> {
  const map = new Map<string, 'error' | 'warning'>();
  for (const p of problems) {
    const id = problemElementId(p);
    if (map.get(id) !== 'error') map.set(id, p.severity);
  }
  return map;
}

/** What the running system lost or cannot keep up with (since the counters were reset). */
export interface LiveProblem {
  code:
    | 'DeadLettersLost'
    | 'QueueOverflow'
    | 'KernelFailed'
    | 'LettersHeld'
    | 'GeneratorBehind'
    | 'NoRoute';
  message: string;
  /** The graph node to select, if the problem has one. */
  nodeId?: string;
  /** The dock tab that shows it, if no node does. */
  tab?: 'deadletters';
  /**
   * A state of the moment, not a loss counted since the reset: listed while it lasts, and this
   * says when it goes ("when the generator is back on its schedule or stops").
   */
  until?: string;
  /**
   * A loss that is history: nothing of it is held or waiting any more (a queue's refusals whose
   * letters were all redriven, purged or pushed out). Listed until Reset counters, but the tab's
   * count is grey when every problem is such: an amber "1" had stood after a full recovery.
   */
  settled?: true;
}

/**
 * What the dead-letter queue holds now, and what to do about it: room to make only while it is
 * full ("redrive or purge letters" had stood beside "It holds 0 now", after a purge).
 */
function lettersRoom(q: EngineSnapshot['deadLetters']): string {
  if (q.count >= q.capacity)
    return `It holds ${formatCount(q.count)} now; redrive or purge letters (Dead letters tab) to make room for new ones.`;
  if (q.count === 0) return 'It holds none now: new ones have room.';
  return `It holds ${formatCount(q.count)} of ${formatCount(q.capacity)} now: new ones have room.`;
}

/**
 * What a queue's overflow did, whatever its policy is now (changed under load, it had read
 * "refused 357,114 messages (deadLetter)" for refusals and evictions alike), and the policy:
 * "policy now" where it is not what was done (evictions under reject, refusals under dropOldest).
 */
function overflowWords(k: EngineSnapshot['kernels'][number], policy: string | undefined): string {
  const { refused, evicted } = lossesOf(k.dropped, k.lettersByReason.DroppedOldest ?? 0);
  const did =
    evicted === 0
      ? `refused ${countOf(k.dropped, 'message')}`
      : refused === 0
        ? `evicted ${countOf(k.dropped, 'message')}`
        : `refused ${formatCount(refused)} and evicted ${countOf(evicted, 'message')}`;
  const changed = policy === 'dropOldest' ? refused > 0 : evicted > 0;
  return `${did}${policy ? ` (${changed ? 'policy now ' : ''}${policy})` : ''}`;
}

/**
 * The live problems in a snapshot: letters lost from a full dead-letter queue, queues that
 * refused or evicted messages, kernels that failed on messages, a generator the engine cannot
 * keep up with. "No problems found" beside a status bar counting 185 K evicted read as a
 * contradiction: Problems checked only the config.
 */
export function liveProblems(
  s: EngineSnapshot | null,
  config: Pick<RouteConfig, 'kernels'>,
  /** The generator's mean rate over the last 3 s (`generatorMean`), said when it falls behind. */
  mean: number | null = null,
  /** The live slice's last burst sent by hand (`sendEnded`): behind after one, the send is why. */
  sendEnded: LiveSlice['sendEnded'] = null,
): LiveProblem[] {
  if (!s) return [];
  const policyOf = new Map(config.kernels.map((k) => [k.id, k.overflowPolicy]));
  const out: LiveProblem[] = [];
  if (s.deadLetters.evicted > 0)
    out.push({
      code: 'DeadLettersLost',
      // "From the full queue" beside "it holds 5,904" after a redrive read as a queue full at
      // 5,904: it was full when they went, and the count is what it holds now.
      message: `${countOf(s.deadLetters.evicted, 'dead letter')} ${s.deadLetters.evicted === 1 ? 'was' : 'were'} pushed out of the dead-letter queue while it was full, and ${s.deadLetters.evicted === 1 ? 'is' : 'are'} lost for good. ${lettersRoom(s.deadLetters)}`,
      tab: 'deadletters',
    });
  // Messages of a type routed to no kernel (a route removed while the generator still sends the
  // type): no kernel's loss, so no line of a kernel said so while 1,325 letters piled up.
  const unrouted = s.receipts.byStatus.NoRoute ?? 0;
  if (unrouted > 0)
    out.push({
      code: 'NoRoute',
      // Counted by receipt, a send each: one message redriven and refused again had read as "2
      // messages". A type the config does not define cannot be routed until it is added (QA: the
      // advice read "Route the type" for type 9999, which the Inspector has no way to route).
      message: `${countOf(unrouted, 'send')} found no route (NoRoute): ${unrouted === 1 ? 'its type is' : 'their types are'} routed to no kernel, and ${unrouted === 1 ? 'it was' : 'each was'} dead-lettered. Route the type (a type the config does not define: add it first, + Type), then redrive (Dead letters tab); a generator still sending it sends the mix it was started with until it is restarted.`,
      tab: 'deadletters',
    });
  for (const k of s.kernels) {
    const policy = policyOf.get(k.id);
    if (k.dropped > 0)
      out.push({
        code: 'QueueOverflow',
        // No capacity: the losses may have happened at another one than the queue has now.
        message:
          `${k.id}: its queue ${overflowWords(k, policy)}.` +
          // All at once, letters taken back into a queue that just overflowed overflow it again.
          // Its own letters, counted: the advice stood while the full dead-letter queue had
          // pushed every one of them out.
          (k.lettersHeld > 0 && s.deadLetters.redrive?.state !== 'running'
            ? ` ${formatCount(k.lettersHeld)} of its letters ${k.lettersHeld === 1 ? 'is' : 'are'} held: ${k.lettersHeld === 1 ? 'it' : 'they'} can go back paced (Dead letters, Options, pace), which fills its queue to half at most.`
            : '') +
          // After a redrive of them all the loss still stood, as if nothing had been recovered.
          (k.lettersHeld === 0 && k.deadLettered > 0
            ? s.deadLetters.evicted > 0
              ? ' None of its letters is held now: pushed out of the full dead-letter queue, redriven or purged.'
              : ' No dead letter is held now: they were redriven or purged.'
            : '') +
          // Forced onto a WebGPU that does not keep up: the backend is why, and the way out. It
          // had lost a million messages at 50 K/s on SwiftShader, nothing here naming WebGPU (QA).
          (k.backpressure && k.backend === 'webgpu' && k.placement.mode === 'webgpu'
            ? ` It is forced onto WebGPU, which does not keep up${k.placement.gpuRate !== null ? ` (measured ${formatRate(k.placement.gpuRate)})` : ''}: its backend set to auto or cpu runs it on its CPU twin${k.placement.cpuRate !== null ? ` (measured ${formatRate(k.placement.cpuRate)})` : ''}.`
            : ''),
        nodeId: kernelNodeId(k.id),
        ...(k.lettersHeld === 0 ? { settled: true as const } : {}),
      });
    const failed = (k.lettersByReason.KernelError ?? 0) + (k.lettersByReason.InvalidPayload ?? 0);
    if (failed > 0)
      out.push({
        code: 'KernelFailed',
        message: `${k.id}: failed on ${countOf(failed, 'message')} it took (KernelError, InvalidPayload; see Dead letters).`,
        nodeId: kernelNodeId(k.id),
      });
    // Letters held from before Reset counters: the losses they came from are no longer counted,
    // and Problems had emptied (its tab count gone) beside a status bar and a Dead letters tab
    // saying 1,479 held.
    if (k.dropped === 0 && failed === 0 && k.lettersHeld > k.deadLettered)
      out.push({
        code: 'LettersHeld',
        message: `${k.id}: ${countOf(k.lettersHeld, 'dead letter')} for it ${k.lettersHeld === 1 ? 'is' : 'are'} held from before the counters were reset; redrive or purge ${k.lettersHeld === 1 ? 'it' : 'them'} (Dead letters tab).`,
        nodeId: kernelNodeId(k.id),
        until: 'when they are redriven or purged',
      });
  }
  const late = behindSchedule(s, mean, sendEnded);
  if (late) {
    const behind = `The generator is ${(late.lagMs / 1000).toFixed(1)} s behind its schedule`;
    out.push({
      code: 'GeneratorBehind',
      until: 'when the generator is back on its schedule or stops',
      message:
        late.heldBySend !== null
          ? s.sending
            ? `${behind}: a burst of ${formatCount(late.heldBySend)} being sent by hand holds it back.`
            : `${behind}: the burst of ${formatCount(late.heldBySend)} sent by hand held it back, and it resumes.`
          : late.catchingUp
            ? `${behind}, catching up: ${formatRate(late.actual)} enter, above the ${formatRate(late.asked)} asked.`
            : `${behind}: the engine takes ${formatRate(late.sustained)} of the ${formatRate(late.asked)} asked.`,
    });
  }
  return out;
}
