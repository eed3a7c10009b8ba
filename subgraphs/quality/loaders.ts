import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupLoader, rowLoader } from '../kit/loaders';
import { findLatestCommandsBySubjects } from '../kit/outbox';
import { filteredPageLoaders, pageLoaders, toConnection, type Page } from '../kit/paging';
import type { QualityDatabase } from './db';
import { findHoldsByLots, findOpenHoldsByMaterials } from './hold/hold.repository';
import {
  findInspectionsByIds,
  findInspectionsByLots,
  findMeasurementsByInspections,
  LOT_INSPECTIONS_KEYSET,
  pageInspectionsByLots,
  pageInspectionsByWorkOrders,
  WORK_ORDER_INSPECTIONS_KEYSET,
} from './inspection/inspection.repository';
import { inspectionOfPage, nonconformanceOfPage } from './timestamp-page';
import {
  CUSTOMER_COMPLAINTS_KEYSET,
  findCapasByNonconformances,
  findNonconformancesByIds,
  pageComplaintsByCustomers,
  sumSupplierRejections,
} from './nonconformance/nonconformance.repository';

/** The trailing window of the supplier scorecard. */
export function scorecardWindowStart(now: Date = new Date()): Date {
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return since;
}

/**
 * Pages of customers' complaints, one set of page loaders per status filter, so that every
 * customer asking for the same statuses and the same page at one level of a query is one statement.
 */
function createComplaintPageLoaders(db: Kysely<QualityDatabase>) {
  return filteredPageLoaders(
    (status: readonly string[] | null) => (status ? [...new Set(status)].sort().join(',') : '*'),
    async (customerIds: readonly string[], page: Page, status) =>
      (await pageComplaintsByCustomers(db, customerIds, status, page)).map((rows) =>
        toConnection(rows, page, CUSTOMER_COMPLAINTS_KEYSET, nonconformanceOfPage),
      ),
  );
}

/** Quality's loaders, created per request. */
export function createQualityLoaders(db: Kysely<QualityDatabase>) {
  return {
    inspection: rowLoader(
      (ids: readonly string[]) => findInspectionsByIds(db, ids),
      (row) => row.id,
    ),
    /** Every inspection of a lot (its quality status weighs them all). */
    inspectionsByLot: groupLoader(
      (lotIds: readonly string[]) => findInspectionsByLots(db, lotIds),
      (row) => row.lotId,
    ),
    /** A page of the inspections of each lot. */
    inspectionPagesByLot: pageLoaders(async (lotIds: readonly string[], page: Page) =>
      (await pageInspectionsByLots(db, lotIds, page)).map((rows) => toConnection(rows, page, LOT_INSPECTIONS_KEYSET, inspectionOfPage)),
    ),
    /** A page of the inspections of each work order's output. */
    inspectionPagesByWorkOrder: pageLoaders(async (ids: readonly string[], page: Page) =>
      (await pageInspectionsByWorkOrders(db, ids, page)).map((rows) =>
        toConnection(rows, page, WORK_ORDER_INSPECTIONS_KEYSET, inspectionOfPage),
      ),
    ),
    measurementsByInspection: groupLoader(
      (ids: readonly string[]) => findMeasurementsByInspections(db, ids),
      (row) => row.inspectionId,
    ),
    holdsByLot: groupLoader(
      (lotIds: readonly string[]) => findHoldsByLots(db, lotIds),
      (row) => row.lotId,
    ),
    activeHoldsByMaterial: groupLoader(
      (ids: readonly string[]) => findOpenHoldsByMaterials(db, ids),
      (row) => row.materialId,
    ),
    nonconformance: rowLoader(
      (ids: readonly string[]) => findNonconformancesByIds(db, ids),
      (row) => row.id,
    ),
    capa: rowLoader(
      (ids: readonly string[]) => findCapasByNonconformances(db, ids),
      (row) => row.nonconformanceId,
    ),
    /** A page of each customer's complaints, of the given statuses (all when null). */
    complaintPagesByCustomer: createComplaintPageLoaders(db),
    latestCommand: rowLoader(
      (subjects: readonly string[]) => findLatestCommandsBySubjects(db, subjects),
      (row) => row.subject!,
    ),
    supplierRejected12m: new DataLoader<string, number>(async (supplierIds) => {
      const rows = await sumSupplierRejections(db, supplierIds, scorecardWindowStart());
      const bySupplier = new Map(rows.map((r) => [r.supplierId, Number(r.rejectedQuantity)] as const));
      return supplierIds.map((id) => bySupplier.get(id) ?? 0);
    }),
  };
}

export type QualityLoaders = ReturnType<typeof createQualityLoaders>;
