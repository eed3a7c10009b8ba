import type { Migrations } from '../../kit/db/migrate';
import { customersMigration } from './001_customers';

/** CRM's schema history; names sort in the order they apply. */
export const crmMigrations: Migrations = {
  '001_customers': customersMigration,
};
