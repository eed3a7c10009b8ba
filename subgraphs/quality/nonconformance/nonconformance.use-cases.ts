import type { Kysely } from 'kysely';
import { badInput, notFound, userError } from '../../kit/errors';
import type { QualityDatabase } from '../db';
import { findLatestInspectionOfLot } from '../inspection/inspection.repository';
import { requireMaterial } from '../../kit/material-numbers';
import { preview } from '../../../platform/preview';
import { requireNonNegative } from '../validation';
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
import { transact } from '../../../platform/db/transact';

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
): NonconformanceRow {
  // Quantities are stored to three decimals: a difference below half of the last one is rounding.
  const same = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 0.0005 : a === b);
  const differing = (Object.keys(asked) as (keyof typeof asked)[]).filter((field) => !same(asked[field] ?? null, existing[field] ?? null));
  if (!differing.length) return existing;
  throw userError(
    'IDEMPOTENCY_KEY_REUSED',
    `input.sourceFindingId: finding ${preview(existing.sourceFindingId ?? '')} was escalated as ${existing.id} with another ${differing.join(', ')}; a repeat must send the same input`,
    { field: 'input.sourceFindingId', nonconformanceId: existing.id },
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
): Promise<NonconformanceRow> {
  const description = requireText('input.description', input.description);
  const materialId = requireText('input.materialId', input.materialId);
  const customerId = optionalText(input.customerId);
  const supplierId = optionalText(input.supplierId);
  const findingId = optionalText(input.sourceFindingId);
  if (input.source === 'CUSTOMER_COMPLAINT' && !customerId)
    throw badInput('input.customerId', 'a CUSTOMER_COMPLAINT names the customer who complained');
  if (input.source === 'SUPPLIER' && !supplierId) throw badInput('input.supplierId', 'a SUPPLIER nonconformance names the supplier');
  if (findingId && input.source !== 'AUDIT')
    throw badInput('input.sourceFindingId', `only an AUDIT nonconformance comes from an audit finding, got source ${input.source}`);
  const quantity =
    input.nonconformingQuantity === null || input.nonconformingQuantity === undefined
      ? null
      : requireNonNegative('input.nonconformingQuantity', input.nonconformingQuantity);
  const asked = {
    source: input.source,
    severity: input.severity,
    description,
    materialId,
    lotId: optionalText(input.lotId),
    customerId,
    supplierId,
    nonconformingQuantity: quantity,
    sourceFindingId: findingId,
  };
  return transact(db, async (trx) => {
    if (findingId) {
      const existing = await findNonconformanceByFinding(trx, findingId);
      if (existing) return sameEscalation(existing, asked);
    }
    await requireKnownMaterial(trx, materialId, optionalText(input.lotId));
    const created = await insertNonconformance(trx, { ...asked, status: 'OPEN', inspectionId: null, reportedAt: now });
    // Two deliveries of one escalation racing: the unique finding id let the first one in.
    return created ?? sameEscalation((await findNonconformanceByFinding(trx, findingId!))!, asked);
  });
}

/** Refuses a material ERP does not have, and a lot quality inspected as another material. */
async function requireKnownMaterial(db: Kysely<QualityDatabase>, materialId: string, lotId: string | null): Promise<void> {
  await requireMaterial(db, 'input.materialId', materialId);
  const inspected = lotId ? await findLatestInspectionOfLot(db, lotId) : undefined;
  if (inspected && inspected.materialId !== materialId) {
    throw badInput('input.materialId', `lot ${preview(lotId)} is of material ${inspected.materialId}, got ${preview(materialId)}`);
  }
}

/** Records the MRB disposition of an OPEN or CONTAINED NCR. */
export async function dispositionNonconformance(
  db: Kysely<QualityDatabase>,
  id: string,
  disposition: string,
  now = new Date(),
): Promise<NonconformanceRow> {
  return transact(db, async (trx) => {
    const ncr = await lockNonconformance(trx, id);
    if (!ncr) throw notFound('Nonconformance', id);
    if (ncr.status !== 'OPEN' && ncr.status !== 'CONTAINED') {
      throw userError('INVALID_STATE', `nonconformance "${id}" is ${ncr.status}; only an OPEN or CONTAINED one can be dispositioned`, {
        status: ncr.status,
      });
    }
    if (disposition === 'RETURN_TO_SUPPLIER' && !ncr.supplierId) {
      throw badInput('disposition', `RETURN_TO_SUPPLIER needs a nonconformance with a supplier; "${id}" has none`);
    }
    return setDisposition(trx, id, disposition, now);
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
): Promise<CapaRow> {
  const correctiveAction = requireText('input.correctiveAction', input.correctiveAction);
  return transact(db, async (trx) => {
    const ncr = await lockNonconformance(trx, nonconformanceId);
    if (!ncr) throw notFound('Nonconformance', nonconformanceId);
    if (ncr.status === 'CLOSED')
      throw userError('INVALID_STATE', `nonconformance "${nonconformanceId}" is CLOSED; a CAPA is opened on an NCR that is not closed`, {
        status: ncr.status,
      });
    const reported = ncr.reportedAt.toISOString().slice(0, 10);
    if (input.dueDate < reported)
      throw badInput('input.dueDate', `expected a date on or after the NCR was reported (${reported}), got ${input.dueDate}`);
    const [existing] = await findCapasByNonconformances(trx, [nonconformanceId]);
    if (existing) {
      throw userError('INVALID_STATE', `nonconformance "${nonconformanceId}" has a CAPA already (status ${existing.status})`, {
        status: ncr.status,
        capaStatus: existing.status,
      });
    }
    return insertCapa(trx, {
      nonconformanceId,
      rootCause: optionalText(input.rootCause),
      correctiveAction,
      dueDate: input.dueDate,
      status: 'OPEN',
      openedAt: now,
    });
  });
}
