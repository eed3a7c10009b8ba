import type { Kysely } from 'kysely';
import { entityKey, recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import type { ErpDatabase } from '../db';
import { lockMaterialSite, updateMaterialSiteStock } from '../material-site/material-site.repository';
import { failure, firstFailure, inTransaction, invalid, invalidIf, success, type Outcome } from '../../kit/outcome';
import { createKeyedReplay } from '../business-key';
import { blankText } from '../../kit/validation';
import {
  findAdjustmentBySource,
  insertAdjustmentOnce,
  nextMaterialDocumentNumber,
  type InventoryAdjustmentRow,
} from './inventory-adjustment.repository';
import { preview } from '../../../platform/preview';
import { quantityChangeProblem, roundMoney, roundQuantity, storableMoney, storableQuantity } from '../../kit/numbers';

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
    blankText('materialId', input.materialId),
    blankText('siteId', input.siteId),
    invalidIf('quantityDelta', quantityChangeProblem(input.quantityDelta)),
    REASON_CODE.test(input.reasonCode)
      ? null
      : invalid('reasonCode', `expected an upper-case code such as CYCLE_COUNT, got ${preview(input.reasonCode)}`),
    blankText('sourceCountTaskId', input.sourceCountTaskId),
  );
}

/**
 * Posts an approved count as an adjustment of the book, once per source count task: a repeat
 * (also a concurrent one) returns the first posting and changes nothing; a repeat of the task id
 * with another material, site, delta or reason is refused (IDEMPOTENCY_KEY_REUSED).
 */
export async function postInventoryAdjustment(
  db: Kysely<ErpDatabase>,
  caller: Caller,
  input: InventoryAdjustmentCommand,
): Promise<Outcome<InventoryAdjustmentRow>> {
  const bad = validate(input);
  if (bad) return bad;
  const { fingerprint, replay } = createKeyedReplay<InventoryAdjustmentRow>({
    operation: 'postInventoryAdjustment',
    keyField: 'sourceCountTaskId',
    key: input.sourceCountTaskId,
    command: { ...input, quantityDelta: roundQuantity(input.quantityDelta) },
    matchesRow: (row) =>
      row.materialId === input.materialId &&
      row.siteId === input.siteId &&
      row.quantityDelta === roundQuantity(input.quantityDelta) &&
      row.reasonCode === input.reasonCode,
  });
  const earlier = await findAdjustmentBySource(db, input.sourceCountTaskId);
  if (earlier) return replay(earlier);

  return inTransaction(db, async (trx) => {
    const key = { materialId: input.materialId, siteId: input.siteId };
    // The row lock serialises postings to one material-site, repeats of one key included.
    const site = await lockMaterialSite(trx, key);
    const committed = await findAdjustmentBySource(trx, input.sourceCountTaskId);
    if (committed) return replay(committed);
    if (!site) return failure('NOT_FOUND', `MaterialSite "${input.materialId}" at site "${input.siteId}" does not exist`);

    const delta = roundQuantity(input.quantityDelta);
    const book = roundQuantity(site.bookQuantity + delta);
    if (book < 0) {
      return invalid(
        'quantityDelta',
        `the book of ${input.materialId} at ${input.siteId} is ${site.bookQuantity}; a delta of ${delta} would take it below 0`,
      );
    }
    if (book < site.blockedQuantity) {
      return invalid(
        'quantityDelta',
        `${site.blockedQuantity} of ${input.materialId} at ${input.siteId} is blocked; a delta of ${delta} would leave the book (${book}) below it`,
      );
    }

    const value = roundMoney(delta * site.standardCost);
    if (!storableQuantity(book) || !storableMoney(value)) {
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
      commandFingerprint: fingerprint,
    });
    // Same key for another material-site, committed meanwhile: the first posting stands, nothing moves.
    if (!posted) return replay((await findAdjustmentBySource(trx, input.sourceCountTaskId))!);

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
