import type { Kysely } from 'kysely';
import { badInput, notFound, userError } from '../../kit/errors';
import type { QualityDatabase } from '../db';
import { UNDECIDED } from '../enums';
import { findOpenHoldOfLot, insertHold } from '../hold/hold.repository';
import { enqueueStockStatusChange } from '../hold/stock.handoff';
import { insertNonconformance } from '../nonconformance/nonconformance.repository';
import { MAX_STORABLE } from '../validation';
import {
  findMeasurementsByInspections,
  findPlanCharacteristics,
  lockInspection,
  updateInspection,
  upsertMeasurements,
  type InspectionRow,
  type MeasurementRow,
  type PlanCharacteristicRow,
} from './inspection.repository';
import { transact } from '../../../platform/db/transact';
import { preview } from '../../../platform/preview';

export interface MeasurementValue {
  characteristic: string;
  measuredValue?: number | null;
  attributeOk?: boolean | null;
}

/** Whether a result meets its characteristic: within both limits, or judged OK. */
export function isConforming(
  plan: Pick<PlanCharacteristicRow, 'isAttribute' | 'lowerLimit' | 'upperLimit'>,
  value: MeasurementValue,
): boolean {
  if (plan.isAttribute) return value.attributeOk === true;
  const v = value.measuredValue!;
  return (plan.lowerLimit === null || v >= plan.lowerLimit) && (plan.upperLimit === null || v <= plan.upperLimit);
}

async function lockUndecided(trx: Kysely<QualityDatabase>, id: string, action: string): Promise<InspectionRow> {
  const inspection = await lockInspection(trx, id);
  if (!inspection) throw notFound('Inspection', id);
  if (!UNDECIDED.includes(inspection.status)) {
    throw userError('INVALID_STATE', `inspection "${id}" is ${inspection.status}; ${action} only while it is OPEN or IN_PROGRESS`, {
      status: inspection.status,
    });
  }
  return inspection;
}

/** Records results against the inspection plan's limits; the inspection moves to IN_PROGRESS. */
export async function recordMeasurements(
  db: Kysely<QualityDatabase>,
  inspectionId: string,
  values: readonly MeasurementValue[],
  now = new Date(),
): Promise<InspectionRow> {
  if (values.length === 0) throw badInput('measurements', 'expected at least one measurement, got none');
  return transact(db, async (trx) => {
    const inspection = await lockUndecided(trx, inspectionId, 'results can be recorded');
    const plan = await findPlanCharacteristics(trx, inspection.inspectionType);
    const byName = new Map(plan.map((c) => [c.characteristic, c] as const));
    const seen = new Set<string>();
    const rows: MeasurementRow[] = values.map((value, i) => {
      const field = `measurements[${i}]`;
      const characteristic = byName.get(value.characteristic);
      if (!characteristic) {
        throw badInput(
          `${field}.characteristic`,
          `expected a characteristic of the ${inspection.inspectionType} plan (${plan.map((c) => c.characteristic).join(', ')}), got ${preview(value.characteristic)}`,
        );
      }
      if (seen.has(value.characteristic)) throw badInput(`${field}.characteristic`, `"${value.characteristic}" is given twice`);
      seen.add(value.characteristic);
      if (characteristic.isAttribute) {
        if (typeof value.attributeOk !== 'boolean')
          throw badInput(
            `${field}.attributeOk`,
            `"${value.characteristic}" is an attribute characteristic: expected attributeOk true or false, got ${JSON.stringify(value.attributeOk ?? null)}`,
          );
        if (value.measuredValue !== null && value.measuredValue !== undefined)
          throw badInput(
            `${field}.measuredValue`,
            `"${value.characteristic}" is an attribute characteristic: expected no measuredValue, got ${value.measuredValue}`,
          );
      } else {
        if (
          typeof value.measuredValue !== 'number' ||
          !Number.isFinite(value.measuredValue) ||
          Math.abs(value.measuredValue) > MAX_STORABLE
        ) {
          throw badInput(
            `${field}.measuredValue`,
            `"${value.characteristic}" is a variable characteristic: expected a measured value within ±${MAX_STORABLE}, got ${JSON.stringify(value.measuredValue ?? null)}`,
          );
        }
        if (value.attributeOk !== null && value.attributeOk !== undefined)
          throw badInput(
            `${field}.attributeOk`,
            `"${value.characteristic}" is a variable characteristic: expected no attributeOk, got ${value.attributeOk}`,
          );
      }
      return {
        inspectionId,
        characteristic: characteristic.characteristic,
        lowerLimit: characteristic.lowerLimit,
        upperLimit: characteristic.upperLimit,
        measuredValue: characteristic.isAttribute ? null : value.measuredValue!,
        attributeOk: characteristic.isAttribute ? value.attributeOk! : null,
        conforming: isConforming(characteristic, value),
        position: characteristic.position,
        measuredAt: now,
      };
    });
    await upsertMeasurements(trx, rows);
    return inspection.status === 'OPEN' ? updateInspection(trx, inspectionId, { status: 'IN_PROGRESS' }) : inspection;
  });
}

/**
 * Completes an inspection with its usage decision once every characteristic of its plan has a
 * result. REJECT also holds the lot (unless it is held already, then that hold stands), opens an
 * NCR and hands the blocking of the lot stock to ERP, all in the same transaction.
 */
export async function makeUsageDecision(
  db: Kysely<QualityDatabase>,
  inspectionId: string,
  decision: string,
  now = new Date(),
): Promise<InspectionRow> {
  return transact(db, async (trx) => {
    const inspection = await lockUndecided(trx, inspectionId, 'a usage decision can be made');
    const plan = await findPlanCharacteristics(trx, inspection.inspectionType);
    const results = await findMeasurementsByInspections(trx, [inspectionId]);
    const recorded = new Set(results.map((m) => m.characteristic));
    const missing = plan.filter((c) => !recorded.has(c.characteristic)).map((c) => c.characteristic);
    if (missing.length) {
      throw userError(
        'INVALID_STATE',
        `inspection "${inspectionId}" is ${inspection.status} with no result for ${missing.join(', ')}; record every characteristic before the usage decision`,
        { status: inspection.status },
      );
    }
    const decided = await updateInspection(trx, inspectionId, { status: 'COMPLETED', usageDecision: decision, decidedAt: now });
    if (decision !== 'REJECT') return decided;

    const failed = results.filter((m) => !m.conforming).map((m) => m.characteristic);
    const finding = failed.length ? `nonconforming ${failed.join(', ')}` : 'rejected without a nonconforming result';
    if (!(await findOpenHoldOfLot(trx, inspection.lotId))) {
      const hold = await insertHold(trx, {
        lotId: inspection.lotId,
        materialId: inspection.materialId,
        siteId: inspection.siteId,
        quantity: inspection.lotQuantity,
        reason: `Usage decision REJECT on inspection ${inspectionId}: ${finding}`,
        inspectionId,
        placedAt: now,
      });
      // A hold placed by another transaction meanwhile stands for this rejection too.
      if (hold) await enqueueStockStatusChange(trx, hold, 'BLOCKED');
    }
    await insertNonconformance(trx, {
      source: 'INSPECTION',
      severity: 'MAJOR',
      description: `${inspection.inspectionType} inspection ${inspectionId} of lot ${inspection.lotId} rejected: ${finding}`,
      status: 'OPEN',
      materialId: inspection.materialId,
      lotId: inspection.lotId,
      customerId: null,
      supplierId: null,
      nonconformingQuantity: inspection.lotQuantity,
      inspectionId,
      sourceFindingId: null,
      reportedAt: now,
    });
    return decided;
  });
}
