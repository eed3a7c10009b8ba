import type { Transaction } from 'kysely';
import { UnusableResultError } from '../../../../subgraphs/kit/outbox/relay';
import type { OutboxCommandRow } from '../../../../subgraphs/kit/outbox/outbox.repository';
import { inventoryOutboxHandlers, POST_ADJUSTMENT } from '../../../../subgraphs/inventory/count-task/count-task.handoff';
import type { InventoryDatabase } from '../../../../subgraphs/inventory/db';

// The check runs before the task is read: a transaction that fails on any use proves nothing was written.
const untouchable = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the transaction was used');
    },
  },
) as Transaction<InventoryDatabase>;

const command = {
  id: 'c1',
  type: POST_ADJUSTMENT,
  subject: 'CountTask:CT0000042',
  variables: {
    input: { materialId: 'M000001', siteId: 'S01', quantityDelta: -2.25, reasonCode: 'CYCLE_COUNT', sourceCountTaskId: 'CT0000042' },
  },
} as unknown as OutboxCommandRow;

const posting = (over: Record<string, unknown>) => ({
  postInventoryAdjustment: {
    documentNumber: '4900000001',
    sourceCountTaskId: 'CT0000042',
    reasonCode: 'CYCLE_COUNT',
    quantityDelta: -2.25,
    materialSite: { materialId: 'M000001', siteId: 'S01' },
    postedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  },
});

describe('inventory checks what ERP posted against the adjustment it asked for', () => {
  const deliver = (result: Record<string, unknown>) => inventoryOutboxHandlers[POST_ADJUSTMENT]!.onDelivered(untouchable, command, result);

  it.each([
    ['another delta', { quantityDelta: 7 }, 'quantityDelta: asked -2.25, answered 7'],
    ['another task', { sourceCountTaskId: 'CT0000043' }, 'sourceCountTaskId: asked "CT0000042", answered "CT0000043"'],
    [
      'another material-site',
      { materialSite: { materialId: 'M000009', siteId: 'S01' } },
      'materialId: asked "M000001", answered "M000009"',
    ],
  ])('parks the command when ERP answers with %s', async (_name, over, detail) => {
    const delivered = deliver(posting(over));
    await expect(delivered).rejects.toThrow(UnusableResultError);
    await expect(deliver(posting(over))).rejects.toThrow(
      `ERP answered document 4900000001 that differs from the adjustment asked: ${detail}`,
    );
  });

  it('goes on to record a posting that matches (it then reads the task)', async () => {
    await expect(deliver(posting({}))).rejects.toThrow('the transaction was used');
  });
});
