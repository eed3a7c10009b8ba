import type { Kysely } from 'kysely';
import { createChangeHistoryLoader } from '../kit/audit-trail';
import { rowLoader } from '../kit/loaders';
import { findCustomersByIds } from './customer/customer.repository';
import type { CrmDatabase } from './db';

/** CRM's loaders; created per request so that no cache outlives the request that filled it. */
export function createCrmLoaders(db: Kysely<CrmDatabase>) {
  return {
    customer: rowLoader(
      (ids: readonly string[]) => findCustomersByIds(db, ids),
      (row) => row.id,
    ),
    changeHistory: createChangeHistoryLoader(db),
  };
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;
