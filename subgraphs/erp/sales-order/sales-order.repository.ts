import type { Expression, Kysely } from 'kysely';
import { pagesByParent, type Keyset, type Page } from '../../kit/paging';
import type { ErpDatabase } from '../db';

export type SalesOrderRow = ErpDatabase['salesOrders'];

/** A customer's sales orders page by requested delivery date (a `date`, read as text), then number. */
export const CUSTOMER_SALES_ORDERS_KEYSET: Keyset = {
  list: 'Customer.salesOrders',
  columns: ['requestedDeliveryDate', 'number'],
  kinds: ['date', 'text'],
  direction: 'asc',
};

/** The page of sales orders of each customer (same order as `customerIds`) under one status filter, in one statement. */
export function pageSalesOrdersOfCustomers(
  db: Kysely<ErpDatabase>,
  customerIds: readonly string[],
  statuses: readonly string[] | null,
  page: Page,
): Promise<SalesOrderRow[][]> {
  return pagesByParent(db, customerIds, CUSTOMER_SALES_ORDERS_KEYSET, page, (customerId: Expression<string>) => {
    const query = db.selectFrom('salesOrders').selectAll().where('customerId', '=', customerId);
    if (!statuses) return query;
    // One status compares with `=`, so that the status index serves the page in key order.
    return statuses.length === 1
      ? query.where('status', '=', statuses[0]!)
      : query.where('status', '=', (eb) => eb.fn.any(eb.val(statuses)));
  });
}
