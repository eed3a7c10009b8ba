import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type SalesOrderRow = ErpDatabase['salesOrders'];

/** Sales orders of customers, optionally of some statuses only, by requested delivery date. */
export function findSalesOrdersOfCustomers(
  db: Kysely<ErpDatabase>,
  customerIds: readonly string[],
  statuses: readonly string[] | null,
): Promise<SalesOrderRow[]> {
  let query = db.selectFrom('salesOrders').selectAll().where('customerId', '=', (eb) => eb.fn.any(eb.val(customerIds)));
  if (statuses) query = query.where('status', '=', (eb) => eb.fn.any(eb.val(statuses)));
  return query.orderBy('requestedDeliveryDate').orderBy('number').execute();
}
