import { sql, type Kysely } from 'kysely';
import type { QualityDatabase } from '../db';

export type InspectionRow = QualityDatabase['inspections'];
export type MeasurementRow = QualityDatabase['measurements'];
export type PlanCharacteristicRow = QualityDatabase['planCharacteristics'];

export interface InspectionFilter {
  siteId: string;
  status?: readonly string[] | null;
  type?: string | null;
}

export function findInspectionsByIds(db: Kysely<QualityDatabase>, ids: readonly string[]): Promise<InspectionRow[]> {
  return db.selectFrom('inspections').selectAll().where('id', '=', (eb) => eb.fn.any(eb.val(ids))).execute();
}

/** Inspections of many lots in one statement, oldest first per lot. */
export function findInspectionsByLots(db: Kysely<QualityDatabase>, lotIds: readonly string[]): Promise<InspectionRow[]> {
  return db.selectFrom('inspections').selectAll().where('lotId', '=', (eb) => eb.fn.any(eb.val(lotIds))).orderBy('createdAt').orderBy('id').execute();
}

export function findInspectionsByWorkOrders(db: Kysely<QualityDatabase>, workOrderIds: readonly string[]): Promise<InspectionRow[]> {
  return db.selectFrom('inspections').selectAll().where('workOrderId', '=', (eb) => eb.fn.any(eb.val(workOrderIds))).orderBy('createdAt').orderBy('id').execute();
}

export function listInspections(db: Kysely<QualityDatabase>, filter: InspectionFilter): Promise<InspectionRow[]> {
  let query = db.selectFrom('inspections').selectAll().where('siteId', '=', filter.siteId);
  const { status } = filter;
  if (status) {
    if (status.length === 0) return Promise.resolve([]);
    query = query.where('status', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.type) query = query.where('inspectionType', '=', filter.type);
  return query.orderBy('createdAt').orderBy('id').execute();
}

/** One inspection, locked until the transaction ends (mutations change it). */
export function lockInspection(db: Kysely<QualityDatabase>, id: string): Promise<InspectionRow | undefined> {
  return db.selectFrom('inspections').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The lot's newest inspection lot: what quality knows of the lot's material, site and size. */
export function findLatestInspectionOfLot(db: Kysely<QualityDatabase>, lotId: string): Promise<InspectionRow | undefined> {
  return db.selectFrom('inspections').selectAll().where('lotId', '=', lotId).orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export function findMeasurementsByInspections(db: Kysely<QualityDatabase>, inspectionIds: readonly string[]): Promise<MeasurementRow[]> {
  return db.selectFrom('measurements').selectAll().where('inspectionId', '=', (eb) => eb.fn.any(eb.val(inspectionIds))).orderBy('inspectionId').orderBy('position').execute();
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
