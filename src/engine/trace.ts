/**
 * Bounded trace store (issue 7, "follow one message"): per message its causal parent, children
 * and HLC stamps per stage. A ring of `capacity` entries evicts the oldest; a pinned message's
 * chain (its ancestors and descendants held when it was pinned, and descendants added later) is
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
  /** Per pinned message, the entries its pin keeps: its chain. */
  private readonly pins = new Map<number, Set<number>>();
  /** Per kept entry, the pinned messages whose chain it is in. */
  private readonly keptBy = new Map<number, Set<number>>();
  /**
   * Per kept entry, the pinned messages it is, or is under: what is added under it later joins
   * their chains. (Under an ancestor only, a later child is another branch, outside the chain.)
   */
  private readonly below = new Map<number, Set<number>>();
  /** Kept entries the ring has already moved past: held only for their pins. */
  private readonly evictedPinned = new Set<number>();
  /**
   * Redriven letters by message id, for those with no entry of their own (their message never
   * traced: generated traffic is sampled, or its entry pushed out since): the new message each
   * became, newest `capacity` kept. Tracing the letter's id had said only that no receipt of it
   * was available.
   */
  private readonly letterRedrivenAs = new Map<number, number>();

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
      if (this.keptBy.has(old)) this.evictedPinned.add(old);
      else this.nodes.delete(old);
    }
    this.ring[(this.head + this.size) % this.capacity] = node.messageId;
    this.size++;
    this.nodes.set(node.messageId, node);
    if (node.parentId === null) return;
    this.nodes.get(node.parentId)?.children.push(node.messageId);
    this.keepUnder(node.parentId, node.messageId);
  }

  /** A pinned chain keeps what it goes on to under `parent`: a response emitted after the pin, say. */
  private keepUnder(parent: number, id: number): void {
    const roots = this.below.get(parent);
    if (roots) for (const root of roots) this.keep(root, id, true);
  }

  private keep(root: number, id: number, under: boolean): void {
    this.pins.get(root)?.add(id);
    let roots = this.keptBy.get(id);
    if (!roots) this.keptBy.set(id, (roots = new Set()));
    roots.add(root);
    if (!under) return;
    let above = this.below.get(id);
    if (!above) this.below.set(id, (above = new Set()));
    above.add(root);
  }

  /** `root`'s pin no longer keeps `id`; an entry no pin keeps and the ring has passed goes. */
  private unkeep(root: number, id: number): void {
    this.pins.get(root)?.delete(id);
    const above = this.below.get(id);
    above?.delete(root);
    if (above?.size === 0) this.below.delete(id);
    const roots = this.keptBy.get(id);
    roots?.delete(root);
    if (roots && roots.size > 0) return;
    this.keptBy.delete(id);
    if (this.evictedPinned.delete(id)) this.nodes.delete(id);
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
    // Remembered by id whether or not the letter has an entry: one it has now may be pushed out
    // of the store before its id is traced.
    const as = this.letterRedrivenAs;
    as.delete(letterId);
    as.set(letterId, copyId);
    if (as.size > this.capacity) as.delete(as.keys().next().value!);
    const letter = this.nodes.get(letterId);
    if (!letter) return;
    letter.redrivenAs = copyId;
    if (copy.parentId === letterId) return;
    if (copy.parentId !== null) {
      const siblings = this.nodes.get(copy.parentId)?.children;
      const i = siblings ? siblings.indexOf(copyId) : -1;
      if (i >= 0) siblings!.splice(i, 1);
      // Out of the chains it joined under its old parent, into the letter's.
      for (const root of [...(this.below.get(copy.parentId) ?? [])])
        if (!this.below.get(letterId)?.has(root)) this.unkeep(root, copyId);
    }
    copy.parentId = letterId;
    letter.children.push(copyId);
    this.keepUnder(letterId, copyId);
  }

  /**
   * Keeps a message's chain past eviction: the entries `trace(id)` finds now, and those added
   * later under them. False when the message is not (or no longer) held. Only the message itself
   * had been kept: under 200 K/s its response left the ring within seconds, and the pinned chain
   * read incomplete.
   */
  pin(id: number): boolean {
    const n = this.nodes.get(id);
    if (!n) return false;
    n.pinned = true;
    if (!this.pins.has(id)) this.pins.set(id, new Set());
    const ancestors = new Set<number>();
    for (
      let p = n.parentId;
      p !== null && !ancestors.has(p);
      p = this.nodes.get(p)?.parentId ?? null
    )
      ancestors.add(p);
    for (const m of this.trace(id).nodes) this.keep(id, m.messageId, !ancestors.has(m.messageId));
    return true;
  }

  unpin(id: number): boolean {
    const n = this.nodes.get(id);
    if (n) n.pinned = false;
    const chain = this.pins.get(id);
    if (!chain) return false;
    // Held only for the pin, what the ring has moved past goes now.
    for (const m of [...chain]) this.unkeep(id, m);
    this.pins.delete(id);
    return true;
  }

  /** The causal chain of `id`: its ancestors, itself and its descendants, ordered by HLC. */
  trace(id: number): TraceResult {
    const self = this.nodes.get(id);
    if (!self) {
      const as = this.letterRedrivenAs.get(id);
      return {
        messageId: id,
        found: false,
        complete: false,
        nodes: [],
        ...(as !== undefined ? { redrivenAs: as } : {}),
      };
    }
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
}

export function compareHlcRow(a: HlcRow, b: HlcRow): number {
  return a.physical - b.physical || a.logical - b.logical || a.nodeId - b.nodeId;
}
