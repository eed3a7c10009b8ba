import type { Kysely, Transaction } from 'kysely';
import { answerMismatches, describeMismatches } from '../../kit/idempotency/answer-check';
import { UnusableResultError } from '../../kit/outbox/relay';
import { enqueueCommand, type OutboxCommandRow, type OutboxHandlers } from '../../kit/outbox';
import type { QualityDatabase } from '../db';
import { recordStockDocument, type HoldRow } from './hold.repository';

const CHANGE_STOCK_STATUS = `mutation ChangeStockStatus($input: StockStatusChangeInput!) {
  changeStockStatus(input: $input) { documentNumber sourceHoldId lotId toStatus quantity materialSite { materialId siteId } postedAt }
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
      input: {
        lotId: hold.lotId,
        materialId: hold.materialId,
        siteId: hold.siteId,
        quantity: hold.quantity,
        toStatus,
        sourceHoldId: hold.id,
      },
    },
  });
}

interface StockChangeAnswer {
  documentNumber?: string;
  sourceHoldId?: string;
  lotId?: string;
  toStatus?: string;
  quantity?: number;
  materialSite?: { materialId?: string; siteId?: string };
}

/**
 * ERP's document number for the change, once the answer is checked against the command: the same
 * hold, lot, material-site and direction, and never more stock moved than asked (a release moves
 * at most what its hold blocked, so less is right). Another answer parks the command.
 */
function documentOf(command: OutboxCommandRow, result: Record<string, unknown>): string | undefined {
  const change = result.changeStockStatus as StockChangeAnswer | undefined;
  if (!change?.documentNumber) return undefined;
  const { input } = command.variables as { input: Record<string, unknown> & { quantity: number } };
  const { quantity, ...identity } = input;
  const mismatches = answerMismatches(identity, {
    ...change,
    materialId: change.materialSite?.materialId,
    siteId: change.materialSite?.siteId,
  });
  if (typeof change.quantity === 'number' && change.quantity > quantity + 0.0005)
    mismatches.push({ field: 'quantity', asked: quantity, answered: change.quantity });
  if (mismatches.length) {
    throw new UnusableResultError(
      `ERP answered document ${change.documentNumber} that differs from the stock status change asked: ${describeMismatches(mismatches)}`,
    );
  }
  return change.documentNumber;
}

function holdIdOf(subject: string | null): string {
  return (subject ?? '').replace(/^QualityHold:/, '');
}

/** What quality does when ERP has posted a hold's stock status change: keep the document number. */
export const qualityOutboxHandlers: OutboxHandlers<QualityDatabase> = {
  [BLOCK_STOCK]: {
    async onDelivered(trx: Transaction<QualityDatabase>, command, result) {
      const document = documentOf(command, result);
      if (document) await recordStockDocument(trx, holdIdOf(command.subject), 'BLOCKED', document);
    },
  },
  [RELEASE_STOCK]: {
    async onDelivered(trx: Transaction<QualityDatabase>, command, result) {
      const document = documentOf(command, result);
      if (document) await recordStockDocument(trx, holdIdOf(command.subject), 'UNRESTRICTED', document);
    },
  },
};
