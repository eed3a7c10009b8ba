import { sql, type Kysely } from 'kysely';
import type { QualityDatabase } from '../db';

export type NonconformanceRow = QualityDatabase['nonconformances'];
export type CapaRow = QualityDatabase['capas'];
export type NewNonconformance = Omit<NonconformanceRow, 'id' | 'disposition' | 'dispositionedAt'>;

export interface NonconformanceFilter {
  status?: readonly string[] | null;
  source?: string | null;
  severity?: string | null;
}

export function findNonconformancesByIds(db: Kysely<QualityDatabase>, ids: readonly string[]): Promise<NonconformanceRow[]> {
  return db.selectFrom('nonconformances').selectAll().where('id', '=', (eb) => eb.fn.any(eb.val(ids))).execute();
}

export function listNonconformances(db: Kysely<QualityDatabase>, filter: NonconformanceFilter): Promise<NonconformanceRow[]> {
  let query = db.selectFrom('nonconformances').selectAll();
  const { status } = filter;
  if (status) {
    if (status.length === 0) return Promise.resolve([]);
    query = query.where('status', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.source) query = query.where('source', '=', filter.source);
  if (filter.severity) query = query.where('severity', '=', filter.severity);
  return query.orderBy('reportedAt', 'desc').orderBy('id', 'desc').execute();
}

/** Customer complaints of many customers in one statement, newest first. */
export function findComplaintsByCustomers(db: Kysely<QualityDatabase>, customerIds: readonly string[]): Promise<NonconformanceRow[]> {
  return db
    .selectFrom('nonconformances')
    .selectAll()
    .where('customerId', '=', (eb) => eb.fn.any(eb.val(customerIds)))
    .where('source', '=', 'CUSTOMER_COMPLAINT')
    .orderBy('reportedAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findCapasByNonconformances(db: Kysely<QualityDatabase>, ids: readonly string[]): Promise<CapaRow[]> {
  return db.selectFrom('capas').selectAll().where('nonconformanceId', '=', (eb) => eb.fn.any(eb.val(ids))).execute();
}

export function lockNonconformance(db: Kysely<QualityDatabase>, id: string): Promise<NonconformanceRow | undefined> {
  return db.selectFrom('nonconformances').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findNonconformanceByFinding(db: Kysely<QualityDatabase>, findingId: string): Promise<NonconformanceRow | undefined> {
  return db.selectFrom('nonconformances').selectAll().where('sourceFindingId', '=', findingId).executeTakeFirst();
}

/**
 * Opens an NCR with the next number. For an audit finding that already has its NCR it inserts
 * nothing and returns undefined: the caller then reads the NCR that finding created.
 */
export function insertNonconformance(db: Kysely<QualityDatabase>, row: NewNonconformance): Promise<NonconformanceRow | undefined> {
  return db
    .insertInto('nonconformances')
    .values({ ...row, id: sql<string>`'NC' || lpad(nextval('nonconformance_number')::text, 6, '0')` })
    .onConflict((oc) => oc.column('sourceFindingId').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function setDisposition(db: Kysely<QualityDatabase>, id: string, disposition: string, at: Date): Promise<NonconformanceRow> {
  return db
    .updateTable('nonconformances')
    .set({ disposition, status: 'DISPOSITIONED', dispositionedAt: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertCapa(db: Kysely<QualityDatabase>, row: CapaRow): Promise<CapaRow> {
  return db.insertInto('capas').values(row).returningAll().executeTakeFirstOrThrow();
}

export interface SupplierRejectedRow {
  supplierId: string;
  rejectedQuantity: number;
}

/** Nonconforming quantity of supplier NCRs since `since`, per supplier (suppliers with none are absent). */
export function sumSupplierRejections(db: Kysely<QualityDatabase>, supplierIds: readonly string[], since: Date): Promise<SupplierRejectedRow[]> {
  return db
    .selectFrom('nonconformances')
    .select((eb) => [eb.ref('supplierId').$notNull().as('supplierId'), eb.fn.coalesce(eb.fn.sum<number>('nonconformingQuantity'), sql<number>`0`).as('rejectedQuantity')])
    .where('supplierId', '=', (eb) => eb.fn.any(eb.val(supplierIds)))
    .where('source', '=', 'SUPPLIER')
    .where('reportedAt', '>=', since)
    .groupBy('supplierId')
    .execute();
}
