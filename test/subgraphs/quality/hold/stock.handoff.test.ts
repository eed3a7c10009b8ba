import type { Transaction } from 'kysely';
import { UnusableResultError } from '../../../../subgraphs/kit/outbox/relay';
import type { OutboxCommandRow } from '../../../../subgraphs/kit/outbox/outbox.repository';
import { BLOCK_STOCK, qualityOutboxHandlers, RELEASE_STOCK } from '../../../../subgraphs/quality/hold/stock.handoff';
import type { QualityDatabase } from '../../../../subgraphs/quality/db';

const untouchable = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the transaction was used');
    },
  },
) as Transaction<QualityDatabase>;

const commandOf = (toStatus: string) =>
  ({
    id: 'c1',
    type: toStatus === 'BLOCKED' ? BLOCK_STOCK : RELEASE_STOCK,
    subject: 'QualityHold:H0001',
    variables: { input: { lotId: 'L00000001', materialId: 'M000001', siteId: 'S01', quantity: 10, toStatus, sourceHoldId: 'H0001' } },
  }) as unknown as OutboxCommandRow;

const change = (toStatus: string, over: Record<string, unknown>) => ({
  changeStockStatus: {
    documentNumber: '4900000002',
    sourceHoldId: 'H0001',
    lotId: 'L00000001',
    toStatus,
    quantity: 10,
    materialSite: { materialId: 'M000001', siteId: 'S01' },
    postedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  },
});

describe('quality checks what ERP posted against the stock status change it asked for', () => {
  const deliver = (toStatus: string, result: Record<string, unknown>) =>
    qualityOutboxHandlers[toStatus === 'BLOCKED' ? BLOCK_STOCK : RELEASE_STOCK]!.onDelivered(untouchable, commandOf(toStatus), result);

  it.each([
    ['another lot', { lotId: 'L00000002' }, 'lotId: asked "L00000001", answered "L00000002"'],
    ['another direction', { toStatus: 'UNRESTRICTED' }, 'toStatus: asked "BLOCKED", answered "UNRESTRICTED"'],
    ['more stock than asked', { quantity: 12 }, 'quantity: asked 10, answered 12'],
    ['another hold', { sourceHoldId: 'H0002' }, 'sourceHoldId: asked "H0001", answered "H0002"'],
  ])('parks a block when ERP answers with %s', async (_name, over, detail) => {
    await expect(deliver('BLOCKED', change('BLOCKED', over))).rejects.toThrow(UnusableResultError);
    await expect(deliver('BLOCKED', change('BLOCKED', over))).rejects.toThrow(`differs from the stock status change asked: ${detail}`);
  });

  it('accepts a release that moved less than asked (what the hold blocked) and records it', async () => {
    await expect(deliver('UNRESTRICTED', change('UNRESTRICTED', { quantity: 4 }))).rejects.toThrow('the transaction was used');
  });
});
