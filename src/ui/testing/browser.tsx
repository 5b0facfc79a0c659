/**
 * Helpers for component tests in the browser (`*.browser.test.tsx`): a fresh store, a fake engine
 * client that records what it was sent, snapshots with only the parts a test sets, and a render
 * into the page with the providers the app's composition root would give.
 */
import type { ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { demoConfig, type RouteConfig } from '../../core/config';
import type { EngineClient } from '../../engine/client';
import type {
  EngineCommand,
  EngineReply,
  EngineSnapshot,
  KernelSnapshot,
  ReceiptRow,
} from '../../engine/protocol';
import { initStore, type WorkbenchStore } from '../../state/store';
import { EngineContext } from '../engineContext';

export interface FakeEngine extends EngineClient {
  /** Every command sent or requested, in order. */
  sent: EngineCommand[];
}

/** An engine client that answers every request `ok` (or with `answer`'s reply) and records it. */
export function fakeEngine(answer?: (cmd: EngineCommand) => EngineReply | undefined): FakeEngine {
  const sent: EngineCommand[] = [];
  return {
    sent,
    send(cmd) {
      sent.push(cmd);
    },
    async request(cmd) {
      sent.push(cmd);
      return answer?.(cmd) ?? ({ ok: true, command: cmd.type } as EngineReply);
    },
    latest: () => null,
    subscribe: () => () => undefined,
    restart: () => undefined,
    terminate: () => undefined,
    crashCount: () => 0,
  } as FakeEngine;
}

export function freshStore(config: RouteConfig = demoConfig()): WorkbenchStore {
  return initStore({ config, workspaceName: 'test' });
}

export function kernelRow(k: Partial<KernelSnapshot> & { id: string }): KernelSnapshot {
  return {
    backend: 'cpu',
    behavior: 'generic',
    tenantId: 0,
    queueDepth: k.queued ?? 0,
    queued: 0,
    inFlight: 0,
    peakQueued: k.queued ?? 0,
    maxDepth: 0,
    capacity: 1024,
    processed: 0,
    dropped: 0,
    deadLettered: 0,
    lettersHeld: k.deadLettered ?? 0,
    lettersByReason: {},
    emitted: 0,
    ratePerSec: 0,
    backpressure: false,
    placement: {
      mode: 'cpu',
      reason: 'Backend set to cpu.',
      cpuRate: null,
      gpuRate: null,
      crossoverBatch: null,
      batchSize: 0,
      lastSwitchUs: null,
      switches: 0,
      gpuReady: false,
    },
    ...k,
  };
}

let seq = 0;

/** A snapshot's dead-letter queue: empty, 10,000 at most, with `parts` over that. */
export function letterQueue(
  parts: Partial<EngineSnapshot['deadLetters']> = {},
): EngineSnapshot['deadLetters'] {
  return {
    count: 0,
    added: 0,
    capacity: 10_000,
    evicted: 0,
    refusedCrossTenant: 0,
    recent: [],
    redrive: null,
    ...parts,
  };
}

/** A snapshot with every part a panel reads, empty unless given. */
export function snapshot(parts: Partial<EngineSnapshot> = {}): EngineSnapshot {
  seq++;
  return {
    seq,
    timeUs: seq * 100_000,
    idle: false,
    rates: { injectedPerSec: 0, processedPerSec: 0, deadLetteredPerSec: 0 },
    injected: 0,
    metrics: {
      messagesDispatched: 0,
      messagesDelivered: 0,
      unknownTypeErrors: 0,
      deliveryErrors: 0,
    },
    receipts: { total: 0, byStatus: {}, sampledOut: 0, failedLater: 0, recent: [] },
    kernels: [],
    edges: [],
    deadLetters: letterQueue(),
    accounting: {
      injected: 0,
      emitted: 0,
      carriedOver: 0,
      processed: 0,
      queued: 0,
      inFlight: 0,
      failedByStatus: {},
      deadLettered: 0,
      balanced: true,
    },
    latency: { p50Us: 0, p99Us: 0, samples: 0 },
    generator: { running: false, emitted: 0, lagMs: 0, onWorker: false },
    configName: 'test',
    gpuEvents: [],
    broker: { in: 0, received: 0, queued: 0, deadLettered: 0, balanced: true },
    traced: 0,
    ...parts,
  } as EngineSnapshot;
}

/** A receipt row; `i` numbers it (seq, message id, HLC logical). */
export function receipt(i: number, r: Partial<ReceiptRow> = {}): ReceiptRow {
  const hlc = { physical: Date.UTC(2026, 0, 1, 12, 3, 4) * 1000 + 123_456, logical: i, nodeId: 1 };
  return {
    seq: i,
    hlc,
    messageId: i,
    typeId: 1001,
    source: 'host',
    destination: 'fraud_processor',
    status: 'Delivered',
    hops: 0,
    latencyUs: 12,
    priority: 0,
    correlationId: 0,
    parentId: null,
    payload: new Uint8Array(8),
    injectedAt: hlc,
    deliveredAt: hlc,
    processedAt: null,
    ...r,
  };
}

let root: Root | null = null;
let host: HTMLElement | null = null;

/** Renders `ui` into the page (replacing the previous render) under the app's providers. */
export function render(ui: ReactNode, engine: EngineClient = fakeEngine()): void {
  cleanup();
  host = document.createElement('div');
  host.style.width = '1200px';
  host.style.height = '700px';
  document.body.appendChild(host);
  root = createRoot(host);
  root.render(<EngineContext.Provider value={engine}>{ui}</EngineContext.Provider>);
}

export function cleanup(): void {
  root?.unmount();
  host?.remove();
  root = null;
  host = null;
}

/**
 * `ui` inside a dock pane `width` px wide and `height` px high (a `pane` container and a scroll
 * container, as `.dock-body` is in the app), for tests of how a panel reflows. The test imports the stylesheets it needs.
 */
export function inPane(width: number, ui: ReactNode, height = 320): ReactNode {
  return (
    <div
      data-testid="pane"
      style={{
        containerType: 'inline-size',
        containerName: 'pane',
        width,
        height,
        display: 'flex',
        flexDirection: 'column',
        overflow: 'auto',
      }}
    >
      {ui}
    </div>
  );
}

/** The width of a cell's content laid out in its flow (absolutely positioned children left out). */
function flowWidth(c: HTMLElement): number {
  let left = Infinity;
  let right = -Infinity;
  for (const node of c.childNodes) {
    if (node instanceof HTMLElement && getComputedStyle(node).position === 'absolute') continue;
    const range = document.createRange();
    range.selectNode(node);
    const r = range.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    left = Math.min(left, r.left);
    right = Math.max(right, r.right);
  }
  return right > left ? right - left : 0;
}

/**
 * Badges positioned out of their cell into their row (`position: absolute`): each must lie
 * inside its row and over no other cell's text. Returns what is wrong, empty when nothing is.
 */
export function badgesPlaced(pane: HTMLElement): string[] {
  const out: string[] = [];
  for (const b of pane.querySelectorAll<HTMLElement>('td .badge')) {
    if (getComputedStyle(b).position !== 'absolute') continue;
    const row = b.closest('tr')!;
    const r = row.getBoundingClientRect();
    const box = b.getBoundingClientRect();
    if (box.left < r.left || box.right > r.right || box.top < r.top || box.bottom > r.bottom)
      out.push(`"${b.textContent}" outside its row`);
    for (const td of row.querySelectorAll<HTMLElement>('td')) {
      if (td.contains(b)) continue;
      const range = document.createRange();
      range.selectNodeContents(td);
      const t = range.getBoundingClientRect();
      if (
        t.width > 0 &&
        t.left < box.right &&
        t.right > box.left &&
        t.top < box.bottom &&
        t.bottom > box.top
      )
        out.push(`"${b.textContent}" over "${td.textContent}"`);
    }
  }
  return out;
}

/** What does not fit: the pane scrolling sideways, or a cell whose text is cut. */
export function overflowIn(pane: HTMLElement): string[] {
  const out: string[] = [];
  if (pane.scrollWidth > pane.clientWidth + 1)
    out.push(`pane scrolls sideways: ${pane.scrollWidth} > ${pane.clientWidth}`);
  const cells = pane.querySelectorAll<HTMLElement>('th, td, [role="cell"], [role="columnheader"]');
  for (const c of cells) {
    if (c.offsetParent === null) continue;
    if (c.scrollWidth > c.clientWidth + 1) {
      out.push(`cut: "${c.textContent?.trim()}" (${c.scrollWidth} > ${c.clientWidth})`);
      continue;
    }
    // scrollWidth is a whole number: text half a pixel wider than its cell is cut with an
    // ellipsis ("EMITT…") and read as fitting. The laid-out text against the content box does not.
    // Its flow content: a badge positioned out of the cell (Queues' bottleneck, in its row's
    // empty slot) is not the cell's text; `badgesPlaced` checks those.
    const text = flowWidth(c);
    const cs = getComputedStyle(c);
    const room =
      c.getBoundingClientRect().width -
      parseFloat(cs.paddingLeft) -
      parseFloat(cs.paddingRight) -
      parseFloat(cs.borderLeftWidth) -
      parseFloat(cs.borderRightWidth);
    if (text > room + 0.01)
      out.push(`cut: "${c.textContent?.trim()}" (${text.toFixed(2)} > ${room.toFixed(2)})`);
  }
  return out;
}
