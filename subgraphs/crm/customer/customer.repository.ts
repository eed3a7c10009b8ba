import type { Kysely } from 'kysely';
import { keysetPage, type Keyset, type Page } from '../../kit/paging';
import type { CrmDatabase } from '../db';

export type CustomerRow = CrmDatabase['customers'];

export interface CustomerFilter {
  segment?: string | null;
  accountManager?: string | null;
  /** Part of the name or id, any case. */
  search?: string | null;
}

export function findCustomersByIds(db: Kysely<CrmDatabase>, ids: readonly string[]): Promise<CustomerRow[]> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/** Customers page by id. */
export const CUSTOMERS_KEYSET: Keyset = { list: 'customers', columns: ['id'], kinds: ['text'], direction: 'asc' };

/** One page of the customers matching every given filter, by id. */
export function listCustomers(db: Kysely<CrmDatabase>, filter: CustomerFilter, page: Page): Promise<CustomerRow[]> {
  let query = db.selectFrom('customers').selectAll();
  if (filter.segment) query = query.where('segment', '=', filter.segment);
  if (filter.accountManager) query = query.where('accountManager', '=', filter.accountManager);
  if (filter.search) {
    // The user's text is matched literally: LIKE wildcards in it are escaped.
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('id', 'ilike', pattern)]));
  }
  return keysetPage(query, CUSTOMERS_KEYSET, page).execute();
}

/** Locks a customer for the rest of the transaction. */
export function lockCustomer(db: Kysely<CrmDatabase>, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateCustomer(db: Kysely<CrmDatabase>, id: string, changes: Partial<Omit<CustomerRow, 'id'>>): Promise<CustomerRow> {
  return db.updateTable('customers').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
