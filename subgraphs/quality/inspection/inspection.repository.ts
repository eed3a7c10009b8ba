import { sql, type Kysely } from 'kysely';
// The keyset functions alone: a repository needs none of the kit's GraphQL types.
import { keysetPage, pagesByParent } from '../../kit/paging/keyset';
import type { Keyset, Page } from '../../kit/paging';
import type { QualityDatabase } from '../db';
import { timestampKey } from '../../kit/paging/timestamp';

export type InspectionRow = QualityDatabase['inspections'];
export type MeasurementRow = QualityDatabase['measurements'];
export type PlanCharacteristicRow = QualityDatabase['planCharacteristics'];

export interface InspectionFilter {
  siteId: string;
  status?: readonly string[] | null;
  type?: string | null;
}

export function findInspectionsByIds(db: Kysely<QualityDatabase>, ids: readonly string[]): Promise<InspectionRow[]> {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** Inspections of many lots in one statement, oldest first per lot. */
export function findInspectionsByLots(db: Kysely<QualityDatabase>, lotIds: readonly string[]): Promise<InspectionRow[]> {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where('lotId', '=', (eb) => eb.fn.any(eb.val(lotIds)))
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

/** An inspection as a page reads it: `createdAt` as its cursor text (see timestampKey). */
export type InspectionPageRow = Omit<InspectionRow, 'createdAt'> & { createdAt: string };

// Lists of inspections page oldest first: by the instant the inspection lot was opened, then its number.
const byOpening = (list: string): Keyset => ({
  list,
  columns: ['inspections.createdAt', 'inspections.id'],
  kinds: ['timestamp', 'text'],
  direction: 'asc',
});
export const INSPECTIONS_KEYSET = byOpening('inspections');
export const LOT_INSPECTIONS_KEYSET = byOpening('Lot.inspections');
export const WORK_ORDER_INSPECTIONS_KEYSET = byOpening('WorkOrder.inspections');

function inspectionPageRows(db: Kysely<QualityDatabase>) {
  return db
    .selectFrom('inspections')
    .select(['id', 'inspectionType', 'lotId', 'materialId', 'siteId', 'lotQuantity', 'workOrderId', 'status', 'usageDecision', 'decidedAt'])
    .select(timestampKey('inspections.createdAt').as('createdAt'));
}

/** One page of a site's inspections matching the filter (`first + 1` rows: the extra one tells a next page exists). */
export async function pageInspections(db: Kysely<QualityDatabase>, filter: InspectionFilter, page: Page): Promise<InspectionPageRow[]> {
  let query = inspectionPageRows(db).where('siteId', '=', filter.siteId);
  const { status } = filter;
  if (status) {
    if (status.length === 0) return [];
    query = query.where('status', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.type) query = query.where('inspectionType', '=', filter.type);
  return keysetPage(query, INSPECTIONS_KEYSET, page).execute();
}

/** One page of the inspections of each lot, in one statement for the batch. */
export function pageInspectionsByLots(db: Kysely<QualityDatabase>, lotIds: readonly string[], page: Page): Promise<InspectionPageRow[][]> {
  return pagesByParent(db, lotIds, LOT_INSPECTIONS_KEYSET, page, (lotId) => inspectionPageRows(db).where('lotId', '=', lotId));
}

/** One page of the inspections of each work order's output, in one statement for the batch. */
export function pageInspectionsByWorkOrders(
  db: Kysely<QualityDatabase>,
  workOrderIds: readonly string[],
  page: Page,
): Promise<InspectionPageRow[][]> {
  return pagesByParent(db, workOrderIds, WORK_ORDER_INSPECTIONS_KEYSET, page, (workOrderId) =>
    inspectionPageRows(db).where('workOrderId', '=', workOrderId),
  );
}

/** One inspection, locked until the transaction ends (mutations change it). */
export function lockInspection(db: Kysely<QualityDatabase>, id: string): Promise<InspectionRow | undefined> {
  return db.selectFrom('inspections').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The lot's newest inspection lot: what quality knows of the lot's material, site and size. */
export function findLatestInspectionOfLot(db: Kysely<QualityDatabase>, lotId: string): Promise<InspectionRow | undefined> {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where('lotId', '=', lotId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function findMeasurementsByInspections(db: Kysely<QualityDatabase>, inspectionIds: readonly string[]): Promise<MeasurementRow[]> {
  return db
    .selectFrom('measurements')
    .selectAll()
    .where('inspectionId', '=', (eb) => eb.fn.any(eb.val(inspectionIds)))
    .orderBy('inspectionId')
    .orderBy('position')
    .execute();
}

export function findPlanCharacteristics(db: Kysely<QualityDatabase>, inspectionType: string): Promise<PlanCharacteristicRow[]> {
  return db.selectFrom('planCharacteristics').selectAll().where('inspectionType', '=', inspectionType).orderBy('position').execute();
}

/** Writes results; a characteristic measured again replaces its earlier result. */
export async function upsertMeasurements(db: Kysely<QualityDatabase>, rows: readonly MeasurementRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('measurements')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['inspectionId', 'characteristic']).doUpdateSet((eb) => ({
        measuredValue: eb.ref('excluded.measuredValue'),
        attributeOk: eb.ref('excluded.attributeOk'),
        conforming: eb.ref('excluded.conforming'),
        lowerLimit: eb.ref('excluded.lowerLimit'),
        upperLimit: eb.ref('excluded.upperLimit'),
        measuredAt: eb.ref('excluded.measuredAt'),
      })),
    )
    .execute();
}

export function updateInspection(
  db: Kysely<QualityDatabase>,
  id: string,
  changes: Partial<Pick<InspectionRow, 'status' | 'usageDecision' | 'decidedAt'>>,
): Promise<InspectionRow> {
  return db.updateTable('inspections').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export type NewInspection = Omit<InspectionRow, 'id'>;

/** Opens an inspection lot with the next inspection number. */
export function insertInspection(db: Kysely<QualityDatabase>, row: NewInspection): Promise<InspectionRow> {
  return db
    .insertInto('inspections')
    .values({ ...row, id: sql<string>`'IN' || lpad(nextval('inspection_number')::text, 8, '0')` })
    .returningAll()
    .executeTakeFirstOrThrow();
}
