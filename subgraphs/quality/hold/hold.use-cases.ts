import type { Kysely } from 'kysely';
import { failure, inTransaction, invalidState, missing, type Outcome, success } from '../../kit/outcome';
import type { QualityDatabase } from '../db';
import { findLatestInspectionOfLot } from '../inspection/inspection.repository';
import { requireText } from '../../kit/validation';
import { findOpenHoldOfLot, HOLD_CHANGES, insertHold, lockHold, releaseHold, type HoldRow } from './hold.repository';
import { enqueueStockStatusChange } from './stock.handoff';
import { recordChangeEvent } from '../../kit/events';

/** Holds a lot quality has an inspection lot for, and hands the blocking of its stock to ERP. */
export async function placeQualityHold(
  db: Kysely<QualityDatabase>,
  lotId: string,
  reason: string,
  now = new Date(),
): Promise<Outcome<HoldRow>> {
  const id = requireText('lotId', lotId);
  if (!id.ok) return id;
  const text = requireText('reason', reason);
  if (!text.ok) return text;
  const onHold = (holdId: string) =>
    failure('INVALID_STATE', `lot "${id.value}" is ON_HOLD already (hold ${holdId}); release that hold first`, undefined, {
      status: 'ON_HOLD',
      holdId,
    });
  return inTransaction(db, async (trx) => {
    // Quality knows a lot's material, site and size from its inspection lot; it keeps no copy of MES's lot.
    const inspection = await findLatestInspectionOfLot(trx, id.value);
    if (!inspection) {
      return failure('NOT_FOUND', `Lot "${id.value}" is not known to quality: it has no inspection lot`, undefined, {
        type: 'Lot',
        id: id.value,
      });
    }
    const open = await findOpenHoldOfLot(trx, id.value);
    if (open) return onHold(open.id);
    const hold = await insertHold(trx, {
      lotId: id.value,
      materialId: inspection.materialId,
      siteId: inspection.siteId,
      quantity: inspection.lotQuantity,
      reason: text.value,
      inspectionId: null,
      placedAt: now,
    });
    if (!hold) return onHold((await findOpenHoldOfLot(trx, id.value))?.id ?? 'placed concurrently');
    await enqueueStockStatusChange(trx, hold, 'BLOCKED');
    await recordChangeEvent(trx, { ...HOLD_CHANGES, scope: hold.siteId, key: { id: hold.id } });
    return success(hold);
  });
}

/** Releases an open hold and hands the release of the lot stock to ERP. */
export async function releaseQualityHold(
  db: Kysely<QualityDatabase>,
  holdId: string,
  justification: string,
  now = new Date(),
): Promise<Outcome<HoldRow>> {
  const text = requireText('justification', justification);
  if (!text.ok) return text;
  return inTransaction(db, async (trx) => {
    const hold = await lockHold(trx, holdId);
    if (!hold) return missing('QualityHold', holdId);
    if (hold.releasedAt) {
      return invalidState(
        `hold "${holdId}" is RELEASED (since ${hold.releasedAt.toISOString()}); only an open hold can be released`,
        'RELEASED',
      );
    }
    const released = await releaseHold(trx, holdId, text.value, now < hold.placedAt ? hold.placedAt : now);
    await enqueueStockStatusChange(trx, released, 'UNRESTRICTED');
    await recordChangeEvent(trx, { ...HOLD_CHANGES, scope: released.siteId, key: { id: released.id } });
    return success(released);
  });
}
