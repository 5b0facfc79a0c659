/**
 * A dead letter in the words of the live panel: the kernel it belongs to, its reason as the panel
 * names it, and its row (type, attempts, correlation and payload read from the engine's store).
 */
import type { DeadLetter } from '../core';
import type { EngineCore } from './context';
import type { KernelState } from './kernel-state';
import type { DeadLetterReason, DeadLetterRow } from './protocol';

/** The kernel a letter was bound for (none for a type no route sent anywhere). */
export function ownerOf(c: EngineCore, l: DeadLetter): KernelState | undefined {
  return l.destination === '' ? undefined : c.kernels.get(l.destination);
}

/** `NoRoute` to a kernel that is gone reads `NotFound`, as the seed's broker says it. */
export function reasonOf(l: DeadLetter): DeadLetterReason {
  if (l.reason === 'NoRoute') return l.destination === '' ? 'NoRoute' : 'NotFound';
  return l.reason;
}

export function letterRow(c: EngineCore, l: DeadLetter): DeadLetterRow {
  const s = c.store;
  const ref = l.payloadRef;
  const parent = ref > 0 ? s.parentId[ref]! : -1;
  return {
    id: l.seq,
    messageId: l.messageId,
    typeId: ref > 0 ? c.typeOfRef(ref).typeId : l.typeId,
    reason: reasonOf(l),
    source: l.source,
    destination: l.destination,
    tenantId: ownerOf(c, l)?.cfg.tenantId ?? l.tenantId,
    attempts: ref > 0 ? s.attempts[ref]! : 1,
    priority: l.priority,
    correlationId: ref > 0 ? s.correlationId[ref]! : 0,
    parentId: parent < 0 ? null : parent,
    atUs: l.deadAt,
    payload: ref > 0 ? s.payloadOf(ref) : new Uint8Array(0),
    ...(l.detail ? { detail: l.detail } : {}),
  };
}
