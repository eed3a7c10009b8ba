import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupLoader, rowLoader } from '../kit/loaders';
import { findLatestCommandsBySubjects } from '../kit/outbox';
import type { QualityDatabase } from './db';
import { findHoldsByLots, findOpenHoldsByMaterials } from './hold/hold.repository';
import { findInspectionsByIds, findInspectionsByLots, findInspectionsByWorkOrders, findMeasurementsByInspections } from './inspection/inspection.repository';
import {
  findCapasByNonconformances,
  findComplaintsByCustomers,
  findNonconformancesByIds,
  sumSupplierRejections,
} from './nonconformance/nonconformance.repository';

/** The trailing window of the supplier scorecard. */
export function scorecardWindowStart(now: Date = new Date()): Date {
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return since;
}

/** Quality's loaders, created per request. */
export function createQualityLoaders(db: Kysely<QualityDatabase>) {
  return {
    inspection: rowLoader((ids: readonly string[]) => findInspectionsByIds(db, ids), (row) => row.id),
    inspectionsByLot: groupLoader((lotIds: readonly string[]) => findInspectionsByLots(db, lotIds), (row) => row.lotId),
    inspectionsByWorkOrder: groupLoader((ids: readonly string[]) => findInspectionsByWorkOrders(db, ids), (row) => row.workOrderId!),
    measurementsByInspection: groupLoader((ids: readonly string[]) => findMeasurementsByInspections(db, ids), (row) => row.inspectionId),
    holdsByLot: groupLoader((lotIds: readonly string[]) => findHoldsByLots(db, lotIds), (row) => row.lotId),
    activeHoldsByMaterial: groupLoader((ids: readonly string[]) => findOpenHoldsByMaterials(db, ids), (row) => row.materialId),
    nonconformance: rowLoader((ids: readonly string[]) => findNonconformancesByIds(db, ids), (row) => row.id),
    capa: rowLoader((ids: readonly string[]) => findCapasByNonconformances(db, ids), (row) => row.nonconformanceId),
    complaintsByCustomer: groupLoader((ids: readonly string[]) => findComplaintsByCustomers(db, ids), (row) => row.customerId!),
    latestCommand: rowLoader((subjects: readonly string[]) => findLatestCommandsBySubjects(db, subjects), (row) => row.subject!),
    supplierRejected12m: new DataLoader<string, number>(async (supplierIds) => {
      const rows = await sumSupplierRejections(db, supplierIds, scorecardWindowStart());
      const bySupplier = new Map(rows.map((r) => [r.supplierId, Number(r.rejectedQuantity)] as const));
      return supplierIds.map((id) => bySupplier.get(id) ?? 0);
    }),
  };
}

export type QualityLoaders = ReturnType<typeof createQualityLoaders>;
