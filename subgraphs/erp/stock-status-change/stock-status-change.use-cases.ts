import type { Kysely } from 'kysely';
import { entityKey, recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import type { ErpDatabase } from '../db';
import { StockStatus } from '../enums';
import { nextMaterialDocumentNumber } from '../inventory-adjustment/inventory-adjustment.repository';
import { lockMaterialSite, STOCK_STATUS_CHANGES, updateMaterialSiteStock } from '../material-site/material-site.repository';
import { failure, firstFailure, inTransaction, invalid, invalidIf, success, type Outcome } from '../../kit/outcome';
import { createKeyedReplay } from '../business-key';
import { blankText } from '../../kit/validation';
import { findStockStatusChangeBySource, insertStockStatusChangeOnce, type StockStatusChangeRow } from './stock-status-change.repository';
import { recordChangeEvent } from '../../kit/events';
import { quantityProblem, roundQuantity } from '../../kit/numbers';

export interface StockStatusChangeCommand {
  lotId: string;
  materialId: string;
  siteId: string;
  quantity: number;
  toStatus: StockStatus;
  sourceHoldId: string;
}

function validate(input: StockStatusChangeCommand) {
  return firstFailure(
    blankText('lotId', input.lotId),
    blankText('materialId', input.materialId),
    blankText('siteId', input.siteId),
    invalidIf('quantity', quantityProblem(roundQuantity(input.quantity), 0, true)),
    // ERP keeps blocked stock per material-site; quality-inspection stock is not managed as its own figure.
    input.toStatus === StockStatus.QUALITY_INSPECTION
      ? invalid('toStatus', 'expected BLOCKED (place a hold) or UNRESTRICTED (release it), got QUALITY_INSPECTION')
      : null,
    blankText('sourceHoldId', input.sourceHoldId),
  );
}

/**
 * Blocks (BLOCKED) or releases (UNRESTRICTED) lot stock of a material-site, once per hold and
 * direction: a repeat (also a concurrent one) returns the first posting and changes nothing.
 * Each hold moves only its own stock, whatever order its block and release arrive in: a release
 * gives back at most what its hold blocked (nothing when it blocked nothing), and a block arriving
 * after its hold's release blocks nothing. Those no-op postings carry quantity 0.
 */
export async function changeStockStatus(
  db: Kysely<ErpDatabase>,
  caller: Caller,
  input: StockStatusChangeCommand,
): Promise<Outcome<StockStatusChangeRow>> {
  const bad = validate(input);
  if (bad) return bad;
  // The key is the hold with the direction; a repeat must name the same lot, material-site and quantity.
  const { fingerprint, replay } = createKeyedReplay<StockStatusChangeRow>({
    operation: 'changeStockStatus',
    keyField: 'sourceHoldId',
    key: input.sourceHoldId,
    command: { ...input, quantity: roundQuantity(input.quantity) },
    matchesRow: (row) => row.lotId === input.lotId && row.materialId === input.materialId && row.siteId === input.siteId,
  });
  const earlier = await findStockStatusChangeBySource(db, input.sourceHoldId, input.toStatus);
  if (earlier) return replay(earlier);

  return inTransaction(db, async (trx) => {
    const key = { materialId: input.materialId, siteId: input.siteId };
    const site = await lockMaterialSite(trx, key);
    const committed = await findStockStatusChangeBySource(trx, input.sourceHoldId, input.toStatus);
    if (committed) return replay(committed);
    if (!site) return failure('NOT_FOUND', `MaterialSite "${input.materialId}" at site "${input.siteId}" does not exist`);

    const blocking = input.toStatus === StockStatus.BLOCKED;
    const counterpart = await findStockStatusChangeBySource(
      trx,
      input.sourceHoldId,
      blocking ? StockStatus.UNRESTRICTED : StockStatus.BLOCKED,
    );
    if (counterpart && (counterpart.materialId !== input.materialId || counterpart.siteId !== input.siteId)) {
      return invalid(
        'sourceHoldId',
        `hold ${input.sourceHoldId} moved stock of ${counterpart.materialId} at ${counterpart.siteId}, got ${input.materialId} at ${input.siteId}`,
      );
    }
    // Block: the full quantity, unless the hold is already released. Release: what the hold blocked
    // (at most what is asked; a hold whose lot was larger than the book blocked only the book).
    const quantity = roundQuantity(
      blocking ? (counterpart ? 0 : input.quantity) : counterpart ? Math.min(input.quantity, counterpart.quantity) : 0,
    );
    const blocked = roundQuantity(site.blockedQuantity + (blocking ? quantity : -quantity));
    if (blocking && blocked > site.bookQuantity) {
      return invalid(
        'quantity',
        `${input.materialId} at ${input.siteId} has ${site.bookQuantity} on the book, ${site.blockedQuantity} of it blocked; blocking ${quantity} more would exceed the book`,
      );
    }
    if (!blocking && blocked < 0) {
      return invalid('quantity', `${input.materialId} at ${input.siteId} has ${site.blockedQuantity} blocked; cannot release ${quantity}`);
    }

    const documentNumber = await nextMaterialDocumentNumber(trx);
    const posted = await insertStockStatusChangeOnce(trx, {
      documentNumber,
      sourceHoldId: input.sourceHoldId,
      lotId: input.lotId,
      materialId: input.materialId,
      siteId: input.siteId,
      quantity,
      toStatus: input.toStatus,
      postedBy: caller.subject,
      commandFingerprint: fingerprint,
    });
    if (!posted) return replay((await findStockStatusChangeBySource(trx, input.sourceHoldId, input.toStatus))!);

    const after = await updateMaterialSiteStock(trx, key, { bookQuantity: site.bookQuantity, blockedQuantity: blocked });
    await recordChange(trx, {
      caller,
      operation: 'changeStockStatus',
      entityType: 'MaterialSite',
      entityId: entityKey(input.materialId, input.siteId),
      reference: documentNumber,
      before: { bookQuantity: site.bookQuantity, blockedQuantity: site.blockedQuantity },
      after: { bookQuantity: after.bookQuantity, blockedQuantity: after.blockedQuantity },
    });
    await recordChangeEvent(trx, {
      ...STOCK_STATUS_CHANGES,
      scope: input.siteId,
      key: { materialId: input.materialId, siteId: input.siteId },
    });
    return success(posted);
  });
}
