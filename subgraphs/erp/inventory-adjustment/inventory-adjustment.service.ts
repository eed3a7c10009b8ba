import type { Kysely } from 'kysely';
import { entityKey, recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import type { ErpDatabase } from '../db';
import { lockMaterialSite, updateMaterialSiteStock } from '../material-site/material-site.repository';
import { failure, invalid, success, type Outcome } from '../../kit/outcome';
import { checkId, checkQuantity, firstFailure, MAX_STOCK, MAX_VALUE, toBookPrecision } from '../validation';
import {
  findAdjustmentBySource,
  insertAdjustmentOnce,
  nextMaterialDocumentNumber,
  type InventoryAdjustmentRow,
} from './inventory-adjustment.repository';

export interface InventoryAdjustmentCommand {
  materialId: string;
  siteId: string;
  quantityDelta: number;
  reasonCode: string;
  sourceCountTaskId: string;
}

const REASON_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

function validate(input: InventoryAdjustmentCommand) {
  return firstFailure(
    checkId('materialId', input.materialId),
    checkId('siteId', input.siteId),
    checkQuantity('quantityDelta', input.quantityDelta, { positive: false }),
    REASON_CODE.test(input.reasonCode) ? null : invalid('reasonCode', `expected an upper-case code such as CYCLE_COUNT, got ${JSON.stringify(input.reasonCode)}`),
    checkId('sourceCountTaskId', input.sourceCountTaskId),
  );
}

/**
 * Posts an approved count as an adjustment of the book, once per source count task: a repeat
 * (also a concurrent one) returns the first posting and changes nothing.
 */
export async function postInventoryAdjustment(
  db: Kysely<ErpDatabase>,
  caller: Caller,
  input: InventoryAdjustmentCommand,
): Promise<Outcome<InventoryAdjustmentRow>> {
  const bad = validate(input);
  if (bad) return bad;
  const earlier = await findAdjustmentBySource(db, input.sourceCountTaskId);
  if (earlier) return success(earlier);

  return db.transaction().execute(async (trx) => {
    const key = { materialId: input.materialId, siteId: input.siteId };
    // The row lock serialises postings to one material-site, repeats of one key included.
    const site = await lockMaterialSite(trx, key);
    const committed = await findAdjustmentBySource(trx, input.sourceCountTaskId);
    if (committed) return success(committed);
    if (!site) return failure('NOT_FOUND', `MaterialSite "${input.materialId}" at site "${input.siteId}" does not exist`);

    const delta = toBookPrecision(input.quantityDelta);
    const book = toBookPrecision(site.bookQuantity + delta);
    if (book < 0) {
      return invalid('quantityDelta', `the book of ${input.materialId} at ${input.siteId} is ${site.bookQuantity}; a delta of ${delta} would take it below 0`);
    }
    if (book < site.blockedQuantity) {
      return invalid('quantityDelta', `${site.blockedQuantity} of ${input.materialId} at ${input.siteId} is blocked; a delta of ${delta} would leave the book (${book}) below it`);
    }

    const value = Math.round(delta * site.standardCost * 100) / 100;
    if (book > MAX_STOCK || Math.abs(value) > MAX_VALUE) {
      return invalid('quantityDelta', `a delta of ${delta} would take the book to ${book} (value ${value}), beyond what the books hold`);
    }

    const documentNumber = await nextMaterialDocumentNumber(trx);
    const posted = await insertAdjustmentOnce(trx, {
      documentNumber,
      sourceCountTaskId: input.sourceCountTaskId,
      materialId: input.materialId,
      siteId: input.siteId,
      quantityDelta: delta,
      valueDelta: value,
      reasonCode: input.reasonCode,
      postedBy: caller.subject,
    });
    // Same key for another material-site, committed meanwhile: the first posting stands, nothing moves.
    if (!posted) return success((await findAdjustmentBySource(trx, input.sourceCountTaskId))!);

    const after = await updateMaterialSiteStock(trx, key, { bookQuantity: book, blockedQuantity: site.blockedQuantity });
    await recordChange(trx, {
      caller,
      operation: 'postInventoryAdjustment',
      entityType: 'MaterialSite',
      entityId: entityKey(input.materialId, input.siteId),
      reference: documentNumber,
      before: { bookQuantity: site.bookQuantity, blockedQuantity: site.blockedQuantity },
      after: { bookQuantity: after.bookQuantity, blockedQuantity: after.blockedQuantity },
    });
    return success(posted);
  });
}
