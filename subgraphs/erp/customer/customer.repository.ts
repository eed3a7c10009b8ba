import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../db';

export type CustomerRow = ErpDatabase['customers'];

export function findCustomersByIds(db: Kysely<ErpDatabase>, ids: readonly string[]): Promise<CustomerRow[]> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}
