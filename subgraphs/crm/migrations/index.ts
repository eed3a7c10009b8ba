import type { Migrations } from '../../../platform/db/migrate';
import { customersMigration } from './001_customers';
import { customerSearchMigration } from './002_customer_search';
import { idempotencyMigration } from '../../kit/idempotency';

/** CRM's schema history; names sort in the order they apply. */
export const crmMigrations: Migrations = {
  '001_customers': customersMigration,
  '002_customer_search': customerSearchMigration,
  '003_idempotency': idempotencyMigration,
};
