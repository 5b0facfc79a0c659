import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { DeadLettersPanel } from './DeadLettersPanel';
import { cleanup, fakeEngine, freshStore, render } from '../testing/browser';
import type { DeadLetterRow, EngineReply } from '../../engine/protocol';

beforeEach(() => {
  freshStore();
});
afterEach(cleanup);

const letter = (id: number, reason: DeadLetterRow['reason']): DeadLetterRow =>
  ({
    id,
    messageId: 100 + id,
    typeId: 1010,
    reason,
    source: 'fraud_processor',
    destination: 'alert_sink',
    tenantId: 0,
    attempts: 1,
    priority: 0,
    correlationId: 0,
    parentId: null,
    atUs: 0,
    payload: new Uint8Array(4),
    detail: reason === 'KernelError' ? 'handler threw' : undefined,
  }) as DeadLetterRow;

describe('Dead letters panel (issue 13, point 4)', () => {
  it('filters by every dead-letter reason, not by delivery statuses', async () => {
    const engine = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters'
        ? ({
            ok: true,
            command: 'listDeadLetters',
            deadLetters: cmd.filter?.reasons?.includes('KernelError')
              ? { total: 1, rows: [letter(2, 'KernelError')] }
              : { total: 2, rows: [letter(1, 'Rejected'), letter(2, 'KernelError')] },
          } as EngineReply)
        : undefined,
    );
    render(<DeadLettersPanel />, engine);
    const select = page.getByRole('combobox', { name: 'Filter dead letters by reason' });
    await expect.element(select).toBeVisible();
    const options = [...(select.element() as HTMLSelectElement).options].map((o) => o.value);
    for (const reason of [
      'Rejected',
      'DroppedOldest',
      'KernelError',
      'InvalidPayload',
      'Unregistered',
      'QueueFull',
      'NoRoute',
    ])
      expect(options).toContain(reason);
    expect(options).not.toContain('Delivered');
    expect(options).not.toContain('Pending');
    await userEvent.selectOptions(select, 'KernelError');
    await expect.element(page.getByText('handler threw')).toBeVisible();
    expect(engine.sent).toContainEqual({
      type: 'listDeadLetters',
      filter: { reasons: ['KernelError'] },
      limit: 500,
    });
    // Type as name and id.
    await expect.element(page.getByRole('cell', { name: 'FraudAlert (1010)' })).toBeVisible();
  });
});
