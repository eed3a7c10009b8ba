import type { Migrations } from '../../kit/db/migrate';
import { countingMigration } from './001_counting';

/** Inventory's schema history. */
export const inventoryMigrations: Migrations = {
  '001_counting': countingMigration,
};
