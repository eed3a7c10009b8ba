import { sql, type Kysely } from 'kysely';
// The keyset functions alone: a repository needs none of the kit's GraphQL types.
import { keysetPage, pagesByParent } from '../../kit/paging/keyset';
import type { Keyset, Page } from '../../kit/paging';
import type { QualityDatabase } from '../db';
import { timestampKey } from '../../kit/paging/timestamp';

export type NonconformanceRow = QualityDatabase['nonconformances'];
export type CapaRow = QualityDatabase['capas'];
export type NewNonconformance = Omit<NonconformanceRow, 'id' | 'disposition' | 'dispositionedAt'>;

export interface NonconformanceFilter {
  status?: readonly string[] | null;
  source?: string | null;
  severity?: string | null;
}

export function findNonconformancesByIds(db: Kysely<QualityDatabase>, ids: readonly string[]): Promise<NonconformanceRow[]> {
  return db
    .selectFrom('nonconformances')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** An NCR as a page reads it: `reportedAt` as its cursor text (see timestampKey). */
export type NonconformancePageRow = Omit<NonconformanceRow, 'reportedAt'> & { reportedAt: string };

// Lists of NCRs page newest first: by the instant reported, then the NCR number, both descending.
const newestFirst = (list: string): Keyset => ({
  list,
  columns: ['nonconformances.reportedAt', 'nonconformances.id'],
  kinds: ['timestamp', 'text'],
  direction: 'desc',
});
export const NONCONFORMANCES_KEYSET = newestFirst('nonconformances');
export const CUSTOMER_COMPLAINTS_KEYSET = newestFirst('Customer.complaints');

function nonconformancePageRows(db: Kysely<QualityDatabase>) {
  return db
    .selectFrom('nonconformances')
    .select([
      'id',
      'source',
      'severity',
      'description',
      'status',
      'materialId',
      'lotId',
      'customerId',
      'supplierId',
      'nonconformingQuantity',
      'disposition',
      'inspectionId',
      'sourceFindingId',
      'dispositionedAt',
    ])
    .select(timestampKey('nonconformances.reportedAt').as('reportedAt'));
}

/** One page of the NCRs matching the filter (`first + 1` rows: the extra one tells a next page exists). */
export async function pageNonconformances(
  db: Kysely<QualityDatabase>,
  filter: NonconformanceFilter,
  page: Page,
): Promise<NonconformancePageRow[]> {
  let query = nonconformancePageRows(db);
  const { status } = filter;
  if (status) {
    if (status.length === 0) return [];
    query = query.where('status', '=', (eb) => eb.fn.any(eb.val(status)));
  }
  if (filter.source) query = query.where('source', '=', filter.source);
  if (filter.severity) query = query.where('severity', '=', filter.severity);
  return keysetPage(query, NONCONFORMANCES_KEYSET, page).execute();
}

/** One page of the complaints of each customer (optionally of some statuses only), in one statement for the batch. */
export async function pageComplaintsByCustomers(
  db: Kysely<QualityDatabase>,
  customerIds: readonly string[],
  status: readonly string[] | null,
  page: Page,
): Promise<NonconformancePageRow[][]> {
  if (status && status.length === 0) return customerIds.map(() => []);
  return pagesByParent(db, customerIds, CUSTOMER_COMPLAINTS_KEYSET, page, (customerId) => {
    const complaints = nonconformancePageRows(db).where('customerId', '=', customerId).where('source', '=', 'CUSTOMER_COMPLAINT');
    return status ? complaints.where('status', '=', (eb) => eb.fn.any(eb.val(status))) : complaints;
  });
}

export function findCapasByNonconformances(db: Kysely<QualityDatabase>, ids: readonly string[]): Promise<CapaRow[]> {
  return db
    .selectFrom('capas')
    .selectAll()
    .where('nonconformanceId', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
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
export function sumSupplierRejections(
  db: Kysely<QualityDatabase>,
  supplierIds: readonly string[],
  since: Date,
): Promise<SupplierRejectedRow[]> {
  return db
    .selectFrom('nonconformances')
    .select((eb) => [
      eb.ref('supplierId').$notNull().as('supplierId'),
      eb.fn.coalesce(eb.fn.sum<number>('nonconformingQuantity'), sql<number>`0`).as('rejectedQuantity'),
    ])
    .where('supplierId', '=', (eb) => eb.fn.any(eb.val(supplierIds)))
    .where('source', '=', 'SUPPLIER')
    .where('reportedAt', '>=', since)
    .groupBy('supplierId')
    .execute();
}
