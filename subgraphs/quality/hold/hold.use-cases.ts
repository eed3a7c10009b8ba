import type { Kysely } from 'kysely';
import { notFound, userError } from '../../kit/errors';
import type { QualityDatabase } from '../db';
import { findLatestInspectionOfLot } from '../inspection/inspection.repository';
import { requireText } from '../../kit/validation';
import { findOpenHoldOfLot, insertHold, lockHold, releaseHold, type HoldRow } from './hold.repository';
import { enqueueStockStatusChange } from './stock.handoff';
import { transact } from '../../../platform/db/transact';
import { recordChangeEvent } from '../../kit/events';

/** Holds a lot quality has an inspection lot for, and hands the blocking of its stock to ERP. */
export async function placeQualityHold(db: Kysely<QualityDatabase>, lotId: string, reason: string, now = new Date()): Promise<HoldRow> {
  const id = requireText('lotId', lotId);
  const text = requireText('reason', reason);
  return transact(db, async (trx) => {
    // Quality knows a lot's material, site and size from its inspection lot; it keeps no copy of MES's lot.
    const inspection = await findLatestInspectionOfLot(trx, id);
    if (!inspection) throw userError('NOT_FOUND', `Lot "${id}" is not known to quality: it has no inspection lot`, { type: 'Lot', id });
    const onHold = (holdId: string) =>
      userError('INVALID_STATE', `lot "${id}" is ON_HOLD already (hold ${holdId}); release that hold first`, { status: 'ON_HOLD', holdId });
    const open = await findOpenHoldOfLot(trx, id);
    if (open) throw onHold(open.id);
    const hold = await insertHold(trx, {
      lotId: id,
      materialId: inspection.materialId,
      siteId: inspection.siteId,
      quantity: inspection.lotQuantity,
      reason: text,
      inspectionId: null,
      placedAt: now,
    });
    if (!hold) throw onHold((await findOpenHoldOfLot(trx, id))?.id ?? 'placed concurrently');
    await enqueueStockStatusChange(trx, hold, 'BLOCKED');
    await recordChangeEvent(trx, { field: 'qualityHoldChanged', siteId: hold.siteId, key: { id: hold.id } });
    return hold;
  });
}

/** Releases an open hold and hands the release of the lot stock to ERP. */
export async function releaseQualityHold(
  db: Kysely<QualityDatabase>,
  holdId: string,
  justification: string,
  now = new Date(),
): Promise<HoldRow> {
  const text = requireText('justification', justification);
  return transact(db, async (trx) => {
    const hold = await lockHold(trx, holdId);
    if (!hold) throw notFound('QualityHold', holdId);
    if (hold.releasedAt) {
      throw userError(
        'INVALID_STATE',
        `hold "${holdId}" is RELEASED (since ${hold.releasedAt.toISOString()}); only an open hold can be released`,
        { status: 'RELEASED' },
      );
    }
    const released = await releaseHold(trx, holdId, text, now < hold.placedAt ? hold.placedAt : now);
    await enqueueStockStatusChange(trx, released, 'UNRESTRICTED');
    await recordChangeEvent(trx, { field: 'qualityHoldChanged', siteId: released.siteId, key: { id: released.id } });
    return released;
  });
}
