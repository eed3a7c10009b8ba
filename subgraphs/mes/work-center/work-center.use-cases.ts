import type { Kysely } from 'kysely';
import { recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import type { MesDatabase } from '../db';
import { inTransaction, invalid, missing, success, type Outcome } from '../../kit/outcome';
import { lockWorkCenter, updateWorkCenterState, WORK_CENTER_CHANGES, type WorkCenterRow } from './work-center.repository';
import { preview } from '../../../platform/preview';
import { recordChangeEvent } from '../../kit/events';

export interface WorkCenterStateChange {
  id: string;
  state: string;
  reasonCode?: string | null;
}

const REASON_CODE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Sets a work center's state with its reason, in one transaction with its audit-trail row. */
export async function setWorkCenterState(
  db: Kysely<MesDatabase>,
  caller: Caller,
  change: WorkCenterStateChange,
): Promise<Outcome<WorkCenterRow>> {
  const reasonCode = change.reasonCode ?? null;
  if (reasonCode !== null && !REASON_CODE.test(reasonCode)) {
    return invalid(
      'reasonCode',
      `expected a code of 1 to 64 letters, digits, "_", ".", ":" or "-" (e.g. "BREAKDOWN"), got ${preview(reasonCode)}`,
    );
  }
  return inTransaction(db, async (trx) => {
    const before = await lockWorkCenter(trx, change.id);
    if (!before) return missing('WorkCenter', change.id);
    const after = await updateWorkCenterState(trx, change.id, change.state, reasonCode);
    await recordChange(trx, { caller, operation: 'setWorkCenterState', entityType: 'WorkCenter', entityId: after.id, before, after });
    await recordChangeEvent(trx, { ...WORK_CENTER_CHANGES, scope: after.siteId, key: { id: after.id } });
    return success(after);
  });
}
