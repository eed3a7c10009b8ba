import type { Migrations } from '../../../../../platform/db/migrate';
import { gaugesMigration } from './001_gauges';
import { calibrationIntervalMigration } from './002_calibration_interval';

/** The gauges system's schema history; names sort in the order they apply. */
export const gaugesMigrations: Migrations = {
  '001_gauges': gaugesMigration,
  '002_calibration_interval': calibrationIntervalMigration,
};
