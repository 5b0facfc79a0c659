/**
 * Bounded trace store (issue 7, "follow one message"): per message its causal parent, children
 * and HLC stamps per stage. A ring of `capacity` entries evicts the oldest; pinned entries are
 * never evicted. A chain with an evicted link reports `complete: false`.
 */
import type { HlcRow, TraceNode, TraceResult } from './protocol';

/** Default number of messages held. */
export const DEFAULT_TRACE_CAPACITY = 50_000;

export class TraceStore {
  private readonly nodes = new Map<number, TraceNode>();
  private readonly ring: Float64Array;
  private head = 0;
  private size = 0;
  private readonly pinned = new Set<number>();
  /** Pinned ids the ring has already moved past: kept only for the pin. */
  private readonly evictedPinned = new Set<number>();

  constructor(readonly capacity = DEFAULT_TRACE_CAPACITY) {
    this.ring = new Float64Array(capacity);
  }

  get count(): number {
    return this.nodes.size;
  }

  get(id: number): TraceNode | undefined {
    return this.nodes.get(id);
  }

  /** Adds (or replaces) the node of a message, evicting the oldest unpinned entry when full. */
  add(node: TraceNode): void {
    if (this.nodes.has(node.messageId)) {
      this.nodes.set(node.messageId, node);
      return;
    }
    if (this.size === this.capacity) {
      const old = this.ring[this.head]!;
      this.size--;
      this.head = (this.head + 1) % this.capacity;
      if (this.pinned.has(old)) this.evictedPinned.add(old);
      else this.nodes.delete(old);
    }
    this.ring[(this.head + this.size) % this.capacity] = node.messageId;
    this.size++;
    this.nodes.set(node.messageId, node);
    if (node.parentId !== null) this.nodes.get(node.parentId)?.children.push(node.messageId);
  }

  /**
   * Links a redriven dead letter to the new message its redrive became (a fresh message id): the
   * new message hangs under the letter in the chain, so tracing either shows both. Without the
   * letter's entry (never traced, or evicted) the new message only names it.
   */
  linkRedrive(letterId: number, copyId: number): void {
    const copy = this.nodes.get(copyId);
    if (!copy) return;
    copy.redriveOf = letterId;
    const letter = this.nodes.get(letterId);
    if (!letter) return;
    letter.redrivenAs = copyId;
    if (copy.parentId === letterId) return;
    if (copy.parentId !== null) {
      const siblings = this.nodes.get(copy.parentId)?.children;
      const i = siblings ? siblings.indexOf(copyId) : -1;
      if (i >= 0) siblings!.splice(i, 1);
    }
    copy.parentId = letterId;
    letter.children.push(copyId);
  }

  /** Keeps a message's entry past eviction; false when it is not (or no longer) held. */
  pin(id: number): boolean {
    const n = this.nodes.get(id);
    if (!n) return false;
    n.pinned = true;
    this.pinned.add(id);
    return true;
  }

  unpin(id: number): boolean {
    const n = this.nodes.get(id);
    if (n) n.pinned = false;
    // Held only because it was pinned: the ring has moved past it, so it goes now.
    if (this.evictedPinned.delete(id)) this.nodes.delete(id);
    return this.pinned.delete(id);
  }

  /** The causal chain of `id`: its ancestors, itself and its descendants, ordered by HLC. */
  trace(id: number): TraceResult {
    const self = this.nodes.get(id);
    if (!self) return { messageId: id, found: false, complete: false, nodes: [] };
    const out: TraceNode[] = [self];
    let complete = true;
    const seen = new Set<number>([id]);
    for (let p = self.parentId; p !== null && !seen.has(p);) {
      const n = this.nodes.get(p);
      if (!n) {
        complete = false;
        break;
      }
      seen.add(p);
      out.push(n);
      p = n.parentId;
    }
    const todo = [...self.children];
    while (todo.length > 0) {
      const c = todo.shift()!;
      if (seen.has(c)) continue;
      seen.add(c);
      const n = this.nodes.get(c);
      if (!n) {
        complete = false;
        continue;
      }
      out.push(n);
      todo.push(...n.children);
    }
    out.sort((a, b) => compareHlcRow(a.injectedAt, b.injectedAt));
    return {
      messageId: id,
      found: true,
      complete,
      nodes: out.map((n) => ({ ...n, children: [...n.children] })),
    };
  }

  clear(): void {
    this.nodes.clear();
    this.pinned.clear();
    this.head = 0;
    this.size = 0;
  }
}

export function compareHlcRow(a: HlcRow, b: HlcRow): number {
  return a.physical - b.physical || a.logical - b.logical || a.nodeId - b.nodeId;
}
