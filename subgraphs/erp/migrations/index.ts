import type { Migrations } from '../../kit/db/migrate';
import { coreMigration } from './001_core';

/** ERP's schema history; names sort in the order they apply. */
export const erpMigrations: Migrations = {
  '001_core': coreMigration,
};
