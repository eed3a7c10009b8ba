import type { Kysely, Transaction } from 'kysely';
import { enqueueCommand, type OutboxHandlers } from '../../kit/outbox';
import type { QualityDatabase } from '../db';
import { recordStockDocument, type HoldRow } from './hold.repository';

const CHANGE_STOCK_STATUS = `mutation ChangeStockStatus($input: StockStatusChangeInput!) {
  changeStockStatus(input: $input) { documentNumber toStatus postedAt }
}`;

export const BLOCK_STOCK = 'quality.blockStock';
export const RELEASE_STOCK = 'quality.releaseStock';

/**
 * Hands a hold's stock status change to ERP through the outbox, in the caller's transaction.
 * The hold id with the target status is the key ERP applies once.
 */
export function enqueueStockStatusChange(trx: Kysely<QualityDatabase>, hold: HoldRow, toStatus: 'BLOCKED' | 'UNRESTRICTED') {
  return enqueueCommand(trx, {
    idempotencyKey: `QualityHold:${hold.id}:${toStatus}`,
    type: toStatus === 'BLOCKED' ? BLOCK_STOCK : RELEASE_STOCK,
    targetSystem: 'erp',
    subject: `QualityHold:${hold.id}`,
    document: CHANGE_STOCK_STATUS,
    variables: {
      input: { lotId: hold.lotId, materialId: hold.materialId, siteId: hold.siteId, quantity: hold.quantity, toStatus, sourceHoldId: hold.id },
    },
  });
}

function documentOf(result: Record<string, unknown>): string | undefined {
  const change = result.changeStockStatus as { documentNumber?: string } | undefined;
  return change?.documentNumber;
}

function holdIdOf(subject: string | null): string {
  return (subject ?? '').replace(/^QualityHold:/, '');
}

/** What quality does when ERP has posted a hold's stock status change: keep the document number. */
export const qualityOutboxHandlers: OutboxHandlers<QualityDatabase> = {
  [BLOCK_STOCK]: {
    async onDelivered(trx: Transaction<QualityDatabase>, command, result) {
      const document = documentOf(result);
      if (document) await recordStockDocument(trx, holdIdOf(command.subject), 'BLOCKED', document);
    },
  },
  [RELEASE_STOCK]: {
    async onDelivered(trx: Transaction<QualityDatabase>, command, result) {
      const document = documentOf(result);
      if (document) await recordStockDocument(trx, holdIdOf(command.subject), 'UNRESTRICTED', document);
    },
  },
};
