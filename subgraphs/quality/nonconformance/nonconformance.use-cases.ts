import type { Kysely } from 'kysely';
import type { QualityDatabase } from '../db';
import { findLatestInspectionOfLot } from '../inspection/inspection.repository';
import { unknownMaterial } from '../../kit/material-numbers';
import { quantityProblem, roundQuantity } from '../../kit/numbers';
import {
  failure,
  type Failure,
  firstFailure,
  inTransaction,
  invalid,
  invalidIf,
  invalidState,
  missing,
  type Outcome,
  success,
} from '../../kit/outcome';
import { preview } from '../../../platform/preview';
import { optionalText, requireText } from '../../kit/validation';
import {
  findCapasByNonconformances,
  findNonconformanceByFinding,
  insertCapa,
  insertNonconformance,
  lockNonconformance,
  setDisposition,
  type CapaRow,
  type NewNonconformance,
  type NonconformanceRow,
} from './nonconformance.repository';

export interface NonconformanceValues {
  source: string;
  severity: string;
  description: string;
  materialId: string;
  lotId?: string | null;
  customerId?: string | null;
  supplierId?: string | null;
  nonconformingQuantity?: number | null;
  sourceFindingId?: string | null;
}

/**
 * The NCR a finding already made answers a repeat of the escalation only when the repeat asks the
 * same; another payload under the finding's id is refused (IDEMPOTENCY_KEY_REUSED), not passed off
 * as the first NCR.
 */
function sameEscalation(
  existing: NonconformanceRow,
  asked: Omit<NewNonconformance, 'status' | 'inspectionId' | 'reportedAt'>,
): Outcome<NonconformanceRow> {
  // Quantities are stored to three decimals: a difference below half of the last one is rounding.
  const same = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 0.0005 : a === b);
  const differing = (Object.keys(asked) as (keyof typeof asked)[]).filter((field) => !same(asked[field] ?? null, existing[field] ?? null));
  if (!differing.length) return success(existing);
  return failure(
    'IDEMPOTENCY_KEY_REUSED',
    `input.sourceFindingId: finding ${preview(existing.sourceFindingId ?? '')} was escalated as ${existing.id} with another ${differing.join(', ')}; a repeat must send the same input`,
    'input.sourceFindingId',
    { nonconformanceId: existing.id },
  );
}

/**
 * Opens an NCR. An escalated audit finding (source AUDIT with sourceFindingId) makes one NCR
 * however often the command arrives: a repeat returns the first, a different payload is refused.
 */
export async function createNonconformance(
  db: Kysely<QualityDatabase>,
  input: NonconformanceValues,
  now = new Date(),
): Promise<Outcome<NonconformanceRow>> {
  const description = requireText('input.description', input.description);
  if (!description.ok) return description;
  const materialId = requireText('input.materialId', input.materialId);
  if (!materialId.ok) return materialId;
  const customerId = optionalText(input.customerId);
  const supplierId = optionalText(input.supplierId);
  const findingId = optionalText(input.sourceFindingId);
  const quantity =
    input.nonconformingQuantity === null || input.nonconformingQuantity === undefined ? null : roundQuantity(input.nonconformingQuantity);
  const bad = firstFailure(
    input.source === 'CUSTOMER_COMPLAINT' && !customerId
      ? invalid('input.customerId', 'a CUSTOMER_COMPLAINT names the customer who complained')
      : null,
    input.source === 'SUPPLIER' && !supplierId ? invalid('input.supplierId', 'a SUPPLIER nonconformance names the supplier') : null,
    findingId && input.source !== 'AUDIT'
      ? invalid('input.sourceFindingId', `only an AUDIT nonconformance comes from an audit finding, got source ${input.source}`)
      : null,
    quantity === null ? null : invalidIf('input.nonconformingQuantity', quantityProblem(quantity, 0)),
  );
  if (bad) return bad;
  const asked = {
    source: input.source,
    severity: input.severity,
    description: description.value,
    materialId: materialId.value,
    lotId: optionalText(input.lotId),
    customerId,
    supplierId,
    nonconformingQuantity: quantity,
    sourceFindingId: findingId,
  };
  return inTransaction(db, async (trx) => {
    if (findingId) {
      const existing = await findNonconformanceByFinding(trx, findingId);
      if (existing) return sameEscalation(existing, asked);
    }
    const unknown = await unknownMaterialOrLot(trx, asked.materialId, asked.lotId);
    if (unknown) return unknown;
    const created = await insertNonconformance(trx, { ...asked, status: 'OPEN', inspectionId: null, reportedAt: now });
    // Two deliveries of one escalation racing: the unique finding id let the first one in.
    return created ? success(created) : sameEscalation((await findNonconformanceByFinding(trx, findingId!))!, asked);
  });
}

