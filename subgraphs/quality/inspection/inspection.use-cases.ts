import type { Kysely } from 'kysely';
import { inTransaction, invalid, invalidState, missing, type Outcome, success } from '../../kit/outcome';
import { measurementProblem } from '../../kit/numbers';
import type { QualityDatabase } from '../db';
import { UNDECIDED } from '../enums';
import { findOpenHoldOfLot, insertHold } from '../hold/hold.repository';
import { enqueueStockStatusChange } from '../hold/stock.handoff';
import { insertNonconformance } from '../nonconformance/nonconformance.repository';
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

async function lockUndecided(trx: Kysely<QualityDatabase>, id: string, action: string): Promise<Outcome<InspectionRow>> {
  const inspection = await lockInspection(trx, id);
  if (!inspection) return missing('Inspection', id);
  if (!UNDECIDED.includes(inspection.status)) {
    return invalidState(`inspection "${id}" is ${inspection.status}; ${action} only while it is OPEN or IN_PROGRESS`, inspection.status);
  }
  return success(inspection);
}

/** The row of one result checked against its plan characteristic, or why it does not fit. */
function measurementRow(
  inspection: InspectionRow,
  characteristic: PlanCharacteristicRow,
  value: MeasurementValue,
  field: string,
  now: Date,
): Outcome<MeasurementRow> {
  if (characteristic.isAttribute) {
    if (typeof value.attributeOk !== 'boolean')
      return invalid(
        `${field}.attributeOk`,
        `"${value.characteristic}" is an attribute characteristic: expected attributeOk true or false, got ${JSON.stringify(value.attributeOk ?? null)}`,
      );
    if (value.measuredValue !== null && value.measuredValue !== undefined)
      return invalid(
        `${field}.measuredValue`,
        `"${value.characteristic}" is an attribute characteristic: expected no measuredValue, got ${value.measuredValue}`,
      );
  } else {
    const problem = measurementProblem(value.measuredValue);
    if (problem) return invalid(`${field}.measuredValue`, `"${value.characteristic}" is a variable characteristic: ${problem}`);
    if (value.attributeOk !== null && value.attributeOk !== undefined)
      return invalid(
        `${field}.attributeOk`,
        `"${value.characteristic}" is a variable characteristic: expected no attributeOk, got ${value.attributeOk}`,
      );
  }
  return success({
    inspectionId: inspection.id,
    characteristic: characteristic.characteristic,
    lowerLimit: characteristic.lowerLimit,
    upperLimit: characteristic.upperLimit,
    measuredValue: characteristic.isAttribute ? null : value.measuredValue!,
    attributeOk: characteristic.isAttribute ? value.attributeOk! : null,
    conforming: isConforming(characteristic, value),
    position: characteristic.position,
    measuredAt: now,
  });
}

/** Records results against the inspection plan's limits; the inspection moves to IN_PROGRESS. */
export async function recordMeasurements(
  db: Kysely<QualityDatabase>,
  inspectionId: string,
  values: readonly MeasurementValue[],
  now = new Date(),
): Promise<Outcome<InspectionRow>> {
  if (values.length === 0) return invalid('measurements', 'expected at least one measurement, got none');
  return inTransaction(db, async (trx) => {
    const locked = await lockUndecided(trx, inspectionId, 'results can be recorded');
    if (!locked.ok) return locked;
    const inspection = locked.value;
    const plan = await findPlanCharacteristics(trx, inspection.inspectionType);
    const byName = new Map(plan.map((c) => [c.characteristic, c] as const));
    const seen = new Set<string>();
    const rows: MeasurementRow[] = [];
    for (const [i, value] of values.entries()) {
      const field = `measurements[${i}]`;
      const characteristic = byName.get(value.characteristic);
      if (!characteristic) {
        return invalid(
          `${field}.characteristic`,
          `expected a characteristic of the ${inspection.inspectionType} plan (${plan.map((c) => c.characteristic).join(', ')}), got ${preview(value.characteristic)}`,
        );
      }
      if (seen.has(value.characteristic)) return invalid(`${field}.characteristic`, `"${value.characteristic}" is given twice`);
      seen.add(value.characteristic);
      const row = measurementRow(inspection, characteristic, value, field, now);
      if (!row.ok) return row;
      rows.push(row.value);
    }
    await upsertMeasurements(trx, rows);
    return success(inspection.status === 'OPEN' ? await updateInspection(trx, inspectionId, { status: 'IN_PROGRESS' }) : inspection);
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
): Promise<Outcome<InspectionRow>> {
  return inTransaction(db, async (trx) => {
    const locked = await lockUndecided(trx, inspectionId, 'a usage decision can be made');
    if (!locked.ok) return locked;
    const inspection = locked.value;
    const plan = await findPlanCharacteristics(trx, inspection.inspectionType);
    const results = await findMeasurementsByInspections(trx, [inspectionId]);
    const recorded = new Set(results.map((m) => m.characteristic));
    const unrecorded = plan.filter((c) => !recorded.has(c.characteristic)).map((c) => c.characteristic);
    if (unrecorded.length) {
      return invalidState(
        `inspection "${inspectionId}" is ${inspection.status} with no result for ${unrecorded.join(', ')}; record every characteristic before the usage decision`,
        inspection.status,
      );
    }
    const decided = await updateInspection(trx, inspectionId, { status: 'COMPLETED', usageDecision: decision, decidedAt: now });
    if (decision !== 'REJECT') return success(decided);

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
    return success(decided);
  });
}