/** Refuses a material ERP does not have, and a lot quality inspected as another material. */
async function unknownMaterialOrLot(db: Kysely<QualityDatabase>, materialId: string, lotId: string | null): Promise<Failure | null> {
  const unknown = await unknownMaterial(db, 'input.materialId', materialId);
  if (unknown) return unknown;
  const inspected = lotId ? await findLatestInspectionOfLot(db, lotId) : undefined;
  if (inspected && inspected.materialId !== materialId) {
    return invalid('input.materialId', `lot ${preview(lotId)} is of material ${inspected.materialId}, got ${preview(materialId)}`);
  }
  return null;
}

/** Records the MRB disposition of an OPEN or CONTAINED NCR. */
export async function dispositionNonconformance(
  db: Kysely<QualityDatabase>,
  id: string,
  disposition: string,
  now = new Date(),
): Promise<Outcome<NonconformanceRow>> {
  return inTransaction(db, async (trx) => {
    const ncr = await lockNonconformance(trx, id);
    if (!ncr) return missing('Nonconformance', id);
    if (ncr.status !== 'OPEN' && ncr.status !== 'CONTAINED') {
      return invalidState(`nonconformance "${id}" is ${ncr.status}; only an OPEN or CONTAINED one can be dispositioned`, ncr.status);
    }
    if (disposition === 'RETURN_TO_SUPPLIER' && !ncr.supplierId) {
      return invalid('disposition', `RETURN_TO_SUPPLIER needs a nonconformance with a supplier; "${id}" has none`);
    }
    return success(await setDisposition(trx, id, disposition, now));
  });
}

export interface CapaValues {
  rootCause?: string | null;
  correctiveAction: string;
  dueDate: string;
}

/** Opens the CAPA of an NCR that is not closed and has none yet. */
export async function openCapa(
  db: Kysely<QualityDatabase>,
  nonconformanceId: string,
  input: CapaValues,
  now = new Date(),
): Promise<Outcome<CapaRow>> {
  const correctiveAction = requireText('input.correctiveAction', input.correctiveAction);
  if (!correctiveAction.ok) return correctiveAction;
  return inTransaction(db, async (trx) => {
    const ncr = await lockNonconformance(trx, nonconformanceId);
    if (!ncr) return missing('Nonconformance', nonconformanceId);
    if (ncr.status === 'CLOSED') {
      return invalidState(`nonconformance "${nonconformanceId}" is CLOSED; a CAPA is opened on an NCR that is not closed`, ncr.status);
    }
    const reported = ncr.reportedAt.toISOString().slice(0, 10);
    if (input.dueDate < reported)
      return invalid('input.dueDate', `expected a date on or after the NCR was reported (${reported}), got ${input.dueDate}`);
    const [existing] = await findCapasByNonconformances(trx, [nonconformanceId]);
    if (existing) {
      return failure('INVALID_STATE', `nonconformance "${nonconformanceId}" has a CAPA already (status ${existing.status})`, undefined, {
        status: ncr.status,
        capaStatus: existing.status,
      });
    }
    return success(
      await insertCapa(trx, {
        nonconformanceId,
        rootCause: optionalText(input.rootCause),
        correctiveAction: correctiveAction.value,
        dueDate: input.dueDate,
        status: 'OPEN',
        openedAt: now,
      }),
    );
  });
}
